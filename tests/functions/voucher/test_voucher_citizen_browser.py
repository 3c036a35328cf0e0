"""The citizen's page (我的数据凭证) in headless Chromium, by keyboard, under the portal's CSP.

The fixture portal (``tests/fixtures/voucher-site``) is built with MkDocs in strict mode
(the static accessibility rules on every page) and served with the voucher function on one
origin behind the portal's hygiene, as ``tongda serve`` does. A bank asks over HTTP; the
citizen signs in on the page and decides with the keyboard; the bank fetches the report
over HTTP and the citizen sees it, revokes, and the bank is refused.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from voucher_testlib import ZHAO, make_config

from a11y.axe import AxeRunner, find_axe
from a11y.browser_checks import BrowserChecker, BrowserOptions, Shots
from a11y.site import PageInfo, load_modes
from functions.runtime import auth
from functions.runtime.server import Portal, PortalApp
from functions.runtime.settings import Settings
from functions.voucher.app import create_app
from functions.voucher.service import IdentityCheck
from tests.portal_server import serve_app
from tests.site_builder.plugins.voucher.voucher_site import FIXTURE, build_site

pytestmark = pytest.mark.browser
PAGE = "voucher/mine/"
BANK_ID = "91390100MA2K7Q1B4K"
KINDS = ["identity", "social_insurance", "housing_fund"]
#: Recorded from the first moment of every document: anything the CSP blocks, script errors.
WATCH = """
window.__blocked = [];
document.addEventListener('securitypolicyviolation', (e) => window.__blocked.push(
  'CSP ' + e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sourceFile || '') + ':' + e.lineNumber));
window.addEventListener('error', (e) => window.__blocked.push('error ' + e.message), true);
window.addEventListener('unhandledrejection', (e) => window.__blocked.push('rejection ' + e.reason));
"""


class Portal_:
    """The served portal, the bank's and the citizen's tokens, and the bank's HTTP calls."""

    def __init__(self, url: str, bank: str, citizen: str, site: Path) -> None:
        self.url, self.bank, self.citizen, self.site = url, bank, citizen, site

    def _bank(self, key: bool = False) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.bank}"}
        return headers | ({"Idempotency-Key": str(uuid.uuid4())} if key else {})

    def ask(self, purpose: str = "个人住房贷款审批", kinds: list[str] | None = None) -> str:
        made = httpx.post(f"{self.url}/api/voucher/requests", headers=self._bank(True),
                          json={"subject": ZHAO, "purpose": purpose, "kinds": kinds or KINDS},
                          timeout=30)
        assert made.status_code == 201, made.text
        return str(made.json()["id"])

    def request(self, request_id: str) -> dict[str, Any]:
        return httpx.get(f"{self.url}/api/voucher/requests/{request_id}", headers=self._bank(),
                         timeout=30).json()  # type: ignore[no-any-return]

    def report(self, voucher_id: str) -> httpx.Response:
        return httpx.get(f"{self.url}/api/voucher/vouchers/{voucher_id}/report",
                         headers=self._bank(), timeout=30)

    def history(self) -> dict[str, Any]:
        return httpx.get(f"{self.url}/api/voucher/me", timeout=30,  # type: ignore[no-any-return]
                         headers={"Authorization": f"Bearer {self.citizen}"}).json()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    built = tmp_path_factory.mktemp("citizen-portal")
    import shutil

    shutil.copytree(FIXTURE, built / "project")
    build_site(built / "project", built / "site")
    return built / "site"


@contextmanager
def portal_with(site: Path, tmp: Path, identity: IdentityCheck | None = None) -> Iterator[Portal_]:
    settings = Settings(database_url=f"sqlite:///{tmp / 'portal.sqlite3'}", rate_limit=0,
                        audit_heads_file=tmp / "heads.jsonl", audit_key_file=tmp / "audit.key")
    app = create_app(settings, site_dir=site, config=make_config(tmp / "voucher"),
                     identity=identity)
    engine = app.state.runtime.engine  # migrated and started now, so tokens can be made
    bank = auth.create_token(engine, "临江农商银行", ["requester"], subject=BANK_ID)
    citizen = auth.create_token(engine, "赵明轩", ["citizen"], subject=ZHAO)
    try:
        with serve_app(PortalApp(Portal(site, {"voucher": app}), settings)) as url:
            yield Portal_(url, bank, citizen, site)
    finally:
        app.state.runtime.dispose()


