"""What the rule-based planner makes of the conversation so far: job-description turns, follow-ups
("and for the ML Engineer role?", "what about Luca?", "make it more senior"), pronouns, and the
arguments of an intent the embedding vote chose.
"""

import re
from dataclasses import replace
from typing import Any

from hrm.agent import slots
from hrm.agent.intents import MIN_SIMILARITY, Vote
from hrm.agent.memory import Focus, text_arg
from hrm.agent.plan import DirectReply, Plan, ToolStep, TurnContext
from hrm.core.principals import Principal

PRONOUNS = frozenset({"she", "her", "he", "him", "them", "they", "lei", "lui", "this person", "that person"})
_PERSON_ARGS = ("person", "cover_for")
_PERSON_TOOLS = frozenset({"get_profile", "match_roles", "analyze_gap", "plan_career_path"})
_ROLE_ARG = {"analyze_gap": "role", "find_candidates": "role", "plan_career_path": "target"}

_JD_WORDS = r"(?:jd|j\.d\.|job description|job desc|job ad|job advert|job posting|posting|vacancy|annuncio|ad)"
_JD_NEW = re.compile(
    rf"\b(?:draft|write|create|generate|prepare|make|need|new|scrivi|prepara|crea)\b.*\b{_JD_WORDS}\b"
    rf"|^(?:new )?{_JD_WORDS} (?:for|per)\b|\bhiring an? .+(?:write|draft)"
)
_JD_TITLE = re.compile(
    r"\b(?:for|per|hiring|di)\s+(?:an?|the|un|una|uno|un')?\s*(?P<title>[\w][\w .&/+#'-]*?)"
    r"(?=\s*(?:,|:|$|\bin\b|\ba\b [A-Z]|\bbased\b|\bwith\b|\bremote\b|\breporting\b|\bfor\b"
    r"|\bwrite\b|\bdraft\b|\bcon\b))"
)
_JD_COLON = re.compile(r":\s*(?P<title>[\w .&/+#'-]+?)(?:,|$)")
_REFINE = re.compile(
    r"^(?:can you |could you |please )?(?:make|rendil[oa]|add|remove|drop|include|aggiungi|togli|rimuovi|change|set|"
    r"use|put|cambia)\b|\b(?:shorter|longer|more senior|more junior|less senior|friendlier|more formal|tone|"
    r"più (?:breve|senior|lunga|corta)|requirement)\b|^(?:shorter|longer)$"
)
_VERSIONS = re.compile(r"\bversions?\b|\bhistory\b|\bversioni\b")
_EXPORT = re.compile(r"\bexport|\bdownload|\besporta|\b(?:as|in|the) (?:html|markdown|md|json)\b")
_FORMAT = re.compile(r"\b(html|markdown|md|json)\b")
_VERSION_NO = re.compile(r"\bv(?:ersion(?:e)?)?\s*(\d+)\b")

_FOLLOW = re.compile(
    r"^(?:and|what about|how about|and what about|what if|same for|e|e per|e invece|now)\b\s*"
    r"(?:for |per |to become |to be |with |in |di )?(?:the |il |la |l'|an? |un |una |ruolo di |il ruolo di )?"
    r"(?P<x>.*?)(?: role| position| job| ruolo)?$"
)
_THERE = re.compile(r"\bget there\b|\bci arrivo\b|\barrivarci\b|\bthat role\b|\bfor it\b|\bquel ruolo\b")
_TAIL_ROLE = re.compile(
    r"\b(?:for|to become|to be|become|becoming|into|as|towards?|to|per diventare|diventare|per|ruolo di|reach)\s+"
    r"(?:an? |the |un |una |uno |il |la |l')?(?P<role>[\w][\w .&/+#'-]*?)(?: role| position| job| ruolo)?$"
)


def jd_step(text: str, message: str, focus: Focus) -> Plan | None:
    """Draft, refine, list or export a job description; None when the message is about something else."""
    if _JD_NEW.search(message) and not (focus.jd_id and _REFINE.search(message) and " for " not in message):
        title = _jd_title(text)
        if not title:
            return clarify_for("generate_job_description")
        return ToolStep("generate_job_description", _jd_request(text, title))
    if not focus.jd_id:
        return None
    if _EXPORT.search(message):
        args: dict[str, Any] = {"jd_id": focus.jd_id}
        fmt = _FORMAT.search(message)
        if fmt:
            args["format"] = "markdown" if fmt.group(1) == "md" else fmt.group(1)
        number = _VERSION_NO.search(message)
        if number:
            args["version"] = int(number.group(1))
        return ToolStep("export_job_description", args)
    if _VERSIONS.search(message):
        return ToolStep("list_job_description_versions", {"jd_id": focus.jd_id})
    if _REFINE.search(message):
        return ToolStep("refine_job_description", {"jd_id": focus.jd_id, "instruction": text.strip()[:500]})
    return None


