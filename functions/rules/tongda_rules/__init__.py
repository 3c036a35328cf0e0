"""Tongda's policy rules: the model, its checks and its evaluation, with no web framework.

The site builder uses it to check content and write ``api/match/rules.json``; the match
function (and the applications that build on it) use it to validate and evaluate rule
sets. It depends on pydantic and datalogic-py only, and imports neither the site builder
nor the functions.
"""

from __future__ import annotations

from .check import RuleProblem, check_rules, fact_reads, profile_problems
from .engine import Matcher, ProfileError, check_case, round_fen, sort_key, summarise
from .model import (
    EXACT_LIMIT,
    MAX_DEPTH,
    OPERATORS,
    Amount,
    Expect,
    Fact,
    FactsFile,
    FactType,
    OptionsFrom,
    Outcome,
    Rule,
    RuleCase,
    Subject,
)
from .ruleset import RULES_VERSION, content_digest, digest_of, ruleset_problems

__all__ = [
    "EXACT_LIMIT", "MAX_DEPTH", "OPERATORS", "RULES_VERSION", "Amount", "Expect", "Fact",
    "FactType", "FactsFile", "Matcher", "OptionsFrom", "Outcome", "ProfileError", "Rule", "RuleCase",
    "RuleProblem", "Subject", "check_case", "check_rules", "content_digest", "digest_of",
    "fact_reads", "profile_problems", "round_fen", "ruleset_problems", "sort_key", "summarise",
]
