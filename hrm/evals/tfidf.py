"""The TF-IDF baseline of the skill-linking benchmark: the sparse label index alone."""

from hrm.retrieval.sparse import LabelIndex as TfidfLinker

__all__ = ["TfidfLinker"]
