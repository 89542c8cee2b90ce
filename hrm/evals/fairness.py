"""``hrm eval --suite fairness``: does the scorer treat groups alike?

Two checks, reported as found:

1. **Adverse impact.** A synthetic population (seeded) of people holding the built-in roles, with
   skills sampled around their role's requirements, carries a protected attribute the scorer never
   sees. For every built-in role the top 10% of the population by score is "selected"; the
   adverse-impact ratio is the lower group's selection rate over the higher's, flagged below 0.8
   (the four-fifths rule) when the role selects enough people for the ratio to mean something.
   Two populations are scored: a *control*, where the attribute affects nothing, and a *modest
   self-rating* one, where one group records a third of its self-assessed skills a level lower (a
   gap reported in self-assessment studies). The second shows how much a bias in the *data* passes
   through a scorer that is blind to the attribute.
2. **Counterfactual CVs.** The project's eval CVs are rewritten with names, pronouns and gendered
   words swapped, inferred again, and scored against every built-in role; the top-10 role list
   must stay the same in at least 98% of cases.
"""

import re
from datetime import date
from importlib import resources
from typing import Any

import numpy as np
from scipy import sparse

from hrm.core.db import Database
from hrm.retrieval.embeddings import Embedder, from_pgvector
from hrm.retrieval.intake import read_document
from hrm.tools.catalog import IMPORTANCE_WEIGHT
from hrm.tools.inference.service import infer_documents
from hrm.tools.matching.scorer import MatchInputs, rank, score, top_k

FOUR_FIFTHS = 0.8
TARGET_STABLE = 0.98
SELECT_SHARE = 0.10
MIN_SELECTED = 20  # below this many selections a ratio is noise, not evidence
EVAL_DAY = date(2026, 11, 1)

# Swapped both ways; whole words, case kept for the first letter.
_WORDS = {
    "he": "she", "him": "her", "his": "her", "himself": "herself", "mr": "ms", "man": "woman", "men": "women",
    "male": "female", "father": "mother", "husband": "wife", "boy": "girl", "brother": "sister",
    "chairman": "chairwoman", "son": "daughter",
}  # fmt: skip
_BACK = {v: k for k, v in _WORDS.items() if v != "her"} | {"her": "his"}
# Replacement names: first names read as another gender or origin than the CV's own.
_NAMES = [("Emily", "Walsh"), ("Jamal", "Okoro"), ("Mei", "Zhang"), ("José", "García")]


async def _catalogue(db: Database) -> tuple[list[int], dict[int, dict[int, tuple[int, float]]], dict[int, Any]]:
    async with db.org_tx(None) as conn:
        cur = await conn.execute(
            """SELECT rs.role_id, rs.skill_id, rs.required_level, rs.importance FROM role_skills rs
               JOIN roles r ON r.id = rs.role_id WHERE r.source = 'builtin' AND r.org_id IS NULL"""
        )
        needs: dict[int, dict[int, tuple[int, float]]] = {}
        for row in await cur.fetchall():
            needs.setdefault(int(row["role_id"]), {})[int(row["skill_id"])] = (
                int(row["required_level"]),
                IMPORTANCE_WEIGHT[str(row["importance"])],
            )
        skills = sorted({s for reqs in needs.values() for s in reqs})
        cur = await conn.execute("SELECT id, embedding::text AS v FROM skills WHERE id = ANY(%s)", (skills,))
        vectors = {int(r["id"]): from_pgvector(str(r["v"])) for r in await cur.fetchall() if r["v"]}
    return sorted(needs), needs, vectors