@pytest.fixture
def portal(site: Path, tmp_path: Path, driver: Any) -> Iterator[Portal_]:
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH})
    with portal_with(site, tmp_path) as served:
        yield served
    assert driver.execute_script("return window.__blocked || []") == []


# -- the keyboard, and what a screen reader would be told -------------------------------

def wait(driver: Any, until: Callable[[Any], Any], seconds: float = 20) -> Any:
    return WebDriverWait(driver, seconds).until(until)


def press(driver: Any, *keys: str) -> None:
    """Keys to whatever has the focus, as a keyboard user types them."""
    ActionChains(driver).send_keys(*keys).perform()


def focused(driver: Any) -> dict[str, str]:
    return driver.execute_script(  # type: ignore[no-any-return]
        "const a = document.activeElement;"
        "return {tag: a.tagName.toLowerCase(), id: a.id, text: a.innerText || a.value || '',"
        " type: a.type || '', name: a.name || ''};")


def focus_is(driver: Any, element_id: str) -> bool:
    return bool(focused(driver)["id"] == element_id)


def status(driver: Any) -> str:
    return str(driver.find_element(By.CSS_SELECTOR, ".td-voucher-mine__status").text)


def section(driver: Any, name: str) -> str:
    return str(driver.find_element(By.CSS_SELECTOR, f'[data-list="{name}"]').text)


def confirmation(driver: Any) -> str:
    """The text of the open confirmation (authorise, refuse or revoke)."""
    return str(driver.find_element(By.CSS_SELECTOR, ".td-voucher-mine__confirm").text)


def sign_in(driver: Any, portal: Portal_) -> None:
    driver.get(f"{portal.url}/{PAGE}")
    field = wait(driver, lambda d: (f := d.find_element(By.ID, "td-voucher-mine-token"))
                 .is_displayed() and f)
    field.send_keys(portal.citizen, Keys.ENTER)
    wait(driver, lambda d: focus_is(d, "td-voucher-mine-requests-title"))
    wait(driver, lambda d: "已登录" in status(d))


def china(text: str) -> str:
    """An API time as the page shows it: 2026年12月5日 14:03, Beijing time."""
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00")) + dt.timedelta(hours=8)
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"


# -- the whole citizen path ------------------------------------------------------------

