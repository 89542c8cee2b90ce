"""Inclusive-language check of a JD's text.

Gender-coded words: the masculine- and feminine-coded word stems of Gaucher, D., Friesen, J. &
Kay, A. C. (2011), "Evidence that gendered wording in job advertisements exists and sustains gender
inequality", Journal of Personality and Social Psychology 101(1), 109–128 (as published in its
appendix and used by the open gender-decoder tool). Masculine-coded wording lowers how appealing
a job is to women, so those words are warnings; feminine-coded words are reported for balance.

Skill names and the job title are masked before the scan: they name the work ("Data Analysis",
"Lead Data Engineer") and are not wording choices.
"""

import re

from hrm.tools.jd.model import InclusiveFlag, InclusiveReport, JobDescription

MASCULINE_STEMS = (
    "active", "adventurous", "aggress", "ambitio", "analy", "assert", "athlet", "autonom", "battle", "boast",
    "challeng", "champion", "compet", "confident", "courag", "decid", "decision", "decisive", "defend",
    "determin", "domina", "driven", "fearless", "fight", "force", "greedy", "head-strong", "headstrong",
    "hierarch", "hostil", "impulsive", "independen", "individual", "intellect", "lead", "logic", "objective",
    "opinion", "outspoken", "persist", "principle", "reckless", "self-confiden", "self-relian",
    "self-sufficien", "stubborn", "superior", "unreasonab",
)  # fmt: skip
FEMININE_STEMS = (
    "agree", "affectionate", "child", "cheer", "collab", "commit", "communal", "compassion", "connect",
    "considerate", "cooperat", "co-operat", "depend", "emotiona", "empath", "feel", "flatterable", "gentle",
    "honest", "interpersonal", "interdependen", "interpersona", "kind", "kinship", "loyal", "modesty", "nag",
    "nurtur", "pleasant", "polite", "quiet", "respon", "sensitiv", "submissive", "support", "sympath",
    "tender", "together", "trust", "understand", "warm", "whin", "enthusias", "inclusive", "yield", "share",
    "sharing",
)  # fmt: skip
# Neutral alternatives for the masculine-coded stems most often seen in job ads.
ALTERNATIVES = {
    "aggress": "proactive, bold",
    "ambitio": "motivated",
    "assert": "clear, direct",
    "competit": "high-performing",
    "compet": "high-performing",
    "confident": "assured in your work",
    "decisive": "able to make well-reasoned calls",
    "domina": "established, leading the market",
    "driven": "motivated",
    "fearless": "willing to try new approaches",
    "fight": "work for",
    "force": "strong presence",
    "headstrong": "persistent",
    "independen": "self-directed",
    "lead": "guide, coordinate",
    "ninja": "expert",
    "superior": "excellent",
    "stubborn": "persistent",
}
JARGON = {
    "rockstar": "skilled", "rock star": "skilled", "ninja": "expert", "guru": "expert", "wizard": "expert",
    "unicorn": "versatile specialist", "hit the ground running": "get up to speed quickly",
    "work hard, play hard": "describe the actual working hours and culture",
    "work hard play hard": "describe the actual working hours and culture", "synergy": "collaboration",
    "crush it": "do excellent work", "10x": "highly effective", "self-starter": "able to work on your own",
    "wear many hats": "take on a range of tasks", "move fast and break things": "iterate quickly",
    "thought leader": "expert", "best-in-class": "excellent", "killer": "excellent",
}  # fmt: skip
AGE_CODED = {
    "digital native": "comfortable with digital tools",
    "young": "describe the work rather than the people",
    "youthful": "describe the work rather than the people",
    "energetic": "motivated",
    "recent graduate": "early-career (any age)",
    "fresh graduate": "early-career (any age)",
    "new graduate": "early-career (any age)",
    "overqualified": "remove: judge applicants on the requirements",
    "mature": "experienced",
    "no more than": "state a minimum, not a maximum, of experience",
    "maximum of": "state a minimum, not a maximum, of experience",
    "up to 3 years": "state a minimum, not a maximum, of experience",
    "up to 5 years": "state a minimum, not a maximum, of experience",
    "young and dynamic": "motivated",
}
MAX_ESSENTIAL = 10
_DEGREE = re.compile(r"\b(degree|bachelor'?s?|master'?s?|msc|bsc|ph\.?d|diploma)\b", re.I)
_EQUIVALENT = re.compile(r"\b(or equivalent|equivalent experience|not required|or similar experience)\b", re.I)


