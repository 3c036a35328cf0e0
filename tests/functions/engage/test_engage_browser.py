"""In a real browser: comment on a 征求意见稿 by keyboard (a plain form, no script needed), a
moderator approves it, and after the deadline the draft's page shows it with the drafting
office's response; both states pass axe and the portal's checks in default and elder mode
(keyboard walk, 320 px reflow, text resizing and spacing, target sizes).

The fixture portal (``tests/fixtures/engage-site``) is built with ``tongda build`` and
served with the engage function on one origin behind the portal's hygiene (strict CSP).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from engage_testlib import Clock, china
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from a11y.axe import AxeRunner, find_axe
from a11y.browser_checks import BrowserChecker, BrowserOptions, Shots
from a11y.site import PageInfo, load_modes
from functions.engage.app import create_app
from functions.engage.config import EngageSettings
from functions.runtime import auth
from functions.runtime.server import Portal, PortalApp
from functions.runtime.settings import Settings
from tests.portal_server import Serving

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[3]
FIXTURE = ROOT / "tests" / "fixtures" / "engage-site"
PAGE = "policies/silver-draft/"
RESPONSES = """consultation_responses:
  - opinion: 建议提高社区养老服务机构的床位建设补助
    decision: 部分采纳
    section: 一、发展社区养老服务
    count: 1
    reason: 对护理型床位的补助提高到每张1.2万元，其他床位维持1万元。
"""


def build(project: Path, site: Path, today: str) -> None:
    """``tongda build`` as on the day ``today`` (the core plugin's ``today``)."""
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r'today: "[0-9-]+"', f'today: "{today}"', text), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "site_builder.cli", "build", "-f",
                           str(config), "-d", str(site)],
                          capture_output=True, text=True, timeout=300, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr[-3000:]


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[tuple[Serving, Settings, Clock, Path, Path]]:
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    site = tmp_path / "site"
    build(project, site, "2026-12-07")
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'portal.sqlite3'}", rate_limit=0,
                        audit_heads_file=tmp_path / "heads.jsonl",
                        audit_key_file=tmp_path / "audit.key")
    clock = Clock(china(2026, 12, 7))
    engage = create_app(settings, engage_settings=EngageSettings(site_dir=site), clock=clock)
    assert engage.state.runtime.engine is not None  # migrated now, so tokens can be made
    with Serving(PortalApp(Portal(site, {"engage": engage}), settings)) as server:
        yield server, settings, clock, project, site
    engage.state.runtime.dispose()


def checked(driver: Any, server: Serving, site: Path, tmp_path: Path,
            url: str = PAGE) -> list[str]:
    """The portal's browser checks on a page (the draft's) in default and elder mode."""
    checker = BrowserChecker(driver, server.url + "/", AxeRunner(find_axe()), BrowserOptions(),
                             Shots(tmp_path / "shots"))
    modes = [m for m in load_modes(site, None, "assets/modes.json")
             if m.name in ("default", "elder")]
    page = PageInfo(url + "index.html", url, "policy")
    return [f"{mode.name} {f.rule}: {f.message}" for mode in modes
            for f in checker.check(page, mode)]


def test_comment_by_keyboard_moderate_and_read_the_summary_after_the_deadline(
        driver: Any, portal: Any, tmp_path: Path) -> None:
    server, settings, clock, project, site = portal
    driver.get(f"{server.url}/{PAGE}")
    section = driver.find_element(By.ID, "td-consult-section")
    section.send_keys(Keys.ARROW_DOWN)  # 一、发展社区养老服务
    text = driver.find_element(By.ID, "td-consult-text")
    text.send_keys(Keys.SHIFT, Keys.TAB)
    assert driver.switch_to.active_element == section  # the fields follow each other by Tab
    section.send_keys(Keys.TAB)
    driver.switch_to.active_element.send_keys("建议提高社区养老服务机构的床位建设补助，每张至少1.5万元。")
    driver.switch_to.active_element.send_keys(Keys.TAB, "王建国", Keys.TAB, "13812345678")
    driver.switch_to.active_element.send_keys(Keys.TAB)
    button = driver.switch_to.active_element
    assert button.text == "提交意见"
    button.send_keys(Keys.ENTER)

    notice = WebDriverWait(driver, 20).until(ec.visibility_of_element_located(
        (By.ID, "td-consult-received")))
    assert driver.current_url.endswith(f"/{PAGE}#td-consult-received")
    assert "已收到您的意见" in notice.text

    engine_url = settings.database_url
    from functions.runtime.db import make_engine

    engine = make_engine(engine_url)
    moderator = {"Authorization": f"Bearer {auth.create_token(engine, '审核员', ['moderator'])}"}
    engine.dispose()
    queue = httpx.get(f"{server.url}/api/engage/moderation", headers=moderator).json()
    assert [(c["section"], c["name"], c["contact"]) for c in queue] == [
        ("一、发展社区养老服务", "王建国", "13812345678")]
    assert queue[0]["findings"] == []  # the filter reads the comment, not the contact
    decided = httpx.post(f"{server.url}/api/engage/comments/{queue[0]['id']}/decision",
                         json={"decision": "approve"},
                         headers={**moderator, "Idempotency-Key": str(uuid.uuid4())})
    assert decided.status_code == 200 and decided.json()["state"] == "approved"
    assert checked(driver, server, site, tmp_path) == []  # the form, in both modes

    # After the deadline the office writes its responses, and the site is built again.
    draft = project / "content" / "policies" / "silver-draft.md"
    draft.write_text(draft.read_text(encoding="utf-8").replace(
        "consultation_ends: 2026-12-10\n", "consultation_ends: 2026-12-10\n" + RESPONSES),
        encoding="utf-8")
    build(project, site, "2026-12-11")
    clock.now = china(2026, 12, 11) + dt.timedelta(hours=1)
    driver.get(f"{server.url}/{PAGE}")
    summary = driver.find_element(By.CSS_SELECTOR, ".td-consult__summary")
    WebDriverWait(driver, 20).until(lambda d: "共收到意见 1 条" in summary.text)
    assert "经审核公布 1 条" in summary.text
    assert "建议提高社区养老服务机构的床位建设补助，每张至少1.5万元。" in summary.text
    assert "王建国" not in driver.page_source and "13812345678" not in driver.page_source
    assert driver.find_elements(By.ID, "td-consult-text") == []  # no form after the deadline
    responses = driver.find_element(By.CSS_SELECTOR, ".td-consult__responses").text
    assert "部分采纳" in driver.find_element(By.CSS_SELECTOR, ".td-consult__decision").text
    assert "对护理型床位的补助提高到每张1.2万元" in responses
    assert checked(driver, server, site, tmp_path) == []  # the summary, in both modes