def test_the_citizen_authorises_sees_each_access_and_revokes_by_keyboard(
        driver: Any, portal: Portal_) -> None:
    request_id = portal.ask()
    sign_in(driver, portal)
    assert portal.citizen not in driver.current_url  # nothing in the address
    assert driver.execute_script("return sessionStorage.getItem('tongda.voucher.token')") == \
        portal.citizen
    assert "待您决定的请求 1 项" in status(driver)  # sign_in waited for 已登录
    asked = section(driver, "requests")
    assert "临江农商银行 请求查看您的数据" in asked and "个人住房贷款审批" in asked
    # The kinds in plain Chinese, from the catalogue: what each holds and who provides it.
    assert "身份信息：姓名、性别、出生日期（不含身份证号码）（临江市公安局提供）" in asked
    assert "住房公积金缴存信息：缴存状态、连续缴存月数、月缴存额" in asked
    assert "同意之日起 30 天" in asked
    created = portal.request(request_id)["created_at"]
    assert china(created) in asked

    press(driver, Keys.TAB)
    assert focused(driver)["text"] == "同意授权"
    press(driver, Keys.ENTER)
    wait(driver, lambda d: focus_is(d, "td-voucher-mine-confirm-title"))
    confirm = confirmation(driver)
    assert focused(driver)["text"] == "确认授权给 临江农商银行"
    assert "为“个人住房贷款审批”取回下列数据，仅限这些" in confirm
    assert "社会保险缴纳信息：参保状态、连续缴费月数、月缴费基数" in confirm
    assert "身份核验（人脸识别）" in confirm and "模拟核验通过" in confirm
    press(driver, Keys.TAB)
    assert focused(driver)["name"] == "identity"  # the simulated check, passing by default
    press(driver, Keys.TAB)
    assert focused(driver)["text"] == "确认授权"
    press(driver, Keys.ENTER)

    wait(driver, lambda d: focus_is(d, "td-voucher-mine-vouchers-title"))
    wait(driver, lambda d: "已授权：临江农商银行" in status(d))
    assert portal.request(request_id)["status"] == "authorised"
    assert "没有待您决定的请求" in section(driver, "requests")
    mine = section(driver, "vouchers")
    assert "授权给 临江农商银行" in mine and "有效" in mine and "尚未取回" in mine
    voucher = portal.history()["vouchers"][0]
    assert f"{china(voucher['valid_from'])} 至 {china(voucher['valid_until'])}" in mine

    # The bank fetches the report; the citizen refreshes and sees who, when and what.
    assert portal.report(voucher["id"]).status_code == 200
    refresh = driver.find_element(By.CSS_SELECTOR, '[data-action="refresh"]')
    refresh.send_keys(Keys.ENTER)
    wait(driver, lambda d: "取回了您的数据报告" in section(d, "events"))
    assert focused(driver)["text"] == "刷新"  # a refresh says so, it does not move the focus
    wait(driver, lambda d: "已刷新" in status(d))
    access = next(e for e in portal.history()["events"] if e["action"] == "voucher.report")
    assert (f"{china(access['at'])} 临江农商银行 取回了您的数据报告（身份信息、社会保险缴纳信息、"
            f"住房公积金缴存信息）。（日志序号 {access['leaf_index']}）") in section(driver, "events")
    assert f"被取回\n1 次，最近一次在{china(access['at'])}" in section(driver, "vouchers")

    driver.find_element(By.XPATH, "//button[text()='撤销授权']").send_keys(Keys.ENTER)
    wait(driver, lambda d: focus_is(d, "td-voucher-mine-confirm-title"))
    assert "不能再取回您的数据报告" in confirmation(driver)
    press(driver, Keys.TAB)
    assert focused(driver)["text"] == "确认撤销"
    press(driver, Keys.ENTER)
    wait(driver, lambda d: focus_is(d, "td-voucher-mine-vouchers-title"))
    wait(driver, lambda d: "已撤销对临江农商银行的授权" in status(d))
    assert "已撤销（" in section(driver, "vouchers")
    assert not driver.find_elements(By.XPATH, "//button[text()='撤销授权']")
    assert "您本人 撤销了对临江农商银行的授权" in section(driver, "events")

    refused = portal.report(voucher["id"])
    assert refused.status_code == 403 and refused.json()["title"] == "凭证已撤销"


