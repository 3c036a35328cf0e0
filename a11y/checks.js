/* Tongda a11y: page-side helpers for the browser checks, injected by a11y/browser_checks.py.
 * Defines window.__tdA11y; no effect on the page until a function is called. */
(function () {
  "use strict";
  if (window.__tdA11y) return;

  /* A selector that finds the element again (id anchor, then nth-of-type steps). */
  function path(el) {
    if (!(el instanceof Element)) return "";
    const steps = [];
    for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
      if (n.id && /^-?[_a-zA-Z][_a-zA-Z0-9-]*$/.test(n.id)) { steps.push("#" + n.id); break; }
      const p = n.parentElement;
      if (!p) { steps.push(n.localName); break; }
      const same = Array.from(p.children).filter((c) => c.localName === n.localName);
      steps.push(same.length > 1 ? `${n.localName}:nth-of-type(${same.indexOf(n) + 1})` : n.localName);
    }
    return steps.reverse().join(" > ");
  }

  function snippet(el) {
    const s = el.outerHTML.replace(/ data-td-a11y-k="[^"]*"/g, "").replace(/\s+/g, " ");
    return s.length > 160 ? s.slice(0, 159) + "…" : s;
  }

  function rect(el) {
    const r = el.getBoundingClientRect();
    return { x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height };
  }

  function applyMode(attrs) {
    const h = document.documentElement;
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "class") h.classList.add(...v.split(/\s+/).filter(Boolean));
      else h.setAttribute(k, v);
    }
  }

  /* Resolve when running CSS transitions/animations end (mode switches animate). */
  function settle(timeoutMs) {
    const all = document.getAnimations().filter((a) => a.playState === "running" &&
      a.effect && a.effect.getTiming().iterations !== Infinity);
    const done = Promise.all(all.map((a) => a.finished.catch(() => null)));
    const timer = new Promise((r) => setTimeout(r, timeoutMs));
    return Promise.race([done, timer]).then(() => new Promise((r) => requestAnimationFrame(() => r(all.length))));
  }

  const FOCUSABLE = 'a[href],area[href],button,input,select,textarea,summary,iframe,[tabindex],' +
    'audio[controls],video[controls],[contenteditable=""],[contenteditable="true"]';

  const SIG_PROPS = ["box-shadow", "background-color", "background-image", "color",
    "text-decoration-line", "text-decoration-color", "text-decoration-thickness", "transform",
    "opacity", "filter", "font-weight", "border-top-color", "border-bottom-color",
    "border-left-color", "border-right-color", "border-top-width", "border-bottom-width"];

  function transparent(color) {
    return color === "transparent" || /rgba\([^)]*,\s*0\)$/.test(color);
  }

  /* What focus styling can change on the element itself and its ::before/::after. */
  function signature(el) {
    const parts = [];
    for (const pseudo of [null, "::before", "::after"]) {
      const cs = getComputedStyle(el, pseudo);
      const outline = cs.outlineStyle === "none" || parseFloat(cs.outlineWidth) === 0 ||
        transparent(cs.outlineColor) ? "none" :
        [cs.outlineStyle, cs.outlineWidth, cs.outlineColor, cs.outlineOffset].join(" ");
      parts.push(outline, ...SIG_PROPS.map((p) => cs.getPropertyValue(p)));
      if (pseudo) parts.push(cs.content);
    }
    return parts.join("|");
  }

  const base = new Map();

  /* Mark every element that should be in the Tab order; radios count once per group. */
  function tabbables() {
    const out = [];
    const groups = new Set();
    for (const el of document.querySelectorAll(FOCUSABLE)) {
      if (el.disabled || el.tabIndex < 0 || el.closest("[inert]")) continue;
      if (el.localName === "input" && el.type === "hidden") continue;
      if (el.localName === "summary" && !(el.parentElement && el.parentElement.localName === "details" &&
          el.parentElement.querySelector(":scope > summary") === el)) continue;
      if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: false })) continue;
      let key = String(out.length);
      if (el.localName === "input" && el.type === "radio" && el.name) {
        key = "radio:" + (el.form ? path(el.form) : "") + ":" + el.name;
        if (groups.has(key)) { el.setAttribute("data-td-a11y-k", key); continue; }
        groups.add(key);
      }
      el.setAttribute("data-td-a11y-k", key);
      base.set(key, signature(el));
      out.push({ key: key, selector: path(el), html: snippet(el), composite: composite(el) });
    }
    if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
    scrollTo(0, 0);
    return out;
  }

  /* State of the focused element: which one, its box, and whether something covers it. */
  function focusState() {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return { body: true };
    const r = el.getBoundingClientRect();
    /* Each box of the element: a link that wraps onto two lines has two, and the middle of
       their union is the paragraph's text, not the link. */
    const boxes = Array.from(el.getClientRects()).filter((b) => b.width > 0 && b.height > 0);
    const pts = (boxes.length ? boxes : [r]).flatMap((b) =>
      [[0.5, 0.5], [0.1, 0.1], [0.9, 0.1], [0.1, 0.9], [0.9, 0.9]]
        .map(([fx, fy]) => [b.left + b.width * fx, b.top + b.height * fy]))
      .filter(([x, y]) => x >= 0 && y >= 0 && x < innerWidth && y < innerHeight);
    let seen = 0, coveredBy = "";
    const labels = el.labels ? Array.from(el.labels) : [];
    for (const [x, y] of pts) {
      const top = document.elementFromPoint(x, y);
      if (!top) continue;
      if (top === el || el.contains(top) || labels.some((l) => l.contains(top))) seen++;
      else if (!coveredBy) coveredBy = path(top);
    }
    return {
      body: false, key: el.getAttribute("data-td-a11y-k"), selector: path(el), html: snippet(el),
      rect: rect(el), inView: pts.length > 0, visiblePoints: seen, points: pts.length,
      coveredBy: coveredBy, size: r.width * r.height,
      skipLink: el.localName === "a" && /^#./.test(el.getAttribute("href") || ""),
      inMain: focusInMain(), composite: composite(el),
      styleChanged: base.has(el.getAttribute("data-td-a11y-k")) &&
        base.get(el.getAttribute("data-td-a11y-k")) !== signature(el),
    };
  }

  /* Whether focus is on <main> or inside it (where a skip link must put it). */
  function focusInMain() {
    const main = document.querySelector("main, [role=main]");
    const el = document.activeElement;
    return !!(main && el && (main === el || main.contains(el)));
  }

  /* Elements with Tab stops of their own inside (media controls, date fields, frames,
   * shadow roots): several Tabs may leave document.activeElement on them. */
  function composite(el) {
    return ["audio", "video", "iframe", "object", "embed"].includes(el.localName) ||
      (el.localName === "input" && /^(date|time|datetime-local|month|week)$/.test(el.type)) ||
      !!el.shadowRoot;
  }

  /* Controls smaller than min x min CSS px. Links inside a sentence are exempt, as in
   * WCAG 2.5.8: their size is the text's. */
  function smallTargets(min) {
    const out = [];
    for (const el of document.querySelectorAll(FOCUSABLE)) {
      if (el.disabled || el.tabIndex < 0 || el.closest("[inert]")) continue;
      if (!el.checkVisibility({ visibilityProperty: true })) continue;
      if (el.localName === "input" && el.type === "hidden") continue;
      const r = el.getBoundingClientRect();
      if (r.width <= 2 || r.height <= 2 || (r.width >= min && r.height >= min)) continue;
      const inline = getComputedStyle(el).display === "inline";
      const sentence = inline && el.parentElement && Array.from(el.parentElement.childNodes)
        .some((n) => n.nodeType === 3 && n.textContent.trim().length > 0);
      if (sentence) continue;
      out.push({ selector: path(el), html: snippet(el),
                 size: Math.round(r.width) + "×" + Math.round(r.height) });
    }
    return out;
  }

  function isVisuallyHidden(el, r) {
    return r.width <= 2 || r.height <= 2 || r.right < 0 || r.bottom < 0;
  }

  const ALLOWED_2D = "table,pre,code,svg,canvas,video,iframe,img,[data-td-two-dimensional],[role=img]";

  /* Content lost to layout: clipped text and elements sticking out of the viewport. */
  function losses() {
    const W = document.documentElement.clientWidth;
    const clipped = [], wide = [];
    for (const el of document.body.querySelectorAll("*")) {
      if (!el.checkVisibility()) continue;
      const r = el.getBoundingClientRect();
      if (isVisuallyHidden(el, r)) continue;
      const cs = getComputedStyle(el);
      const hideX = cs.overflowX === "hidden" || cs.overflowX === "clip";
      const hideY = cs.overflowY === "hidden" || cs.overflowY === "clip";
      const text = (el.innerText || "").trim();
      if (text && ((hideX && el.scrollWidth > el.clientWidth + 2) || (hideY && el.scrollHeight > el.clientHeight + 2) ||
          (cs.textOverflow === "ellipsis" && el.scrollWidth > el.clientWidth + 1))) {
        clipped.push({ selector: path(el), html: snippet(el), text: text.slice(0, 40) });
      }
      if (r.right > W + 1) {
        const parent = el.parentElement;
        const pr = parent ? parent.getBoundingClientRect() : null;
        const inScroller = (() => {
          for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
            const o = getComputedStyle(a).overflowX;
            if (o === "auto" || o === "scroll" || o === "hidden" || o === "clip") return true;
          }
          return false;
        })();
        if (!inScroller && (!pr || pr.right <= W + 1) && !el.closest(ALLOWED_2D + ",[aria-hidden=true]")) {
          wide.push({ selector: path(el), html: snippet(el), right: Math.round(r.right) });
        }
      }
    }
    const root = document.scrollingElement || document.documentElement;
    return { width: W, hscroll: root.scrollWidth > W + 1, scrollWidth: root.scrollWidth,
             clipped: clipped, wide: wide };
  }

  let undoZoom = null, spacingSheet = null;

  /* Multiply every element's computed font size at once (text-only zoom, WCAG 1.4.4).
   * Inline sizes are remembered so undo() puts the page back without a reload. */
  function textZoom(factor) {
    const els = [document.documentElement, ...document.documentElement.querySelectorAll("*")];
    const sizes = els.map((el) => parseFloat(getComputedStyle(el).fontSize) || 16);
    const saved = els.map((el) => [el.style.getPropertyValue("font-size"),
                                   el.style.getPropertyPriority("font-size")]);
    els.forEach((el, i) => el.style.setProperty("font-size", sizes[i] * factor + "px", "important"));
    undoZoom = () => els.forEach((el, i) => {
      if (saved[i][0]) el.style.setProperty("font-size", saved[i][0], saved[i][1]);
      else el.style.removeProperty("font-size");
    });
  }

  /* The WCAG 1.4.12 text-spacing override, as a constructed sheet (not blocked by CSP). */
  function textSpacing() {
    spacingSheet = new CSSStyleSheet();
    spacingSheet.replaceSync("* { line-height: 1.5 !important; letter-spacing: 0.12em !important;" +
      " word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }");
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, spacingSheet];
  }

  /* Take back textZoom() and textSpacing(). */
  function undo() {
    if (undoZoom) { undoZoom(); undoZoom = null; }
    if (spacingSheet) {
      document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== spacingSheet);
      spacingSheet = null;
    }
  }

  function scrollToSelector(sel) {
    const el = document.querySelector(sel);
    if (!el) return null;
    el.scrollIntoView({ block: "center", inline: "nearest" });
    return rect(el);
  }

  window.__tdA11y = { path, applyMode, settle, tabbables, focusState, losses, textZoom,
                      textSpacing, undo, scrollToSelector, focusInMain, smallTargets };
})();
