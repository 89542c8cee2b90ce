"""The organisation's job-description settings, read from ``organizations.settings``.

Keys live under ``settings["job_descriptions"]`` so they do not collide with other features:

``about_us`` (text), ``benefits`` (list of text), ``eeo_statement`` (text), ``salary_bands``
(list of ``{"role", "level", "location", "min", "max", "currency", "period"}``; ``role`` is a role
title or code, ``level`` and ``location`` optional narrowing) and ``time_to_fill_days``
(``{role title, role code or family: days}``). Missing keys fall back to the defaults below;
salary and time-to-fill have no default because a made-up number is worse than none.
"""

from dataclasses import dataclass, field
from typing import Any

from hrm.core.db import Conn

SETTINGS_KEY = "job_descriptions"

DEFAULT_EEO = (
    "We are an equal opportunity employer. We welcome applications from everyone and do not "
    "discriminate on the basis of race, colour, religion, sex, sexual orientation, gender identity, "
    "age, disability, nationality or any other protected characteristic."
)
DEFAULT_BENEFITS_NOTE = "Benefits are described in detail during the hiring process."


@dataclass(frozen=True)
class JDSettings:
    organization_name: str
    about_us: str
    about_us_is_default: bool
    benefits: list[str]
    benefits_is_default: bool
    eeo_statement: str
    eeo_is_default: bool
    salary_bands: list[dict[str, Any]] = field(default_factory=list)
    time_to_fill_days: dict[str, int] = field(default_factory=dict)


def parse_settings(name: str, raw: dict[str, Any]) -> JDSettings:
    jd = raw.get(SETTINGS_KEY) or {}
    about = str(jd.get("about_us") or "").strip()
    benefits = [str(b).strip() for b in jd.get("benefits") or [] if str(b).strip()]
    eeo = str(jd.get("eeo_statement") or "").strip()
    ttf = {str(k): int(v) for k, v in (jd.get("time_to_fill_days") or {}).items() if str(v).strip().isdigit()}
    return JDSettings(
        organization_name=name,
        about_us=about or f"{name} is growing its team.",
        about_us_is_default=not about,
        benefits=benefits or [DEFAULT_BENEFITS_NOTE],
        benefits_is_default=not benefits,
        eeo_statement=eeo or DEFAULT_EEO,
        eeo_is_default=not eeo,
        salary_bands=[b for b in jd.get("salary_bands") or [] if isinstance(b, dict)],
        time_to_fill_days=ttf,
    )


async def load_settings(conn: Conn) -> JDSettings:
    """The current organisation's settings (row-level security scopes the query to it)."""
    cur = await conn.execute("SELECT name, settings FROM organizations LIMIT 1")
    row = await cur.fetchone()
    if row is None:
        return parse_settings("Our organisation", {})
    return parse_settings(str(row["name"]), dict(row["settings"] or {}))