def _jd_title(text: str) -> str | None:
    for pattern in (_JD_COLON, _JD_TITLE):
        match = pattern.search(text)
        if match:
            title = match.group("title").strip(" .'\"")
            title = re.sub(r"^(?:(?:a|an|the|un|una)\s+)", "", title, flags=re.I)
            if title and title.lower() not in ("me", "us", "it", "the role", "this"):
                return title[:200]
    return None


def _jd_request(text: str, title: str) -> dict[str, Any]:
    args: dict[str, Any] = {"title": title}
    place = re.search(r"\b(?:in|a|based in)\s+([A-Z][a-zà-ü]+(?:\s[A-Z][a-zà-ü]+)?)", text)
    if place and place.group(1).lower() not in title.lower():
        args["location"] = place.group(1)
    elif re.search(r"\bremote\b|\bda remoto\b", text, re.I):
        args["location"] = "Remote"
    reports = re.search(r"\breporting to\s+(?:the\s+)?([\w .&'-]+?)(?:,|$)", text, re.I)
    if reports:
        args["reports_to"] = reports.group(1).strip()
    needs = re.search(r"\b(?:with|requiring|needing|must know)\s+(.+?)$", text, re.I)
    if needs:
        args["key_requirements"] = needs.group(1).strip(" .")[:2000]
    team = re.search(r"\bteam of\s+(\d+)\b", text, re.I)
    if team:
        args["team_size"] = int(team.group(1))
    return args


async def complete(step: Plan, text: str, principal: Principal, context: TurnContext) -> Plan:
    """Resolve pronouns and "there" against the focus; fill a location for candidate searches."""
    if not isinstance(step, ToolStep):
        return step
    args = dict(step.args)
    focus = context.focus
    for key in _PERSON_ARGS:
        value = args.get(key)
        if isinstance(value, str) and value.lower() in PRONOUNS:
            if focus.person:
                args[key] = focus.person
            else:
                del args[key]
    if step.tool == "find_candidates" and "location" not in args and context.conn is not None:
        people = await slots.directory(context.conn, principal.org_id)
        location, _ = slots.place_in(text, people, role=text_arg(args.get("role")))
        if location:
            args["location"] = location
    return replace(step, args=args)


async def follow_up(text: str, message: str, principal: Principal, context: TurnContext) -> Plan | None:
    """A short turn that changes one thing of the last question: a person, a role, a skill, a place."""
    focus = context.focus
    last = focus.last_tool
    if not last:
        return None
    if _THERE.search(message) and re.search(r"\bhow (?:do|can|could) i\b|\bcome\b", message) and focus.role:
        return ToolStep("plan_career_path", {"target": focus.role})
    match = _FOLLOW.match(message)
    if not match or len(match.group("x").split()) > 6:
        return None
    span = _original(text, match.group("x")).strip(" ?!.")
    if not span:
        return None
    args = dict(focus.last_args)
    if context.conn is not None:
        people = await slots.directory(context.conn, principal.org_id)
        named = slots.people_in(span, people)
        location, _ = slots.place_in(text, people, role=text_arg(args.get("role")))
        if last == "find_candidates" and location and re.match(r"^(?:in|a|at)\b", _after_lead(message)):
            return ToolStep(last, {**args, "location": location})
        if named or span.lower() in PRONOUNS:
            who = named[0] if named else focus.person
            if last == "team_skills":
                return ToolStep("team_skills", {"view": "cover", "cover_for": who} if who else {})
            tool = last if last in _PERSON_TOOLS else "get_profile"
            kept = {k: v for k, v in args.items() if k in ("role", "target", "from_role")} if tool == last else {}
            return ToolStep(tool, {**kept, **({"person": who} if who else {})})
        if last in ("team_skills", "search_skills", "get_skill"):
            skills = await slots.skills_named(context.conn, span)
            if skills or last != "team_skills" or args.get("view") == "who_knows":
                skill = skills[0] if skills else span
                if last == "team_skills":
                    return ToolStep("team_skills", {"view": "who_knows", "skill": skill})
                return ToolStep(last, {"query": skill, "limit": 10} if last == "search_skills" else {"skill": skill})
    if last in _ROLE_ARG:
        return ToolStep(last, {**{k: v for k, v in args.items() if k != "from_role"}, _ROLE_ARG[last]: span})
    return None


def _after_lead(message: str) -> str:
    return re.sub(r"^(?:and|what about|how about|and what about|what if|same for|e|e per|e invece|now)\s*", "", message)


def _original(text: str, lowered: str) -> str:
    index = text.lower().replace("\u2019", "'").find(lowered)
    return text[index : index + len(lowered)] if index >= 0 else lowered


