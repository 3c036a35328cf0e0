"""Open311 GeoReport v2 documents in JSON and XML, and the standard's error format.

The JSON is the Spark-convention mapping of the XML: an XML list element (``services``,
``service_requests``, ``attributes``, ``values``, ``endpoints``, ``formats``, ``errors``)
becomes a JSON array of its items. Element names are the standard's; nothing foreign is
added to the XML (clients such as FixMyStreet read it with XML::Simple and trip over
surprises). Times are W3C date-times in UTC (``2026-03-01T08:00:00Z``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any
from xml.etree import ElementTree as ET

from starlette.responses import Response

from .catalog import Catalog, Service

FORMATS = ("json", "xml")
MEDIA_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
#: The item element of each list element.
ITEMS = {"services": "service", "service_requests": "request", "attributes": "attribute",
         "values": "value", "endpoints": "endpoint", "formats": "format", "errors": "error"}
REQUEST_FIELDS = ("service_request_id", "status", "status_notes", "service_name", "service_code",
                  "description", "agency_responsible", "service_notice", "requested_datetime",
                  "updated_datetime", "expected_datetime", "address", "address_id", "zipcode",
                  "lat", "long", "media_url")


def w3(value: dt.datetime | None) -> str | None:
    """A time as the standard writes it: UTC, whole seconds, ``Z``."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _element(parent: ET.Element, name: str, value: Any) -> None:
    child = ET.SubElement(parent, name)
    if isinstance(value, Mapping):
        for key, item in value.items():
            _element(child, key, item)
    elif isinstance(value, list | tuple):
        item_name = ITEMS[name]
        for item in value:
            _element(child, item_name, item)
    else:
        child.text = _text(value)


def to_xml(root: str, value: Any) -> bytes:
    """Serialise ``value`` under the root element ``root`` (UTF-8, with the declaration)."""
    element = ET.Element(root)
    if isinstance(value, Mapping):
        for key, item in value.items():
            _element(element, key, item)
    else:
        for item in value:
            _element(element, ITEMS[root], item)
    ET.indent(element)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="utf-8",
                                                                     xml_declaration=False) + b"\n"


def render(fmt: str, root: str, value: Any, *, status: int = 200,
           headers: Mapping[str, str] | None = None) -> Response:
    """A response in ``fmt``: JSON as is, XML under ``root``."""
    if fmt == "xml":
        body = to_xml(root, value)
    else:
        body = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(body, status_code=status, media_type=MEDIA_TYPES[fmt],
                    headers=dict(headers or {}))


def error(fmt: str, status: int, description: str, *, code: int | None = None,
          headers: Mapping[str, str] | None = None) -> Response:
    """The standard's error: ``[{"code", "description"}]`` / ``<errors><error>``."""
    errors = [{"code": code or status, "description": description}]
    return render(fmt if fmt in FORMATS else "json", "errors", errors, status=status,
                  headers=headers)


def discovery(catalog: Catalog, endpoint_url: str) -> dict[str, Any]:
    """The service discovery document for this endpoint."""
    j = catalog.jurisdiction
    return {"changeset": j.changeset, "contact": j.contact, "key_service": j.key_service,
            "endpoints": [{"specification": SPECIFICATION, "url": endpoint_url,
                           "changeset": j.changeset, "type": "production",
                           "formats": ["text/xml", "application/json"]}]}


def service_entry(service: Service) -> dict[str, Any]:
    """One service of ``GET services``."""
    return {"service_code": service.code, "service_name": service.name,
            "description": service.description, "metadata": service.metadata,
            "type": service.type, "keywords": service.keywords, "group": service.group}


def service_definition(service: Service) -> dict[str, Any]:
    """``GET services/{code}``: the service's attributes in their order."""
    attributes = []
    for a in service.attributes:
        entry: dict[str, Any] = {
            "variable": a.variable, "code": a.code, "datatype": a.datatype,
            "required": a.required, "datatype_description": a.datatype_description,
            "order": a.order, "description": a.description}
        if a.values:
            entry["values"] = [{"key": v.key, "name": v.name} for v in a.values]
        attributes.append(entry)
    return {"service_code": service.code, "attributes": attributes}


def services(items: Sequence[Service]) -> list[dict[str, Any]]:
    """``GET services``."""
    return [service_entry(s) for s in items]
