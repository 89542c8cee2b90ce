"""The rule-based planner: the offline default and the fallback of the LLM planner.

Keyword and pattern rules map a message to a tool and its arguments (precision); when none
matches, the nearest labelled examples in embedding space vote for an intent (recall on
paraphrases and typos) and slots are linked against the caller's organisation. Follow-ups read the
conversation's focus. It understands English and the common questions in Italian; below the vote's
confidence it asks a short question, and anything out of scope gets the list of what it can do.
"""

import re
from collections.abc import Mapping

from hrm.agent import followups
from hrm.agent.intents import classifier_for
from hrm.agent.plan import DirectReply, Plan, ToolStep, TurnContext
from hrm.agent.typos import correct_typos
from hrm.core.principals import Principal

_SPACE = re.compile(r"\s+")

_GREETING = re.compile(r"^(hi|hello|hey|ciao|salve|buongiorno|good (morning|afternoon|evening))\b[!. ]*$")
_HELP = re.compile(
    r"^(help|\?|aiuto)$|what (can|do) you do|what are you|how (do|can) (i|you) use|commands|cosa (sai|puoi) fare"
)
_MY_SKILLS = re.compile(
    r"\b(my|mine)\b.*\b(skills?|profile|competenz\w*|abilit\w*)\b"
    r"|\bskills?\b.*\b(do|have|did) i\b|\bi have\b.*\bskills?\b"
    r"|what am i (good|strong) at|\bwho am i\b"
    r"|(quali|che) competenze ho|le mie competenze"
)
_PERSON_SKILLS = [
    re.compile(r"what skills (?:does|has|do) (?P<who>.+?) (?:have|got|know)\b"),
    re.compile(r"(?:show|list|get|give me|tell me)(?: me)? (?P<who>.+?)'s (?:skills?|profile)"),
    re.compile(r"^(?P<who>[\w .@'-]+?)'s (?:skills?|profile)\b"),
    re.compile(r"(?:skills?|profile) (?:of|for) (?P<who>[\w .@'-]+?)$"),
    re.compile(r"what is (?P<who>.+?) good at"),
    re.compile(r"(?:quali|che) competenze ha (?P<who>.+?)$"),
    re.compile(r"competenze di (?P<who>.+?)$"),
]
# A search verb leads: checked before the person patterns ("search skills for k8s" is no person).
_SEARCH_EXPLICIT = [
    re.compile(
        r"^(?:please )?(?:search|find|look ?up|lookup)(?: for)?(?: the)? (?:skills?|taxonomy)"
        r"(?: for| about| like| matching| named| called)? (?P<q>.+)$"
    ),
    re.compile(r"(?:is there|do you have|do we have) an? skill (?:for|called|named|like) (?P<q>.+)$"),
    re.compile(r"cerca (?:competenz\w*|skill) (?:per |di |su )?(?P<q>.+)$"),
    re.compile(r"^(?:please )?(?:search|find|look ?up|cerca)(?: for)? (?P<q>.+)$"),
]
# Loose phrasings, tried only when nothing else matched.
_SEARCH_LOOSE = [re.compile(r"skills? (?:like|related to|matching|about) (?P<q>.+)$")]
_TRAILING = re.compile(r"[?!.\s]+$")
# "confirm my Python skill" changes the passport; it is not a request to see it.
_UPDATING = re.compile(r"^(?:please )?(?:confirm|dispute|conferma|contesta)\b")

