"""The ``tongda-voucher`` plugin: the verifier page and the function's public files in the site."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest
from lxml import html as lxml_html
from voucher_site import FIXTURE, build_site, make_site

pytestmark = pytest.mark.integration


def test_the_site_carries_the_did_document_status_list_and_checkpoint(tmp_path: Path) -> None:
    made = make_site(tmp_path)
    did = json.loads((made.site / ".well-known/did.json").read_text("utf-8"))
    assert did == made.service.did_document()
    assert did["id"] == "did:web:zw.linjiang.example"
    status = json.loads((made.site / "voucher/data/status-1.json").read_text("utf-8"))
    assert status == made.service.status_list(1)
    assert (made.site / "voucher/data/checkpoint.txt").read_text("utf-8") == \
        made.service.checkpoint()
    assert (made.site / "assets/vendor/noble-ed25519/index.js").is_file()


def test_the_page_is_a_labelled_form_that_embeds_the_keys_for_offline_use(tmp_path: Path) -> None:
    made = make_site(tmp_path)
    page = lxml_html.fromstring((made.site / "voucher/index.html").read_text("utf-8"))
    assert page.xpath("string(//h1)") == "数据凭证核验"
    root = page.xpath('//*[@data-module="td-voucher"]')[0]
    assert json.loads(root.get("data-did-document")) == made.service.did_document()
    assert json.loads(root.get("data-status-lists"))["1"] == made.service.status_list(1)
    assert root.get("data-checkpoint") == made.service.checkpoint()
    for field in ("td-voucher-credential", "td-voucher-report"):
        assert page.xpath(f'//label[@for="{field}"]'), field
    assert not page.xpath("//script[not(@src)]")  # no inline script (CSP default-src 'self')
    scripts = [s.get("src") for s in page.xpath("//script[@src]")]
    assert any(s.endswith("components/voucher/voucher-verify.js") for s in scripts)
    nav = page.xpath('//nav[@class="td-nav"]//a/text()')
    assert "数据凭证核验" in nav


def test_a_site_built_before_the_function_ever_ran_still_has_its_page(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    build_site(project, tmp_path / "site")
    assert (tmp_path / "site/voucher/index.html").is_file()
    assert not (tmp_path / "site/.well-known").exists()
    page = (tmp_path / "site/voucher/index.html").read_text("utf-8")
    assert "data-did-document" not in page


def test_an_issuer_for_another_host_is_warned_about(tmp_path: Path,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    published = project / "voucher" / "public" / ".well-known"
    published.mkdir(parents=True)
    (published / "did.json").write_text(json.dumps({"id": "did:web:127.0.0.1%3A8000"}), "utf-8")
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.tongda-voucher"):
        build_site(project, tmp_path / "site", strict=False)
    assert any("did:web:zw.linjiang.example" in r.getMessage() for r in caplog.records)


def test_each_component_example_renders_a_labelled_form_and_a_no_script_text() -> None:
    import yaml

    from site_builder.plugins.voucher import page as voucher_page

    spec = yaml.safe_load((voucher_page.COMPONENT_DIR / "examples.yml").read_text("utf-8"))
    nojs = {"voucher": ("td-voucher__nojs", "核验需要启用"),
            "voucher_mine": ("td-voucher-mine__nojs", "本页需要启用 JavaScript。不用 JavaScript，")}
    for example in spec["examples"]:
        macro, params = example["macro"], example["params"]
        declared = spec["macros"][macro]["params"]
        assert set(params) <= set(declared), example["name"]
        assert all(n in params for n, p in declared.items() if p.get("required")), example["name"]
        markup = lxml_html.fragment_fromstring(
            voucher_page.render_component(params, macro), create_parent="div")
        root = markup.xpath('//*[@data-module]')[0]
        assert root.get("data-api") == params["api_url"]
        css, text = nojs[macro]
        assert markup.xpath(f'string(//*[@class="{css}"])').startswith(text), example["name"]
        for field in markup.xpath("//textarea | //input"):
            assert markup.xpath(f'//label[@for="{field.get("id")}"]'), field.get("id")
        for link in ("mine_url", "verify_url"):
            if link in params:
                assert markup.xpath(f'//a[@href="{params[link]}"]'), (example["name"], link)
        assert not markup.xpath("//script|//@style|//@*[starts-with(name(), 'on')]")


def test_the_citizens_page_signs_in_without_putting_the_token_in_the_address(
        tmp_path: Path) -> None:
    made = make_site(tmp_path, issue=False)
    page = lxml_html.fromstring((made.site / "voucher/mine/index.html").read_text("utf-8"))
    assert page.xpath("string(//h1)") == "我的数据凭证"
    root = page.xpath('//*[@data-module="td-voucher-mine"]')[0]
    assert root.get("data-api") == "../../api/voucher/"
    # Without JavaScript: what to do instead; the sign-in form is hidden and posts nothing
    # to a URL (method post, its submission is the script's).
    nojs = page.xpath('string(//*[@class="td-voucher-mine__nojs"])')
    assert "政务服务中心窗口" in nojs and "12345" in nojs
    form = page.xpath('//form[contains(@class, "td-voucher-mine__signin")]')[0]
    assert form.get("hidden") is not None and form.get("method") == "post"
    token = page.xpath('//input[@id="td-voucher-mine-token"]')[0]
    assert token.get("type") == "password" and token.get("autocomplete") == "off"
    assert page.xpath('//*[@role="status" and contains(@class, "td-voucher-mine__status")]')
    assert not page.xpath("//script[not(@src)]")  # no inline script (CSP default-src 'self')
    scripts = [s.get("src") for s in page.xpath("//script[@src]")]
    assert "../../components/voucher/voucher-mine.js" in scripts
    assert not any("voucher-verify" in s for s in scripts)  # the verifier's weight stays there
    assert page.xpath('//a[@href="../" and text()="数据凭证核验"]')  # to the verifier
    verifier = lxml_html.fromstring((made.site / "voucher/index.html").read_text("utf-8"))
    assert verifier.xpath('//a[@href="mine/" and text()="我的数据凭证"]')  # and back


def test_the_citizens_page_can_be_left_out(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace(
        "voucher_dir: voucher", "voucher_dir: voucher\n      mine_enabled: false"), "utf-8")
    build_site(project, tmp_path / "site")
    assert not (tmp_path / "site/voucher/mine").exists()
    assert "我的数据凭证" not in (tmp_path / "site/voucher/index.html").read_text("utf-8")