def test_subscribe_pause_and_delete_on_the_subscriptions_page_by_keyboard(
        driver: Any, portal: Any, tmp_path: Path) -> None:
    server, settings, _, _, site = portal
    from functions.runtime.db import make_engine

    engine = make_engine(settings.database_url)
    token = auth.create_token(engine, "澜舟科技", ["subscriber"], subject="91390100MA2K7Q1B4K")
    driver.get(f"{server.url}/subscribe/")
    field = WebDriverWait(driver, 20).until(ec.visibility_of_element_located(
        (By.ID, "td-subscribe-token")))
    field.send_keys(token, Keys.ENTER)
    WebDriverWait(driver, 20).until(ec.text_to_be_present_in_element(
        (By.CSS_SELECTOR, ".td-subscribe__message"), "已登录，您有 0 个订阅"))
    driver.find_element(By.CSS_SELECTOR, "input[name=tag][value='audience:老年人']").send_keys(Keys.SPACE)
    address = driver.find_element(By.ID, "td-subscribe-address")
    address.send_keys("laoren@example.com", Keys.ENTER)
    WebDriverWait(driver, 20).until(ec.text_to_be_present_in_element(
        (By.CSS_SELECTOR, ".td-subscribe__message"), "已订阅"))
    listed = driver.find_element(By.CSS_SELECTOR, ".td-subscribe__list")
    # the list is fetched again after the message: wait for it (CI read it still empty)
    WebDriverWait(driver, 20).until(lambda d: "对象“老年人”" in listed.text)
    assert "推送中" in listed.text

    # With consent, by one's own situation: an enterprise in 高新区.
    profile = driver.find_element(By.CSS_SELECTOR, "input[name=kind][value=profile]")
    profile.send_keys(Keys.SPACE)
    revenue = driver.find_element(By.ID, "td-subscribe-enterprise-revenue")
    WebDriverWait(driver, 10).until(lambda d: revenue.is_displayed())
    revenue.send_keys("30000000")
    driver.find_element(By.ID, "td-subscribe-consent").send_keys(Keys.SPACE)
    address.send_keys(Keys.CONTROL, "a")
    address.send_keys("caiwu@lanzhou.example", Keys.ENTER)
    WebDriverWait(driver, 20).until(lambda d: "按我的情况（企业）" in listed.text)
    assert checked(driver, server, site, tmp_path, "subscribe/") == []  # signed in, two listed

    driver.get(f"{server.url}/subscribe/")  # the token stays for this tab
    listed = WebDriverWait(driver, 20).until(ec.visibility_of_element_located(
        (By.CSS_SELECTOR, ".td-subscribe__list")))
    WebDriverWait(driver, 20).until(lambda d: "老年人" in listed.text)
    pause = driver.find_element(By.XPATH, "//li[contains(., '老年人')]//button[text()='暂停']")
    pause.send_keys(Keys.ENTER)
    WebDriverWait(driver, 20).until(lambda d: "已暂停（由您暂停）" in listed.text)
    delete = driver.find_element(By.XPATH, "//li[contains(., '老年人')]//button[text()='删除']")
    delete.send_keys(Keys.ENTER)
    WebDriverWait(driver, 20).until(lambda d: "老年人" not in listed.text)
    mine = httpx.get(f"{server.url}/api/engage/subscriptions",
                     headers={"Authorization": f"Bearer {token}"}).json()
    assert [(s["kind"], s["profile"]) for s in mine] == [("profile", {"revenue": 3000000000})]
    engine.dispose()
