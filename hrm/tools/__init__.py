"""Deterministic tools, one module per capability, and the registry they are declared in.

Importing this package registers every tool.
"""

from hrm.tools import (
    career,
    consent,
    gap,
    infer,
    jd_tools,
    match,
    oversight,
    passport,
    privacy,
    profile,
    retention,
    roles,
    skills,
    team,
)
from hrm.tools.registry import registry

__all__ = [
    "career",
    "consent",
    "gap",
    "infer",
    "jd_tools",
    "match",
    "oversight",
    "passport",
    "privacy",
    "profile",
    "registry",
    "retention",
    "roles",
    "skills",
    "team",
]