def test_refusal_a_failed_identity_check_and_cancel_by_keyboard(
        driver: Any, portal: Portal_) -> None:
    first = portal.ask()
    sign_in(driver, portal)
    press(driver, Keys.TAB, Keys.TAB)
    assert focused(driver)["text"] == "拒绝"
    press(driver, Keys.ENTER)
    wait(driver, lambda d: focus_is(d, "td-voucher-mine-confirm-title"))
    press(driver, Keys.ESCAPE)  # cancel: back to the button that opened it
    wait(driver, lambda d: focused(d)["text"] == "拒绝")
    assert not driver.find_elements(By.CSS_SELECTOR, ".td-voucher-mine__confirm")
    press(driver, Keys.ENTER)
    wait(driver, lambda d: focus_is(d, "td-voucher-mine-confirm-title"))
    assert "看不到您的任何数据" in confirmation(driver)
    press(driver, Keys.TAB)
    assert focused(driver)["text"] == "确认拒绝"
    press(driver, Keys.ENTER)
    wait(driver, lambda d: "已拒绝临江农商银行的请求" in status(d))
    wait(driver, lambda d: focus_is(d, "td-voucher-mine-requests-title"))
    assert "没有待您决定的请求" in section(driver, "requests")
    assert "您本人 拒绝了临江农商银行的请求" in section(driver, "events")
    assert portal.request(first)["status"] == "refused"

    # The identity check fails: the confirmation stays, says why, and nothing is issued.
    second = portal.ask("信用卡审批", ["credit"])
    driver.find_element(By.CSS_SELECTOR, '[data-action="refresh"]').send_keys(Keys.ENTER)
    wait(driver, lambda d: "信用卡审批" in section(d, "requests"))
    driver.find_element(By.XPATH, "//button[text()='同意授权']").send_keys(Keys.ENTER)
    wait(driver, lambda d: focus_is(d, "td-voucher-mine-confirm-title"))
    press(driver, Keys.TAB, Keys.ARROW_DOWN)  # the radio group: 模拟核验不通过
    assert focused(driver)["name"] == "identity"
    press(driver, Keys.TAB, Keys.ENTER)
    wait(driver, lambda d: "授权未成功：身份核验未通过" in status(d))
    assert focus_is(driver, "td-voucher-mine-confirm-title")
    assert "身份核验未通过" in driver.find_element(By.ID, "td-voucher-mine-confirm-error").text
    assert portal.request(second)["status"] == "pending"
    assert portal.history()["vouchers"] == []


def test_the_tab_keeps_the_sign_in_without_stealing_focus_and_signs_out(
        driver: Any, portal: Portal_) -> None:
    portal.ask()
    sign_in(driver, portal)
    driver.get(f"{portal.url}/{PAGE}")  # the token this tab kept: signed in again, quietly
    wait(driver, lambda d: "临江农商银行" in section(d, "requests"))
    assert focused(driver)["tag"] == "body"
    driver.find_element(By.CSS_SELECTOR, '[data-action="signout"]').send_keys(Keys.ENTER)
    wait(driver, lambda d: focus_is(d, "td-voucher-mine-signin-title"))
    wait(driver, lambda d: "已退出登录" in status(d))
    assert driver.execute_script("return sessionStorage.getItem('tongda.voucher.token')") is None
    assert not driver.find_element(By.CSS_SELECTOR, ".td-voucher-mine__requests").is_displayed()
    # A token that is not a citizen's is refused with the function's own words.
    field = driver.find_element(By.ID, "td-voucher-mine-token")
    field.send_keys(portal.bank, Keys.ENTER)
    wait(driver, lambda d: "登录未成功" in status(d))
    assert field.get_attribute("aria-invalid") == "true"
    assert "citizen" in driver.find_element(By.ID, "td-voucher-mine-token-error").text


class LoadedChecker(BrowserChecker):
    """The portal's checks, each run once the page has filled itself from the function."""

    def __init__(self, *args: Any, ready: str) -> None:
        super().__init__(*args)
        self.ready = ready

    def load(self, page: PageInfo, mode: Any) -> None:
        super().load(page, mode)
        wait(self.driver, lambda d: d.execute_script("return " + self.ready))


def portal_findings(driver: Any, portal: Portal_, tmp_path: Path, ready: str) -> list[str]:
    """The portal's browser checks (axe, keyboard walk, 320 px reflow, text at 200 %, text
    spacing, elder-mode targets) on the page once ``ready``, in default and elder mode."""
    checker = LoadedChecker(driver, portal.url + "/", AxeRunner(find_axe()), BrowserOptions(),
                            Shots(tmp_path / "shots"), ready=ready)
    modes = [m for m in load_modes(portal.site, None, "assets/modes.json")
             if m.name in ("default", "elder")]
    assert len(modes) == 2
    page = PageInfo(PAGE + "index.html", PAGE, "voucher")
    return [f"{mode.name} {f.rule}: {f.message} {f.selector}" for mode in modes
            for f in checker.check(page, mode)]


