/* The browser's search runtime (search_index/runtime/tongda-search.js) under Node, on the
 * indexes of the search tests' documents (tests/js/fixtures, from tests/js/make_fixtures.py).
 *
 * What a citizen notices: which pages come first, the typo notice, pinyin and initials,
 * colloquial words, 文号, filters and date order, the highlighted excerpt, the suggestions,
 * and the results page itself. The ranking is held to the Python runtime's answers
 * (expected.json), which the site's other tests check. */
"use strict";
const assert = require("assert");
const fs = require("fs");
const path = require("path");
const zlib = require("zlib");
const H = require("./helpers.cjs");

afterEach(H.closeAll);

const EXPECTED = JSON.parse(H.readFixture("expected.json"));
const INDEX = { search: H.fixture("search"), tasks: H.fixture("tasks") };

function searchers(TS) {
  return { search: new TS.Searcher({ dir: INDEX.search }), tasks: new TS.Searcher({ dir: INDEX.tasks }) };
}
function ids(r) { return r.results.map(function (x) { return x.id; }); }
function plain(x) { return JSON.parse(JSON.stringify(x, function (k, v) { return v === Infinity ? "inf" : v; })); }

/* The first two queries of every group: a quick look before the whole list. */
function firstOfEach() {
  const seen = {};
  return EXPECTED.searches.filter(function (e) { seen[e.group] = (seen[e.group] || 0) + 1; return seen[e.group] <= 2; });
}
/* Every answer of one group as Python gives it: order, scores, totals, notice, the
 * understood query, facet counts and the first three excerpts. */
async function sameAsPython(group) {
  const TS = H.loadSearch(), s = searchers(TS);
  const cases = group === "first" ? firstOfEach() : EXPECTED.searches.filter(function (e) { return e.group === group; });
  assert.ok(cases.length > 0, group);
  for (const e of cases) {
    const r = await s[e.index].search(e.q, e.opts);
    const label = e.index + ": " + JSON.stringify(e.q) + " " + JSON.stringify(e.opts);
    assert.deepStrictEqual(ids(r), e.ids, label);
    assert.deepStrictEqual(plain(r.results.map(function (x) { return x.score; })), e.scores, label);
    assert.deepStrictEqual(r.results.map(function (x) { return x.doc; }), e.docs, label);
    assert.strictEqual(r.total, e.total, label);
    assert.strictEqual(r.notice, e.notice, label);
    assert.strictEqual(r.shown, e.shown, label);
    assert.deepStrictEqual(plain(r.plan), e.plan, label);
    assert.deepStrictEqual(r.facets === undefined ? null : r.facets, e.facets, label);
    const excerpts = [];
    for (const rec of r.results.slice(0, 3)) excerpts.push(await s[e.index].excerpt(rec, r.plan));
    assert.deepStrictEqual(excerpts, e.excerpts, label);
  }
}

describe("search runtime: the same answers as the Python runtime", function () {
  this.timeout(H.TEST_TIMEOUT);
  ["first", "titles", "typos", "pinyin", "synonyms", "docnum", "cues", "edge", "filters", "facets", "tasks"].forEach(function (group) {
    it("answers the " + group + " queries", function () { return sameAsPython(group); });
  });
  it("completes the same prefixes", async function () {
    const s = searchers(H.loadSearch());
    for (const e of EXPECTED.suggests) {
      assert.deepStrictEqual(await s[e.index].suggest(e.prefix), e.out, e.index + ": " + JSON.stringify(e.prefix));
    }
  });
});

