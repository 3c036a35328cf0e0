"""The verifier page in headless Chromium, offline (the static site alone, under a strict CSP).

The same attacks as the Python verifier's tests, built from real vouchers: each is
rejected for the same reasons, with WebCrypto's Ed25519 and with the vendored fallback.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from voucher_site import ROOT, VoucherSite, make_site

from a11y.axe import AxeRunner, find_axe
from a11y.browser import serve_directory
from functions.voucher.encoding import b64
from functions.voucher.verify import verify_voucher
from tests.functions.voucher.voucher_testlib import (
    BANK,
    ZHAO,
    altered,
    altered_report,
    for_another_log,
    forged_checkpoint,
)

pytestmark = pytest.mark.browser
CSP = {"Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'"}


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> VoucherSite:
    return make_site(tmp_path_factory.mktemp("voucher-page"))


@pytest.fixture(scope="module")
def url(made: VoucherSite) -> Iterator[str]:
    with serve_directory(made.site, headers=CSP) as base:
        yield base + "voucher/"


def wait_for(driver: Any, script: str, timeout: float = 20.0) -> Any:
    """Poll a JavaScript expression until it is truthy (browser state, not timing)."""
    deadline = time.monotonic() + timeout
    while True:
        value = driver.execute_script("return " + script)
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def verify_in_page(driver: Any, url: str, credential: Any, report: bytes | None = None, *,
                   fallback: bool = False) -> dict[str, Any]:
    """Paste a voucher (and report), press the button from the keyboard, read the verdict."""
    driver.get(url)
    wait_for(driver, "document.querySelector('.td-voucher--ready')")
    driver.execute_script(
        "if (arguments[2]) { TongdaVoucher.useFallback = true; TongdaVoucher.engine = null; }"
        "document.getElementById('td-voucher-credential').value = arguments[0];"
        "document.getElementById('td-voucher-report').value = arguments[1];",
        credential if isinstance(credential, str) else json.dumps(credential, ensure_ascii=False),
        (report or b"").decode("utf-8"), fallback)
    driver.find_element(By.CSS_SELECTOR, ".td-voucher__button[type=submit]").send_keys(Keys.ENTER)
    assert wait_for(driver, "document.querySelector('.td-voucher__results[data-valid]')")
    return driver.execute_script("""
        const r = document.querySelector('.td-voucher__results');
        return {valid: r.getAttribute('data-valid') === 'true',
                failed: [...r.querySelectorAll('.td-voucher__check--fail')].map(e => e.dataset.check),
                text: r.innerText, focused: document.activeElement.id};""")


def python_failed(made: VoucherSite, credential: dict[str, Any],
                  report: bytes | None = None) -> list[str]:
    service = made.service
    return verify_voucher(credential, did_document=service.did_document(),
                          status_list=service.status_list(1), report=report).failed()


@pytest.mark.parametrize("fallback", [False, True], ids=["webcrypto", "noble-fallback"])
def test_a_valid_voucher_and_its_report_verify_and_focus_moves_to_the_verdict(
        driver: Any, url: str, made: VoucherSite, fallback: bool) -> None:
    seen = verify_in_page(driver, url, made.vouchers["valid"], made.reports["valid"],
                          fallback=fallback)
    assert seen["valid"] and seen["failed"] == [], seen["text"]
    assert seen["focused"] == "td-voucher-results-title"
    assert "凭证有效" in seen["text"] and "临江农商银行" in seen["text"]
    engine = driver.execute_async_script(
        "TongdaVoucher.engineName().then(arguments[arguments.length - 1])")
    assert engine == ("noble" if fallback else "webcrypto")


ATTACKS = {
    "altered voucher": lambda m: (altered(m.vouchers["valid"]), None),
    "altered report": lambda m: (m.vouchers["valid"], altered_report(m.reports["valid"])),
    "proof for another log": lambda m: (for_another_log(m.service, m.vouchers["valid"]), None),
    "forged checkpoint": lambda m: (forged_checkpoint(m.vouchers["valid"]), None),
    "revoked voucher": lambda m: (m.vouchers["revoked"], None),
}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_each_attack_is_rejected_by_the_page_as_by_python(driver: Any, url: str,
                                                          made: VoucherSite, attack: str) -> None:
    credential, report = ATTACKS[attack](made)
    expected = python_failed(made, credential, report)
    assert expected, attack
    seen = verify_in_page(driver, url, credential, report)
    assert not seen["valid"]
    assert sorted(seen["failed"]) == sorted(expected), seen["text"]
    assert "凭证无效" in seen["text"]


def test_the_fallback_rejects_an_altered_voucher_too(driver: Any, url: str,
                                                     made: VoucherSite) -> None:
    seen = verify_in_page(driver, url, altered(made.vouchers["valid"]), fallback=True)
    assert sorted(seen["failed"]) == ["inclusion", "signature"]


def test_a_revocation_after_the_build_is_seen_without_rebuilding(driver: Any, url: str,
                                                                 made: VoucherSite) -> None:
    service = made.service
    request = service.request(BANK, ZHAO, "信用卡审批", ["credit"], 10)
    voucher = service.authorise(request.id, ZHAO)
    publisher = service.publisher
    assert publisher is not None
    publisher.roots.append(made.site)  # the function beside the site (tongda serve)
    try:
        assert verify_in_page(driver, url, voucher.credential)["valid"]
        service.revoke(voucher.id, ZHAO)
        assert verify_in_page(driver, url, voucher.credential)["failed"] == ["status"]
    finally:
        publisher.roots.remove(made.site)


def test_consistency_between_checkpoints_verifies_in_the_page(driver: Any, url: str,
                                                              made: VoucherSite) -> None:
    service = made.service
    old = service.checkpoint()
    request = service.request(BANK, ZHAO, "审批", ["identity"], 5)
    service.authorise(request.id, ZHAO)
    new = service.checkpoint()
    sizes = [int(n.split("\n")[1]) for n in (old, new)]
    proof = [b64(p) for p in service.consistency(*sizes)]
    driver.get(url)
    wait_for(driver, "window.TongdaVoucher")
    run = ("TongdaVoucher.verifyLogConsistency(arguments[0], arguments[1], arguments[2], arguments[3])"
           ".then(arguments[arguments.length - 1])")
    document = service.did_document()
    assert driver.execute_async_script(run, old, new, proof, document)["ok"]
    # A history rewritten: the new tree's checkpoint with another first leaf.
    rewritten = driver.execute_async_script(run, old, new, [b64(bytes(32)), *proof[1:]], document)
    assert not rewritten["ok"] and "改写" in rewritten["detail"]


def test_bad_input_gets_an_error_summary_that_takes_focus(driver: Any, url: str) -> None:
    driver.get(url)
    wait_for(driver, "document.querySelector('.td-voucher--ready')")
    driver.execute_script("document.getElementById('td-voucher-credential').value = '{不是 JSON';")
    driver.find_element(By.CSS_SELECTOR, ".td-voucher__button[type=submit]").send_keys(Keys.ENTER)
    state = driver.execute_script("""
        const s = document.querySelector('.td-voucher__error-summary');
        const t = document.getElementById('td-voucher-credential');
        return {hidden: s.hidden, role: s.getAttribute('role'), focused: document.activeElement === s,
                invalid: t.getAttribute('aria-invalid'), described: t.getAttribute('aria-describedby'),
                text: s.innerText};""")
    assert state["role"] == "alert" and not state["hidden"] and state["focused"]
    assert state["invalid"] == "true" and "td-voucher-credential-error" in state["described"]
    assert "不是有效的 JSON" in state["text"]


def test_the_page_passes_axe_before_and_after_a_verdict_in_default_and_elder_mode(
        driver: Any, url: str, made: VoucherSite) -> None:
    axe = AxeRunner(find_axe(start=ROOT))
    for mode in ({}, {"data-td-mode": "elder"}):
        for credential in (None, made.vouchers["revoked"]):
            if credential is None:
                driver.get(url)
                wait_for(driver, "document.querySelector('.td-voucher--ready')")
            else:
                verify_in_page(driver, url, credential)
            driver.execute_script(
                "for (const [k, v] of Object.entries(arguments[0])) "
                "document.documentElement.setAttribute(k, v);", mode)
            found = [(v["id"], [n["target"] for n in v["nodes"]][:3])
                     for v in axe.run(driver)["violations"]]
            assert found == [], (mode, found)


def test_without_javascript_the_page_says_so(made: VoucherSite) -> None:
    page = (Path(made.site) / "voucher/index.html").read_text("utf-8")
    assert "核验需要启用 JavaScript" in page
    assert 'class="td-voucher__form" novalidate hidden' in page