# Career and team questions. ``role``/``skill``/``who`` groups become tool arguments (in the case
# the user typed them); the first pattern that matches wins, so narrower phrasings come first.
_ROLE = r"(?:an? |the )?(?P<role>[\w .&/+#'-]+?)(?: role| position| job)?"
_GAP = [
    re.compile(rf"what (?:am i|is (?P<who>[\w .@'-]+?)) missing (?:to become|to be|for(?: the)?) {_ROLE}$"),
    re.compile(rf"what (?:do i|does (?P<who>[\w .@'-]+?)) (?:need|lack) (?:to become|to be|for(?: the)?) {_ROLE}$"),
    re.compile(rf"(?:my |skills? )?gaps? (?:analysis )?(?:to|for|towards?) {_ROLE}$"),
    re.compile(rf"how far (?:am i|is (?P<who>[\w .@'-]+?)) from (?:becoming )?{_ROLE}$"),
    re.compile(rf"(?:am i|is (?P<who>[\w .@'-]+?)) ready (?:for|to become|to be) {_ROLE}$"),
    re.compile(rf"cosa (?:mi manca|manca a (?P<who>[\w .'-]+?)) per (?:diventare |fare (?:il |la |l')?)?{_ROLE}$"),
    re.compile(
        rf"(?:what|which) skills? (?:am i|do i|is (?P<who>[\w .@'-]+?)|does (?P<who2>[\w .@'-]+?)) "
        rf"(?:missing|lack|lacking|need|short on) (?:to become|to be|for(?: the)?) {_ROLE}$"
    ),
    re.compile(rf"what would (?:i|(?P<who>[\w .@'-]+?)) need (?:to become|to be|for(?: the)?) {_ROLE}$"),
    re.compile(rf"compare (?:me|(?P<who>[\w .@'-]+?)) (?:with|to|against) {_ROLE}$"),
    re.compile(rf"what'?s missing between (?:me|(?P<who>[\w .@'-]+?)) and {_ROLE}$"),
    re.compile(rf"quanto (?:sono|è (?P<who>[\w .'-]+?)) lontan[oa] da(?:l ruolo di |ll'|lla |l |i )?{_ROLE}$"),
]
_PATH = [
    re.compile(
        rf"how (?:do|can|could|would|should) i (?:get|go|move|grow|progress) from {_ROLE} to "
        r"(?:an? |the )?(?P<target>.+?)$"
    ),
    re.compile(rf"^(?:career )?path from {_ROLE} to (?:an? |the )?(?P<target>.+?)$"),
    re.compile(
        r"how (?:do|can|could|would|should) i (?:get to|become|move into|grow into|get into) "
        r"(?:an? |the )?(?P<target>.+?)$"
    ),
    re.compile(
        r"(?:career )?(?:path|route|roadmap|steps) (?:to|towards?) (?:becoming )?(?:an? |the )?(?P<target>.+?)$"
    ),
    re.compile(
        r"how long (?:to|until i|would it take (?:me )?to|does it take to) (?:become|get to) "
        r"(?:an? |the )?(?P<target>.+?)$"
    ),
    re.compile(r"come (?:posso |faccio a )?diventare (?:un |una |uno |un')?(?P<target>.+?)$"),
]
_PATH += [
    re.compile(
        r"how (?:could|can|would|might) (?P<who>[\w .@'-]+?) (?:become|get to|grow into) "
        r"(?:an? |the )?(?P<target>.+?)$"
    ),
    re.compile(
        r"i (?:want|would like|'d like|plan) to (?:move|get|grow|go) into (?:an? |the )?(?P<target>.+?),? "
        r"(?:how|what)\b.*$"
    ),
    re.compile(r"percorso (?:di carriera )?(?:per|verso) (?:diventare )?(?:un |una |uno |un')?(?P<target>.+?)$"),
]
_CANDIDATES = [
    re.compile(rf"who (?:could|can|would|should|might) (?:fill|take|do|be|become|step into) {_ROLE}$"),
    re.compile(rf"(?:best |top |possible |internal )?candidates? (?:for|to fill) {_ROLE}$"),
    re.compile(rf"who (?:fits|matches|suits) {_ROLE}(?: best)?$"),
    re.compile(rf"(?:best|right) (?:person|people|fit) for {_ROLE}$"),
    re.compile(rf"chi (?:potrebbe|può) (?:fare|ricoprire|diventare) (?:il |la |l'|un |una )?{_ROLE}$"),
    re.compile(
        rf"who (?:in|at|across) (?:the |our )?(?:company|org|organi[sz]ation|team) (?:fits|suits|matches) {_ROLE}$"
    ),
    re.compile(rf"(?:find|show|get) (?:me )?(?:people|someone|anyone|candidates) for {_ROLE}(?: opening| vacancy)?$"),
]
_MATCH = [
    re.compile(r"(?:suggest|recommend) (?:some |a |any )?(?:roles?|jobs?|positions?) for (?P<who>me|[\w .@'-]+?)$"),
    re.compile(r"(?:which|what) (?:roles?|jobs?) would (?:fit|suit|match) (?P<who>me|[\w .@'-]+?)$"),
    re.compile(r"what (?:roles?|jobs?) could (?P<who>i|[\w .@'-]+?) grow into$"),
    re.compile(
        r"what (?:roles?|jobs?|positions?) (?:could|can|would|might) (?P<who>[\w .@'-]+?) "
        r"(?:do|fit|take|move to|go for|become|apply for)"
    ),
    re.compile(r"what (?:could|can|might) (?P<who>i|[\w .@'-]+?) become"),
    re.compile(r"(?:roles?|jobs?|positions?) (?:that )?(?:fit|match|suit)s? (?P<who>me|[\w .@'-]+?)(?: best)?$"),
    re.compile(r"(?:which|what) (?:roles?|jobs?) (?:fit|match|suit)s? (?P<who>me|[\w .@'-]+?)(?: best)?$"),
    re.compile(
        r"(?:my )?(?:career|next) (?:options|moves?|steps?)$|(?:match|matching) roles?(?: for (?P<who>[\w .@'-]+?))?$"
    ),
    re.compile(r"(?:che|quali) ruoli (?:potrei|posso) (?:fare|ricoprire)|cosa potrei diventare"),
]
_TEAM = [
    (re.compile(r"single points? of failure|bus factor|who is the only one"), {"view": "spof"}),
    (
        re.compile(r"(?:which|who) of my (?:reports|team|people) (?:can do|knows?|has) (?P<skill>.+)$"),
        {"view": "who_knows"},
    ),
    (
        re.compile(
            r"what(?:'s| is) (?:the|our|my) (?:org|organi[sz]ation|company|team) (?:weakest|weak) (?:at|in|on)$"
        ),
        {"view": "priorities"},
    ),
    (re.compile(r"skills? matrix|matrix of (?:skills|my team)"), {"view": "matrix"}),
    (
        re.compile(
            r"who (?:could|can|would) cover for (?P<cover>[\w .@'-]+?)$|(?:cover|backup) for (?P<cover2>[\w .@'-]+?)$"
        ),
        {"view": "cover"},
    ),
    (
        re.compile(
            r"(?:team(?:'?s)?|our) (?:skills? )?gaps|where is (?:my|our) team weak|what is (?:my|our) team missing"
            r"|(?:team )?development priorities"
        ),
        {"view": "priorities"},
    ),
    (re.compile(r"(?:team'?s?|role) coverage|how well does (?:my|our) team cover"), {"view": "coverage"}),
    (
        re.compile(r"how many (?:people )?(?:in (?P<team>[\w .&'-]+?) )?(?:know|have|can do) (?P<skill>.+)$"),
        {"view": "who_knows"},
    ),
    (
        re.compile(r"who (?:on|in) (?:my|our|the) team (?:knows|has|can do|is good at) (?P<skill>.+)$"),
        {"view": "who_knows"},
    ),
    (
        re.compile(r"who (?:in (?P<team>[\w .&'-]+?) )?(?:knows|is good at|has experience (?:in|with)) (?P<skill>.+)$"),
        {"view": "who_knows"},
    ),
    (re.compile(r"chi (?:nel (?:mio )?team )?(?:conosce|sa usare) (?P<skill>.+)$"), {"view": "who_knows"}),
    (
        re.compile(
            r"(?:my |our )?team'?s? skills?$|skills? of (?:my|our) team$|(?:my|our) team$|competenze del (?:mio )?team"
        ),
        {"view": "summary"},
    ),
]
_SELF = {"i", "me", "myself"}


