"""The rule-based planner: the offline default and the fallback of the LLM planner.

Keyword and pattern rules map a message to a tool and its arguments. It understands English and
a little Italian; anything else gets an honest "not yet" with the list of what it can do.
"""

import re

from hrm.agent.plan import DirectReply, Plan, ToolStep
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
_SELF = {"i", "me", "myself"}


def _clean(text: str) -> str:
    lowered = _SPACE.sub(" ", text.strip().lower().replace("\u2019", "'"))
    return _TRAILING.sub("", lowered)


class RuleBasedPlanner:
    name = "rules"

    async def plan(self, text: str, principal: Principal, tools: list[str]) -> Plan:
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
        for pattern in _PERSON_SKILLS:
            match = pattern.search(message)
            if match:
                who = _strip_quotes(match.group("who"))
                if who in _SELF:
                    break
                if "get_profile" in tools:
                    return ToolStep("get_profile", {"person": _original_case(text, who)})
        if _MY_SKILLS.search(message) and "get_profile" in tools:
            return ToolStep("get_profile", {})
        return _search_step(message, _SEARCH_LOOSE, tools) or DirectReply("not_yet")


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
