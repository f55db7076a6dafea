"""The territorial registry: units and their history, bodies, people, posts, mandates, powers."""

from .mandates import (
    Mandate,
    MandateBasis,
    MandateEndReason,
    Party,
    Person,
    Post,
    PostKind,
    TermRule,
)
from .powers import Power, PowerAssignment
from .units import (
    Body,
    BodyKind,
    Boundary,
    FormerName,
    Unit,
    UnitChange,
    UnitChangeKind,
    UnitKind,
    UnitPopulation,
)

__all__ = [
    "Body",
    "BodyKind",
    "Boundary",
    "FormerName",
    "Mandate",
    "MandateBasis",
    "MandateEndReason",
    "Party",
    "Person",
    "Post",
    "PostKind",
    "Power",
    "PowerAssignment",
    "TermRule",
    "Unit",
    "UnitChange",
    "UnitChangeKind",
    "UnitKind",
    "UnitPopulation",
]