def jd_text(jd: JobDescription) -> str:
    """The candidate-facing prose of a JD, one line per item."""
    lines = [jd.title, jd.summary, *jd.responsibilities, *jd.qualifications, *jd.benefits, jd.about_us]
    return "\n".join(line for line in lines if line)


def _mask(text: str, names: list[str]) -> str:
    for name in sorted(set(names), key=len, reverse=True):
        if name.strip():
            text = re.sub(r"(?<!\w)" + re.escape(name) + r"(?!\w)", " ", text, flags=re.I)
    return text


def _coded(words: list[str], stems: tuple[str, ...]) -> dict[str, int]:
    found: dict[str, int] = {}
    for word in words:
        if any(word.startswith(stem) for stem in stems):
            found[word] = found.get(word, 0) + 1
    return found


def _suggestion(word: str) -> str:
    for stem, alternative in ALTERNATIVES.items():
        if word.startswith(stem):
            return f"Consider a neutral word such as “{alternative}”."
    return "Consider a neutral alternative, or balance it with communal wording."


def _phrases(text: str, table: dict[str, str]) -> dict[str, tuple[int, str]]:
    found = {}
    for phrase, alternative in table.items():
        hits = re.findall(r"(?<![\w-])" + re.escape(phrase) + r"(?![\w-])", text, flags=re.I)
        if hits:
            found[phrase] = (len(hits), alternative)
    return found


def check(jd: JobDescription, extra_text: str = "") -> InclusiveReport:
    """Flags in the JD's prose (and ``extra_text``, e.g. a rewrite not yet applied)."""
    text = jd_text(jd) + ("\n" + extra_text if extra_text else "")
    scan = _mask(text, [s.name for s in jd.skills] + [jd.title, jd.role_title])
    words = re.findall(r"[a-z][a-z\-]*", scan.lower())
    masculine = _coded(words, MASCULINE_STEMS)
    feminine = _coded(words, FEMININE_STEMS)
    flags: list[InclusiveFlag] = [
        InclusiveFlag(kind="masculine_coded", phrase=w, count=n, severity="warning", suggestion=_suggestion(w))
        for w, n in sorted(masculine.items())
    ]
    flags += [
        InclusiveFlag(
            kind="feminine_coded",
            phrase=w,
            count=n,
            severity="info",
            suggestion="Feminine-coded; fine to keep, it balances masculine-coded wording.",
        )
        for w, n in sorted(feminine.items())
    ]
    for phrase, (n, alternative) in sorted(_phrases(scan, JARGON).items()):
        flags.append(
            InclusiveFlag(
                kind="jargon",
                phrase=phrase,
                count=n,
                severity="warning",
                suggestion=f"Say what you mean: “{alternative}”.",
            )
        )
    for phrase, (n, alternative) in sorted(_phrases(scan, AGE_CODED).items()):
        flags.append(
            InclusiveFlag(
                kind="age_coded",
                phrase=phrase,
                count=n,
                severity="warning",
                suggestion=f"Age-coded; try “{alternative}”.",
            )
        )
    for line in [*jd.qualifications, extra_text]:
        if _DEGREE.search(line) and not _EQUIVALENT.search(line):
            flags.append(
                InclusiveFlag(
                    kind="degree",
                    phrase=line.strip(),
                    severity="warning",
                    suggestion="A degree requirement narrows the pool without predicting performance for most "
                    "roles; remove it or add “or equivalent practical experience”.",
                )
            )
    essentials = len(jd.essential())
    if essentials > MAX_ESSENTIAL:
        flags.append(
            InclusiveFlag(
                kind="too_many_essentials",
                phrase=f"{essentials} essential requirements",
                count=essentials,
                severity="warning",
                suggestion=f"Long must-have lists discourage qualified applicants; keep at most {MAX_ESSENTIAL} "
                "essentials and mark the rest important or nice to have.",
            )
        )
    m, f = sum(masculine.values()), sum(feminine.values())
    balance = "masculine-coded" if m > f else "feminine-coded" if f > m else "neutral"
    return InclusiveReport(
        flags=flags,
        masculine_count=m,
        feminine_count=f,
        balance=balance,
        warnings=sum(1 for flag in flags if flag.severity == "warning"),
    )
