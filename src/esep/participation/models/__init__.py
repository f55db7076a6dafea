from .ballots import Ballot, Channel, Voter
from .processes import BallotKind, Completion, CountingRule, Eligibility, Phase, Process
from .projects import Project, ProjectCategory, ProjectStatus, Support
from .results import PaperReturn, Result

__all__ = [
    "Ballot",
    "BallotKind",
    "Channel",
    "Completion",
    "CountingRule",
    "Eligibility",
    "PaperReturn",
    "Phase",
    "Process",
    "Project",
    "ProjectCategory",
    "ProjectStatus",
    "Result",
    "Support",
    "Voter",
]
