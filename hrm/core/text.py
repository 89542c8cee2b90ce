"""Text normalisation shared by import, lookup and search, so "PostgreSQL", "postgresql " and
"Postgre-SQL" meet in one key."""

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z+#]+")


def norm(text: str) -> str:
    """Case, accent, spacing and punctuation insensitive key. Keeps ``+`` and ``#`` (C++, C#)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return _NON_ALNUM.sub("", folded)
