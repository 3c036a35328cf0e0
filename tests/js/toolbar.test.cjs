/* The accessibility toolbar (themes/tongda/components/toolbar/restore.js and toolbar.js) in a
 * jsdom window on a page the theme built (tests/js/fixtures/page.html).
 *
 * What a reader notices: every toggle switches its attribute on <html> on and off and says
 * so with aria-pressed, the settings are remembered and applied before the first paint on
 * the next page, zoom stops at its bounds, the keyboard shortcuts, regions, speech commands,
 * the large caption and the reading guide. */
"use strict";
const assert = require("assert");
const H = require("./helpers.cjs");

afterEach(H.closeAll);

const KEY = "tongda-a11y";
const HTML = H.pageBody("page.html");

/* jsdom has no layout: innerText is the text, and an element is visible unless it (or an
 * ancestor) is hidden. */
function layout(w) {
  Object.defineProperty(w.HTMLElement.prototype, "innerText", { configurable: true, get: function () { return this.textContent; } });
  w.Element.prototype.getClientRects = function () { return this.closest("[hidden]") ? [] : [{}]; };
}
function load(opts) {
  opts = opts || {};
  return H.page(opts.html || HTML, {
    scripts: opts.scripts || ["restore", "toolbar"],
    before: function (w) {
      layout(w);
      /* Announcements come after a tick (a fresh text is read even when the words repeat):
       * the test runs that tick when it listens (announced()). */
      w.ticks = [];
      w.setTimeout = function (f, ms) { w.ticks.push([f, ms]); return w.ticks.length; };
      if (opts.stored !== undefined) w.localStorage.setItem(KEY, typeof opts.stored === "string" ? opts.stored : JSON.stringify(opts.stored));
      if (opts.before) opts.before(w);
    }
  });
}
function $(w, sel) { return w.document.querySelector(sel); }
function $$(w, sel) { return Array.from(w.document.querySelectorAll(sel)); }
function attrs(w) {
  const o = {};
  Array.from(w.document.documentElement.attributes).forEach(function (a) { if (a.name.indexOf("data-td-") === 0) o[a.name] = a.value; });
  return o;
}
function stored(w) { const v = w.localStorage.getItem(KEY); return v === null ? null : JSON.parse(v); }
function click(w, sel) {
  const el = typeof sel === "string" ? $(w, sel) : sel;
  assert.ok(el, "no " + sel);
  el.dispatchEvent(new w.MouseEvent("click", { bubbles: true, cancelable: true }));
}
function key(w, code, mods, target) {
  mods = mods || {};
  const ev = new w.KeyboardEvent("keydown", Object.assign({ code: code, key: mods.key || code, bubbles: true, cancelable: true }, mods));
  (target || w.document.activeElement || w.document.body).dispatchEvent(ev);
  return ev;
}
function combo(w, code, target) { return key(w, code, { altKey: true, shiftKey: true }, target); }
function pressed(w, sel) { return $$(w, sel).map(function (b) { return b.getAttribute("aria-pressed"); }); }
async function announced(w) {
  const cleared = $(w, "#td-announce").textContent;
  const ticks = w.ticks.splice(0);
  ticks.forEach(function (t) { assert.strictEqual(t[1], 50); t[0](); });
  if (ticks.length) assert.strictEqual(cleared, "", "emptied first");
  return $(w, "#td-announce").textContent;
}