describe("search runtime: what a citizen notices", function () {
  this.timeout(H.TEST_TIMEOUT);
  it("puts the page whose title is the query first", async function () {
    const s = searchers(H.loadSearch()).search;
    assert.strictEqual(ids(await s.search("个人所得税法"))[0], "pit");
    const order = ids(await s.search("个人所得税"));
    assert.ok(order.indexOf("pit") < order.indexOf("savings-tax"));
  });
  it("answers a 文号 with its document, above every scored page", async function () {
    const s = searchers(H.loadSearch()).search;
    const r = await s.search("国办函[2011]15号");
    assert.deepStrictEqual(ids(r), ["expropriation"]);
    assert.strictEqual(r.results[0].score, Infinity);
    assert.strictEqual(ids(await s.search("国办函〔2011〕15号 补偿"))[0], "expropriation");
  });
  it("corrects a homophone typo, says so, and searches as typed when asked", async function () {
    const s = searchers(H.loadSearch()).search;
    const r = await s.search("身分证");
    assert.strictEqual(r.notice, "已为您显示“身份证”的结果，仍搜索“身分证”");
    assert.ok(ids(r).slice(0, 3).indexOf("id-card-law") >= 0);
    const literal = await s.search("身分证", { literal: true });
    assert.strictEqual(literal.notice, "");
    assert.strictEqual(literal.total, 0);
  });
  it("leaves correct words alone", async function () {
    const s = searchers(H.loadSearch()).search;
    for (const q of ["住房公积金", "北京 停车", "劳动合同"]) assert.strictEqual((await s.search(q)).notice, "", q);
  });
  it("finds Chinese pages from pinyin and initials", async function () {
    const s = searchers(H.loadSearch()).search;
    assert.strictEqual(ids(await s.search("huzhao"))[0], "passport-law");
    assert.deepStrictEqual(ids(await s.search("zfgjj")), ["housing-fund"]);
    assert.strictEqual(ids(await s.search("sfz"))[0], "id-card-law");
  });
  it("understands a pinyin task verb before its object", async function () {
    const s = searchers(H.loadSearch()).tasks;
    const r = await s.search("banhuzhao");
    assert.strictEqual(r.shown, "办护照");
    assert.strictEqual(ids(r)[0], "passport-service");
    assert.strictEqual(r.plan.cue, "service");
  });
  it("reads colloquial words through the synonyms", async function () {
    const s = searchers(H.loadSearch()).search;
    assert.deepStrictEqual(ids(await s.search("我要出国")).sort(), ["exit-entry-law", "passport-law", "passport-service"]);
    assert.strictEqual(ids(await s.search("房子被拆迁怎么补偿"))[0], "expropriation");
  });
  it("filters by kind and date, sorts by date, and pages through the results", async function () {
    const s = searchers(H.loadSearch()).search;
    const only = await s.search("身份证", { filters: { kind: ["policy"] } });
    assert.ok(only.results.every(function (x) { return x.k === "policy"; }));
    const dated = await s.search("条例", { filters: { date: ["2010", "2015"] }, limit: 50 });
    assert.ok(dated.results.length && dated.results.every(function (x) { return x.d >= "2010-01-01" && x.d <= "2015-12-31"; }));
    const newest = (await s.search("条例", { sort: "date", limit: 20 })).results.map(function (x) { return x.d; });
    assert.deepStrictEqual(newest, newest.slice().sort().reverse());
    const all = ids(await s.search("条例", { limit: 50 }));
    assert.deepStrictEqual(ids(await s.search("条例", { offset: 2, limit: 3 })), all.slice(2, 5));
    assert.strictEqual((await s.search("条例")).results.length, 8);  // ten at most by default
  });
  it("finds nothing for nonsense and for an empty query", async function () {
    const s = searchers(H.loadSearch()).search;
    for (const q of ["zzzzqqq", "", "   "]) {
      const r = await s.search(q);
      assert.strictEqual(r.total, 0, q);
      assert.strictEqual(r.notice, "", q);
    }
  });
  it("highlights the query in the excerpt and never lets the page's text become markup", async function () {
    const TS = H.loadSearch(), s = searchers(TS).search;
    const r = await s.search("最低生活保障");
    const x = await s.excerpt(r.results[0], r.plan);
    assert.ok(x.indexOf("<mark>最低生活保障</mark>") >= 0, x);
    assert.strictEqual(TS.makeExcerpt("a<b>&\"'c 身份证", ["身份证"], 110), "a&#60;b&#62;&#38;&#34;&#39;c <mark>身份证</mark>");
  });
});

describe("search runtime: excerpts", function () {
  this.timeout(H.TEST_TIMEOUT);
  it("shows the window holding most of the words, with ellipses where text was cut", function () {
    const TS = H.loadSearch();
    const text = "开头".repeat(30) + "护照和签证" + "中间".repeat(30) + "身份证";
    assert.strictEqual(TS.makeExcerpt(text, ["护照", "签证"], 30),
      "…" + "开头".repeat(10) + "<mark>护照</mark>和<mark>签证</mark>中间中间中…");
    /* The window starts 20 characters before the first word; a later window holding more
     * distinct words wins over an earlier one. */
    const both = "甲".repeat(50) + "身份证" + "乙".repeat(5) + "护照" + "丙".repeat(50) + "护照";
    assert.strictEqual(TS.makeExcerpt(both, ["身份证", "护照"], 40),
      "…" + "甲".repeat(20) + "<mark>身份证</mark>" + "乙".repeat(5) + "<mark>护照</mark>" + "丙".repeat(10) + "…");
  });
  it("joins adjacent marks into one and shows the start of a text without words", function () {
    const TS = H.loadSearch();
    assert.strictEqual(TS.makeExcerpt("居民身份证", ["居民", "身份证"], 110), "<mark>居民身份证</mark>");
    assert.strictEqual(TS.makeExcerpt("一二三四五六", [], 4), "一二三四…");
    assert.strictEqual(TS.makeExcerpt("一二三", ["四"], 110), "一二三");
    assert.strictEqual(TS.makeExcerpt("a.b a+b", ["a+b", "."], 110), "a<mark>.</mark>b <mark>a+b</mark>");
  });
  it("counts a word at the very start of the text, and adds no ellipsis when the window ends the text", function () {
    const TS = H.loadSearch();
    /* The first of two equally good windows: the one at the start, without a leading "…". */
    assert.strictEqual(TS.makeExcerpt("护照" + "甲".repeat(50) + "护照", ["护照"], 30),
      "<mark>护照</mark>" + "甲".repeat(28) + "…");
    assert.strictEqual(TS.makeExcerpt("一二三四", [], 4), "一二三四");
    assert.strictEqual(TS.makeExcerpt("一二三四五", [], 4), "一二三四…");
  });
  it("looks at no more than 200 places where the words occur, however long the page", function () {
    const TS = H.loadSearch();
    /* 200 places of 证明 come first, so the window where 护照 and 证明 meet is not looked at;
     * with one 证明 fewer it is. */
    const tail = "甲".repeat(40) + "护照证明";
    assert.strictEqual(TS.makeExcerpt("证明".repeat(200) + tail, ["证明", "护照"], 30), "<mark>" + "证明".repeat(15) + "</mark>…");
    assert.strictEqual(TS.makeExcerpt("证明".repeat(199) + tail, ["证明", "护照"], 30), "…" + "甲".repeat(18) + "<mark>护照证明</mark>");
  });
  it("marks only the words a reader typed or was shown, longest first", async function () {
    const TS = H.loadSearch(), s = searchers(TS).search;
    const r = await s.search("身分证");
    const x = await s.excerpt(r.results[0], r.plan, 30);
    assert.ok(x.indexOf("身份证") >= 0 || x.indexOf("<mark>身份") >= 0, x);
    assert.strictEqual(x.indexOf("身分证"), -1);
    const plan = { concepts: [{ text: "x", alts: [{ text: "居民", w: 0.5, terms: ["居民"] }, { text: "身份证", w: 1, terms: ["身份", "份证"] }] }] };
    const y = await s.excerpt(r.results[0], plan, 60);
    assert.ok(y.indexOf("<mark>身份证</mark>") >= 0, y);
    assert.strictEqual(y.indexOf("<mark>居民"), -1, y);
  });
});

