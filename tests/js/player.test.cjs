/* The page-reading player (themes/tongda/components/player/player.js) in a jsdom window on a
 * service guide the theme built, with its real timing map (tests/js/fixtures/page.html and
 * timing.json). jsdom plays no audio: the <audio> element is a stand-in that keeps the
 * state a browser would (paused, currentTime, rate) and fires the same events.
 *
 * What a listener notices: a click on 朗读此段 plays that paragraph and stops at its end,
 * the highlight follows the time (at the boundaries too), 连续朗读 is pressed only while
 * reading and says 正在朗读 / 已暂停, stop and the end put everything back, the toolbar's
 * commands and the large caption. */
"use strict";
const assert = require("assert");
const H = require("./helpers.cjs");

afterEach(H.closeAll);

const HTML = H.pageBody("page.html");
const TIMING = JSON.parse(H.readFixture("timing.json"));
const CUES = TIMING.cues;
function cue(id) { return CUES.find(function (c) { return c.id === id; }); }

/* The <audio> stand-in: state per element, events as a browser sends them. */
function fakeMedia(w, opts) {
  const P = w.HTMLMediaElement.prototype, states = new WeakMap();
  function s(el) {
    if (!states.has(el)) states.set(el, { paused: true, ended: false, currentTime: 0, readyState: opts.readyState || 0, playbackRate: 1, defaultPlaybackRate: 1, volume: 1, loads: 0, seeks: [] });
    return states.get(el);
  }
  function fire(el, type) { el.dispatchEvent(new w.Event(type)); }
  function prop(name, set) {
    Object.defineProperty(P, name, { configurable: true, get: function () { return s(this)[name]; }, set: set || function (v) { s(this)[name] = v; } });
  }
  prop("paused", function () {}); prop("ended", function () {}); prop("readyState", function () {});
  prop("volume"); prop("defaultPlaybackRate");
  prop("currentTime", function (v) { s(this).currentTime = v; s(this).seeks.push(v); });
  prop("playbackRate", function (v) { s(this).playbackRate = v; fire(this, "ratechange"); });
  P.play = function () {
    const el = this, st = s(el);
    st.paused = false; st.ended = false;
    fire(el, "play");
    return w.Promise.resolve().then(function () { fire(el, "playing"); });
  };
  P.pause = function () { const st = s(this); if (!st.paused) { st.paused = true; fire(this, "pause"); } };
  P.load = function () {
    const el = this, st = s(el);
    st.loads++;
    w.Promise.resolve().then(function () {
      if (opts.loadError) { fire(el, "error"); return; }
      st.readyState = 1; fire(el, "loadedmetadata");
    });
  };
  return s;
}
/* The timing map over HTTP; `track` gives the <track> element's parsed cues instead. */
function load(opts) {
  opts = opts || {};
  const out = { fetched: [], timers: [], cues: [], states: [], scrolled: [] };
  const w = H.page(opts.html || HTML, {
    scripts: opts.scripts || ["player"],
    before: function (w) {
      out.media = fakeMedia(w, opts);
      w.fetch = function (url, init) {
        out.fetched.push([url, init && init.credentials]);
        if (opts.fetchFails) return w.Promise.resolve({ ok: false, status: 404, json: function () { throw new Error("no body"); } });
        return w.Promise.resolve({ ok: true, status: 200, json: function () { return w.Promise.resolve(JSON.parse(JSON.stringify(TIMING))); } });
      };
      /* Timers run when the test says so (a paragraph lasts seconds). */
      const realSet = w.setTimeout.bind(w), realClear = w.clearTimeout.bind(w);
      w.setTimeout = function (f, ms) { const t = { f: f, ms: ms, live: true }; out.timers.push(t); return t; };
      w.clearTimeout = function (t) { if (t && typeof t === "object") t.live = false; else realClear(t); };
      w.realSetTimeout = realSet;
      w.Element.prototype.scrollIntoView = function (o) { out.scrolled.push([this.id, o]); };
      if (opts.reducedMotion !== undefined) {
        w.matchMedia = function (q) { return { matches: q === "(prefers-reduced-motion: reduce)" && opts.reducedMotion }; };
      }
      if (opts.stored) Object.keys(opts.stored).forEach(function (k) { w.localStorage.setItem(k, opts.stored[k]); });
      if (opts.before) opts.before(w);
      w.document.addEventListener("td:audio-cue", function (e) { out.cues.push([e.detail.id, e.detail.text]); });
      w.document.addEventListener("td:audio-state", function (e) { out.states.push(e.detail.playing); });
    }
  });
  out.w = w;
  return out;
}
function $(w, sel) { return w.document.querySelector(sel); }
function $$(w, sel) { return Array.from(w.document.querySelectorAll(sel)); }
function click(w, sel) { (typeof sel === "string" ? $(w, sel) : sel).dispatchEvent(new w.MouseEvent("click", { bubbles: true, cancelable: true })); }
async function ready(p) {
  /* The script waits for DOMContentLoaded, as at the end of a page's <body>. */
  for (let i = 0; i < 100 && !$(p.w, ".td-player--js"); i++) await H.settle();
  assert.ok($(p.w, ".td-player--js"), "player started");
  return p;
}
async function flush() { for (let i = 0; i < 5; i++) await H.settle(); }
function audio(p) { return $(p.w, ".td-player audio"); }
function at(p, t) { p.media(audio(p)).currentTime = t; audio(p).dispatchEvent(new p.w.Event("timeupdate")); }
function reading(p) { return $$(p.w, ".td-player__reading").map(function (e) { return e.id; }); }
function button(p) { return $(p.w, "[data-td-player=continuous]"); }
function state(p) { const s = $(p.w, ".td-player__state"); return [button(p).getAttribute("aria-pressed"), s.getAttribute("data-td-state"), s.textContent]; }
function liveTimers(p) { return p.timers.filter(function (t) { return t.live; }); }
function end(p) {
  const st = p.media(audio(p));
  st.paused = true; st.ended = true;
  audio(p).dispatchEvent(new p.w.Event("pause"));
  audio(p).dispatchEvent(new p.w.Event("ended"));
}

