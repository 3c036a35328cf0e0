"""In-page helpers of the theme's browser tests (JavaScript run through Selenium)."""

from __future__ import annotations

from typing import Any

#: Contrast of text and controls as a person sees them: each element's colour against the
#: first opaque background behind it (walking up the tree).
CONTRAST_JS = """
function rgb(s) { const m = s.match(/[\\d.]+/g) || [0, 0, 0, 0]; return m.map(Number); }
function lum(c) { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); }
function ratio(a, b) { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); }
function bgOf(el) { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor);
  if (c.length < 4 || c[3] > 0.9) return c; } return [255, 255, 255]; }
function visible(el) { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
  return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && !el.closest("[aria-hidden=true]"); }
const out = { text: [], controls: [] };
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let n = walker.nextNode(); n; n = walker.nextNode()) {
  const el = n.parentElement; if (!n.textContent.trim() || !visible(el) || el.closest(".td-visually-hidden, .td-skip-link")) continue;
  const s = getComputedStyle(el), size = parseFloat(s.fontSize), bold = parseInt(s.fontWeight, 10) >= 700;
  const large = size >= 24 || (bold && size >= 18.66);
  const r = ratio(rgb(s.color), bgOf(el));
  if (r < (large ? 3 : 4.5)) out.text.push([n.textContent.trim().slice(0, 20), r.toFixed(2), s.color]);
}
for (const el of document.querySelectorAll("button, input, select, .td-tiles a, .td-facets a")) {
  if (!visible(el)) continue;
  const s = getComputedStyle(el), around = bgOf(el.parentElement);
  const edge = Math.max(ratio(rgb(s.borderTopColor), around) * (parseFloat(s.borderTopWidth) > 0 ? 1 : 0),
                        ratio(bgOf(el), around));
  if (edge < 3) out.controls.push([el.textContent.trim().slice(0, 12) || el.name || el.id, edge.toFixed(2)]);
}
return out;
"""

#: Interactive elements smaller than a minimum (inline links in running text are exempt, as in WCAG 2.5.8).
TARGETS_JS = """
const min = arguments[0], out = [];
for (const el of document.querySelectorAll("a[href], button, input, select, textarea")) {
  const r = el.getBoundingClientRect(), s = getComputedStyle(el);
  if (!r.width || !r.height || s.visibility === "hidden" || el.closest("[hidden], .td-skip-link")) continue;
  if (el.closest("p, td, dd, .td-body, .td-visually-hidden")) continue;  // inline in a sentence
  if (r.width + 0.5 < min || r.height + 0.5 < min) out.push([el.textContent.trim().slice(0, 12) || el.id, Math.round(r.width), Math.round(r.height)]);
}
return out;
"""


def ax_tree(driver: Any) -> list[tuple[Any, ...]]:
    """The page's full accessibility tree, as comparable tuples in document order."""
    nodes = driver.execute_cdp_cmd("Accessibility.getFullAXTree", {})["nodes"]
    out = []
    for node in nodes:
        props = tuple(sorted((p["name"], str(p.get("value", {}).get("value")))
                             for p in node.get("properties", [])))
        out.append((node.get("role", {}).get("value"), node.get("name", {}).get("value"),
                    node.get("ignored"), props, len(node.get("childIds", []))))
    return out