SIGNED_OUT = "document.querySelector('.td-voucher-mine--ready .td-voucher-mine__signin:not([hidden])')"
FILLED = "document.querySelectorAll('[data-list=events] > .td-voucher-mine__event').length >= 10"


def test_the_page_passes_the_portals_checks_in_default_and_elder_mode(
        driver: Any, portal: Portal_, tmp_path: Path) -> None:
    assert portal_findings(driver, portal, tmp_path, SIGNED_OUT) == []
    # A pending request, a valid voucher, a revoked one, and the bank's accesses to both.
    citizen = {"Authorization": f"Bearer {portal.citizen}"}

    def post(path: str) -> None:
        done = httpx.post(f"{portal.url}/api/voucher/{path}", json={}, timeout=30,
                          headers=citizen | {"Idempotency-Key": str(uuid.uuid4())})
        assert done.status_code in (200, 201), done.text

    for purpose, kinds in (("个人住房贷款审批", KINDS), ("公积金贷款", ["housing_fund"])):
        post(f"requests/{portal.ask(purpose, kinds)}/authorise")
    portal.ask("信用卡审批", ["credit", "income_tax"])
    vouchers = portal.history()["vouchers"]
    for voucher in vouchers:
        assert portal.report(voucher["id"]).status_code == 200
    post(f"vouchers/{vouchers[-1]['id']}/revoke")
    sign_in(driver, portal)
    assert portal_findings(driver, portal, tmp_path, FILLED) == []  # every part filled
    axe = AxeRunner(find_axe())
    for attrs in ({}, {"data-td-mode": "elder"}):
        driver.get(f"{portal.url}/{PAGE}")
        wait(driver, lambda d: "信用卡审批" in section(d, "requests"))
        driver.execute_script("for (const [k, v] of Object.entries(arguments[0])) "
                              "document.documentElement.setAttribute(k, v);", attrs)
        driver.find_element(By.XPATH, "//button[text()='同意授权']").send_keys(Keys.ENTER)
        wait(driver, lambda d: focus_is(d, "td-voucher-mine-confirm-title"))
        found = [(v["id"], [n["target"] for n in v["nodes"]][:3])
                 for v in axe.run(driver)["violations"]]
        assert found == [], (attrs, found)  # the confirmation open
        driver.execute_script("document.documentElement.removeAttribute('data-td-mode')")


class FaceCheck:
    """A deployment's identity step: evidence from the portal's face-check service."""

    method = "face"

    def confirm(self, subject_id: str, evidence: str | None) -> bool:
        return evidence == "face-ok"


def test_a_real_identity_service_is_called_through_the_portals_hook(
        driver: Any, site: Path, tmp_path: Path) -> None:
    with portal_with(site, tmp_path, FaceCheck()) as served:
        first = served.ask()
        sign_in(driver, served)
        driver.find_element(By.XPATH, "//button[text()='同意授权']").send_keys(Keys.ENTER)
        wait(driver, lambda d: focus_is(d, "td-voucher-mine-confirm-title"))
        confirm = confirmation(driver)
        assert "本站尚未接入人脸识别" in confirm  # no hook: no way to authorise online
        assert not driver.find_elements(By.XPATH, "//button[text()='确认授权']")
        # The deployment's script (window.TongdaIdentity) runs the face check.
        driver.execute_script("window.TongdaIdentity = {check: (o) => Promise.resolve("
                              "o.method === 'face' ? 'face-ok' : 'no')};")
        press(driver, Keys.ESCAPE, Keys.ENTER)
        wait(driver, lambda d: focus_is(d, "td-voucher-mine-confirm-title"))
        press(driver, Keys.TAB, Keys.ENTER)
        wait(driver, lambda d: focus_is(d, "td-voucher-mine-vouchers-title"))
        assert served.request(first)["status"] == "authorised"