describe("player: on a page", function () {
  this.timeout(H.TEST_TIMEOUT);
  it("shows its controls only with the script, and the paragraph buttons only when asked", async function () {
    const p = await ready(load());
    assert.ok($$(p.w, ".td-player__controls, .td-player__extra").every(function (e) { return !e.hidden; }));
    assert.ok($$(p.w, "[data-td-read]").length > 10);
    assert.ok($$(p.w, "[data-td-read]").every(function (b) { return b.hidden; }));
    assert.strictEqual($(p.w, "[data-td-player=paragraphs]").getAttribute("aria-pressed"), "false");
    assert.strictEqual(audio(p).paused, true);
    assert.deepStrictEqual(p.fetched, [], "nothing is fetched until asked");
    assert.deepStrictEqual(state(p), ["false", "stopped", ""]);
  });
  it("switches the paragraph buttons on and off and remembers it", async function () {
    const p = await ready(load());
    const toggle = $(p.w, "[data-td-player=paragraphs]");
    click(p.w, toggle);
    assert.strictEqual(toggle.getAttribute("aria-pressed"), "true");
    assert.ok($$(p.w, "[data-td-read]").every(function (b) { return !b.hidden; }));
    assert.strictEqual(p.w.localStorage.getItem("td-audio-paragraphs"), "on");
    click(p.w, toggle);
    assert.strictEqual(toggle.getAttribute("aria-pressed"), "false");
    assert.ok($$(p.w, "[data-td-read]").every(function (b) { return b.hidden; }));
    assert.strictEqual(p.w.localStorage.getItem("td-audio-paragraphs"), null);
    const again = await ready(load({ stored: { "td-audio-paragraphs": "on" } }));
    assert.strictEqual($(again.w, "[data-td-player=paragraphs]").getAttribute("aria-pressed"), "true");
    assert.ok($$(again.w, "[data-td-read]").every(function (b) { return !b.hidden; }));
  });
  it("puts a 朗读本节 button after each heading of a section it reads", async function () {
    const p = await ready(load());
    const sections = $$(p.w, "[data-td-read-section]");
    assert.deepStrictEqual(sections.map(function (b) { return b.getAttribute("data-td-read-section"); }),
      ["td-s-conditions", "td-s-steps", "td-s-where", "_1"]);
    assert.deepStrictEqual(sections.map(function (b) { return [b.previousElementSibling.id, b.textContent, b.getAttribute("aria-label"), b.type, b.className]; })[0],
      ["td-s-conditions", "朗读本节", "朗读本节：办理条件", "button", "td-player__section"]);
    /* Not in the answer box, the related pages or the player; not the materials table (no paragraph). */
    assert.strictEqual($(p.w, "[data-td-read-section=td-s-answer]"), null);
    assert.strictEqual($(p.w, "[data-td-read-section=td-s-materials]"), null);
    assert.strictEqual($(p.w, "[data-td-read-section=td-rel-1]"), null);
  });
  it("starts only once however often the script runs, and also after the page loaded", async function () {
    const p = await ready(load({ scripts: ["player", "player"] }));
    assert.strictEqual($$(p.w, "[data-td-read-section]").length, 4);
    const late = load({ scripts: [] });
    await flush();
    assert.strictEqual(late.w.document.readyState, "complete");
    late.w.run("player");
    assert.ok($(late.w, ".td-player--js"));
  });
  it("finds its region in <main> when it is not inside an article, and does without one", async function () {
    const p = await ready(load({ html: HTML.replace("<article", "<div").replace("</article>", "</div>") }));
    assert.strictEqual($$(p.w, "[data-td-read-section]").length, 4);
    const none = await ready(load({ html: HTML.replace("<article", "<div").replace("</article>", "</div>").replace(/<main/, "<div").replace("</main>", "</div>") }));
    assert.strictEqual($$(none.w, "[data-td-read-section]").length, 0);
  });
});