describe("search runtime: suggestions in the search box", function () {
  this.timeout(H.TEST_TIMEOUT);
  it("offers whole titles and words, not pairs ending in a particle", async function () {
    const s = searchers(H.loadSearch()).search;
    assert.deepStrictEqual(await s.suggestions("个人所"),
      ["个人所得税法", "个人所得税专项附加扣除怎么填?", "个人所得税法实施条例", "个人所得税", "个人所得", "个人所有"]);
    assert.deepStrictEqual(await s.suggestions("个人所", 2), ["个人所得税法", "个人所得税专项附加扣除怎么填?"]);
    assert.deepStrictEqual(await s.suggestions("北京"),
      ["北京市", "北京市养犬管理规定", "北京市控制吸烟条例", "北京市机动车停车条例"]);
    assert.deepStrictEqual(await s.suggestions("sh"),
      ["身份", "身份证", "上海市停车场(库)管理办法", "税法", "实施", "上海", "上海市", "实施办法"]);
    const t = searchers(H.loadSearch()).tasks;
    assert.deepStrictEqual(await t.suggestions("身份证"), ["身份证丢了怎么办?", "身份证件"]);
    assert.deepStrictEqual(await t.suggestions("办"), ["办护照要多长时间?急着出国能加急吗?", "办狗证要交钱吗?", "办理", "办法", "办狗"]);
  });
  it("offers the titles and words a first character, a prefix or pinyin initials begin", async function () {
    const s = searchers(H.loadSearch()).search;
    assert.deepStrictEqual(await s.suggestions("护"), ["护照法", "护照", "护照办理"]);
    assert.deepStrictEqual(await s.suggestions("hz"), ["护照法", "护照", "护照办理"]);
    assert.deepStrictEqual(await s.suggestions("居民"), ["居民身份证法", "居民身份证", "居民身份证换领"]);
    assert.deepStrictEqual(await s.suggestions("出境"), ["出境入境管理法", "出境入境"]);
    assert.deepStrictEqual(await s.suggestions("x"), ["吸烟", "吸烟条例"]);
    const t = searchers(H.loadSearch()).tasks;
    assert.deepStrictEqual(await t.suggestions("小"), ["小微企业所得税优惠政策的公告", "小微企业所得税优惠政策解读", "小微", "小微企业"]);
    assert.deepStrictEqual(await t.suggestions("hz"), ["护照法", "护照", "护照办理"]);
  });
  it("reads nothing for an empty search box", async function () {
    const TS = H.loadSearch(), names = [];
    const s = new TS.Searcher({ load: function (name) { names.push(name); return Promise.resolve(fs.readFileSync(path.join(INDEX.search, name))); } });
    for (const p of ["", null, undefined, "   "]) assert.deepStrictEqual(await s.suggest(p), [], String(p));
    assert.deepStrictEqual(await s.suggestions(null), []);
    assert.deepStrictEqual(names, []);
    assert.strictEqual(s.files, 0);
  });
  it("offers at most the number asked, from the first character on", async function () {
    const s = searchers(H.loadSearch()).search;
    assert.deepStrictEqual(await s.suggest("个", 3), ["个人所得税法", "个人", "个人所得税专项附加扣除怎么填?"]);
    assert.deepStrictEqual(await s.suggest(""), []);
    assert.deepStrictEqual(await s.suggest(null), []);
    assert.strictEqual((await s.suggest("个")).length, 6);
    assert.strictEqual((await s.suggest("北京", 2)).length, 2);
    assert.deepStrictEqual(await s.suggest("住房", 1), ["住房公积金管理条例"]);
  });
});

