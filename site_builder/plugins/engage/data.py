"""What the build publishes for the engage function (plain data, no MkDocs here).

- every policy with the tags people subscribe to and a digest of its substance: what a
  change must touch to be pushed to subscribers (title, 文号, declared status, effective
  and expiry dates, conditions, amount, what it supersedes or amends, the consultation
  deadline). Rewording the text, fixing a typo or adding a tag changes no digest;
- the facets (topic, audience, issuer, level, life stage) with labels and counts;
- the drafts that take or took comments (``status: consultation`` with ``consultation_ends``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from typing import Any

from site_builder.content.corpus import Corpus, Entry
from site_builder.content.model import LEVEL_LABELS, STATUS_LABELS

DATA_VERSION = 1


def substance(entry: Entry) -> str:
    """SHA-256 of what makes a change to a policy worth telling subscribers about."""
    meta: Any = entry.meta
    fields = {
        "title": meta.title, "doc_number": meta.doc_number, "status": meta.status,
        "effective": meta.effective, "expires": meta.expires,
        "eligibility": [r.model_dump(mode="json") for r in meta.eligibility],
        "amount": meta.amount.model_dump(mode="json") if meta.amount else None,
        "supersedes": meta.supersedes, "amends": meta.amends,
        "consultation_ends": meta.consultation_ends,
    }
    canonical = json.dumps(fields, ensure_ascii=False, sort_keys=True, default=str,
                           separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _policy(entry: Entry) -> dict[str, Any]:
    meta: Any = entry.meta
    return {
        "id": entry.id, "title": meta.title, "url": entry.url, "doc_number": meta.doc_number,
        "issuer": meta.issuer, "level": meta.level, "status": entry.status,
        "status_label": STATUS_LABELS.get(entry.status or "", entry.status),
        "published": meta.published.isoformat() if meta.published else None,
        "summary": meta.summary, "topics": list(meta.topics), "audiences": list(meta.audiences),
        "life_stages": list(meta.life_stages), "tags": list(meta.tags),
        "subject": meta.subject,
        "substance": substance(entry),
    }


def _facets(corpus: Corpus, listed: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    counts: dict[str, Counter[str]] = {k: Counter() for k in
                                       ("topic", "audience", "issuer", "level", "life_stage")}
    for policy in listed:
        counts["topic"].update(policy["topics"])
        counts["audience"].update(policy["audiences"])
        counts["life_stage"].update(policy["life_stages"])
        counts["issuer"][policy["issuer"]] += 1
        counts["level"][policy["level"]] += 1

    def label(kind: str, value: str) -> str:
        if kind == "topic" and value in corpus.documents:
            return corpus.documents[value].meta.title
        return LEVEL_LABELS.get(value, value) if kind == "level" else value

    return {kind: [{"value": v, "label": label(kind, v), "count": n}
                   for v, n in sorted(found.items(), key=lambda item: (-item[1], item[0]))]
            for kind, found in counts.items()}


def policies_document(corpus: Corpus, *, site_name: str, site_url: str) -> dict[str, Any]:
    """``api/engage/policies.json``."""
    listed = [_policy(e) for e in sorted(corpus.of_kind("policy"), key=lambda e: e.id)]
    return {"version": DATA_VERSION, "generated": corpus.today.isoformat(),
            "site_name": site_name, "site_url": site_url, "facets": _facets(corpus, listed),
            "policies": listed}


def consultations(corpus: Corpus) -> list[Entry]:
    """Drafts that take comments: ``status: consultation`` with a deadline."""
    return [e for e in corpus.of_kind("policy")
            if getattr(e.meta, "status", None) == "consultation"
            and getattr(e.meta, "consultation_ends", None) is not None]


def consultation_entry(entry: Entry, sections: list[str]) -> dict[str, Any]:
    """One draft in ``api/engage/consultations.json``."""
    ends: dt.date = entry.meta.consultation_ends  # type: ignore[attr-defined]
    return {"id": entry.id, "title": entry.meta.title, "url": entry.url,
            "ends": ends.isoformat(), "sections": sections}