describe("player: point reading", function () {
  this.timeout(H.TEST_TIMEOUT);
  it("plays one paragraph from its time and stops at its end", async function () {
    const p = await ready(load());
    const c = cue("td-p-11");
    click(p.w, "[data-td-read=td-p-11]");
    await flush();
    assert.strictEqual(p.media(audio(p)).loads, 1, "loaded first (preload=none), then seeks");
    assert.strictEqual(audio(p).preload, "auto");
    assert.strictEqual(audio(p).currentTime, c.start);
    assert.strictEqual(audio(p).paused, false);
    assert.deepStrictEqual(reading(p), ["td-p-11"]);
    assert.strictEqual($(p.w, ".td-player").getAttribute("data-td-mode"), "point");
    assert.strictEqual($(p.w, ".td-player").getAttribute("data-td-current"), "td-p-11");
    assert.deepStrictEqual(p.cues, [["td-p-11", c.text]]);
    assert.deepStrictEqual(state(p), ["false", "playing", "正在朗读"], "连续朗读 is not pressed for one paragraph");
    assert.deepStrictEqual(p.fetched, [["../../audio/services/id-card-renewal.json", "same-origin"]]);
    /* The timer ends it on time even between two timeupdate events. */
    const timers = liveTimers(p);
    assert.strictEqual(timers.length, 1);
    assert.ok(Math.abs(timers[0].ms - (c.end - c.start) * 1000) < 1e-6, String(timers[0].ms));
    timers[0].f();
    assert.strictEqual(audio(p).paused, true);
    assert.deepStrictEqual(reading(p), []);
    assert.deepStrictEqual(p.cues[p.cues.length - 1], [null, ""]);
    assert.deepStrictEqual(state(p), ["false", "stopped", ""]);
    assert.deepStrictEqual(p.states, [true, false]);
    assert.strictEqual($(p.w, ".td-player").getAttribute("data-td-mode"), "");
  });
  it("stops at the paragraph's end when the time passes it", async function () {
    const p = await ready(load({ readyState: 4 }));
    const c = cue("td-p-12");
    click(p.w, "[data-td-read=td-p-12]");
    await flush();
    assert.strictEqual(p.media(audio(p)).loads, 0, "already loaded: no new load");
    at(p, c.end - 0.01);
    assert.strictEqual(audio(p).paused, false);
    assert.deepStrictEqual(reading(p), ["td-p-12"]);
    at(p, c.end);
    assert.strictEqual(audio(p).paused, true);
    assert.deepStrictEqual(reading(p), []);
    assert.strictEqual(audio(p).currentTime, c.end, "stays where it stopped");
  });
  it("times the end by the playing speed, and again when the speed changes", async function () {
    const p = await ready(load({ readyState: 4 }));
    const c = cue("td-p-16");
    p.w.document.querySelector("[data-td-control=rate]").value = "1.5";
    p.w.document.querySelector("[data-td-control=rate]").dispatchEvent(new p.w.Event("change"));
    click(p.w, "[data-td-read=td-p-16]");
    await flush();
    assert.ok(Math.abs(liveTimers(p)[0].ms - (c.end - c.start) / 1.5 * 1000) < 1e-6);
    p.media(audio(p)).currentTime = c.start + 1;
    audio(p).playbackRate = 0.75;
    const t = liveTimers(p);
    assert.strictEqual(t.length, 1);
    assert.ok(Math.abs(t[0].ms - (c.end - c.start - 1) / 0.75 * 1000) < 1e-6, String(t[0].ms));
    p.media(audio(p)).currentTime = c.end + 5;
    audio(p).playbackRate = 1;
    assert.strictEqual(liveTimers(p)[0].ms, 0, "late: at once");
  });
  it("ignores a stale timer after another paragraph started", async function () {
    const p = await ready(load({ readyState: 4 }));
    click(p.w, "[data-td-read=td-p-16]");
    await flush();
    const first = liveTimers(p)[0];
    click(p.w, "[data-td-read=td-p-17]");
    await flush();
    assert.strictEqual(first.live, false);
    first.f();
    assert.strictEqual(audio(p).paused, false);
    assert.deepStrictEqual(reading(p), ["td-p-17"]);
    assert.deepStrictEqual(p.cues, [["td-p-16", cue("td-p-16").text], ["td-p-17", cue("td-p-17").text]]);
  });
  it("reads a whole section from its heading to the next heading of its level", async function () {
    const p = await ready(load({ readyState: 4 }));
    click(p.w, "[data-td-read-section=td-s-steps]");
    await flush();
    const from = cue("td-s-steps"), to = cue("td-p-17");
    assert.strictEqual(audio(p).currentTime, from.start);
    assert.deepStrictEqual(reading(p), ["td-s-steps"]);
    assert.ok(Math.abs(liveTimers(p)[0].ms - (to.end - from.start) * 1000) < 1e-6);
    at(p, cue("td-p-16").start);
    assert.deepStrictEqual(reading(p), ["td-p-16"]);
    at(p, to.end);
    assert.strictEqual(audio(p).paused, true);
    /* The last section runs to the end of the page's cues. */
    click(p.w, "[data-td-read-section=_1]");
    await flush();
    assert.ok(Math.abs(liveTimers(p)[0].ms - (CUES[CUES.length - 1].end - cue("_1").start) * 1000) < 1e-6);
  });
  it("ends a section at a heading of a higher level, not at a lower one", async function () {
    const html = HTML.replace('<h2 id="td-s-steps">', '<h3 id="td-s-steps">').replace("办理流程</h2>", "办理流程</h3>");
    const p = await ready(load({ readyState: 4, html: html }));
    await $(p.w, ".td-player").tdPlayer.readBlock("td-s-materials", true);
    const t = liveTimers(p)[0].ms / 1000 + cue("td-s-materials").start;
    assert.ok(Math.abs(t - cue("td-p-17").end) < 1e-6, "the h2 section runs over the h3 to the next h2");
    const steps = $(p.w, "[data-td-read-section=td-s-steps]");
    click(p.w, steps);
    await flush();
    const u = liveTimers(p)[0].ms / 1000 + cue("td-s-steps").start;
    assert.ok(Math.abs(u - cue("td-p-17").end) < 1e-6, "the h3 section ends at the next h2");
  });
  it("reads nothing for a block the timing map does not know", async function () {
    const p = await ready(load({ readyState: 4 }));
    $(p.w, "[data-td-read=td-p-11]").setAttribute("data-td-read", "td-nothing");
    click(p.w, "[data-td-read=td-nothing]");
    const sec = p.w.document.createElement("button");
    sec.setAttribute("data-td-read-section", "td-nothing");
    $(p.w, "main").appendChild(sec);
    click(p.w, sec);
    await flush();
    assert.strictEqual(audio(p).paused, true);
    assert.deepStrictEqual(p.cues, []);
    assert.strictEqual($(p.w, ".td-player").getAttribute("data-td-mode"), null);
  });
  it("plays nothing when the audio cannot load", async function () {
    const p = await ready(load({ loadError: true }));
    const player = $(p.w, ".td-player").tdPlayer;
    await assert.rejects(player.readBlock("td-p-11"), { message: "audio" });
    assert.strictEqual(audio(p).paused, true);
    assert.deepStrictEqual(reading(p), []);
  });
  it("uses the cues of the <track> element when the browser has parsed it", async function () {
    const p = await ready(load({ readyState: 4, before: function (w) {
      Object.defineProperty(w.HTMLTrackElement.prototype, "track", { configurable: true, get: function () {
        return { cues: CUES.map(function (c, i) {
          return { id: c.id, startTime: c.start, endTime: c.end, text: i === 1 ? "plain words" : JSON.stringify({ text: c.text, sentences: c.sentences }) };
        }) };
      } });
    } }));
    click(p.w, "[data-td-read=td-p-2]");
    await flush();
    assert.deepStrictEqual(p.fetched, []);
    assert.deepStrictEqual(p.cues, [["td-p-2", "plain words"]]);
    click(p.w, "[data-td-read=td-p-4]");
    await flush();
    assert.deepStrictEqual(p.cues[1], ["td-p-4", cue("td-p-4").text]);
    const none = await ready(load({ readyState: 4, before: function (w) {
      Object.defineProperty(w.HTMLTrackElement.prototype, "track", { configurable: true, get: function () { return { cues: [] }; } });
    } }));
    click(none.w, "[data-td-read=td-p-2]");
    await flush();
    assert.strictEqual(none.fetched.length, 1, "an empty track: the JSON map");
    const empty = await ready(load({ readyState: 4, before: function (w) {
      Object.defineProperty(w.HTMLTrackElement.prototype, "track", { configurable: true, get: function () {
        return { cues: [{ id: "td-p-2", startTime: 1, endTime: 2, text: "{}" }] };
      } });
    } }));
    click(empty.w, "[data-td-read=td-p-2]");
    await flush();
    assert.deepStrictEqual(empty.cues, [["td-p-2", ""]]);
  });
});

