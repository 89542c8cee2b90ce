"""Documents are data: lines that address the system, and skills a line says the person lacks,
never become evidence."""

import re

# Text aimed at whoever processes the document rather than describing the person: classic
# injection phrasing, instructions to rate or rank, role-play set-ups.
_INSTRUCTION = re.compile(
    r"ignore (all |any )?(previous|prior|above|earlier) (instructions|prompts?|rules)"
    r"|disregard (the |all |any )?(previous|above|prior)"
    r"|\b(system|developer) prompt\b|\byou are (now )?(an? )?(ai|assistant|language model|chatbot|hr bot)\b"
    r"|\b(assistant|ai|model|chatbot|bot|recruiter|screener)\s*[:,]\s*(please )?"
    r"(rate|rank|score|mark|give|set|list|call|ignore)"
    r"|\b(rate|rank|score|mark|grade|list)\s+(me|this (candidate|person|cv))\b"
    r"|\bnew instructions\b|\bcall the [a-z_]+ tool\b|\b(reveal|print|show) (the |your )?(system|hidden|secret)",
    re.IGNORECASE,
)
_NEGATION = re.compile(
    r"\b(no|not|never|without|lack(ing)?|zero)\b[^.;:\n]{0,40}\b(experience|exposure|knowledge|used|familiar|worked)\b"
    r"|\b(not|never) (used|worked with|familiar with)\b",
    re.IGNORECASE,
)


def is_instruction(line: str) -> bool:
    return _INSTRUCTION.search(line) is not None


_CLAUSE = re.compile(r"[.;:()\[\]]|\bbut\b")
_DENIAL = re.compile(r"\b(no|not|never|without|lack(ing)?|zero)\b", re.IGNORECASE)
_USE = re.compile(r"\b(experience|exposure|knowledge|used|familiar|worked|professional|commercial|hands-on)\b", re.I)


def negated(line: str, position: int) -> bool:
    """Whether the clause around ``position`` in ``line`` denies the skill named there
    ("no commercial Java experience", "never used Azure")."""
    cuts = [m.start() for m in _CLAUSE.finditer(line)]
    start = max((c for c in cuts if c < position), default=-1) + 1
    end = min((c for c in cuts if c >= position), default=len(line))
    clause = line[start:end]
    return _NEGATION.search(clause) is not None or (
        _DENIAL.search(clause) is not None and _USE.search(clause) is not None
    )
