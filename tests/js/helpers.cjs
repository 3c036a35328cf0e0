/* Shared by the Node unit tests of the browser scripts (tests/js/*.test.cjs).
 *
 * Every test loads the script it tests afresh from the repository (under Stryker: from its
 * sandbox, where the script is instrumented), so a test sees only its own state. DOM scripts
 * run inside a jsdom window; the window shares Stryker's instrumentation namespace
 * (globalThis.__stryker__: the active mutant, per-test coverage) with this process. */
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");
const { JSDOM } = require("jsdom");

const ROOT = path.resolve(__dirname, "..", "..");
const FIXTURES = path.join(__dirname, "fixtures");
const SCRIPTS = {
  search: "search_index/runtime/tongda-search.js",
  player: "themes/tongda/components/player/player.js",
  toolbar: "themes/tongda/components/toolbar/toolbar.js",
  restore: "themes/tongda/components/toolbar/restore.js"
};

function source(name) { return fs.readFileSync(path.join(ROOT, SCRIPTS[name]), "utf8"); }
function fixture(name) { return path.join(FIXTURES, name); }
function readFixture(name) { return fs.readFileSync(fixture(name), "utf8"); }
/* A built page without what is in its <head> (styles, icons, restore.js's tag): no script
 * reads it, and it is most of what jsdom spends on a page. */
function pageBody(name) { return readFixture(name).replace(/<head>[\s\S]*<\/head>/, '<head><meta charset="utf-8"><title>page</title></head>'); }

/* Each script is compiled once per process and run anew in each test: a fresh module (its
 * state, its top-level code run again), while V8 keeps the compiled code warm. */
const compiled = {};
function script(name, wrap) {
  const key = name + (wrap ? ":wrapped" : "");
  if (!compiled[key]) {
    const src = source(name);
    compiled[key] = new vm.Script(wrap ? "(function (module, exports, require) {" + src + "\n})" : src, { filename: SCRIPTS[name] });
  }
  return compiled[key];
}

/* The search runtime as Node's require() would give it, loaded anew. */
function loadSearch() {
  const module = { exports: {} };
  script("search", true).runInThisContext()(module, module.exports, require);
  return module.exports;
}

/* A jsdom window on `html` at `url`; `before(window)` runs before any script (stubs, stored
 * settings); then each named script runs in order, as the page's <script> tags would. */
function page(html, { url = "https://portal.example.gov.cn/services/id-card-renewal/", scripts = [], before } = {}) {
  const dom = new JSDOM(html, { url, runScripts: "outside-only" });
  const w = dom.window;
  w.run = function (name) { return script(name).runInContext(dom.getInternalVMContext()); };
  open.push(w);
  if (globalThis.__stryker__) w.__stryker__ = globalThis.__stryker__;
  if (before) before(w);
  scripts.forEach(function (name) { w.run(name); });
  return w;
}

/* Close every window a test opened (their timers would run on, and slow later tests). */
const open = [];
function closeAll() { open.splice(0).forEach(function (w) { w.close(); }); }

/* Resolve after pending promise callbacks and timers of 0 ms have run. */
function settle() {
  return new Promise(function (resolve) { setTimeout(resolve, 0); });
}

/* Wait until fn() is truthy (and return it); fail after `ms` milliseconds. */
async function until(fn, what, ms) {
  const end = Date.now() + (ms || 1500);
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error("timed out waiting for " + what);
    await new Promise(function (r) { setImmediate(r); });
  }
}

/* A test that hangs (a mutant whose promise never settles) fails after this long instead
 * of waiting for Stryker's own timeout and a new test process. */
const TEST_TIMEOUT = 2000;

module.exports = { ROOT, FIXTURES, SCRIPTS, source, fixture, readFixture, pageBody, loadSearch, page, closeAll, settle, until, TEST_TIMEOUT };
