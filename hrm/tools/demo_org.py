"""A deterministic demo organisation: people in teams with managers, HR, an admin, and skills
drawn from the built-in role catalogue. Written as the import CSVs, so the demo exercises the very
import path real organisations use."""

import csv
import io
import random
from dataclasses import dataclass

from hrm.retrieval.builtin_taxonomy import BuiltinTaxonomy
from hrm.tools.org_import import PEOPLE_COLUMNS, SKILLS_COLUMNS

FIRST = [
    "Marta",
    "Luca",
    "Giulia",
    "Marco",
    "Sara",
    "Paolo",
    "Elena",
    "Andrea",
    "Chiara",
    "Davide",
    "Anna",
    "Tomás",
    "Priya",
    "Noah",
    "Aisha",
    "Jonas",
    "Mei",
    "Omar",
    "Lena",
    "Kofi",
    "Sofia",
    "Mateo",
    "Hana",
    "Ravi",
    "Ingrid",
    "Diego",
    "Yuki",
    "Fatima",
    "Liam",
    "Zara",
    "Emil",
    "Nadia",
    "Hugo",
    "Amara",
    "Felix",
    "Irene",
    "Samir",
    "Clara",
    "Ben",
    "Lucia",
    "Arjun",
    "Maya",
    "Oscar",
    "Leila",
    "Pietro",
    "Ava",
]
LAST = [
    "Rossi",
    "Bianchi",
    "Müller",
    "Okafor",
    "Tanaka",
    "García",
    "Novak",
    "Silva",
    "Kowalski",
    "Haddad",
    "Johansson",
    "Moreau",
    "Patel",
    "Kim",
    "Conti",
    "Romano",
    "Fischer",
    "Mensah",
    "Costa",
    "Nowak",
    "Ferrari",
    "Lindqvist",
    "Ahmed",
    "Dubois",
    "Esposito",
    "Schmidt",
    "Ricci",
    "Jensen",
    "Marino",
    "Greco",
]
LOCATIONS = ["Milan", "Berlin", "Remote", "London", "Lisbon"]


@dataclass(frozen=True)
class Team:
    name: str
    family_words: tuple[str, ...]  # catalogue role families this team's people hold
    size: int


TEAMS = (
    Team("Engineering", ("software", "engineering"), 12),
    Team("Data", ("data", "ml", "ai", "analytics"), 9),
    Team("Sales", ("sales",), 8),
    Team("Customer Support", ("support", "customer"), 7),
    Team("People", ("hr", "people", "human"), 5),
)


@dataclass(frozen=True)
class DemoCsv:
    people: str
    skills: str
    emails_to_try: dict[str, str]  # what to try -> email


def _roles_for(team: Team, tax: BuiltinTaxonomy) -> list[dict[str, object]]:
    matches = [r for r in tax.roles if any(w in str(r["family"]).lower() for w in team.family_words)]
    return sorted(matches, key=lambda r: str(r["code"])) or sorted(tax.roles, key=lambda r: str(r["code"]))[:3]


def build_demo(tax: BuiltinTaxonomy, seed: int = 7) -> DemoCsv:
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not security
    names = {s["key"]: s["name"] for s in tax.skills}
    people_rows: list[list[str]] = []
    skill_rows: list[list[str]] = []
    used: set[str] = set()

    def person(first: str, last: str) -> str:
        email = f"{first}.{last}".lower().replace("ü", "u").replace("í", "i").replace("á", "a").replace("é", "e")
        while email in used:
            email += "2"
        used.add(email)
        return f"{email}@demo.example"

    ceo = person("Alessandra", "Vitale")
    people_rows.append(
        [ceo, "Alessandra", "Vitale", "Chief Executive Officer", "Leadership", "", "Milan", "admin", "U0DEMOCEO"]
    )
    try_these = {"admin": ceo}
    slack_index = 1
    pool = [(first, last) for first in FIRST for last in LAST if (first, last) != ("Marta", "Rossi")]
    rng.shuffle(pool)
    for team in TEAMS:
        roles = _roles_for(team, tax)
        team_people: list[tuple[str, dict[str, object]]] = []
        for position in range(team.size):
            # One fixed, documented person to try first (the README's command asks as her).
            first, last = ("Marta", "Rossi") if (team.name, position) == ("Data", 2) else pool.pop()
            email = person(first, last)
            role = roles[0] if position == 0 else rng.choice(roles)
            is_lead = position == 0
            app_role = "manager" if is_lead else ("hr" if team.name == "People" else "employee")
            manager = ceo if is_lead else team_people[0][0]
            title = f"Head of {team.name}" if is_lead else str(role["title"])
            people_rows.append(
                [
                    email,
                    first,
                    last,
                    title,
                    team.name,
                    manager,
                    rng.choice(LOCATIONS),
                    app_role,
                    f"U0DEMO{slack_index:03d}",
                ]
            )
            slack_index += 1
            team_people.append((email, role))
            for req in role["skills"]:  # type: ignore[attr-defined]
                if rng.random() < 0.8:
                    level = max(1, min(5, int(req["level"]) + rng.choice([-2, -1, -1, 0, 0, 0, 1])))
                    skill_rows.append(
                        [email, names[req["skill"]], str(level), rng.choice(["self", "self", "manager", "peer"])]
                    )
            if team.name == "Data" and is_lead:
                try_these["manager"] = email
            if team.name == "People" and position == 1:
                try_these["hr"] = email
            if team.name == "Data" and position == 2:
                try_these["employee"] = email
    return DemoCsv(_csv(PEOPLE_COLUMNS, people_rows), _csv(SKILLS_COLUMNS, skill_rows), try_these)


PEOPLE_HEADER = [
    "email",
    "first_name",
    "last_name",
    "job_title",
    "department",
    "manager_email",
    "location",
    "role",
    "slack_user_id",
]
SKILLS_HEADER = ["email", "skill", "level", "source"]


def _csv(header: tuple[str, ...], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()
