"""Checking a report's answers to its service's attributes (``attribute[code]=value``)."""

from __future__ import annotations

import datetime as dt
import math

from .catalog import Attribute, Service
from .errors import Invalid

MAX_STRING = 200
MAX_TEXT = 4000


def check(service: Service, given: dict[str, list[str]]) -> dict[str, list[str]]:
    """The answers, checked against the service definition and cleaned of blanks.

    Raises:
        Invalid: An unknown attribute, a required one missing, or a value of the wrong kind.
    """
    known = {a.code: a for a in service.attributes if a.variable}
    # Blank answers are no answers: the portal's form without JavaScript sends every
    # service's questions, answered only for the chosen one.
    given = {code: values for code, values in given.items() if any(v.strip() for v in values)}
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise Invalid(f"问题类型“{service.name}”没有这些属性：{'、'.join(unknown)}"
                      f"（可用的属性见 services/{service.code}）。", field="attribute")
    answers: dict[str, list[str]] = {}
    for code, attribute in known.items():
        values = [v.strip() for v in given.get(code, []) if v.strip()]
        if not values:
            if attribute.required:
                raise Invalid(f"请填写“{attribute.description}”（attribute[{code}]）。",
                              field=f"attribute[{code}]")
            continue
        answers[code] = _check_values(attribute, values)
    return answers


def _check_values(attribute: Attribute, values: list[str]) -> list[str]:
    where = f"attribute[{attribute.code}]"
    label = attribute.description
    if attribute.datatype != "multivaluelist" and len(values) > 1:
        raise Invalid(f"“{label}”只能填一个值。", field=where)
    if attribute.datatype in ("singlevaluelist", "multivaluelist"):
        keys = {v.key for v in attribute.values}
        wrong = [v for v in values if v not in keys]
        if wrong:
            raise Invalid(f"“{label}”的取值 {'、'.join(wrong)} 不在可选项中"
                          f"（可选：{'、'.join(sorted(keys))}）。", field=where)
        return list(dict.fromkeys(values))
    value = values[0]
    if attribute.datatype == "number":
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise Invalid(f"“{label}”应为数字，而不是“{value[:20]}”。", field=where)
    elif attribute.datatype == "datetime":
        try:
            moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise Invalid(f"“{label}”应为带时区的日期时间，如 2026-03-01T22:30:00+08:00。",
                          field=where)
    elif attribute.datatype == "string":
        if "\n" in value or len(value) > MAX_STRING:
            raise Invalid(f"“{label}”应为一行文字，不超过 {MAX_STRING} 个字。", field=where)
    elif len(value) > MAX_TEXT:
        raise Invalid(f"“{label}”不能超过 {MAX_TEXT} 个字。", field=where)
    return [value]