describe("player: continuous reading", function () {
  this.timeout(H.TEST_TIMEOUT);
  it("is pressed only while reading, and says 正在朗读 / 已暂停", async function () {
    const p = await ready(load({ readyState: 4 }));
    click(p.w, button(p));
    assert.deepStrictEqual(state(p)[0], "false", "not before the audio really plays");
    await flush();
    assert.deepStrictEqual(state(p), ["true", "playing", "正在朗读"]);
    assert.strictEqual($(p.w, ".td-player").getAttribute("data-td-mode"), "continuous");
    assert.deepStrictEqual(p.states, [true]);
    click(p.w, button(p));
    assert.deepStrictEqual(state(p), ["false", "paused", "已暂停"]);
    assert.deepStrictEqual(p.states, [true, false]);
    at(p, 30);
    click(p.w, button(p));
    await flush();
    assert.deepStrictEqual(state(p), ["true", "playing", "正在朗读"]);
    assert.strictEqual(audio(p).currentTime, 30, "resumes where it was paused");
    click(p.w, "[data-td-player=stop]");
    assert.deepStrictEqual(state(p), ["false", "stopped", ""]);
    assert.strictEqual(audio(p).currentTime, 0);
    assert.deepStrictEqual(reading(p), []);
    assert.deepStrictEqual(p.cues[p.cues.length - 1], [null, ""]);
  });
  it("highlights the block being read, at its boundaries too, and the sentence for the caption", async function () {
    const p = await ready(load({ readyState: 4 }));
    click(p.w, button(p));
    await flush();
    assert.deepStrictEqual(reading(p), ["td-p-1"], "from the top");
    assert.deepStrictEqual(p.cues, [["td-p-1", "居民身份证换领"]]);
    const a = cue("td-p-2"), b = cue("td-s-answer");
    at(p, a.start);
    assert.deepStrictEqual(reading(p), ["td-p-2"]);
    at(p, a.end - 0.001);
    assert.deepStrictEqual(reading(p), ["td-p-2"]);
    assert.strictEqual(p.cues.length, 2, "the same block: no new event");
    at(p, a.end);
    assert.deepStrictEqual(reading(p), [], "the pause between blocks highlights nothing");
    assert.deepStrictEqual(p.cues[2], [null, ""]);
    at(p, b.start);
    assert.deepStrictEqual(reading(p), ["td-s-answer"]);
    assert.strictEqual($(p.w, ".td-player").getAttribute("data-td-current"), "td-s-answer");
    const many = CUES.find(function (c) { return c.sentences.length > 1; });
    at(p, many.sentences[1].start);
    assert.deepStrictEqual(p.cues[p.cues.length - 1], [many.id, many.sentences[1].text]);
    at(p, many.sentences[1].start - 0.0001);
    assert.deepStrictEqual(p.cues[p.cues.length - 1], [many.id, many.sentences[0].text]);
    assert.deepStrictEqual(reading(p), [many.id]);
    const gap = { id: "gap", start: 0, end: 10, text: "整段", sentences: [{ start: 0, end: 1, text: "一" }] };
    $(p.w, ".td-player").tdPlayer.highlight(gap, 5);
    assert.deepStrictEqual(p.cues[p.cues.length - 1], ["gap", "整段"], "between sentences: the block's text");
    at(p, TIMING.duration + 1);
    assert.deepStrictEqual(reading(p), []);
  });
  it("scrolls the block into view only when it is off screen, gently unless motion is reduced", async function () {
    for (const reduced of [false, true, undefined]) {
      const p = await ready(load({ readyState: 4, reducedMotion: reduced }));
      const el = $(p.w, "#td-p-12");
      el.getBoundingClientRect = function () { return { top: 2000, bottom: 2040 }; };
      $(p.w, "#td-p-16").getBoundingClientRect = function () { return { top: -50, bottom: -10 }; };
      $(p.w, "#td-p-17").getBoundingClientRect = function () { return { top: 0, bottom: p.w.innerHeight }; };
      button(p).focus();
      click(p.w, button(p));
      await flush();
      at(p, cue("td-p-12").start);
      at(p, cue("td-p-16").start);
      at(p, cue("td-p-17").start);
      const how = reduced ? "auto" : "smooth";
      assert.deepStrictEqual(JSON.parse(JSON.stringify(p.scrolled)), [["td-p-12", { block: "center", behavior: how }], ["td-p-16", { block: "center", behavior: how }]], String(reduced));
      assert.strictEqual(p.w.document.activeElement, button(p), "focus stays on the button");
    }
  });
  it("starts from the top after point reading and after the end", async function () {
    const p = await ready(load({ readyState: 4 }));
    click(p.w, "[data-td-read=td-p-16]");
    await flush();
    click(p.w, button(p));
    await flush();
    assert.strictEqual(audio(p).currentTime, 0);
    assert.strictEqual(liveTimers(p).length, 0, "no point timer left to stop it");
    assert.strictEqual($(p.w, ".td-player").getAttribute("data-td-mode"), "continuous");
    at(p, 40);
    end(p);
    assert.deepStrictEqual(state(p), ["false", "stopped", ""]);
    assert.deepStrictEqual(reading(p), []);
    assert.deepStrictEqual(p.cues[p.cues.length - 1], [null, ""]);
    assert.strictEqual(p.states[p.states.length - 1], false);
    assert.strictEqual(audio(p).currentTime, 0);
    p.media(audio(p)).ended = true;
    p.media(audio(p)).currentTime = 55;
    $(p.w, ".td-player").tdPlayer.mode = "continuous";
    click(p.w, button(p));
    await flush();
    assert.strictEqual(audio(p).currentTime, 0, "after the end: from the top");
  });
  it("shows the idle text again after stopping", async function () {
    const html = HTML.replace('data-td-state="stopped"></span>', 'data-td-state="stopped">未在朗读</span>');
    const p = await ready(load({ readyState: 4, html: html }));
    click(p.w, button(p));
    await flush();
    assert.deepStrictEqual(state(p), ["true", "playing", "正在朗读"]);
    click(p.w, "[data-td-player=stop]");
    assert.deepStrictEqual(state(p), ["false", "stopped", "未在朗读"]);
  });
  it("still plays when the timing map cannot be loaded, without a highlight", async function () {
    const p = await ready(load({ readyState: 4, fetchFails: true }));
    click(p.w, button(p));
    await flush();
    assert.strictEqual(audio(p).paused, false);
    assert.deepStrictEqual(state(p), ["true", "playing", "正在朗读"]);
    at(p, 3);
    assert.deepStrictEqual(reading(p), []);
  });
  it("takes over playback started from the audio's own controls", async function () {
    const p = await ready(load({ readyState: 4 }));
    audio(p).play();
    await flush();
    assert.strictEqual($(p.w, ".td-player").getAttribute("data-td-mode"), "continuous");
    assert.deepStrictEqual(reading(p), ["td-p-1"]);
    assert.deepStrictEqual(state(p), ["true", "playing", "正在朗读"]);
  });
  it("highlights nothing while stopped, even when the time moves", async function () {
    const p = await ready(load({ readyState: 4 }));
    at(p, cue("td-p-2").start);
    assert.deepStrictEqual(reading(p), []);
    assert.deepStrictEqual(p.cues, []);
  });
  it("does as the toolbar says: play, pause, stop", async function () {
    const p = await ready(load({ readyState: 4 }));
    function say(action) { p.w.document.dispatchEvent(new p.w.CustomEvent("td:speech", { detail: { action: action } })); }
    say("play");
    await flush();
    assert.deepStrictEqual(state(p), ["true", "playing", "正在朗读"]);
    say("pause");
    assert.deepStrictEqual(state(p), ["false", "paused", "已暂停"]);
    say("jump");
    p.w.document.dispatchEvent(new p.w.CustomEvent("td:speech"));
    assert.deepStrictEqual(state(p), ["false", "paused", "已暂停"]);
    say("stop");
    assert.deepStrictEqual(state(p), ["false", "stopped", ""]);
    assert.deepStrictEqual(p.states, [true, false]);
  });
  it("a stop before the audio loaded is harmless", async function () {
    const p = await ready(load({ before: function (w) {
      Object.defineProperty(w.HTMLMediaElement.prototype, "currentTime", { configurable: true, get: function () { return 0; }, set: function () { throw new Error("InvalidStateError"); } });
    } }));
    click(p.w, "[data-td-player=stop]");
    assert.deepStrictEqual(state(p), ["false", "stopped", ""]);
  });
});

