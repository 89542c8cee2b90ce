"""Infer one person's skills from several documents."""

from dataclasses import dataclass, field
from datetime import date

from hrm.core.db import Conn
from hrm.retrieval.embeddings import Embedder
from hrm.retrieval.intake import Document
from hrm.retrieval.vocabulary import vocabularies
from hrm.tools.inference.aggregate import InferredSkill, aggregate
from hrm.tools.inference.extract import DocumentSkill, extract


@dataclass
class Inference:
    skills: list[InferredSkill]
    warnings: list[str]
    implied: list[InferredSkill] = field(default_factory=list)


async def infer_documents(
    conn: Conn, embedder: Embedder, documents: list[Document], *, taxonomy: str, today: date
) -> Inference:
    vocabulary = await vocabularies.get(conn, taxonomy)
    found: list[DocumentSkill] = []
    implied: list[DocumentSkill] = []
    warnings: list[str] = []
    for document in documents:
        result = await extract(conn, embedder, vocabulary, document, taxonomy=taxonomy, today=today)
        found.extend(result.skills)
        implied.extend(result.implied)
        warnings.extend(f"{document.file}: {w}" for w in result.warnings)
    shown = aggregate(found)
    held = {s.skill_id for s in shown}
    return Inference(shown, warnings, [s for s in aggregate(implied) if s.skill_id not in held])