describe("toolbar: restore.js, before the first paint", function () {
  this.timeout(H.TEST_TIMEOUT);
  it("applies remembered settings to <html> before any other script", function () {
    const w = load({ scripts: ["restore"], stored: { mode: "elder", scheme: "yellow-black", zoom: "150" } });
    assert.deepStrictEqual(attrs(w), { "data-td-mode": "elder", "data-td-scheme": "yellow-black", "data-td-zoom": "150" });
  });
  it("does nothing at all when nothing is remembered", function () {
    const w = load({ scripts: ["restore"] });
    assert.deepStrictEqual(attrs(w), {});
    assert.strictEqual(w.localStorage.getItem(KEY), null);
  });
  it("ignores settings and values it does not know, and a broken store", function () {
    const w = load({ scripts: ["restore"], stored: { mode: "young", gray: "on", evil: "x", zoom: "999", caption: "on" } });
    assert.deepStrictEqual(attrs(w), { "data-td-gray": "on", "data-td-caption": "on" });
    assert.deepStrictEqual(Object.assign({}, w.TongdaA11y.read()), { gray: "on", caption: "on" });
    assert.deepStrictEqual(attrs(load({ scripts: ["restore"], stored: "{not json" })), {});
    assert.deepStrictEqual(attrs(load({ scripts: ["restore"], stored: "null" })), {});
    assert.deepStrictEqual(Object.assign({}, load({ scripts: ["restore"], stored: "null" }).TongdaA11y.read()), {});
  });
  it("lasts for the page when storage is off", function () {
    const w = load({ scripts: ["restore"], before: function (w) {
      Object.defineProperty(w, "localStorage", { configurable: true, get: function () { throw new Error("SecurityError"); } });
    } });
    assert.deepStrictEqual(attrs(w), {});
    w.TongdaA11y.save({ mode: "elder" });
    w.TongdaA11y.apply({ mode: "elder" });
    assert.deepStrictEqual(attrs(w), { "data-td-mode": "elder" });
  });
  it("knows every setting the toolbar offers", function () {
    const w = load({ scripts: ["restore"] });
    assert.strictEqual(w.TongdaA11y.KEY, KEY);
    assert.deepStrictEqual(JSON.parse(JSON.stringify(w.TongdaA11y.SETTINGS)), {
      mode: ["elder"], scheme: ["yellow-black", "white-black", "black-white", "blue-yellow"],
      gray: ["on"], cursor: ["large"], guide: ["on"], caption: ["on"], keys: ["on"],
      zoom: ["110", "125", "150", "175", "200"]
    });
  });
});

describe("toolbar: toggles", function () {
  this.timeout(H.TEST_TIMEOUT);
  it("switches every setting on and off, on <html>, in aria-pressed and in storage", function () {
    const w = load();
    const toggles = $$(w, "#td-toolbar button[data-td-set]");
    assert.strictEqual(toggles.length, 10);
    toggles.forEach(function (b) {
      const name = b.getAttribute("data-td-set"), value = b.getAttribute("data-td-value");
      click(w, b);
      assert.strictEqual(attrs(w)["data-td-" + name], value, name);
      assert.strictEqual(b.getAttribute("aria-pressed"), "true", name);
      assert.strictEqual(stored(w)[name], value, name);
      click(w, b);
      assert.strictEqual(attrs(w)["data-td-" + name], undefined, name);
      assert.strictEqual(b.getAttribute("aria-pressed"), "false", name);
      assert.strictEqual(w.localStorage.getItem(KEY), null, name);
    });
  });
  it("presses only the chosen colour scheme", function () {
    const w = load();
    click(w, "#td-toolbar [data-td-value='yellow-black']");
    click(w, "#td-toolbar [data-td-value='blue-yellow']");
    assert.strictEqual(attrs(w)["data-td-scheme"], "blue-yellow");
    assert.deepStrictEqual($$(w, "[data-td-set='scheme'][aria-pressed='true']").map(function (b) { return b.getAttribute("data-td-value"); }), ["blue-yellow"]);
  });
  it("presses both elder-mode buttons, in the header and in the toolbar", function () {
    const w = load();
    click(w, ".td-entries__elder");
    assert.deepStrictEqual(pressed(w, "[data-td-set=mode]"), ["true", "true"]);
    assert.deepStrictEqual(attrs(w), { "data-td-mode": "elder" });
    click(w, "#td-toolbar [data-td-set=mode]");
    assert.deepStrictEqual(pressed(w, "[data-td-set=mode]"), ["false", "false"]);
  });
  it("shows remembered settings as pressed on the next page", function () {
    const w = load({ stored: { mode: "elder", gray: "on", zoom: "125" } });
    assert.deepStrictEqual(pressed(w, "[data-td-set=mode]"), ["true", "true"]);
    assert.deepStrictEqual(pressed(w, "[data-td-set=gray]"), ["true"]);
    assert.deepStrictEqual(pressed(w, "[data-td-set=cursor]"), ["false"]);
    assert.strictEqual($(w, "[data-td-zoom-level]").textContent, "125%");
    assert.deepStrictEqual(JSON.parse(JSON.stringify(w.TongdaToolbar.state())), { mode: "elder", gray: "on", zoom: "125" });
    w.TongdaToolbar.state().mode = "changed";
    assert.strictEqual(w.TongdaToolbar.state().mode, "elder");
  });
  it("changes nothing in the page until asked", function () {
    const w = load();
    assert.deepStrictEqual(pressed(w, ".td-entries__elder"), ["false"]);
    assert.strictEqual($(w, "[data-td-zoom-level]").textContent, "100%");
    assert.strictEqual($(w, ".td-guide").hidden, true);
    assert.strictEqual(w.localStorage.getItem(KEY), null);
  });
  it("does nothing without restore.js, and ignores clicks on what is not a button", function () {
    const w = load({ scripts: ["toolbar"] });
    assert.strictEqual(w.TongdaToolbar, undefined);
    const v = load();
    const span = v.document.createElement("span");
    span.setAttribute("data-td-set", "gray"); span.setAttribute("data-td-value", "on");
    v.document.body.appendChild(span);
    click(v, span);
    click(v, "main");
    assert.deepStrictEqual(attrs(v), {});
  });
  it("resets everything, forgets it and says so", async function () {
    const w = load({ stored: { mode: "elder", caption: "on", zoom: "150" } });
    $(w, ".td-caption").hidden = false;
    click(w, "[data-td-action=reset]");
    assert.deepStrictEqual(attrs(w), {});
    assert.strictEqual(w.localStorage.getItem(KEY), null);
    assert.deepStrictEqual(pressed(w, "[data-td-set=mode]"), ["false", "false"]);
    assert.strictEqual($(w, ".td-caption").hidden, true);
    assert.strictEqual($(w, "[data-td-zoom-level]").textContent, "100%");
    assert.strictEqual(await announced(w), "已恢复默认显示");
  });
});

