"""Deterministic tools, one module per capability, and the registry they are declared in.

Importing this package registers every tool.
"""

from hrm.tools import infer, passport, profile, roles, skills
from hrm.tools.registry import registry

__all__ = ["infer", "passport", "profile", "registry", "roles", "skills"]