async def from_vote(vote: Vote, text: str, principal: Principal, tools: list[str], context: TurnContext) -> Plan:
    """The arguments of the intent the examples voted for, or a short question when unsure."""
    if vote.intent == "out_of_scope" and vote.confident:
        return DirectReply("not_yet")
    if not vote.confident:
        # Close to examples of several intents: ask which. Close to nothing: say what is possible.
        if vote.similarity < MIN_SIMILARITY or vote.intent == "out_of_scope" or vote.runner_up == "out_of_scope":
            return DirectReply("not_yet")
        return clarify_for(vote.intent)
    if vote.intent in ("greeting", "help"):
        return DirectReply(vote.intent)  # type: ignore[arg-type]
    return await fill(vote.intent, text, principal, context)


_CLARIFY = {
    "get_profile": "Do you want to see a skills profile? Try “what skills do I have?”.",
    "search_skills": "Shall I search the skills taxonomy? Try “search skills for kubernetes”.",
    "get_skill": "Do you want details of a skill? Try “what is Kubernetes?”.",
    "update_skill": "Do you want to update a skill? Try “I know Kubernetes at level 4” or “confirm my Python skill”.",
    "match_roles": "Do you want roles that fit? Try “what roles could I move to?”.",
    "analyze_gap": "Do you want a gap analysis? Try “what am I missing to become a Data Engineer?”.",
    "plan_career_path": "Do you want a career path? Try “how do I become a Staff Engineer?”.",
    "find_candidates": "Do you want people for a role? Try “who could fill a Senior Data Engineer role?”.",
    "team_skills": "Do you want your team's skills? Try “who on my team knows Kubernetes?”.",
    "normalize_title": "Do you want a job title matched to a role? Try “normalize the title ‘code ninja’”.",
    "generate_job_description": "Which role should the job description be for? "
    "Try “draft a JD for a senior data engineer in Berlin”.",
    "refine_job_description": "Which job description? Draft one first, e.g. “draft a JD for a Data Engineer”.",
    "list_job_description_versions": "Which job description? Draft one first, e.g. “draft a JD for a Data Engineer”.",
    "export_job_description": "Which job description? Draft one first, e.g. “draft a JD for a Data Engineer”.",
}


# Intents a few keywords settle, for the questions the tool-specific rules in rules.py do not cover;
# their arguments come from slot filling.
KEYWORD_INTENTS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b(?:standard|official|canonical|normali[sz]e)\b.*\b(?:title|role)\b"), "normalize_title"),
    (re.compile(r"^(?:confirm|conferma)\b|\bi (?:know|rate myself|really do have|do have)\b|\bi don'?t (?:know|have)\b"
                r"|\b(?:set|change) my\b.*\blevel\b|\bthat'?s wrong\b"), "update_skill"),
    (re.compile(r"^(?:what is|what's|whats|what are|explain|tell me about|cos'?è|cosa è|cos'e)\b"
                r"|\b(?:which|what) roles? (?:need|needs|require|requires|use)\b"), "get_skill"),
    (re.compile(r"\bwho\b.*\b(?:fits?|suits?|matches)\b.*\b(?:role|position|job)\b|\bcandidat[ei]\b"
                r"|\b(?:find|rank|shortlist)\b.*\b(?:people|employees|candidates)\b"), "find_candidates"),
]  # fmt: skip


async def keyword_intent(text: str, message: str, principal: Principal, context: TurnContext) -> Plan | None:
    for pattern, intent in KEYWORD_INTENTS:
        if not pattern.search(message):
            continue
        # "what is ..." is about a skill only when it names one ("what's the weather" is not).
        if intent == "get_skill" and not (context.conn and await slots.skills_named(context.conn, text)):
            continue
        plan = await fill(intent, text, principal, context)
        if isinstance(plan, ToolStep):
            return plan
    return None


def clarify_for(intent: str) -> DirectReply:
    return DirectReply("clarify", _CLARIFY.get(intent, "Could you say that another way?"))


