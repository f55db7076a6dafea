"""Open311 answers in XML and JSON, and Open311 errors.

Every answer is built as plain Python data (dicts, lists, strings, numbers, booleans, None)
and written in the format the address asks for: `.json` as it is, `.xml` as elements named
after the keys, with the items of a list named as GeoReport v2 names them (`services` holds
`service` elements, `service_requests` holds `request` elements, and so on). XML is UTF-8 with
a declaration, served as text/xml; None is an empty element."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any
from xml.etree import ElementTree as ET  # noqa: S405 - only builds XML, never parses it

from django.http import HttpResponse

FORMATS = ("xml", "json")
CONTENT_TYPES = {
    "xml": "text/xml; charset=utf-8",
    "json": "application/json; charset=utf-8",
}

# The element name of one item of each list, as GeoReport v2 (and FixMyStreet) name them.
ITEM_TAGS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "service_request_updates": "request_update",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}

# Characters XML 1.0 forbids: a text containing one would make the whole document unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class Open311Error(Exception):
    """An answer in the Open311 error format: `status` is the HTTP status and each error's
    code; `messages` are the descriptions, one error each."""

    def __init__(self, status: int, messages: Iterable[str] | str) -> None:
        self.status = status
        self.messages = [messages] if isinstance(messages, str) else [str(m) for m in messages]
        super().__init__("; ".join(self.messages))


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ET.SubElement(element, key), item)
    elif isinstance(value, list | tuple):
        tag = ITEM_TAGS.get(element.tag, "item")
        for item in value:
            _fill(ET.SubElement(element, tag), item)
    else:
        element.text = _text(value)


def to_xml(root: str, data: Any) -> bytes:
    """`data` as an XML document whose root element is `root`."""
    element = ET.Element(root)
    _fill(element, data)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


def to_json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def respond(fmt: str, root: str, data: Any, status: int = 200) -> HttpResponse:
    """The answer in `fmt` ("xml" or "json"); `root` names the XML root element."""
    body = to_json(data) if fmt == "json" else to_xml(root, data)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def error_response(fmt: str, error: Open311Error) -> HttpResponse:
    """JSON `[{"code": 400, "description": "…"}]`, XML
    `<errors><error><code>400</code><description>…</description></error></errors>`."""
    fmt = fmt if fmt in FORMATS else "xml"
    errors = [{"code": error.status, "description": message} for message in error.messages]
    return respond(fmt, "errors", errors, status=error.status)
