"""Deterministic tools, one module per capability, and the registry they are declared in.

Importing this package registers every tool.
"""

from hrm.tools import career, gap, infer, jd_tools, match, passport, profile, roles, skills, team
from hrm.tools.registry import registry

__all__ = ["career", "gap", "infer", "jd_tools", "match", "passport", "profile", "registry", "roles", "skills", "team"]