describe("toolbar: zoom", function () {
  this.timeout(H.TEST_TIMEOUT);
  it("steps up to 200% and no further, down to 100% and no further", async function () {
    const w = load();
    const seen = [];
    for (let i = 0; i < 7; i++) { click(w, "[data-td-action=zoom][data-td-value='1']"); seen.push(attrs(w)["data-td-zoom"]); }
    assert.deepStrictEqual(seen, ["110", "125", "150", "175", "200", "200", "200"]);
    assert.strictEqual($(w, "[data-td-zoom-level]").textContent, "200%");
    assert.strictEqual(await announced(w), "页面缩放 200%");
    click(w, "[data-td-action=zoom][data-td-value='-1']");
    assert.strictEqual(attrs(w)["data-td-zoom"], "175");
    assert.deepStrictEqual(stored(w), { zoom: "175" });
    for (let i = 0; i < 6; i++) click(w, "[data-td-action=zoom][data-td-value='-1']");
    assert.strictEqual(attrs(w)["data-td-zoom"], undefined);
    assert.strictEqual($(w, "[data-td-zoom-level]").textContent, "100%");
    assert.strictEqual(await announced(w), "页面缩放 100%");
    assert.strictEqual(w.localStorage.getItem(KEY), null);
  });
  it("goes back to 100% at once", function () {
    const w = load({ stored: { zoom: "175" } });
    click(w, "[data-td-action=zoom][data-td-value='0']");
    assert.deepStrictEqual(attrs(w), {});
    click(w, "[data-td-action=zoom][data-td-value='1']");
    assert.deepStrictEqual(attrs(w), { "data-td-zoom": "110" });
  });
});

