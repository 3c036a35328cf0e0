/* Tongda accessibility toolbar (无障碍工具条). Needs restore.js (loaded in <head>).
 *
 * Off by default and silent: until someone presses a button or a shortcut this script
 * changes nothing in the document (the accessibility tree is the same as without it).
 * Settings are data attributes on <html>, remembered in localStorage; the content itself
 * is never rewritten. Speech only ever starts from a button or shortcut: the toolbar sends
 * CustomEvent("td:speech", {detail: {action: "play" | "pause" | "stop"}}) to the player. */
(function (root, doc) {
  "use strict";
  var A = root.TongdaA11y;
  if (!A || !doc.querySelector) return;
  var html = doc.documentElement;
  var state = A.read();
  var ZOOMS = ["100"].concat(A.SETTINGS.zoom);
  var REGIONS = [["nav", "导航区"], ["content", "内容区"], ["interaction", "交互区"], ["service", "服务区"]];
  /* [key label, KeyboardEvent.code, command, also as a single key]; the help page
   * (components/toolbar/toolbar.html, SHORTCUTS) lists the same keys. */
  var KEYS = [
    ["A", "KeyA", "toolbar", 0], ["E", "KeyE", "set:mode:elder", 1],
    ["C", "KeyC", "scheme:next", 1], ["G", "KeyG", "set:gray:on", 1],
    ["=", "Equal", "zoom:1", 1], ["-", "Minus", "zoom:-1", 1], ["0", "Digit0", "zoom:0", 1],
    ["M", "KeyM", "set:cursor:large", 1], ["L", "KeyL", "set:guide:on", 1],
    ["D", "KeyD", "set:caption:on", 1], ["R", "KeyR", "region:next", 1],
    ["1", "Digit1", "region:nav", 1], ["2", "Digit2", "region:content", 1],
    ["3", "Digit3", "region:interaction", 1], ["4", "Digit4", "region:service", 1],
    ["P", "KeyP", "speech:toggle", 1], ["S", "KeyS", "speech:stop", 1],
    ["K", "KeyK", "set:keys:on", 0], ["X", "KeyX", "reset", 0], ["H", "KeyH", "help", 1]
  ];
  var panel = doc.getElementById("td-toolbar");
  var guide = doc.querySelector(".td-guide");
  var caption = doc.querySelector(".td-caption");
  var captionText = caption && caption.querySelector(".td-caption__text");
  var announcer = doc.getElementById("td-announce");
  var playing = false;

  function all(sel) { return Array.prototype.slice.call(doc.querySelectorAll(sel)); }
  function announce(text) {
    if (!announcer) return;
    announcer.textContent = "";
    /* A fresh text node after a tick is announced even when the words repeat. */
    root.setTimeout(function () { announcer.textContent = text; }, 50);
  }

  /* Make buttons and overlays agree with the state (only called after a change). */
  function sync() {
    all("[data-td-set]").forEach(function (b) {
      var on = state[b.getAttribute("data-td-set")] === b.getAttribute("data-td-value");
      b.setAttribute("aria-pressed", on ? "true" : "false");
    });
    all("[data-td-zoom-level]").forEach(function (el) { el.textContent = (state.zoom || "100") + "%"; });
    if (guide) guide.hidden = !state.guide;
    if (caption && !state.caption) { caption.hidden = true; }
  }
  function commit() { A.apply(state); A.save(state); sync(); }

  function toggle(name, value) {
    if (state[name] === value) delete state[name]; else state[name] = value;
    commit();
  }
  function nextScheme() {
    var list = A.SETTINGS.scheme, i = list.indexOf(state.scheme);
    if (i + 1 < list.length) state.scheme = list[i + 1]; else delete state.scheme;
    commit();
    var btn = doc.querySelector('[data-td-set="scheme"][data-td-value="' + state.scheme + '"]');
    announce(btn ? "配色：" + btn.textContent : "配色：默认");
  }
  function zoom(step) {
    var i = step === 0 ? 0 : ZOOMS.indexOf(state.zoom || "100") + step;
    i = Math.max(0, Math.min(ZOOMS.length - 1, i));
    if (i === 0) delete state.zoom; else state.zoom = ZOOMS[i];
    commit();
    announce("页面缩放 " + ZOOMS[i] + "%");
  }
  function reset() {
    state = {};
    commit();
    if (caption) caption.hidden = true;
    announce("已恢复默认显示");
  }

  function openToolbar(open, focusInside) {
    if (!panel) return;
    panel.hidden = !open;
    all('[data-td-action="toolbar"][aria-controls]').forEach(function (b) {
      b.setAttribute("aria-expanded", open ? "true" : "false");
    });
    if (open && focusInside) panel.querySelector("button").focus();
  }

  /* Elder mode on a phone: the header's entries, the search and the navigation fold behind
   * one menu button; opening it is not remembered (each page starts with its heading). */
  function menu(open) {
    var button = doc.querySelector('[data-td-action="menu"]');
    if (open === undefined) open = html.getAttribute("data-td-menu") !== "open";
    if (open) html.setAttribute("data-td-menu", "open"); else html.removeAttribute("data-td-menu");
    if (button) button.setAttribute("aria-expanded", open ? "true" : "false");
    return button;
  }

  /* Region guidance: landmarks carry data-td-region and tabindex="-1". */
  function regionElement(name) {
    return all('[data-td-region="' + name + '"]').filter(function (el) {
      return el.getClientRects().length > 0;
    })[0];
  }
  function goRegion(name) {
    if (name === "next") {
      var current = doc.activeElement && doc.activeElement.closest("[data-td-region]");
      var at = current ? REGIONS.map(function (r) { return r[0]; }).indexOf(current.getAttribute("data-td-region")) : -1;
      for (var k = 1; k <= REGIONS.length; k++) {
        var cand = REGIONS[(at + k) % REGIONS.length][0];
        if (regionElement(cand)) { name = cand; break; }
      }
    }
    var el = regionElement(name), label = "";
    REGIONS.forEach(function (r) { if (r[0] === name) label = r[1]; });
    if (!el) { announce("本页没有" + label); return; }
    el.focus();
    announce("已到达" + label + (el.getAttribute("aria-label") ? "：" + el.getAttribute("aria-label") : ""));
  }

  function speech(action) {
    if (action === "toggle") action = playing ? "pause" : "play";
    playing = action === "play";
    if (!doc.querySelector('[data-module="td-player"]')) announce("本页没有朗读音频");
    doc.dispatchEvent(new CustomEvent("td:speech", { detail: { action: action } }));
  }

  function run(command, source) {
    var p = command.split(":");
    if (p[0] === "set") toggle(p[1], p[2]);
    else if (p[0] === "scheme") nextScheme();
    else if (p[0] === "zoom") zoom(parseInt(p[1], 10));
    else if (p[0] === "region") goRegion(p[1]);
    else if (p[0] === "speech") speech(p[1]);
    else if (p[0] === "reset") reset();
    else if (p[0] === "menu") menu();
    else if (p[0] === "toolbar") openToolbar(panel ? panel.hidden : false, source === "key");
    else if (p[0] === "help") {
      var link = doc.querySelector(".td-toolbar__help");
      if (link) root.location.href = link.href;
    }
  }

  function onClick(event) {
    var b = event.target.closest && event.target.closest("[data-td-set], [data-td-action]");
    if (!b || b.tagName !== "BUTTON") return;
    var set = b.getAttribute("data-td-set"), value = b.getAttribute("data-td-value");
    if (set) toggle(set, value);
    else {
      var action = b.getAttribute("data-td-action");
      run(action + (value !== null ? ":" + value : ""), "click");
      if (action === "toolbar" && panel && panel.hidden && !b.hasAttribute("aria-controls")) {
        var opener = doc.querySelector('[data-td-action="toolbar"][aria-controls]');
        if (opener) opener.focus();
      }
    }
  }

  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }
  function onKey(event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey) return;
    if (event.key === "Escape") { onEscape(); return; }
    var combo = event.altKey && event.shiftKey;
    var single = !event.altKey && state.keys === "on" && !typing(event.target);
    if (!combo && !single) return;
    for (var i = 0; i < KEYS.length; i++) {
      if (KEYS[i][1] === event.code && (combo || KEYS[i][3])) {
        if (single && event.shiftKey && KEYS[i][1] !== "Equal") return;
        event.preventDefault();
        run(KEYS[i][2], "key");
        return;
      }
    }
  }
  function onEscape() {
    if (caption && !caption.hidden) { caption.hidden = true; return; }
    var folded = doc.activeElement && doc.activeElement.closest("#td-header-tools, #td-nav, .td-entries");
    if (html.getAttribute("data-td-menu") === "open" && folded && !(panel && panel.contains(doc.activeElement))) {
      var opener = menu(false);
      if (opener && opener.getClientRects().length) opener.focus();
      return;
    }
    if (panel && !panel.hidden && panel.contains(doc.activeElement)) {
      openToolbar(false);
      var opener = doc.querySelector('[data-td-action="toolbar"][aria-controls]');
      if (opener) opener.focus();
    }
  }

  /* Large-caption display: the text under the pointer or focus, big, at the bottom. */
  var BLOCKS = "a, button, label, summary, h1, h2, h3, h4, h5, h6, p, li, dt, dd, th, td, caption, figcaption";
  function showCaption(text) {
    if (!caption || !captionText || !state.caption) return;
    text = (text || "").replace(/\s+/g, " ").trim();
    if (!text) return;
    captionText.textContent = text.length > 160 ? text.slice(0, 160) + "…" : text;
    caption.hidden = false;
  }
  function captionFor(target) {
    if (!state.caption || !target.closest || target.closest(".td-caption")) return;
    var el = target.closest(BLOCKS);
    if (!el && /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) el = target;
    if (!el) return;
    var text = el.getAttribute("aria-label") || el.innerText || el.value || "";
    if (el.labels && el.labels[0]) text = el.labels[0].innerText + " " + (el.value || "");
    showCaption(text);
  }

  /* Reading guide: a ruler that follows the pointer and the focus. */
  var guideAt = null, guideFrame = 0;
  /* at: a pointer's clientY, or a focused element. The element is measured in the next
   * frame because focus() scrolls it into view only after the focus events. */
  function moveGuide(at) {
    if (!state.guide || !guide) return;
    guideAt = at;
    if (guideFrame) return;
    guideFrame = root.requestAnimationFrame(function () {
      guideFrame = 0;
      var y = guideAt;
      if (typeof y !== "number") { var r = y.getBoundingClientRect(); y = r.top + r.height / 2; }
      guide.style.top = Math.round(y - guide.offsetHeight / 2) + "px";
    });
  }

  doc.addEventListener("click", onClick);
  doc.addEventListener("keydown", onKey);
  doc.addEventListener("mouseover", function (e) { captionFor(e.target); });
  doc.addEventListener("focusin", function (e) {
    captionFor(e.target);
    if (state.guide && e.target.getBoundingClientRect) moveGuide(e.target);
  });
  /* Chrome sends a mousemove after every scroll with the pointer where it was; only a
   * pointer that really moved takes the guide away from the keyboard focus. */
  var lastX = -1, lastY = -1;
  doc.addEventListener("mousemove", function (e) {
    if (!state.guide || (e.clientX === lastX && e.clientY === lastY)) return;
    lastX = e.clientX; lastY = e.clientY;
    moveGuide(e.clientY);
  });
  doc.addEventListener("td:audio-cue", function (e) { if (e.detail) showCaption(e.detail.text); });
  if (Object.keys(state).length) sync();
  root.TongdaToolbar = { run: run, state: function () { return JSON.parse(JSON.stringify(state)); } };
})(window, document);
