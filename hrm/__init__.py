"""AI-HRM: a conversational skills-intelligence agent for HR."""

__version__ = "0.1.0"