describe("toolbar: the panel and the menu", function () {
  this.timeout(H.TEST_TIMEOUT);
  it("opens and closes from its entry button, which says whether it is open", function () {
    const w = load();
    const open = $(w, ".td-entries__open"), panel = $(w, "#td-toolbar");
    assert.strictEqual(panel.hidden, true);
    click(w, open);
    assert.strictEqual(panel.hidden, false);
    assert.strictEqual(open.getAttribute("aria-expanded"), "true");
    assert.notStrictEqual(w.document.activeElement, $(w, "#td-toolbar button"));  // a click keeps focus
    click(w, open);
    assert.strictEqual(panel.hidden, true);
    assert.strictEqual(open.getAttribute("aria-expanded"), "false");
  });
  it("closes from its own button and gives focus back to the entry", function () {
    const w = load();
    click(w, ".td-entries__open");
    click(w, "#td-toolbar [data-td-action=toolbar]");
    assert.strictEqual($(w, "#td-toolbar").hidden, true);
    assert.strictEqual(w.document.activeElement, $(w, ".td-entries__open"));
  });
  it("opens by Alt+Shift+A with focus on its first button, and Esc closes it", function () {
    const w = load();
    const ev = combo(w, "KeyA");
    assert.strictEqual(ev.defaultPrevented, true);
    assert.strictEqual($(w, "#td-toolbar").hidden, false);
    assert.strictEqual(w.document.activeElement, $(w, "#td-toolbar button"));
    key(w, "Escape", { key: "Escape" });
    assert.strictEqual($(w, "#td-toolbar").hidden, true);
    assert.strictEqual($(w, ".td-entries__open").getAttribute("aria-expanded"), "false");
    assert.strictEqual(w.document.activeElement, $(w, ".td-entries__open"));
  });
  it("leaves the panel open on Esc when focus is elsewhere", function () {
    const w = load();
    click(w, ".td-entries__open");
    $(w, "#td-search-input").focus();
    key(w, "Escape", { key: "Escape" });
    assert.strictEqual($(w, "#td-toolbar").hidden, false);
  });
  it("folds the header behind the menu button, and Esc inside it closes it", function () {
    const w = load();
    const button = $(w, "[data-td-action=menu]");
    click(w, button);
    assert.strictEqual(attrs(w)["data-td-menu"], "open");
    assert.strictEqual(button.getAttribute("aria-expanded"), "true");
    assert.strictEqual(w.localStorage.getItem(KEY), null, "not remembered");
    $(w, "#td-nav a").focus();
    key(w, "Escape", { key: "Escape" });
    assert.strictEqual(attrs(w)["data-td-menu"], undefined);
    assert.strictEqual(button.getAttribute("aria-expanded"), "false");
    assert.strictEqual(w.document.activeElement, button);
    click(w, button);
    click(w, button);
    assert.strictEqual(attrs(w)["data-td-menu"], undefined);
  });
  it("keeps the menu open on Esc from the main content", function () {
    const w = load();
    click(w, "[data-td-action=menu]");
    $(w, "main").focus();
    key(w, "Escape", { key: "Escape" });
    assert.strictEqual(attrs(w)["data-td-menu"], "open");
  });
  it("opens the shortcut help with Alt+Shift+H", function () {
    const w = load();
    $(w, ".td-toolbar__help").setAttribute("href", "#shortcuts");  // jsdom follows only in-page links
    combo(w, "KeyH");
    assert.strictEqual(w.location.hash, "#shortcuts");
  });
});