describe("player: speed and volume", function () {
  this.timeout(H.TEST_TIMEOUT);
  it("keeps the chosen speed between pages, within 0.75 and 1.5", async function () {
    const p = await ready(load());
    const rate = $(p.w, "[data-td-control=rate]");
    assert.strictEqual(audio(p).playbackRate, 1);
    rate.value = "1.25";
    rate.dispatchEvent(new p.w.Event("change"));
    assert.strictEqual(audio(p).playbackRate, 1.25);
    assert.strictEqual(audio(p).defaultPlaybackRate, 1.25);
    assert.strictEqual(p.w.localStorage.getItem("td-audio-rate"), "1.25");
    const again = await ready(load({ stored: { "td-audio-rate": "0.75" } }));
    assert.strictEqual($(again.w, "[data-td-control=rate]").value, "0.75");
    assert.strictEqual(audio(again).playbackRate, 0.75);
    const odd = await ready(load({ stored: { "td-audio-rate": "3" } }));
    assert.strictEqual($(odd.w, "[data-td-control=rate]").value, "1", "not an offered speed: the default");
    const opt = odd.w.document.createElement("option");
    opt.value = "3"; $(odd.w, "[data-td-control=rate]").appendChild(opt);
    $(odd.w, "[data-td-control=rate]").value = "3";
    $(odd.w, "[data-td-control=rate]").dispatchEvent(new odd.w.Event("change"));
    assert.strictEqual(audio(odd).playbackRate, 1.5);
    opt.value = "0.1"; $(odd.w, "[data-td-control=rate]").value = "0.1";
    $(odd.w, "[data-td-control=rate]").dispatchEvent(new odd.w.Event("change"));
    assert.strictEqual(audio(odd).playbackRate, 0.75);
    opt.value = "fast"; $(odd.w, "[data-td-control=rate]").value = "fast";
    $(odd.w, "[data-td-control=rate]").dispatchEvent(new odd.w.Event("change"));
    assert.strictEqual(audio(odd).playbackRate, 1);
  });
  it("sets the volume from its slider", async function () {
    const p = await ready(load());
    const v = $(p.w, "[data-td-control=volume]");
    v.value = "0.3";
    v.dispatchEvent(new p.w.Event("input"));
    assert.strictEqual(audio(p).volume, 0.3);
  });
  it("works without storage", async function () {
    const p = await ready(load({ before: function (w) {
      Object.defineProperty(w, "localStorage", { configurable: true, get: function () { throw new Error("SecurityError"); } });
    } }));
    const rate = $(p.w, "[data-td-control=rate]");
    rate.value = "1.5";
    rate.dispatchEvent(new p.w.Event("change"));
    assert.strictEqual(audio(p).playbackRate, 1.5);
    click(p.w, "[data-td-player=paragraphs]");
    assert.strictEqual($(p.w, "[data-td-player=paragraphs]").getAttribute("aria-pressed"), "true");
  });
  it("works without its optional controls", async function () {
    const html = HTML.replace(/<select[\s\S]*?<\/select>/, "").replace(/<input class="td-player__volume"[^>]*>/, "")
      .replace(/<button[^>]*data-td-player="paragraphs"[\s\S]*?<\/button>/, "").replace(/<span class="td-player__state"[^>]*><\/span>/, "")
      .replace(/<button[^>]*data-td-player="(continuous|stop)"[\s\S]*?<\/button>/g, "");
    const p = await ready(load({ readyState: 4, html: html }));
    const player = $(p.w, ".td-player").tdPlayer;
    await player.play();
    await flush();
    assert.strictEqual(audio(p).paused, false);
    player.showParagraphButtons(true);
    assert.ok($$(p.w, "[data-td-read]").every(function (b) { return !b.hidden; }));
    player.stop();
    assert.strictEqual(audio(p).paused, true);
  });
});
