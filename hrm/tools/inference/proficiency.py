"""Proficiency 1–5 from context, on the seed's scale: years of use, recency, responsibility words,
certifications. Words only count on the lines that mention the skill."""

import re

# Years of use → level (seed §2.3: 0–6 months novice, 6–18 developing, 1–3 years proficient,
# 3–7 advanced, 7+ expert).
_BANDS = ((0.5, 1), (1.5, 2), (3.0, 3), (7.0, 4))
_SENIOR = re.compile(
    r"\b(led|lead|leading|architect(ed)?|designed|owned|head of|principal|staff|expert|mentor(ed|ing)?|"
    r"coach(ed)?|taught|trained (a|the|new)|built and ran|set up|established|scaled)\b",
    re.IGNORECASE,
)
_JUNIOR = re.compile(
    r"\b(basic|basics|beginner|familiar(ity)? with|exposure to|some experience|learning|introductory|"
    r"coursework|course in|bootcamp|intern(ship)?|assisted)\b",
    re.IGNORECASE,
)
_EXPLICIT = re.compile(r"\b(expert|advanced|proficient|intermediate|beginner|basic|native|fluent|c1|c2|b2)\b", re.I)


def level_from_years(years: float) -> int:
    for limit, level in _BANDS:
        if years < limit:
            return level
    return 5


def estimate_level(
    *,
    years: float,
    recency_years: float | None,
    context_lines: list[str],
    listed_only: bool,
    certified: bool,
    career_years: float,
) -> int:
    # Listed without any dated use: developing, or proficient on a long career.
    listed_level = 3 if career_years >= 5 else 2
    level = listed_level if listed_only else (level_from_years(years) if years > 0 else 2)
    text = " ".join(context_lines)
    if _SENIOR.search(text):
        level += 1
    if certified:
        level = max(level, 3)
    if recency_years is not None and recency_years > 5:
        level -= 1  # skills fade; an old stint says less about today
    if _JUNIOR.search(text):
        level = min(level, 2)
    return max(1, min(5, level))
