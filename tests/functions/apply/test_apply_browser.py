"""In a real browser, by keyboard: the calculator's result → the application page, already
filled with the answers → sign in → choose a material → submit → approved at once.

The fixture portal (``tests/fixtures/apply-site``) is built with ``tongda build`` and
served with every function on one origin, as ``tongda serve`` does.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from apply_testlib import AGED_90, engine_for
from conftest import REGISTRY
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait
from sqlalchemy import select

from a11y.axe import AxeRunner, find_axe
from functions.apply.store import applications, payments
from functions.runtime import auth
from functions.runtime.server import build_app
from functions.runtime.settings import Settings
from tests.portal_server import Serving

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[3]
FIXTURE = ROOT / "tests" / "fixtures" / "apply-site"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("apply-portal") / "site"
    done = subprocess.run([sys.executable, "-m", "site_builder.cli", "build", "-f",
                           str(FIXTURE / "mkdocs.yml"), "-d", str(dest)],
                          capture_output=True, text=True, timeout=300, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return dest


@pytest.fixture
def portal(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("TONGDA_REGISTRY_DIR", str(REGISTRY))
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'portal.sqlite3'}", rate_limit=0,
                        audit_heads_file=tmp_path / "heads.jsonl",
                        audit_key_file=tmp_path / "audit.key")
    with Serving(build_app(site, settings=settings)) as server:
        yield server, settings, site


def _wait(driver: Any, seconds: float = 20) -> WebDriverWait:
    return WebDriverWait(driver, seconds)


def _type(driver: Any, element_id: str, text: str) -> None:
    field = driver.find_element(By.ID, element_id)
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(text)


def _violations(driver: Any) -> list[str]:
    """axe-core's WCAG 2.x A/AA findings on the page as it is now."""
    result = AxeRunner(find_axe()).run(driver)
    return [f"{v['id']}: {n['html'][:120]}" for v in result["violations"] for n in v["nodes"]]


def test_from_the_calculator_to_an_instant_approval_by_keyboard(driver: Any, portal: Any) -> None:
    server, settings, site = portal
    driver.get(f"{server.url}/calculator/")
    _wait(driver).until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".td-calculator__form")))
    person = driver.find_element(By.CSS_SELECTOR, "input[name=subject][value=person]")
    person.send_keys(Keys.SPACE)
    _type(driver, "td-calc-person-age", "90")
    Select(driver.find_element(By.ID, "td-calc-person-household")).select_by_visible_text("本市户籍")
    _type(driver, "td-calc-person-district", "390102")
    driver.find_element(By.ID, "td-calc-person-district").send_keys(Keys.ENTER)  # submits
    link = _wait(driver).until(ec.element_to_be_clickable(
        (By.PARTIAL_LINK_TEXT, "在线申请：临江市滨江区高龄津贴发放办法")))
    link.send_keys(Keys.ENTER)

    _wait(driver).until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".td-apply__form")))
    assert "#answers" not in driver.current_url  # the answers leave no trace in the address
    assert driver.find_element(By.ID, "td-apply-fact-age").get_attribute("value") == "90"
    assert driver.find_element(By.ID, "td-apply-fact-district").get_attribute("value") == "390102"
    summary = driver.find_element(By.CSS_SELECTOR, ".td-apply__check-summary")
    assert "已满足 3 项" in summary.text

    engine = engine_for(settings.database_url, site)
    token = auth.create_token(engine, "江秀英", ["applicant"], subject=AGED_90)
    _type(driver, "td-apply-token", token)
    driver.find_element(By.ID, "td-apply-token").send_keys(Keys.TAB)  # change → sign in
    _wait(driver).until(ec.text_to_be_present_in_element(
        (By.CSS_SELECTOR, ".td-apply__who"), "已登录：江秀英"))
    assert driver.find_element(By.ID, "td-apply-fact-age").get_attribute("readonly") is not None
    assert "全部信息已由共享数据核验" in summary.text
    assert _violations(driver) == []  # signed in, facts locked, conditions shown
    material = driver.find_element(By.CSS_SELECTOR, "input[name=materials][value=老年人居民身份证或户口簿]")
    material.send_keys(Keys.SPACE)
    driver.find_element(By.CSS_SELECTOR, ".td-apply__form button[type=submit]").send_keys(Keys.ENTER)

    heading = _wait(driver).until(ec.visibility_of_element_located((By.ID, "td-apply-result-title")))
    _wait(driver).until(lambda d: d.switch_to.active_element == heading)
    result = driver.find_element(By.CSS_SELECTOR, ".td-apply__result-body").text
    assert "已批准" in result and "200元" in result and "支付指令" in result
    with engine.connect() as conn:
        rows = conn.execute(select(applications.c.status, applications.c.materials)).all()
        paid = conn.execute(select(payments.c.amount_fen)).scalars().all()
    assert [(r[0], r[1]) for r in rows] == [("approved", '["老年人居民身份证或户口簿"]')]
    assert paid == [20000]
    mine = _wait(driver).until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".td-apply__mine")))
    assert "已批准" in mine.text
    assert _violations(driver) == []  # the result and the list of one's applications
    # The draft went with the submission; the page now starts empty again.
    assert driver.execute_script("return localStorage.getItem('tongda.apply.draft.elderly-allowance')") is None
    engine.dispose()


def test_the_policy_page_shows_public_statistics(driver: Any, portal: Any) -> None:
    server, settings, site = portal
    engine = engine_for(settings.database_url, site)
    reviewer = auth.create_token(engine, "审核员甲", ["reviewer"])
    run = httpx.post(f"{server.url}/api/apply/proactive/elderly-allowance", timeout=60,
                     headers={"Authorization": f"Bearer {reviewer}"})
    assert run.status_code == 200 and run.json()["created"] == 4
    payer = auth.create_token(engine, "财政支付系统", ["payments"])
    paying = {"Authorization": f"Bearer {payer}"}
    first = httpx.get(f"{server.url}/api/apply/payments", headers=paying, timeout=60).json()[0]
    acked = httpx.post(f"{server.url}/api/apply/payments/{first['id']}/ack", headers=paying,
                       timeout=60)
    assert acked.status_code == 200, acked.text
    driver.get(f"{server.url}/policies/elderly-allowance/")
    stats = driver.find_element(By.CSS_SELECTOR, ".td-apply-box__stats")
    _wait(driver).until(lambda d: "共办理 4 件" in stats.text)
    assert "免申即享 4 件" in stats.text and "900元" in stats.text
    assert f"已发放到账 1 件，共 {first['amount_fen'] // 100}元" in stats.text
    link = driver.find_element(By.CSS_SELECTOR, ".td-apply-box a")
    assert link.get_attribute("href").endswith("/apply/elderly-allowance/")
    assert _violations(driver) == []
    engine.dispose()