describe("toolbar: keyboard shortcuts", function () {
  this.timeout(H.TEST_TIMEOUT);
  it("switches modes with Alt+Shift and a letter", function () {
    const w = load();
    combo(w, "KeyE");
    assert.deepStrictEqual(attrs(w), { "data-td-mode": "elder" });
    combo(w, "KeyG"); combo(w, "KeyM"); combo(w, "KeyL"); combo(w, "KeyD");
    assert.deepStrictEqual(attrs(w), { "data-td-mode": "elder", "data-td-gray": "on", "data-td-cursor": "large", "data-td-guide": "on", "data-td-caption": "on" });
    combo(w, "Equal"); combo(w, "Equal");
    assert.strictEqual(attrs(w)["data-td-zoom"], "125");
    combo(w, "Minus");
    assert.strictEqual(attrs(w)["data-td-zoom"], "110");
    combo(w, "Digit0");
    assert.strictEqual(attrs(w)["data-td-zoom"], undefined);
    combo(w, "KeyX");
    assert.deepStrictEqual(attrs(w), {});
  });
  it("cycles the colour schemes and names each", async function () {
    const w = load();
    const names = [];
    for (let i = 0; i < 5; i++) {
      combo(w, "KeyC");
      names.push([attrs(w)["data-td-scheme"], await announced(w)]);
    }
    assert.deepStrictEqual(names, [["yellow-black", "配色：黄字黑底"], ["white-black", "配色：白字黑底"],
      ["black-white", "配色：黑字白底"], ["blue-yellow", "配色：色弱友好（蓝黄）"], [undefined, "配色：默认"]]);
  });
  it("takes single keys only once they are switched on, and never while typing", function () {
    const w = load();
    assert.strictEqual(key(w, "KeyE").defaultPrevented, false);
    assert.deepStrictEqual(attrs(w), {});
    combo(w, "KeyK");
    assert.deepStrictEqual(attrs(w), { "data-td-keys": "on" });
    key(w, "KeyE");
    assert.deepStrictEqual(attrs(w), { "data-td-keys": "on", "data-td-mode": "elder" });
    key(w, "KeyE", {}, $(w, "#td-search-input"));
    assert.deepStrictEqual(attrs(w), { "data-td-keys": "on", "data-td-mode": "elder" });
    const area = w.document.createElement("div");
    area.contentEditable = "true";
    Object.defineProperty(area, "isContentEditable", { value: true });
    w.document.body.appendChild(area);
    key(w, "KeyG", {}, area);
    key(w, "KeyG", {}, $(w, "select"));
    assert.strictEqual(attrs(w)["data-td-gray"], undefined);
    key(w, "KeyG", { shiftKey: true });
    assert.strictEqual(attrs(w)["data-td-gray"], undefined, "Shift+G is a capital letter");
    key(w, "Equal", { shiftKey: true });
    assert.strictEqual(attrs(w)["data-td-zoom"], "110", "+ is Shift+= on most keyboards");
    key(w, "KeyA");
    assert.strictEqual($(w, "#td-toolbar").hidden, true, "A alone is not a shortcut");
    key(w, "KeyK");
    assert.strictEqual(attrs(w)["data-td-keys"], "on", "K alone cannot switch single keys off");
    key(w, "KeyX");
    assert.strictEqual(attrs(w)["data-td-mode"], "elder", "X alone cannot reset");
    combo(w, "KeyK");
    key(w, "KeyG");
    assert.strictEqual(attrs(w)["data-td-gray"], undefined);
  });
  it("leaves keys with Ctrl or Cmd, keys already handled and other keys alone", function () {
    const w = load();
    key(w, "KeyE", { altKey: true, shiftKey: true, ctrlKey: true });
    key(w, "KeyE", { altKey: true, shiftKey: true, metaKey: true });
    key(w, "KeyE", { altKey: true });
    key(w, "KeyE", { shiftKey: true });
    assert.strictEqual(combo(w, "KeyQ").defaultPrevented, false);
    const handled = new w.KeyboardEvent("keydown", { code: "KeyE", altKey: true, shiftKey: true, bubbles: true, cancelable: true });
    handled.preventDefault();
    w.document.body.dispatchEvent(handled);
    assert.deepStrictEqual(attrs(w), {});
  });
});

