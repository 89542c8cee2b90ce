"""Infer one person's skills from several documents."""

from dataclasses import dataclass
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


async def infer_documents(
    conn: Conn, embedder: Embedder, documents: list[Document], *, taxonomy: str, today: date
) -> Inference:
    vocabulary = await vocabularies.get(conn, taxonomy)
    found: list[DocumentSkill] = []
    warnings: list[str] = []
    for document in documents:
        result = await extract(conn, embedder, vocabulary, document, taxonomy=taxonomy, today=today)
        found.extend(result.skills)
        warnings.extend(f"{document.file}: {w}" for w in result.warnings)
    return Inference(aggregate(found), warnings)
