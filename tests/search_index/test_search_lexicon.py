"""The lexicon written beside the index depends on the synonyms file alone, not on what the
process built before (``tongda serve`` and the Q&A function build it again and again)."""

from __future__ import annotations

from pathlib import Path

import pytest

from search_index.lexicon import DEFAULT_CUES, build_lexicon

pytestmark = pytest.mark.unit


def test_a_build_without_synonyms_leaves_the_defaults_for_the_next_build(tmp_path: Path) -> None:
    synonyms = tmp_path / "synonyms.yml"
    synonyms.write_text("synonyms:\n  身分证: [身份证]\ncues:\n  service: [想开]\n", "utf-8")
    defaults = {kind: list(words) for kind, words in DEFAULT_CUES.items()}
    first = build_lexicon(synonyms)
    bare = build_lexicon(None)
    assert defaults == DEFAULT_CUES
    assert build_lexicon(None) == bare
    assert build_lexicon(synonyms) == first  # the same words in the same order