def _inputs(
    people: list[dict[int, int]], roles: list[int], needs: dict[int, dict[int, tuple[int, float]]], vectors: Any
) -> MatchInputs:
    skills = sorted({s for reqs in needs.values() for s in reqs} | {s for p in people for s in p})
    column = {s: i for i, s in enumerate(skills)}
    dim = len(next(iter(vectors.values())))
    matrix = np.zeros((len(skills), dim))
    for s, i in column.items():
        if s in vectors:
            matrix[i] = vectors[s] / max(float(np.linalg.norm(vectors[s])), 1e-12)

    def csr(rows: list[dict[int, float]]) -> sparse.csr_matrix:
        dense = np.zeros((len(rows), len(skills)))
        for r, row in enumerate(rows):
            for s, v in row.items():
                dense[r, column[s]] = v
        return sparse.csr_matrix(dense)

    return MatchInputs(
        levels=csr([{s: float(v) for s, v in p.items()} for p in people]),
        required=csr([{s: float(q) for s, (q, _) in needs[r].items()} for r in roles]),
        importance=csr([{s: w for s, (_, w) in needs[r].items()} for r in roles]),
        skill_vectors=matrix,
        career=sparse.csr_matrix((len(people), len(roles))),
        person_tokens=sparse.csr_matrix((len(people), 1)),
        role_tokens=sparse.csr_matrix((len(roles), 1)),
    )


def _population(
    roles: list[int], needs: dict[int, dict[int, tuple[int, float]]], size: int, *, modesty: float, seed: int
) -> tuple[list[dict[int, int]], np.ndarray]:
    """People holding random roles, skills scattered around the requirements; ``modesty`` is the
    share of group-1 skills recorded a level lower."""
    rng = np.random.default_rng(seed)
    group = rng.integers(0, 2, size)
    all_skills = sorted({s for reqs in needs.values() for s in reqs})
    people = []
    for i in range(size):
        held = needs[roles[int(rng.integers(0, len(roles)))]]
        levels = {}
        for skill, (required, _) in held.items():
            if rng.random() < 0.85:
                levels[skill] = int(np.clip(required + rng.integers(-2, 2), 1, 5))
        for skill in rng.choice(all_skills, size=3, replace=False).tolist():
            levels.setdefault(int(skill), int(rng.integers(1, 4)))
        if group[i] == 1 and modesty:
            levels = {s: max(1, v - 1) if rng.random() < modesty else v for s, v in levels.items()}
        people.append(levels)
    return people, group


def adverse_impact(
    inputs: MatchInputs, group: np.ndarray, roles: list[int], share: float = SELECT_SHARE
) -> list[dict[str, Any]]:
    people = inputs.levels.shape[0]
    k = max(1, int(people * share))
    # Each role's column ranked over people, with the scorer's own tie-breaking.
    chosen_by_role = top_k(score(inputs).total.T, k)
    rows = []
    for column, role in enumerate(roles):
        chosen = np.zeros(people, dtype=bool)
        chosen[chosen_by_role[column]] = True
        rates = [float(chosen[group == g].mean()) if (group == g).any() else 0.0 for g in (0, 1)]
        ratio = min(rates) / max(rates) if max(rates) > 0 else 1.0
        rows.append({"role_id": role, "rates": [round(r, 4) for r in rates], "ratio": round(ratio, 4)})
    return rows


def _summary(rows: list[dict[str, Any]], selected: int, titles: dict[int, str]) -> dict[str, Any]:
    ratios = [r["ratio"] for r in rows]
    flagged = [r for r in rows if r["ratio"] < FOUR_FIFTHS] if selected >= MIN_SELECTED else []
    return {
        "flagged": [
            {"role": titles.get(r["role_id"], str(r["role_id"])), "ratio": r["ratio"]}
            for r in sorted(flagged, key=lambda r: r["ratio"])
        ],
        "roles": len(rows),
        "selected_per_role": selected,
        "min_ratio": round(min(ratios), 3),
        "median_ratio": round(float(np.median(ratios)), 3),
        "roles_below_four_fifths": len(flagged),
        "share_below_four_fifths": round(len(flagged) / len(rows), 3),
    }


def _replace_word(text: str, old: str, new: str) -> str:
    """Whole-word replacement in the word's three spellings (as written, UPPER, lower), so an
    email's local part follows and 'rn' inside 'turned' does not."""
    for before, after in ((old, new), (old.upper(), new.upper()), (old.lower(), new.lower())):
        text = re.sub(rf"(?<![\w]){re.escape(before)}(?![\w])", after, text)
    return text


