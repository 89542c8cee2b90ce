"""Domain vocabulary shared by every layer."""

from enum import StrEnum


class SkillType(StrEnum):
    TECHNICAL = "technical"
    SOFT = "soft"
    BUSINESS = "business"
    LEADERSHIP = "leadership"
    DIGITAL = "digital"
    DOMAIN_SPECIFIC = "domain_specific"


class Importance(StrEnum):
    ESSENTIAL = "essential"
    IMPORTANT = "important"
    NICE_TO_HAVE = "nice_to_have"


class SkillSource(StrEnum):
    SELF = "self"
    MANAGER = "manager"
    PEER = "peer"
    INFERRED = "inferred"
    CERTIFICATION = "certification"


class SkillStatus(StrEnum):
    INFERRED = "inferred"
    CONFIRMED = "confirmed"
    DISPUTED = "disputed"


class RoleLevel(StrEnum):
    ENTRY = "entry"
    MID = "mid"
    SENIOR = "senior"
    LEAD = "lead"
    MANAGER = "manager"


# The proficiency scale used everywhere (seed §2.3).
LEVEL_LABELS: dict[int, str] = {1: "Novice", 2: "Developing", 3: "Proficient", 4: "Advanced", 5: "Expert"}

# When one skill is reported by several sources, the one shown first: verified before claimed.
SOURCE_PRIORITY: tuple[SkillSource, ...] = (
    SkillSource.CERTIFICATION,
    SkillSource.MANAGER,
    SkillSource.PEER,
    SkillSource.SELF,
    SkillSource.INFERRED,
)
