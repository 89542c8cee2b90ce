"""A small organisation with a known best candidate for a Senior Data Engineer role, shared by the
matching tests of the tool layer and of the REST channel (each imports it under its own slug)."""

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"


def matching_csvs(org: str) -> tuple[str, str, str]:
    """People, skills and roles CSV text, with emails at ``@<org>.test``."""
    return tuple(  # type: ignore[return-value]
        (FIXTURES / f"matching_{part}.csv").read_text(encoding="utf-8").replace("{org}", org)
        for part in ("people", "skills", "roles")
    )
