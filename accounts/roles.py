"""Roles are Django groups. A user's role is the highest-privilege group they belong to."""

from enum import StrEnum


class Role(StrEnum):
    SOCIAL_WORKER = "social_worker"
    TEAM_MANAGER = "team_manager"
    HEAD_OF_SERVICE = "head_of_service"
    SENIOR_LEADER = "senior_leader"
    PERFORMANCE_OFFICER = "performance_officer"
    ADMINISTRATOR = "administrator"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.SOCIAL_WORKER: "Social worker",
    Role.TEAM_MANAGER: "Team manager",
    Role.HEAD_OF_SERVICE: "Head of service",
    Role.SENIOR_LEADER: "Senior leader",
    Role.PERFORMANCE_OFFICER: "Performance officer",
    Role.ADMINISTRATOR: "Administrator",
}

# Most privileged first: a user in several groups acts with the first that matches.
PRECEDENCE = [
    Role.ADMINISTRATOR,
    Role.PERFORMANCE_OFFICER,
    Role.SENIOR_LEADER,
    Role.HEAD_OF_SERVICE,
    Role.TEAM_MANAGER,
    Role.SOCIAL_WORKER,
]

# Roles that may see child-level data at all. Senior leaders see aggregates only.
CHILD_LEVEL_ROLES = {
    Role.SOCIAL_WORKER,
    Role.TEAM_MANAGER,
    Role.HEAD_OF_SERVICE,
    Role.PERFORMANCE_OFFICER,
    Role.ADMINISTRATOR,
}

# The same roles in words, for pages that say who they are for.
CHILD_LEVEL_LABELS = [
    "social workers",
    "team managers",
    "heads of service",
    "performance officers",
    "administrators",
]