def swap_gendered(text: str, name: tuple[str, str], original: tuple[str, str]) -> str:
    """The CV with its owner's name replaced and gendered words swapped both ways."""
    out = _replace_word(_replace_word(text, original[0], name[0]), original[1], name[1])

    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        if len(word) > 1 and word.isupper():
            return word  # an acronym ("MS Project"), not a title
        lower = word.lower()
        other = _WORDS.get(lower) or _BACK.get(lower) or lower
        return other.capitalize() if word[0].isupper() else other

    pattern = r"\b(" + "|".join(sorted(set(_WORDS) | set(_BACK), key=len, reverse=True)) + r")\b"
    return re.sub(pattern, swap, out, flags=re.IGNORECASE)


def _owner(text: str) -> tuple[str, str] | None:
    """First and last name from the CV's first line: the words before any comma or credentials."""
    for line in text.splitlines()[:3]:
        head = re.split(r",|\s{2,}|\||·|•|—", line.lstrip("# ").replace("*", "").strip())[0]
        words = [w for w in head.split() if re.fullmatch(r"[A-ZÀ-Ý][\w'’-]*\.?", w) and not w.endswith(".")]
        if len(words) >= 2:
            return words[0], words[1]  # later words are credentials (RN, ACCA), not names
    return None


async def counterfactual(
    db: Database, embedder: Embedder, roles: list[int], needs: Any, vectors: Any
) -> dict[str, Any]:
    folder = resources.files("hrm.evals").joinpath("data/cvs")
    files = sorted(p.name for p in folder.iterdir() if p.name.endswith((".md", ".txt")))
    cases = same = same_set = 0
    changed: list[dict[str, Any]] = []
    for name in files:
        text = folder.joinpath(name).read_text(encoding="utf-8")
        owner = _owner(text)
        if owner is None:
            continue
        variants = [text] + [swap_gendered(text, n, owner) for n in _NAMES]
        profiles = []
        for variant in variants:
            document = read_document(variant.encode(), name, source="cv")
            async with db.org_tx(None) as conn:
                result = await infer_documents(conn, embedder, [document], taxonomy="builtin", today=EVAL_DAY)
            profiles.append({s.skill_id: s.proficiency for s in result.skills})
        best, _ = rank(_inputs(profiles, roles, needs, vectors), 10)
        base = best[0].tolist()
        for i, row in enumerate(best[1:].tolist(), start=1):
            cases += 1
            same += row == base
            same_set += set(row) == set(base)
            if row != base:
                changed.append({"cv": name, "variant": " ".join(_NAMES[i - 1])})
    return {
        "cases": cases,
        "top10_identical": round(same / cases, 3) if cases else 0.0,
        "top10_same_set": round(same_set / cases, 3) if cases else 0.0,
        "changed": changed,
    }


async def run_fairness_eval(db: Database, embedder: Embedder, size: int = 20_000) -> dict[str, Any]:
    roles, needs, vectors = await _catalogue(db)
    async with db.org_tx(None) as conn:
        cur = await conn.execute("SELECT id, title FROM roles WHERE id = ANY(%s)", (roles,))
        titles = {int(r["id"]): str(r["title"]) for r in await cur.fetchall()}
    selected = max(1, int(size * SELECT_SHARE))
    populations = {}
    for label, modesty in (("control", 0.0), ("modest_self_rating", 1 / 3)):
        people, group = _population(roles, needs, size, modesty=modesty, seed=11)
        rows = adverse_impact(_inputs(people, roles, needs, vectors), group, roles)
        populations[label] = _summary(rows, selected, titles)
    flips = await counterfactual(db, embedder, roles, needs, vectors)
    metrics = {"adverse_impact": populations, "counterfactual": flips}
    passed = flips["top10_identical"] >= TARGET_STABLE and populations["control"]["roles_below_four_fifths"] == 0
    return {"suite": "fairness", "metrics": metrics, "passed": passed}
