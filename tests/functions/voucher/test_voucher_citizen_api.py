"""What the citizen's page asks of the API besides the flow itself: the identity step.

The page presents the identity check as the function's ``IdentityCheck`` declares it:
simulated locally, run by the portal's own identity service otherwise.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from voucher_testlib import make_config

from functions.runtime.settings import Settings
from functions.voucher.app import create_app
from functions.voucher.service import IdentityCheck

pytestmark = pytest.mark.integration


class FaceCheck:
    """A production-like identity step: the portal's face check hands over its evidence."""

    method = "face"

    def confirm(self, subject_id: str, evidence: str | None) -> bool:
        return evidence == "face-ok"


def identity_of(tmp_path: Path, identity: IdentityCheck | None) -> object:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}", rate_limit=0,
                        audit_heads_file=tmp_path / "heads.jsonl",
                        audit_key_file=tmp_path / "audit.key")
    app = create_app(settings, config=make_config(tmp_path / "voucher"), identity=identity)
    try:
        with TestClient(app) as client:
            answer = client.get("/identity")  # public: the page asks before anyone signs in
            assert answer.status_code == 200, answer.text
            return answer.json()
    finally:
        app.state.runtime.dispose()


def test_the_identity_step_is_public_and_says_it_is_simulated_locally(tmp_path: Path) -> None:
    assert identity_of(tmp_path, None) == {"method": "simulated"}


def test_a_deployment_identity_check_is_named_so_the_page_hands_over_to_it(
        tmp_path: Path) -> None:
    assert identity_of(tmp_path, FaceCheck()) == {"method": "face"}