describe("toolbar: regions", function () {
  this.timeout(H.TEST_TIMEOUT);
  it("moves focus to each region and names it", async function () {
    const w = load();
    const seen = [];
    for (const [code, label] of [["Digit1", "已到达导航区：主导航"], ["Digit2", "已到达内容区"], ["Digit3", "已到达交互区：站内搜索"], ["Digit4", "已到达服务区"]]) {
      combo(w, code);
      seen.push([w.document.activeElement.getAttribute("data-td-region"), await announced(w)]);
      assert.strictEqual(seen[seen.length - 1][1], label);
    }
    assert.deepStrictEqual(seen.map(function (s) { return s[0]; }), ["nav", "content", "interaction", "service"]);
    assert.strictEqual(w.document.activeElement.id, "td-related");
  });
  it("goes to the next region from where focus is, round to the first", async function () {
    const w = load();
    combo(w, "KeyR");
    assert.strictEqual(w.document.activeElement.getAttribute("data-td-region"), "nav");
    $(w, "main a").focus();
    combo(w, "KeyR");
    assert.strictEqual(w.document.activeElement.getAttribute("data-td-region"), "interaction");
    combo(w, "KeyR");
    assert.strictEqual(w.document.activeElement.getAttribute("data-td-region"), "service");
    combo(w, "KeyR");
    assert.strictEqual(w.document.activeElement.getAttribute("data-td-region"), "nav");
    click(w, "[data-td-action=region][data-td-value=content]");
    assert.strictEqual(w.document.activeElement, $(w, "main"));
  });
  it("skips a region that is hidden and says when the page has none", async function () {
    const w = load();
    $(w, "#td-nav").hidden = true;
    $(w, "main").focus();
    combo(w, "KeyR");
    assert.strictEqual(w.document.activeElement.getAttribute("data-td-region"), "interaction");
    combo(w, "Digit1");
    assert.strictEqual(await announced(w), "本页没有导航区");
    assert.strictEqual(w.document.activeElement.getAttribute("data-td-region"), "interaction");
  });
});

describe("toolbar: speech", function () {
  this.timeout(H.TEST_TIMEOUT);
  it("sends play, pause and stop to the player, and toggles with Alt+Shift+P", async function () {
    const w = load();
    const got = [];
    w.document.addEventListener("td:speech", function (e) { got.push(e.detail.action); });
    ["play", "pause", "stop"].forEach(function (a) { click(w, "[data-td-action=speech][data-td-value=" + a + "]"); });
    combo(w, "KeyP"); combo(w, "KeyP"); combo(w, "KeyS"); combo(w, "KeyP");
    assert.deepStrictEqual(got, ["play", "pause", "stop", "play", "pause", "stop", "play"]);
    assert.strictEqual(await announced(w), "");
  });
  it("says when the page has nothing to read", async function () {
    const w = load({ html: HTML.replace('data-module="td-player"', 'data-module="x"') });
    combo(w, "KeyP");
    assert.strictEqual(await announced(w), "本页没有朗读音频");
  });
});

describe("toolbar: large caption", function () {
  this.timeout(H.TEST_TIMEOUT);
  it("shows the text under the pointer or in focus, big, and Esc hides it", function () {
    const w = load({ stored: { caption: "on" } });
    const caption = $(w, ".td-caption"), text = $(w, ".td-caption__text");
    assert.strictEqual(caption.hidden, true);
    $(w, "#td-nav a").focus();
    assert.strictEqual(caption.hidden, false);
    assert.strictEqual(text.textContent, "首页");
    $(w, "#td-p-11").dispatchEvent(new w.MouseEvent("mouseover", { bubbles: true }));
    assert.strictEqual(text.textContent, "身份证有效期满前三个月内可以申请换领。朗读此段");
    $(w, "#td-p-1").dispatchEvent(new w.MouseEvent("mouseover", { bubbles: true }));
    assert.strictEqual(text.textContent, "居民身份证换领");
    key(w, "Escape", { key: "Escape" });
    assert.strictEqual(caption.hidden, true);
    caption.dispatchEvent(new w.MouseEvent("mouseover", { bubbles: true }));
    $(w, ".td-footer").dispatchEvent(new w.MouseEvent("mouseover", { bubbles: true }));
    assert.strictEqual(caption.hidden, true);
  });
  it("reads a field's label and value, a button's accessible name, and cuts long text", function () {
    const w = load({ stored: { caption: "on" } });
    const input = $(w, "#td-search-input"), text = $(w, ".td-caption__text");
    input.value = "护照";
    input.focus();
    assert.strictEqual(text.textContent, "搜索政策和服务 护照");
    $(w, "[data-td-read=td-p-2]").dispatchEvent(new w.MouseEvent("mouseover", { bubbles: true }));
    assert.strictEqual(text.textContent, "朗读此段：办事指南 · 办理部门：江南市公…");
    const p = $(w, "#td-p-20");
    p.textContent = "  长  " + "字".repeat(200);
    p.dispatchEvent(new w.MouseEvent("mouseover", { bubbles: true }));
    assert.strictEqual(text.textContent, "长 " + "字".repeat(158) + "…");
    p.textContent = "字".repeat(160);
    p.dispatchEvent(new w.MouseEvent("mouseover", { bubbles: true }));
    assert.strictEqual(text.textContent, "字".repeat(160));
    p.textContent = "   ";
    p.dispatchEvent(new w.MouseEvent("mouseover", { bubbles: true }));
    assert.strictEqual(text.textContent, "字".repeat(160), "nothing to show: the last text stays");
    const bare = w.document.createElement("input");
    bare.value = "无标签";
    w.document.body.appendChild(bare);
    bare.focus();
    assert.strictEqual(text.textContent, "无标签");
  });
  it("shows the sentence being read, and nothing when switched off", function () {
    const w = load({ stored: { caption: "on" } });
    w.document.dispatchEvent(new w.CustomEvent("td:audio-cue", { detail: { id: "td-p-1", text: "第一条 测试句子" } }));
    assert.strictEqual($(w, ".td-caption__text").textContent, "第一条 测试句子");
    assert.strictEqual($(w, ".td-caption").hidden, false);
    w.document.dispatchEvent(new w.CustomEvent("td:audio-cue", { detail: null }));
    combo(w, "KeyD");
    assert.strictEqual($(w, ".td-caption").hidden, true);
    w.document.dispatchEvent(new w.CustomEvent("td:audio-cue", { detail: { id: "td-p-2", text: "第二句" } }));
    $(w, "#td-nav a").focus();
    assert.strictEqual($(w, ".td-caption").hidden, true);
    assert.strictEqual($(w, ".td-caption__text").textContent, "第一条 测试句子");
  });
});

