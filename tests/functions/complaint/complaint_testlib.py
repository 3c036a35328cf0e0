"""Helpers of the complaint tests: photos with metadata, and the Open311 schemas.

The schemas are the conformance set in ``shared/conformance/open311-georeport-v2/``
(beside the repository): ``service``, ``services``, ``service-definition``, ``request`` and
``requests`` as files, and the POST response, token and error shapes from its
``swagger.json``. XML answers are read back into the JSON shape (Spark convention), each
leaf typed as the schema says, and checked against the same schemas.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import jsonschema
from PIL import Image, PngImagePlugin
from PIL.TiffImagePlugin import IFDRational
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

ROOT = Path(__file__).resolve().parents[3]
CONFORMANCE = ROOT.parent / "shared" / "conformance" / "open311-georeport-v2"
LISTS = {"services": "service", "service_requests": "request", "attributes": "attribute",
         "values": "value", "endpoints": "endpoint", "formats": "format", "errors": "error"}
BOOLEANS = {"metadata", "variable", "required"}
NUMBERS = {"lat", "long"}
#: Integers by (parent element, element): an attribute's ``code`` is text, an error's a number.
INTEGERS = {("attribute", "order"), ("error", "code")}
#: Service discovery has no schema in the conformance set; this one is the spec's table.
DISCOVERY_SCHEMA = {
    "type": "object", "required": ["changeset", "contact", "endpoints"],
    "properties": {
        "changeset": {"type": "string"}, "contact": {"type": "string"},
        "key_service": {"type": "string"},
        "endpoints": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["specification", "url", "changeset", "type", "formats"],
            "properties": {"specification": {"type": "string"}, "url": {"type": "string"},
                           "changeset": {"type": "string"},
                           "type": {"enum": ["production", "test"]},
                           "formats": {"type": "array", "items": {"type": "string"}}}}}}}


def _load(name: str) -> dict[str, Any]:
    return json.loads((CONFORMANCE / name).read_text(encoding="utf-8"))


def _registry() -> Registry:
    names = ("request.json", "requests.json", "service.json", "services.json",
             "service-definition.json")
    return Registry().with_resources(
        (name, Resource.from_contents(_load(name), default_specification=DRAFT7))
        for name in names)


def _swagger(definition: str) -> dict[str, Any]:
    return _load("swagger.json")["definitions"][definition]  # type: ignore[no-any-return]


def schema(kind: str) -> dict[str, Any]:
    """The schema an answer of ``kind`` must satisfy."""
    files = {"services": "services.json", "service_definition": "service-definition.json",
             "requests": "requests.json", "request": "request.json", "service": "service.json"}
    if kind in files:
        return {"$ref": files[kind]}
    if kind == "post":
        return {"type": "array", "minItems": 1, "items": _swagger("RequestResponse")}
    if kind == "token":
        return {"type": "array", "minItems": 1, "items": _swagger("TokenResponse")}
    if kind == "errors":
        return {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["code", "description"],
            "properties": {"code": {"type": "integer"}, "description": {"type": "string",
                                                                         "minLength": 1}}}}
    if kind == "discovery":
        return DISCOVERY_SCHEMA
    raise KeyError(kind)


def validate(kind: str, data: Any) -> None:
    """Raise ``jsonschema.ValidationError`` unless ``data`` is a valid answer of ``kind``."""
    validator = jsonschema.Draft7Validator(schema(kind), registry=_registry(),
                                           format_checker=jsonschema.FormatChecker())
    validator.validate(data)


def _leaf(parent: str, tag: str, text: str | None) -> Any:
    if text is None or text == "":
        return None
    if tag in BOOLEANS:
        assert text in ("true", "false"), f"{tag}: {text!r} is no XML boolean"
        return text == "true"
    if tag in NUMBERS:
        return float(text)
    if (parent, tag) in INTEGERS:
        return int(text)
    return text


def _node(element: ET.Element, parent: str = "") -> Any:
    if element.tag in LISTS:
        items = [child for child in element if child.tag == LISTS[element.tag]]
        assert len(items) == len(element), f"foreign elements in <{element.tag}>"
        return [_node(child, element.tag) for child in items]
    if len(element):
        return {child.tag: _node(child, element.tag) for child in element}
    return _leaf(parent, element.tag, element.text)


def xml_data(body: bytes) -> tuple[str, Any]:
    """The root element's name and the XML read into the JSON shape."""
    assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?>'), body[:60]
    root = ET.fromstring(body)  # noqa: S314 - our own server's answer, in a test
    return root.tag, _node(root)


def photo(*, gps: tuple[float, float] | None = (28.70, 119.53), size: tuple[int, int] = (800, 600),
          fmt: str = "JPEG", orientation: int | None = None, colour: tuple[int, int, int] =
          (180, 90, 40)) -> bytes:
    """A photo carrying the metadata a phone writes: camera, owner, time, GPS, a comment."""
    image = Image.new("RGB", size, colour)
    exif = Image.Exif()
    exif[0x010F] = "TongdaPhone"  # Make
    exif[0x013B] = "张三"  # Artist
    exif[0x0132] = "2026:03:01 08:00:00"  # DateTime
    if orientation:
        exif[0x0112] = orientation
    if gps is not None:
        ifd = exif.get_ifd(0x8825)
        lat, long = gps

        def dms(value: float) -> tuple[IFDRational, IFDRational, IFDRational]:
            value = abs(value)
            d = int(value)
            m = int((value - d) * 60)
            s = round(((value - d) * 60 - m) * 60 * 1000)
            return IFDRational(d), IFDRational(m), IFDRational(s, 1000)

        ifd[1], ifd[2] = ("N" if lat >= 0 else "S"), dms(lat)
        ifd[3], ifd[4] = ("E" if long >= 0 else "W"), dms(long)
    out = io.BytesIO()
    if fmt == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", "家住江滨路 8 号")
        image.save(out, "PNG", pnginfo=info, exif=exif.tobytes())
    else:
        image.save(out, fmt, exif=exif.tobytes(), comment=b"owner: 13800138000")
    return out.getvalue()
