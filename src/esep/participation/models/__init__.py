from .ballots import Ballot, Channel, Voter
from .processes import BallotKind, Completion, CountingRule, Eligibility, Phase, Process
from .projects import (
    Implementation,
    Project,
    ProjectCategory,
    ProjectStatus,
    ProjectUpdate,
    Support,
)
from .results import CountTask, PaperReturn, Result

__all__ = [
    "Ballot",
    "BallotKind",
    "Channel",
    "Completion",
    "CountTask",
    "CountingRule",
    "Eligibility",
    "Implementation",
    "PaperReturn",
    "Phase",
    "Process",
    "Project",
    "ProjectCategory",
    "ProjectStatus",
    "ProjectUpdate",
    "Result",
    "Support",
    "Voter",
]