describe("search runtime: loading the index", function () {
  this.timeout(H.TEST_TIMEOUT);
  it("reads an index a server sent already inflated, and counts what it read", async function () {
    const TS = H.loadSearch();
    const names = [];
    const s = new TS.Searcher({ load: function (name) {
      names.push(name);
      return Promise.resolve(zlib.gunzipSync(fs.readFileSync(path.join(INDEX.search, name))));
    } });
    const r = await s.search("住房公积金");
    assert.deepStrictEqual(ids(r), ["housing-fund"]);
    const size = names.reduce(function (a, n) { return a + zlib.gunzipSync(fs.readFileSync(path.join(INDEX.search, n))).length; }, 0);
    assert.strictEqual(s.files, names.length);
    assert.strictEqual(s.bytesRead, size);
    assert.strictEqual(new Set(names).size, names.length, "no file is read twice");
  });
  it("fetches the index over HTTP beside the page and reports a missing file", async function () {
    const TS = H.loadSearch(), saved = globalThis.fetch, asked = [];
    globalThis.fetch = function (url) {
      asked.push(url);
      const file = path.join(INDEX.search, url.replace(/^.*\//, ""));
      if (!fs.existsSync(file)) return Promise.resolve({ ok: false, status: 404 });
      const b = fs.readFileSync(file);
      return Promise.resolve({ ok: true, status: 200, arrayBuffer: function () { return Promise.resolve(b.buffer.slice(b.byteOffset, b.byteOffset + b.length)); } });
    };
    try {
      const s = new TS.Searcher({ base: "https://portal.example.gov.cn/search/" });
      assert.deepStrictEqual(ids(await s.search("劳动合同")), ["labour-contract"]);
      assert.ok(asked.indexOf("https://portal.example.gov.cn/search/manifest.tdz") >= 0, asked[0]);
      await assert.rejects(s.get("nothing.tdz"), { message: "search index: nothing.tdz 404" });
      const d = new TS.Searcher();
      await d.ready();
      assert.ok(asked.indexOf("./manifest.tdz") >= 0);
    } finally { globalThis.fetch = saved; }
  });
  it("reads each file once even when two searches ask for it at the same time", async function () {
    const TS = H.loadSearch(), counts = {};
    const s = new TS.Searcher({ load: function (name) {
      counts[name] = (counts[name] || 0) + 1;
      return Promise.resolve(fs.readFileSync(path.join(INDEX.search, name)));
    } });
    const both = await Promise.all([s.search("身份证"), s.search("身份证")]);
    assert.deepStrictEqual(ids(both[0]), ids(both[1]));
    Object.keys(counts).forEach(function (n) { if (n !== "manifest.tdz") assert.strictEqual(counts[n], 1, n); });
  });
  it("needs few network round trips for a query", async function () {
    /* Each wave: the files asked for before the previous ones arrived. The first round has
     * the manifest; the prefetch brings the buckets a query needs in two more. */
    async function waves(q, index) {
      const TS = H.loadSearch();
      let pending = [], count = 0;
      const s = new TS.Searcher({ load: function (name) {
        return new Promise(function (resolve) { pending.push(function () { resolve(fs.readFileSync(path.join(index, name))); }); });
      } });
      let done = false;
      const run = s.search(q).then(function (r) { done = true; return r; });
      for (let guard = 0; !done; guard++) {
        if (guard > 10000) throw new Error("the search never ended");
        await new Promise(function (r) { setImmediate(r); });
        if (pending.length) { const now = pending; pending = []; count++; now.forEach(function (f) { f(); }); }
      }
      await run;
      return count;
    }
    /* As many as today, at most. */
    const most = [["住房公积金", INDEX.search, 8], ["身分证", INDEX.search, 9], ["我要出国", INDEX.search, 5],
      ["huzhao", INDEX.search, 7], ["国办函[2011]15号", INDEX.search, 8], ["开个小店要办什么手续", INDEX.tasks, 8],
      ["条例", INDEX.search, 4]];
    for (const m of most) assert.ok(await waves(m[0], m[1]) <= m[2], m[0]);
  });
  it("fetches the character readings along only for Chinese text, which a typo check may need", async function () {
    async function read(q) {
      const TS = H.loadSearch(), names = [];
      const s = new TS.Searcher({ load: function (name) { names.push(name); return Promise.resolve(fs.readFileSync(path.join(INDEX.search, name))); } });
      await s.search(q);
      return names.filter(function (n) { return n.startsWith("Pchr-"); }).length;
    }
    assert.strictEqual(await read("huzhao"), 0);
    assert.strictEqual(await read("sfz 2011"), 0);
    assert.strictEqual(await read("身份证"), 1);
  });
  it("still answers from an index written before the learned aliases", async function () {
    const TS = H.loadSearch();
    const s = new TS.Searcher({ load: function (name) {
      let b = fs.readFileSync(path.join(INDEX.tasks, name));
      if (name === "manifest.tdz") {
        const m = JSON.parse(zlib.gunzipSync(b));
        delete m.fam.ask; delete m.fb;
        b = zlib.gzipSync(JSON.stringify(m));
      }
      return Promise.resolve(b);
    } });
    assert.strictEqual(ids(await s.search("护照"))[0], "passport-law");
  });
});

describe("search runtime: small parts", function () {
  this.timeout(H.TEST_TIMEOUT);
  it("normalises width, case and spaces; cuts bigrams; hashes as the indexer does", function () {
    const TS = H.loadSearch();
    assert.strictEqual(TS.normalize("  ＡＢＣ\u3000 护照\n"), "abc 护照");
    assert.deepStrictEqual(TS.bigrams("身份证"), ["身份", "份证"]);
    assert.deepStrictEqual(TS.bigrams("身"), ["身"]);
    assert.deepStrictEqual(TS.bigrams(""), []);
    assert.strictEqual(TS.fnv1a(""), 0x811c9dc5);
    assert.strictEqual(TS.fnv1a("a"), 0xe40c292c);
    assert.strictEqual(TS.fnv1a("身份"), TS.fnv1a("身份"));
    assert.strictEqual(TS.esc("<a href=\"x\">'&'</a>"), "&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;");
  });
  it("reads 文号 and 令 numbers however they are bracketed", function () {
    const TS = H.loadSearch();
    /* Every tail of the issuer's name down to two characters: 国办函 is also 办函. */
    assert.deepStrictEqual(TS.docnumKeys("国办函[2011]15号"), ["国办函〔2011〕15号", "办函〔2011〕15号"]);
    assert.deepStrictEqual(TS.docnumKeys("查国办函（2011）第15号"), ["查国办函〔2011〕15号", "国办函〔2011〕15号", "办函〔2011〕15号"]);
    assert.deepStrictEqual(TS.docnumKeys("国办函 【 2011 】 第 15 号"), ["国办函〔2011〕15号", "办函〔2011〕15号"]);
    assert.deepStrictEqual(TS.docnumKeys("国务院令第350号"), ["国务院令第350号", "务院令第350号", "院令第350号"]);
    assert.deepStrictEqual(TS.docnumKeys("院令350号"), ["院令第350号"]);
    assert.deepStrictEqual(TS.docnumKeys("令350号"), []);
    assert.deepStrictEqual(TS.docnumKeys("函[2011]15号"), ["函〔2011〕15号"]);
    assert.deepStrictEqual(TS.docnumKeys("护照"), []);
  });
});

/* ---- the results page, in a jsdom window: the plugin's markup (tests/js/fixtures/search.html) */
function fakeFetch(w, { gzipped = false, fail = false } = {}) {
  const asked = [];
  w.fetch = function (url) {
    asked.push(url);
    if (fail) return Promise.reject(new Error("offline"));
    const file = path.join(INDEX.search, String(url).replace(/^.*\//, ""));
    if (!fs.existsSync(file)) return Promise.resolve({ ok: false, status: 404 });
    const b = gzipped ? fs.readFileSync(file) : zlib.gunzipSync(fs.readFileSync(file));
    return Promise.resolve({ ok: true, status: 200, arrayBuffer: function () { return Promise.resolve(new Uint8Array(b).buffer); } });
  };
  w.TextDecoder = TextDecoder; w.Blob = Blob; w.DecompressionStream = DecompressionStream; w.Response = Response;
  return asked;
}
function until(w, fn, what) { return H.until(fn, what); }
/* The page's searcher answers as the Python runtime did (expected.json, "pages"): these
 * tests are about the page; the ranking is tested above. */
function key(q, opts) {
  const o = {};
  Object.keys(opts).sort().forEach(function (k) {
    const v = opts[k];
    if (k !== "filters") { o[k] = v; return; }
    o[k] = {};
    Object.keys(v).sort().forEach(function (f) { o[k][f] = Array.from(v[f]); });
  });
  return JSON.stringify([q, o]);
}
const PAGES = new Map(EXPECTED.pages.map(function (e) { return [key(e.q, e.opts), e.answer]; }));
function cannedSearcher(w, fail) {
  const asked = [];
  return { base: "./", asked: asked,
    search: function (q, opts) {
      asked.push([q, opts]);
      if (fail) return w.Promise.reject(new Error("offline"));
      const a = PAGES.get(key(q, opts));
      if (!a) return w.Promise.reject(new Error("no canned answer for " + key(q, opts)));
      const out = JSON.parse(JSON.stringify(a), function (k, v) { return v === "inf" ? Infinity : v; });
      out.plan.answer = a;
      return w.Promise.resolve(out);
    },
    excerpt: function (rec, plan) { return w.Promise.resolve(plan.answer.excerpts[plan.answer.results.findIndex(function (r) { return r.x === rec.x; })]); }
  };
}
function resultsPage(query, opts) {
  opts = opts || {};
  const w = H.page(H.readFixture("search.html"), { url: "https://portal.example.gov.cn/search/" + query, scripts: ["search"], before: opts.before });
  const s = opts.searcher ? opts.searcher(w) : cannedSearcher(w, opts.fail);
  w.TongdaSearch.searcher = function () { return s; };
  w.asked = s.asked;
  return w;
}
function $(w, sel) { return w.document.querySelector(sel); }
function $$(w, sel) { return Array.from(w.document.querySelectorAll(sel)); }
async function shown(w) {
  await until(w, function () { return $(w, "[role=status]").textContent && $(w, "[role=status]").textContent !== "正在搜索…"; }, "status");
  await H.settle(w);
  await until(w, function () { return $$(w, ".td-search__excerpt").every(function (p) { return p.innerHTML; }); }, "excerpts");
  return w;
}

describe("search results page", function () {
  this.timeout(H.TEST_TIMEOUT);
  it("announces how many results there are and lists them with their details", async function () {
    const w = await shown(resultsPage("?q=%E8%BA%AB%E4%BB%BD%E8%AF%81"));  // 身份证
    assert.strictEqual($(w, "[role=status]").textContent, "找到 4 条与“身份证”相关的结果");
    assert.ok($(w, ".td-search").classList.contains("td-search--js"));
    assert.strictEqual($(w, ".td-search__nojs").hidden, true);
    assert.strictEqual($(w, "input[type=search].td-search__input").value, "身份证");
    assert.strictEqual($(w, "#td-search-input").value, "身份证");
    const links = $$(w, ".td-search__result h2 a");
    assert.deepStrictEqual(links.map(function (a) { return a.getAttribute("href"); }),
      ["./../policies/id-card-law/", "./../services/id-card-renewal/", "./../interpretations/id-card-graphic/", "./../policies/passport-law/"]);
    assert.strictEqual(links[0].textContent, "中华人民共和国居民身份证法");
    assert.strictEqual($$(w, ".td-search__meta")[0].textContent, "政策文件 · 全国人民代表大会常务委员会 · 2011年10月29日 · 主席令第51号");
    assert.strictEqual($$(w, ".td-search__meta")[1].textContent, "办事指南 · 临江市公安局 · 2024年1月1日");
    assert.ok($$(w, ".td-search__excerpt")[0].innerHTML.indexOf("<mark>身份</mark>") >= 0);
    assert.strictEqual($(w, ".td-search__results").getAttribute("start"), "1");
    assert.strictEqual($(w, ".td-search__pages"), null);
    assert.strictEqual($(w, ".td-search__notice").innerHTML, "");
    assert.strictEqual($(w, ".td-search__refine").open, false);
  });
  it("offers the facets of the results, with their counts, as a GET form", async function () {
    const w = await shown(resultsPage("?q=%E8%BA%AB%E4%BB%BD%E8%AF%81&kind=policy&from=2000"));
    assert.strictEqual($(w, "[role=status]").textContent, "找到 2 条与“身份证”相关的结果");
    assert.strictEqual($(w, ".td-search__refine").open, true);
    const form = $(w, "form.td-search__filters");
    assert.strictEqual(form.getAttribute("method"), "get");
    assert.strictEqual(form.querySelector("input[name=q]").value, "身份证");
    assert.strictEqual(form.querySelector("input[name=literal]"), null);
    assert.strictEqual(form.querySelector("#td-search-from").value, "2000");
    assert.strictEqual(form.querySelector("#td-search-to").value, "");
    assert.strictEqual(form.querySelector("select[name=sort]").value, "relevance");
    const kind = form.querySelector("input[name=kind][value=policy]");
    assert.strictEqual(kind.checked, true);
    assert.strictEqual(form.querySelector("label[for=" + kind.id + "]").textContent, "政策文件（2）");
    const legends = $$(w, ".td-search__facet legend").map(function (l) { return l.textContent; });
    assert.deepStrictEqual(legends, ["发布日期", "类型", "层级", "发文机关/部门", "年份", "状态"]);
    assert.strictEqual(form.querySelector("label[for=td-f-level-0]").textContent, "国家（2）");
    assert.strictEqual(form.querySelector("label[for=td-f-status-0]").textContent, "现行有效（2）");
    assert.strictEqual(form.querySelector("label[for=td-f-year-0]").textContent, "2011（1）");
    assert.strictEqual(form.querySelector("label[for=td-f-year-1]").textContent, "2006（1）");
  });
  it("lists the years newest first and keeps the chosen sort", async function () {
    const w = await shown(resultsPage("?q=%E6%9D%A1%E4%BE%8B&sort=date"));  // 条例
    assert.strictEqual($(w, ".td-search__refine").open, true);
    assert.strictEqual($(w, "select[name=sort]").value, "date");
    const years = $$(w, "input[name=year]").map(function (i) { return i.value; });
    assert.deepStrictEqual(years, years.slice().sort().reverse());
    assert.strictEqual(years.length, 7);
    const dates = $$(w, ".td-search__meta").map(function (m) { return m.textContent.match(/\d{4}年/)[0]; });
    assert.deepStrictEqual(dates, dates.slice().sort().reverse());
  });
  it("pages through many results, keeping the query, sort and filters in the links", async function () {
    const w = await shown(resultsPage("?q=%E4%B8%AD%E5%8D%8E%E4%BA%BA%E6%B0%91%E5%85%B1%E5%92%8C%E5%9B%BD&page=2&sort=date&status=effective&from=1990"));
    assert.strictEqual($(w, "[role=status]").textContent, "找到 13 条与“中华人民共和国”相关的结果，第 2 页，共 2 页");
    assert.strictEqual($(w, ".td-search__results").getAttribute("start"), "11");
    assert.strictEqual($$(w, ".td-search__result").length, 3);
    const nav = $(w, "nav.td-search__pages");
    assert.strictEqual(nav.getAttribute("aria-label"), "分页");
    assert.deepStrictEqual($$(w, ".td-search__pages a").map(function (a) { return [a.rel, a.getAttribute("href"), a.textContent]; }),
      [["prev", "?q=%E4%B8%AD%E5%8D%8E%E4%BA%BA%E6%B0%91%E5%85%B1%E5%92%8C%E5%9B%BD&sort=date&status=effective&from=1990&page=1", "上一页"]]);
    const first = await shown(resultsPage("?q=%E4%B8%AD%E5%8D%8E%E4%BA%BA%E6%B0%91%E5%85%B1%E5%92%8C%E5%9B%BD"));
    assert.strictEqual($(first, "[role=status]").textContent, "找到 14 条与“中华人民共和国”相关的结果，第 1 页，共 2 页");
    assert.deepStrictEqual($$(first, ".td-search__pages a").map(function (a) { return [a.rel, a.getAttribute("href")]; }),
      [["next", "?q=%E4%B8%AD%E5%8D%8E%E4%BA%BA%E6%B0%91%E5%85%B1%E5%92%8C%E5%9B%BD&page=2"]]);
    const bad = await shown(resultsPage("?q=%E5%8C%97%E4%BA%AC&page=x"));  // 北京, page=x: page 1
    assert.strictEqual($(bad, ".td-search__results").getAttribute("start"), "1");
    const below = await shown(resultsPage("?q=%E5%8C%97%E4%BA%AC&page=-3"));
    assert.strictEqual($(below, ".td-search__results").getAttribute("start"), "1");
  });
  it("shows the corrected query and a link that searches as typed", async function () {
    const w = await shown(resultsPage("?q=%E8%BA%AB%E5%88%86%E8%AF%81"));  // 身分证
    const notice = $(w, ".td-search__notice");
    assert.strictEqual(notice.textContent, "已为您显示“身份证”的结果，仍搜索“身分证”");
    assert.strictEqual(notice.querySelector("strong").textContent, "身份证");
    assert.strictEqual(notice.querySelector("a").getAttribute("href"), "?q=%E8%BA%AB%E5%88%86%E8%AF%81&literal=1");
    const literal = await shown(resultsPage("?q=%E8%BA%AB%E5%88%86%E8%AF%81&literal=1"));
    assert.strictEqual($(literal, ".td-search__notice").innerHTML, "");
    assert.strictEqual($(literal, "[role=status]").textContent, "没有找到与“身分证”相关的结果。请换个说法，或减少筛选条件。");
    assert.strictEqual($(literal, "form.td-search__filters input[name=literal]").value, "1");
  });
  it("asks for a query when there is none, and says when the search fails", async function () {
    const empty = resultsPage("?q=%20");
    await H.settle(empty);
    assert.strictEqual($(empty, "[role=status]").textContent, "请输入要查找的内容，例如：身份证、我要出国、低保。");
    assert.strictEqual(empty.asked.length, 0);
    const broken = resultsPage("?q=x", { fail: true });
    await until(broken, function () { return $(broken, "[role=status]").textContent === "搜索暂时不可用，请稍后再试。"; }, "failure");
  });
  it("asks for a query when the address has none at all", async function () {
    const w = resultsPage("?sort=date");
    await H.settle(w);
    assert.strictEqual($(w, "[role=status]").textContent, "请输入要查找的内容，例如：身份证、我要出国、低保。");
    assert.strictEqual(w.asked.length, 0);
    assert.strictEqual($(w, "input[type=search].td-search__input").value, "");
  });
  it("leaves what the reader typed in the header's box", async function () {
    const w = await shown(resultsPage("?q=%E8%BA%AB%E4%BB%BD%E8%AF%81", {  // 身份证
      before: function (w) { w.document.getElementById("td-search-input").value = "护照"; } }));
    assert.strictEqual($(w, "#td-search-input").value, "护照");
    assert.strictEqual($(w, "input[type=search].td-search__input").value, "身份证");
  });
  it("keeps both ends of a date range in the form", async function () {
    const w = await shown(resultsPage("?q=%E6%9D%A1%E4%BE%8B&from=2010&to=2019"));  // 条例
    assert.strictEqual($(w, "[role=status]").textContent, "找到 6 条与“条例”相关的结果");
    assert.strictEqual($(w, "#td-search-from").value, "2010");
    assert.strictEqual($(w, "#td-search-to").value, "2019");
    assert.strictEqual($(w, ".td-search__refine").open, true);
  });
  it("offers no next page when the results fill exactly the pages shown", async function () {
    const w = await shown(resultsPage("?q=%E5%9B%BD%E6%9C%89%E5%9C%9F%E5%9C%B0"));  // 国有土地: 10 results
    assert.strictEqual($(w, "[role=status]").textContent, "找到 10 条与“国有土地”相关的结果");
    assert.strictEqual($$(w, ".td-search__result").length, 10);
    assert.strictEqual($(w, ".td-search__pages"), null);
  });
  it("keeps searching as typed on the next page", async function () {
    const w = await shown(resultsPage("?q=%E4%B8%AD%E5%8D%8E%E4%BA%BA%E6%B0%91%E5%85%B1%E5%92%8C%E5%9B%BD&literal=1"));  // 中华人民共和国
    assert.deepStrictEqual($$(w, ".td-search__pages a").map(function (a) { return [a.rel, a.getAttribute("href")]; }),
      [["next", "?q=%E4%B8%AD%E5%8D%8E%E4%BA%BA%E6%B0%91%E5%85%B1%E5%92%8C%E5%9B%BD&literal=1&page=2"]]);
  });
  it("names every level in Chinese and links both ways from a middle page", async function () {
    /* A hand-made answer: the fixture's pages are all national or provincial, and none has 21 results. */
    const w = await shown(resultsPage("?q=%E5%8A%9E%E4%BA%8B&page=2", { searcher: function (w) {  // 办事
      return { base: "./", asked: [], excerpt: function () { return w.Promise.resolve(""); },
        search: function () {
          return w.Promise.resolve({ total: 25, results: [], shown: "", plan: { concepts: [] },
            facets: { level: { national: 4, province: 3, city: 2, district: 1 } } });
        } };
    } }));
    assert.strictEqual($(w, "[role=status]").textContent, "找到 25 条与“办事”相关的结果，第 2 页，共 3 页");
    assert.deepStrictEqual($$(w, "input[name=level] + label").map(function (l) { return l.textContent; }),
      ["国家（4）", "省级（3）", "市级（2）", "区县（1）"]);
    assert.strictEqual($(w, ".td-search__pages").textContent, "上一页 下一页");
    assert.deepStrictEqual($$(w, ".td-search__pages a").map(function (a) { return a.getAttribute("href"); }),
      ["?q=%E5%8A%9E%E4%BA%8B&page=1", "?q=%E5%8A%9E%E4%BA%8B&page=3"]);
  });
  it("escapes the query wherever it shows it", async function () {
    const w = await shown(resultsPage("?q=%3Cimg%20src%3Dx%3E"));
    assert.strictEqual($(w, "img"), null);
    assert.strictEqual($(w, "form.td-search__filters input[name=q]").value, "<img src=x>");
  });
  it("reads the index beside it, inflating a gzipped one itself when the server did not", async function () {
    for (const gzipped of [false, true]) {
      const w = H.page(H.readFixture("search.html"), {
        url: "https://portal.example.gov.cn/search/?q=%E5%8A%B3%E5%8A%A8%E5%90%88%E5%90%8C", scripts: ["search"],  // 劳动合同
        before: function (w) { fakeFetch(w, { gzipped: gzipped }); }
      });
      await shown(w);
      assert.strictEqual($(w, "[role=status]").textContent, "找到 1 条与“劳动合同”相关的结果");
      assert.ok($(w, ".td-search__excerpt").innerHTML.indexOf("<mark>劳动合同</mark>") >= 0);
    }
  });
  it("gives the page's scripts a searcher for the index beside it", async function () {
    const w = H.page(H.readFixture("search.html"), { url: "https://portal.example.gov.cn/", scripts: ["search"], before: function (w) { fakeFetch(w); } });
    assert.deepStrictEqual(Array.from(await w.TongdaSearch.suggest("住房")), ["住房公积金管理条例", "住房公积金"]);
    assert.deepStrictEqual(Array.from(await w.TongdaSearch.suggestions("个人所", 2)), ["个人所得税法", "个人所得税专项附加扣除怎么填?"]);
    assert.deepStrictEqual(Array.from((await w.TongdaSearch.search("劳动合同")).results, function (x) { return x.id; }), ["labour-contract"]);
    assert.strictEqual(w.TongdaSearch.searcher(), w.TongdaSearch.searcher("elsewhere/"));
    assert.strictEqual(w.TongdaSearch.searcher().base, "./");
  });
  it("mounts when loaded after the page was parsed", async function () {
    const w = H.page(H.readFixture("search.html"), { url: "https://portal.example.gov.cn/search/?q=x", before: function (w) { fakeFetch(w); } });
    await until(w, function () { return w.document.readyState === "complete"; }, "load");
    w.run("search");
    assert.ok($(w, ".td-search").classList.contains("td-search--js"));
    assert.strictEqual($(w, "[role=status]").textContent, "正在搜索…");
  });
  it("writes the results page's markup as reviewed (tests/js/snapshots)", async function () {
    /* Every element, attribute and text of the page: the form a keyboard or screen-reader
     * user goes through, the result headings, the pagination. */
    const fs = require("fs");
    function snapshot(name) { return fs.readFileSync(path.join(__dirname, "snapshots", name), "utf8").replace(/\n$/, ""); }
    const w = await shown(resultsPage("?q=%E8%BA%AB%E4%BB%BD%E8%AF%81&kind=policy&from=2000"));
    assert.strictEqual($(w, ".td-search").outerHTML, snapshot("results-filtered.html"));
    const v = await shown(resultsPage("?q=%E4%B8%AD%E5%8D%8E%E4%BA%BA%E6%B0%91%E5%85%B1%E5%92%8C%E5%9B%BD&page=2&sort=date&status=effective&from=1990"));
    assert.strictEqual($(v, ".td-search__body").outerHTML, snapshot("results-page-2.html"));
  });
});