def _clean(text: str) -> str:
    lowered = _SPACE.sub(" ", text.strip().lower().replace("\u2019", "'"))
    return _TRAILING.sub("", lowered)


class RuleBasedPlanner:
    name = "rules"

    async def plan(self, text: str, principal: Principal, tools: list[str]) -> Plan:
        """Rules alone: no conversation, no database."""
        return _rule_plan(text, tools) or DirectReply("not_yet")

    async def plan_in_context(self, text: str, principal: Principal, tools: list[str], context: TurnContext) -> Plan:
        plan = await self._plan_in_context(text, principal, tools, context)
        if isinstance(plan, DirectReply) and plan.kind in ("clarify", "not_yet"):
            # A second reading with the planner's own words spelled right ("wat skils do i hav").
            corrected = correct_typos(text)
            if corrected != text:
                again = await self._plan_in_context(corrected, principal, tools, context)
                if isinstance(again, ToolStep):
                    return again
        return plan

    async def _plan_in_context(self, text: str, principal: Principal, tools: list[str], context: TurnContext) -> Plan:
        message = _clean(text)
        jd = followups.jd_step(text, message, context.focus)
        if jd is not None:
            return await followups.complete(jd, text, principal, context)
        ruled = _rule_plan(text, tools)
        if isinstance(ruled, ToolStep):
            return await followups.complete(ruled, text, principal, context)
        if ruled is not None:
            return ruled
        follow = await followups.follow_up(text, message, principal, context)
        if follow is not None:
            return follow
        keyword = await followups.keyword_intent(text, message, principal, context)
        if keyword is not None:
            return keyword
        if context.embedder is None:
            return DirectReply("not_yet")
        vote = classifier_for(context.embedder).vote(message)
        return await followups.from_vote(vote, text, principal, tools, context)