describe("toolbar: reading guide", function () {
  this.timeout(H.TEST_TIMEOUT);
  function frames(w) {
    const queue = [];
    w.requestAnimationFrame = function (f) { queue.push(f); return queue.length; };
    return function () { const now = queue.splice(0); now.forEach(function (f) { f(0); }); return now.length; };
  }
  it("follows the pointer, centred on it, once a frame", function () {
    let flush;
    const w = load({ stored: { guide: "on" }, before: function (w) { flush = frames(w); } });
    const guide = $(w, ".td-guide");
    assert.strictEqual(guide.hidden, false);
    Object.defineProperty(guide, "offsetHeight", { value: 40 });
    w.document.dispatchEvent(new w.MouseEvent("mousemove", { clientX: 5, clientY: 300 }));
    w.document.dispatchEvent(new w.MouseEvent("mousemove", { clientX: 5, clientY: 301 }));
    assert.strictEqual(flush(), 1);
    assert.strictEqual(guide.style.top, "281px");
    w.document.dispatchEvent(new w.MouseEvent("mousemove", { clientX: 5, clientY: 301 }));
    assert.strictEqual(flush(), 0, "a pointer that did not move does not move the guide");
    w.document.dispatchEvent(new w.MouseEvent("mousemove", { clientX: 6, clientY: 301 }));
    assert.strictEqual(flush(), 1);
  });
  it("follows the focus to the middle of the focused element", function () {
    let flush;
    const w = load({ stored: { guide: "on" }, before: function (w) { flush = frames(w); } });
    const guide = $(w, ".td-guide"), link = $(w, "#td-nav a");
    Object.defineProperty(guide, "offsetHeight", { value: 10 });
    link.getBoundingClientRect = function () { return { top: 100, height: 31, bottom: 131 }; };
    link.focus();
    flush();
    assert.strictEqual(guide.style.top, "111px");
  });
  it("stays hidden and still when switched off", function () {
    let flush;
    const w = load({ before: function (w) { flush = frames(w); } });
    w.document.dispatchEvent(new w.MouseEvent("mousemove", { clientX: 5, clientY: 300 }));
    $(w, "#td-nav a").focus();
    assert.strictEqual(flush(), 0);
    combo(w, "KeyL");
    assert.strictEqual($(w, ".td-guide").hidden, false);
    combo(w, "KeyL");
    assert.strictEqual($(w, ".td-guide").hidden, true);
  });
});