async def fill(intent: str, text: str, principal: Principal, context: TurnContext) -> Plan:
    focus = context.focus
    conn = context.conn
    people = await slots.directory(conn, principal.org_id) if conn is not None else None
    named = slots.people_in(text, people) if people else []
    lowered = text.lower()
    if not named and re.search(r"\b(she|her|he|him|his|lei|lui)\b", lowered) and focus.person:
        named = [focus.person]
    person = {"person": named[0]} if named else {}
    roles = await slots.roles_in(conn, text) if conn is not None else []
    role = roles[0] if roles else _tail_role(text)
    if intent in ("get_profile", "match_roles"):
        return ToolStep(intent, person)
    if intent in ("analyze_gap", "plan_career_path", "find_candidates"):
        if _mentions_person_only(role, named):
            role = None
        role = role or focus.role
        if not role:
            return clarify_for(intent)
        key = _ROLE_ARG[intent]
        args: dict[str, Any] = {key: role}
        if intent != "find_candidates":
            args.update(person)
        return await complete(ToolStep(intent, args), text, principal, context)
    skills = await slots.skills_named(conn, text) if conn is not None else []
    if intent == "team_skills":
        return ToolStep("team_skills", _team_args(text, lowered, named, skills, people))
    if intent == "search_skills":
        query = skills[0] if skills else _strip_lead(text)
        return ToolStep("search_skills", {"query": query[:200], "limit": 10}) if query else clarify_for(intent)
    if intent == "get_skill":
        skill = skills[0] if skills else focus.skill
        return ToolStep("get_skill", {"skill": skill}) if skill else clarify_for(intent)
    if intent == "update_skill":
        return _update_args(text, lowered, skills, focus) or clarify_for(intent)
    if intent == "normalize_title":
        quoted = re.search(r"[\"'‘“](.+?)[\"'’”]", text)
        title = quoted.group(1) if quoted else _strip_lead(re.sub(r".*\b(?:title|for)\b", "", text, flags=re.I))
        return ToolStep("normalize_title", {"titles": [title[:200]]}) if title else clarify_for(intent)
    if intent == "generate_job_description":
        title = role or _jd_title(text)
        return ToolStep(intent, _jd_request(text, title)) if title else clarify_for(intent)
    if intent in ("refine_job_description", "list_job_description_versions", "export_job_description"):
        if not focus.jd_id:
            return clarify_for(intent)
        args = {"jd_id": focus.jd_id}
        if intent == "refine_job_description":
            args["instruction"] = text.strip()[:500]
        return ToolStep(intent, args)
    return DirectReply("not_yet")


def _mentions_person_only(role: str | None, named: list[str]) -> bool:
    return bool(role and named and role.lower() in {n.lower() for n in named})


def _tail_role(text: str) -> str | None:
    match = _TAIL_ROLE.search(text.strip().rstrip("?!. "))
    if not match:
        return None
    role = match.group("role").strip()
    if role.lower() in ("me", "it", "there", "him", "her", "them", "next", "work") or len(role) < 2:
        return None
    return role


_LEAD = re.compile(
    r"^(?:please |can you |could you |pls )?(?:search|find|look ?up|lookup|cerca|any|show|list)?\s*"
    r"(?:for |me )?(?:the )?(?:skills?|taxonomy|competenz\w*)?\s*(?:for|about|like|related to|matching|on|per)?\s*",
    re.I,
)


def _strip_lead(text: str) -> str:
    return _LEAD.sub("", text.strip().rstrip("?!. ")).strip(" '\"")


def _team_args(
    text: str, lowered: str, named: list[str], skills: list[str], people: slots.OrgDirectory | None
) -> dict[str, Any]:
    args: dict[str, Any] = {}
    if people:
        _, department = slots.place_in(text, people)
        if department:
            args["team"] = department
    if re.search(r"\borg\b|\borgani[sz]ation\b|\bcompany\b|\bazienda\b", lowered):
        args.setdefault("team", "organisation")
    if named and re.search(r"cover|replace|backup|absent|leave|sostitu|away|out\b", lowered):
        return {**args, "view": "cover", "cover_for": named[0]}
    if re.search(r"only one|single point|bus factor|unico", lowered):
        args["view"] = "spof"
    elif re.search(r"matrix|matrice", lowered):
        args["view"] = "matrix"
    elif re.search(r"\bcover(?:age)?\b.*\broles?\b|\bcoverage\b", lowered):
        args["view"] = "coverage"
    elif re.search(r"weak|missing|lack|gaps?\b|learn|priorit|mancan|debol|develop", lowered) and not skills:
        args["view"] = "priorities"
    if skills and "view" not in args:
        args.update(view="who_knows", skill=skills[0])
    elif skills and args.get("view") == "spof":
        args["skill"] = skills[0]
    level = slots.level_in(text)
    if level and args.get("view") == "who_knows":
        args["min_level"] = level
    return args


def _update_args(text: str, lowered: str, skills: list[str], focus: Focus) -> ToolStep | None:
    skill = skills[0] if skills else focus.skill
    if not skill:
        return None
    level = slots.level_in(text)
    if re.search(r"\bwrong\b|\bdon'?t\b|\bdo not\b|\bnot true\b|\bdispute|\bnon (?:so|conosco)\b|\bnever\b", lowered):
        return ToolStep("update_skill", {"skill": skill, "action": "dispute", "reason": text.strip()[:500]})
    if level:
        return ToolStep("update_skill", {"skill": skill, "action": "self_assess", "level": level})
    return ToolStep("update_skill", {"skill": skill, "action": "confirm"})
