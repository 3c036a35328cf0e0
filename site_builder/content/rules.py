"""Eligibility rules, amount formulas and their test cases in policy front matter.

Placeholder written by the lead so the content model imports; the matching work owns
and refines this module.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Rule(_Strict):
    """One condition of a policy, in words people understand and in JSON Logic."""

    id: str
    label: str
    clause: str | None = None
    logic: dict[str, Any]


class Amount(_Strict):
    """How much a policy gives, as a JSON Logic formula in integer 分."""

    label: str
    logic: dict[str, Any] | int


class RuleCase(_Strict):
    """A worked example the policy's rules must reproduce."""

    name: str
    profile: dict[str, Any]
    expect: dict[str, Any]