def _rule_plan(text: str, tools: list[str]) -> Plan | None:
    message = _clean(text)
    if not message:
        return DirectReply("help")
    if _GREETING.match(message):
        return DirectReply("greeting")
    if _HELP.search(message):
        return DirectReply("help")
    search = _search_step(message, _SEARCH_EXPLICIT, tools)
    if search:
        return search
    career = _career_step(text, message)
    if career:
        return career
    for pattern in _PERSON_SKILLS:
        match = pattern.search(message)
        if match:
            who = _strip_quotes(match.group("who"))
            if who in _SELF:
                break
            if "get_profile" in tools:
                return ToolStep("get_profile", {"person": _original_case(text, who)})
    if _MY_SKILLS.search(message) and not _UPDATING.search(message) and "get_profile" in tools:
        return ToolStep("get_profile", {})
    return _search_step(message, _SEARCH_LOOSE, tools)


def _person_arg(text: str, match: re.Match[str]) -> dict[str, str]:
    groups = match.groupdict()
    who = groups.get("who") or groups.get("who2")
    if not who or _strip_quotes(who) in _SELF | {"me"}:
        return {}
    return {"person": _original_case(text, _strip_quotes(who))}


def _career_step(text: str, message: str) -> Plan | None:
    """Gap, path, candidates, team and role-match questions, in that order of precedence."""

    def step(tool: str, args: Mapping[str, object]) -> Plan:
        # Routed even when the caller may not use the tool: the registry refuses it, says why in
        # plain words and audits the attempt, rather than the question being misread.
        return ToolStep(tool, dict(args))

    for pattern in _GAP:
        match = pattern.search(message)
        if match:
            role = _original_case(text, _strip_quotes(match.group("role")))
            return step("analyze_gap", {"role": role, **_person_arg(text, match)})
    for pattern in _PATH:
        match = pattern.search(message)
        if match:
            args: dict[str, object] = {"target": _original_case(text, _strip_quotes(match.group("target")))}
            args.update(_person_arg(text, match))
            if match.groupdict().get("role"):
                args["from_role"] = _original_case(text, _strip_quotes(match.group("role")))
            return step("plan_career_path", args)
    for pattern in _CANDIDATES:
        match = pattern.search(message)
        if match:
            role = next(g for g in match.groups() if g)
            return step("find_candidates", {"role": _original_case(text, _strip_quotes(role))})
    for pattern, fixed in _TEAM:
        match = pattern.search(message)
        if match:
            groups = {k: v for k, v in match.groupdict().items() if v}
            args = dict(fixed)
            if "skill" in groups:
                args["skill"] = _original_case(text, _strip_quotes(groups["skill"]))
            if "team" in groups:
                args["team"] = _original_case(text, _strip_quotes(groups["team"]))
            cover = groups.get("cover") or groups.get("cover2")
            if cover:
                args["cover_for"] = _original_case(text, _strip_quotes(cover))
            return step("team_skills", args)
    for pattern in _MATCH:
        match = pattern.search(message)
        if match:
            return step("match_roles", _person_arg(text, match))
    return None


def _search_step(message: str, patterns: list[re.Pattern[str]], tools: list[str]) -> Plan | None:
    for pattern in patterns:
        match = pattern.search(message)
        query = _strip_quotes(match.group("q")) if match else ""
        if query:
            # A search the caller may not run is answered, not re-read as something else.
            return (
                ToolStep("search_skills", {"query": query, "limit": 10})
                if "search_skills" in tools
                else DirectReply("not_yet")
            )
    return None


def _strip_quotes(value: str) -> str:
    return value.strip().strip("\"'“”`").strip()


def _original_case(original: str, lowered: str) -> str:
    """The span as the user typed it (names keep their capitals in replies and lookups)."""
    index = original.lower().replace("\u2019", "'").find(lowered)
    return original[index : index + len(lowered)] if index >= 0 else lowered
