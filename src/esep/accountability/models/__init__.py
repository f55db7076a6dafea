"""Accountability: citizen appeals with their legal clock (and Open311 access to them), and
requests for information."""

from .appeals import (
    Appeal,
    AppealFile,
    AppealKind,
    AppealStatus,
    AppealStep,
    FileRole,
    LeaveReason,
    StepKind,
)
from .categories import AttributeType, Category, CategoryAttribute
from .clients import ApiClient
from .information import (
    AccessLaw,
    DayKind,
    Direction,
    DisplayStatus,
    InformationFile,
    InformationMessage,
    InformationRequest,
    MessageKind,
    RequestState,
)

__all__ = [
    "ApiClient",
    "Appeal",
    "AppealFile",
    "AppealKind",
    "AppealStatus",
    "AppealStep",
    "AttributeType",
    "Category",
    "CategoryAttribute",
    "FileRole",
    "LeaveReason",
    "StepKind",
    "AccessLaw",
    "DayKind",
    "Direction",
    "DisplayStatus",
    "InformationFile",
    "InformationMessage",
    "InformationRequest",
    "MessageKind",
    "RequestState",
]
