"""Requests for information as open data at /api/v1: public requests (filtered and paged) and
one request with its thread and the links to its answer documents. Never the requester: no
name, email or account, only "a resident" on the pages."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override
from ninja import Field, Path, Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.pagination import paginate

from esep.api.pagination import MAX_ID, Paged
from esep.core.cache import public_page
from esep.territory.models import Unit

from .. import clock
from ..models import DisplayStatus, InformationMessage, InformationRequest
from ..queries import information as queries

router = Router(tags=["information requests"])
ID = Query(None, ge=1, le=MAX_ID)
UNIT = Query(None, ge=1, le=MAX_ID, description="Requests to the bodies of this unit and below it")
STATUS = Query(None, description="A state, or overdue (very overdue included), or very_overdue")


def _path(name: str, **kwargs: Any) -> str:
    """A page's address in the default language, whatever language the client asked in (so
    cached answers are the same for everyone)."""
    with override(settings.LANGUAGE_CODE):
        return reverse(name, kwargs=kwargs)


class RequestOut(Schema):
    id: int
    title: str
    text: str
    body_id: int
    body_kind: str = Field(alias="body.kind")
    unit_id: int = Field(alias="body.unit_id")
    law: str = Field(alias="law.code")
    state: str
    status: str = Field(description="The state, or overdue / very_overdue, as of today")
    sent_on: dt.date
    term_started_on: dt.date
    due_on: dt.date
    extended_due_on: dt.date | None
    deadline: dt.date
    very_overdue_after: dt.date
    answered_on: dt.date | None
    on_time: bool | None
    demo: bool = Field(alias="is_demo")
    url: str

    @staticmethod
    def resolve_status(obj: InformationRequest) -> str:
        return obj.status_on(clock.today())

    @staticmethod
    def resolve_answered_on(obj: InformationRequest) -> dt.date | None:
        return timezone.localdate(obj.answered_at) if obj.answered_at else None

    @staticmethod
    def resolve_url(obj: InformationRequest) -> str:
        return _path("accountability:information_request", pk=obj.pk)


class FileOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    url: str

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return _path("accountability:information_file", pk=obj.message.request_id, file_pk=obj.pk)


class MessageOut(Schema):
    kind: str
    direction: str
    text: str
    at: dt.datetime
    state_after: str
    files: list[FileOut]

    @staticmethod
    def resolve_files(obj: InformationMessage) -> list[Any]:
        return list(obj.files.all())


class RequestDetailOut(RequestOut):
    messages: list[MessageOut]

    @staticmethod
    def resolve_messages(obj: InformationRequest) -> list[Any]:
        return list(obj.messages.all())


@router.get(
    "/information-requests",
    response=list[RequestOut],
    summary="List public requests for information",
)
@decorate_view(public_page(params=("body", "unit", "status", "limit", "offset")))
@paginate(Paged)
def list_requests(
    request: HttpRequest,
    body: int | None = ID,
    unit: int | None = UNIT,
    status: DisplayStatus | None = STATUS,
) -> Any:
    found_unit = None
    if unit is not None:
        found_unit = Unit.objects.filter(pk=unit).only("path").first()
        if found_unit is None:
            return InformationRequest.objects.none()
    return queries.public_requests(
        today=clock.today(), body_id=body, unit=found_unit, status=status
    ).select_related("body")


@router.get(
    "/information-requests/{request_id}",
    response=RequestDetailOut,
    summary="One public request for information, with its thread and documents",
)
def get_request(
    request: HttpRequest, request_id: int = Path(..., ge=1, le=MAX_ID)
) -> InformationRequest:
    found = queries.visible_request(request_id, request.user)
    if found is None or not found.is_public:
        raise Http404
    return found
