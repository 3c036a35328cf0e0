/* Tongda search runtime: query understanding, ranking, suggestions, results page.
 * No framework, no WebAssembly; runs in the browser and in Node (tests, benchmarks).
 * Every step mirrors search_index/query.py and search_index/runtime.py (parity test).
 *
 * Browser API (global TongdaSearch; the index is the folder this script is served from):
 *   TongdaSearch.suggest(prefix, limit=8) -> Promise<string[]>   combobox hints (Chinese,
 *       full pinyin or initials), from the first character on
 *   TongdaSearch.search(q, {filters, sort: "relevance"|"date", offset, limit, facets,
 *       literal}) -> Promise<{total, results, notice, shown, plan, facets}>
 *   TongdaSearch.searcher().excerpt(result, plan) -> Promise<html with <mark>>
 * The results page is any element with data-module="td-search-page" (see the plugin);
 * it reads ?q=&sort=&page=&from=&to=&kind=... and works as a plain GET form.
 * Node: new (require("./tongda-search.js")).Searcher({dir: "site/search"}). */
(function (root) {
  "use strict";
  var CJK = /^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$/;
  var RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+/g;
  var DOCNUM = /([\u4e00-\u9fff]{1,12})\s*[〔\[（(【]\s*(\d{4})\s*[〕\]）)】]\s*第?\s*(\d{1,5})\s*号/;
  var ORDER = /([\u4e00-\u9fff]{1,16}令)\s*第?\s*(\d{1,5})\s*号/;
  var EXT = ".tdz", WORD_SHARE = 0.2, W_SYN_KEY = 0.6, W_TYPO_ORIG = 0.3, W_PINYIN_OTHER = 0.5;
  var TITLE_BONUS = 1.0, EXACT_TITLE = 2.0, TITLE_HAS_ALL = 1.5, OPT_WEIGHT = 0.5, ASK_WEIGHT = 1.0;
  var ASK_MIN = 0.5, ASK_GAP = 2;

  function normalize(t) { return t.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim(); }
  function runs(t) { return t.match(RUN) || []; }
  function isCjk(t) { return CJK.test(t); }
  function bigrams(r) {
    if (r.length < 2) return r ? [r] : [];
    var out = []; for (var i = 0; i < r.length - 1; i++) out.push(r.slice(i, i + 2)); return out;
  }
  function fnv1a(key) {
    var h = 0x811c9dc5;
    for (var ch of key) h = Math.imul(h ^ ch.codePointAt(0), 16777619) >>> 0;
    return h;
  }
  function termKey(t) { return t && isCjk(t[0]) ? t.slice(0, 2) : t; }
  function docnumKeys(text) {
    var t = text.normalize("NFKC"), m = DOCNUM.exec(t), head, tail, out = [];
    if (m) { head = m[1]; tail = "〔" + m[2] + "〕" + m[3] + "号"; }
    else {
      m = ORDER.exec(t);
      if (!m) return out;
      head = m[1]; tail = "第" + m[2] + "号";
    }
    for (var i = 0; i < Math.max(1, head.length - 1); i++) out.push(head.slice(i) + tail);
    return out;
  }
  function cpLen(s) { return Array.from(s).length; }
  function round6(x) { return Math.floor(x * 1e6 + 0.5) / 1e6; }
  function has(o, k) { return Object.prototype.hasOwnProperty.call(o, k); }
  function byCode(a, b) { return a < b ? -1 : a > b ? 1 : 0; }

  /* ---- query understanding (search_index/query.py) ---- */
  function longestAt(text, i, table, maxlen, minlen) {
    for (var n = Math.min(maxlen, text.length - i); n >= minlen; n--) {
      if (has(table, text.slice(i, i + n))) return text.slice(i, i + n);
    }
    return "";
  }
  function splitRun(run, lex) {
    var out = [], buf = "", i = 0;
    while (i < run.length) {
      var key = longestAt(run, i, lex.syn, lex._synmax, 1);
      var stp = key ? "" : longestAt(run, i, lex._stopset, lex._stopmax, 2);
      if (key || stp) {
        if (buf) { out.push(["text", buf]); buf = ""; }
        if (key) out.push(["syn", key]);
        i += (key || stp).length;
      } else { buf += run[i]; i++; }
    }
    if (buf) out.push(["text", buf]);
    return out;
  }
  function pinyinParse(s, syl) {
    var ok = [true];
    for (var i = 1; i <= s.length; i++) {
      ok.push(false);
      for (var n = 1; n <= Math.min(6, i); n++) {
        if (ok[i - n] && has(syl, s.slice(i - n, i))) { ok[i] = true; break; }
      }
    }
    return ok[s.length];
  }
  function pinyinCuts(s, syl) {
    var inf = s.length + 1, best = [0], back = [0], i, n;
    for (i = 1; i <= s.length; i++) { best.push(inf); back.push(0); }
    for (i = 1; i <= s.length; i++) {
      for (n = Math.min(6, i); n >= 1; n--) {
        if (best[i - n] + 1 < best[i] && has(syl, s.slice(i - n, i))) { best[i] = best[i - n] + 1; back[i] = i - n; }
      }
    }
    if (best[s.length] >= inf) return [];
    var cuts = [s.length];
    while (cuts[cuts.length - 1] > 0) cuts.push(back[cuts[cuts.length - 1]]);
    return cuts.reverse();
  }
  function pinyinPair(run, lex, B) {
    var cuts = pinyinCuts(run, lex._syl);
    for (var k = cuts.length - 2; k >= 1; k--) {
      var a = run.slice(0, cuts[k]), b = run.slice(cuts[k]), wa = B("py", a)[a], wb = B("py", b)[b];
      if (wa && wa.length && wb && wb.length) return [[wa[0][0] + wb[0][0], Math.min(wa[0][1], wb[0][1])]];
    }
    return [];
  }
  function firstPass(q, lex) {
    var norm = normalize(q), pieces = [];
    runs(norm).forEach(function (run) {
      if (isCjk(run)) pieces = pieces.concat(splitRun(run, lex));
      else pieces.push([has(lex.syn, run) ? "syn" : "latin", run]);
    });
    return { q: q, norm: norm, docnum: docnumKeys(q), cue: findCue(norm, lex), pieces: pieces };
  }
  /* The question type: the kind of the longest cue word (ties: by name); a cue word that is
   * the whole query is its topic, not its type. */
  function findCue(norm, lex) {
    var compact = norm.replace(/ /g, ""), kinds = Object.keys(lex.cues).sort(byCode), cue = "", best = 0;
    kinds.forEach(function (kind) {
      lex.cues[kind].forEach(function (w) {
        if (w && w.length > best && compact.indexOf(w) >= 0 && w !== compact) { cue = kind; best = w.length; }
      });
    });
    return cue;
  }
  function textTerms(text, B) {
    if (text.length === 1) return [text];
    var terms = bigrams(text);
    for (var i = 0; i < text.length - 1; i++) {
      var b = B("t", text.slice(i, i + 2)), ws = Object.keys(b).sort(byCode);
      ws.forEach(function (w) {
        if (w.length >= 3 && text.startsWith(w, i) && terms.indexOf(w) < 0) terms.push(w);
      });
    }
    return terms;
  }
  function phraseTerms(phrase, B) {
    var out = [];
    runs(normalize(phrase)).forEach(function (run) {
      (isCjk(run) ? textTerms(run, B) : [run]).forEach(function (t) { if (out.indexOf(t) < 0) out.push(t); });
    });
    return out;
  }
  function termDf(term, B) { var p = B("t", term)[term]; return p ? Math.floor((p.length - 1) / 2) : 0; }
  function isWord(bg, B) {
    var p = B("t", bg)[bg];
    return !!p && p[0] >= 2 && p[0] >= WORD_SHARE * Math.floor((p.length - 1) / 2);
  }
  function refineText(chunk, lex, B) {
    var parts = [], buf = "";
    for (var i = 0; i < chunk.length; i++) {
      var ch = chunk[i];
      var keep = !has(lex._stop1, ch) || (i > 0 && isWord(chunk.slice(i - 1, i + 1), B)) ||
        (i + 1 < chunk.length && isWord(chunk.slice(i, i + 2), B));
      if (keep) buf += ch; else if (buf) { parts.push(buf); buf = ""; }
    }
    if (buf) parts.push(buf);
    return parts;
  }
  function readings(ch, B) { var r = B("chr", ch)[ch]; return r ? r.split(" ") : []; }
  function fuzzy(x) {
    if (["zh", "ch", "sh"].indexOf(x.slice(0, 2)) >= 0) x = x[0] + x.slice(2);
    if (x[0] === "l") x = "n" + x.slice(1);
    if (x.length > 2 && x.endsWith("ng") && "aei".indexOf(x[x.length - 3]) >= 0) x = x.slice(0, -1);
    return x;
  }
  function shapeReadings(ch, lex) {
    var out = [];
    (lex.shape[ch] || []).forEach(function (c) { out = out.concat(lex.shapepy[c]); });
    return out;
  }
  function pairKeys(a, b, lex, B) {
    var ra = readings(a, B).concat(shapeReadings(a, lex)), rb = readings(b, B).concat(shapeReadings(b, lex));
    var keys = [];
    ra.forEach(function (x) { rb.forEach(function (y) { var k = fuzzy(x) + " " + fuzzy(y); if (keys.indexOf(k) < 0) keys.push(k); }); });
    return keys.slice(0, 9);
  }
  // the most documents a pair may be in and still count as rare (query.py rare)
  function rare(n) { return Math.max(1, Math.floor(n / 1000)); }
  function suspicious(part, B, n) {
    if (part.length < 2) return [];
    var dfs = bigrams(part).map(function (b) { return termDf(b, B); });
    var limit = rare(n), out = [];
    dfs.forEach(function (d, i) { if (d <= limit) out.push(i); });
    if (part.length >= 3 && !B("t", part.slice(0, 2))[part]) {
      var worst = 0;
      for (var i = 1; i < dfs.length; i++) if (dfs[i] < dfs[worst]) worst = i;
      if (out.indexOf(worst) < 0) out.push(worst);
    }
    return out.sort(function (a, b) { return a - b; });
  }
  function align(part, i, key, cand, lex, B) {
    var w = cand[0], sc = cand[1], syls = cand[2].split(" "), fz = syls.map(fuzzy);
    for (var o = 0; o < w.length - 1; o++) {
      if (fz[o] + " " + fz[o + 1] !== key) continue;
      var j = i - o;
      if (j < 0 || j + w.length > part.length) continue;
      var cost = 0, changed = 0;
      for (var m = 0; m < w.length; m++) {
        var qc = part[j + m], wc = w[m];
        if (qc === wc) continue;
        var rq = readings(qc, B);
        changed++;
        if (rq.indexOf(syls[m]) >= 0 || (lex.shape[qc] || []).indexOf(wc) >= 0) cost += 1;
        else if (rq.map(fuzzy).indexOf(fz[m]) >= 0) cost += 2;
        else { cost = 99; break; }
      }
      var limit = w.length === 2 ? 1 : w.length <= 4 ? 2 : 3;
      if (cost >= 1 && cost <= limit && changed <= Math.max(1, Math.floor(w.length / 3))) return [cost, -w.length, -sc, w, j];
    }
    return null;
  }
  function knownWord(text, B) {
    var p = B("t", text)[text];
    return !!p && (text.length >= 3 || p[0] >= 1);
  }
  function tupleLess(a, b) {
    for (var k = 0; k < a.length; k++) { if (a[k] < b[k]) return true; if (a[k] > b[k]) return false; }
    return false;
  }
  // placing w at j would change a character the site often sees beside its neighbour
  // outside w (实施条例: 一条 over 施条 would break 实施); the same rule as query.py
  function breaksAPair(part, j, w, B, n) {
    var limit = rare(n), end = j + w.length;
    for (var p = j; p < end; p++) {
      if (part[p] === w[p - j]) continue;
      if (p === j && p > 0 && termDf(part.slice(p - 1, p + 1), B) > limit) return true;
      if (p === end - 1 && end < part.length && termDf(part.slice(p, p + 2), B) > limit) return true;
    }
    return false;
  }
  function correct(part, lex, B, n) {
    var fixed = part, covered = {};
    suspicious(part, B, n).forEach(function (i) {
      if (covered[i] || covered[i + 1]) return;
      var best = null;
      pairKeys(part[i], part[i + 1], lex, B).forEach(function (key) {
        (B("pyp", key)[key] || []).forEach(function (cand) {
          var a = align(part, i, key, cand, lex, B);
          if (!a) return;
          var orig = part.slice(a[4], a[4] + a[3].length);
          if (-a[2] < 3 || -a[2] <= 3 * termDf(orig, B) || knownWord(orig, B)) return;
          if (breaksAPair(part, a[4], a[3], B, n)) return;
          if (best === null || tupleLess(a, best)) best = a;
        });
      });
      if (best) {
        var w = best[3], j = best[4];
        fixed = fixed.slice(0, j) + w + fixed.slice(j + w.length);
        for (var c = j; c < j + w.length; c++) covered[c] = true;
      }
    });
    return fixed;
  }
  function pinyinWords(run, lex, B) {
    if (!/^[a-z]+$/.test(run)) return [];
    var cands = [];
    if (pinyinParse(run, lex._syl)) cands = cands.concat(B("py", run)[run] || []);
    if (run.length <= 6 && (!cands.length || run.length <= 4)) {
      (B("pyi", run)[run] || []).forEach(function (c) {
        if (cands.every(function (d) { return c[0] !== d[0]; })) cands.push(c);
      });
    }
    if (!cands.length) cands = pinyinPair(run, lex, B);
    return cands.slice(0, 3);
  }
  /* A task verb typed in pinyin before an object: banhuzhao -> ["办", [["护照", n]]]. */
  function verbSplit(run, lex, B) {
    var pys = Object.keys(lex.verbs).sort(function (a, b) { return b.length - a.length || byCode(a, b); });
    for (var k = 0; k < pys.length; k++) {
      var py = pys[k], rest = run.slice(py.length), words = [];
      if (!run.startsWith(py) || rest.length < 2) continue;
      if (pinyinParse(rest, lex._syl)) { words = B("py", rest)[rest] || []; if (!words.length) words = pinyinPair(rest, lex, B); }
      if (!words.length && rest.length <= 4) words = B("pyi", rest)[rest] || [];
      if (words.length) return [lex.verbs[py], words.slice(0, 3)];
    }
    return ["", []];
  }
  function replaceFirst(s, a, b) { var i = s.indexOf(a); return i < 0 ? s : s.slice(0, i) + b + s.slice(i + a.length); }
  function alt(text, w, B) { return { text: text, w: w, terms: phraseTerms(text, B) }; }
  function synConcept(key, lex, B) {
    return { text: key, alts: [alt(key, W_SYN_KEY, B)].concat(lex.syn[key].map(function (e) { return alt(e, 1.0, B); })) };
  }
  /* Concepts of corrected text: its synonyms, and its other parts as they are. */
  function again(pieces, lex, B) {
    var out = [];
    pieces.forEach(function (pc) {
      if (pc[0] === "syn") out.push(synConcept(pc[1], lex, B));
      else refineText(pc[1], lex, B).forEach(function (part) { out.push({ text: part, alts: [alt(part, 1.0, B)] }); });
    });
    return out;
  }
  function hasSyn(pieces) { return pieces.some(function (pc) { return pc[0] === "syn"; }); }
  /* A chunk's parts as typed or corrected (the whole chunk first: a typo may hide a word
   * a stop character would cut); corrected text is understood again. */
  function textConcepts(val, lex, B, n, literal, st) {
    var out = [], whole = literal ? val : correct(val, lex, B, n);
    if (whole !== val) {
      st.shown = replaceFirst(st.shown, val, whole);
      var sw = splitRun(whole, lex);
      if (hasSyn(sw)) return again(sw, lex, B);
      val = whole;
    }
    refineText(val, lex, B).forEach(function (part) {
      var fixed = literal ? part : correct(part, lex, B, n);
      if (fixed === part) { out.push({ text: part, alts: [alt(part, 1.0, B)] }); return; }
      st.shown = replaceFirst(st.shown, part, fixed);
      var sp = splitRun(fixed, lex);
      if (hasSyn(sp)) out = out.concat(again(sp, lex, B));
      else out.push({ text: part, alts: [alt(fixed, 1.0, B), alt(part, W_TYPO_ORIG, B)] });
    });
    return out;
  }
  /* A latin run: the word, Chinese words for pinyin or initials, or a verb plus an object. */
  function latinConcepts(val, lex, B, plan, st) {
    var out = [], alts = termDf(val, B) ? [alt(val, 1.0, B)] : [], words = pinyinWords(val, lex, B), verb = "";
    if (!words.length && !alts.length) { var vs = verbSplit(val, lex, B); verb = vs[0]; words = vs[1]; }
    words.forEach(function (wc, k) { alts.push(alt(wc[0], k === 0 && !alts.length ? 1.0 : W_PINYIN_OTHER, B)); });
    if (words.length && alts.length === words.length) {
      st.shown = replaceFirst(st.shown, val, verb + words[0][0]);
      var sp = splitRun(words[0][0], lex);
      if (hasSyn(sp)) { alts = []; out = out.concat(again(sp, lex, B)); }
    }
    if (alts.length) out.push({ text: val, alts: alts });
    if (verb) { out.push({ text: verb, alts: [alt(verb, 1.0, B)], opt: 1 }); plan.cue = plan.cue || "service"; }
    return out;
  }
  function markOptional(concepts) {
    if (concepts.some(function (c) { return c.text.length > 1; })) {
      concepts.forEach(function (c) { if (c.text.length === 1 && c.alts.length === 1) c.opt = 1; });
    }
    return concepts;
  }
  function understand(q, lex, B, n, literal) {
    var plan = firstPass(q, lex), concepts = [], st = { shown: plan.norm };
    plan.pieces.forEach(function (pc) {
      if (pc[0] === "syn") concepts.push(synConcept(pc[1], lex, B));
      else if (pc[0] === "text") concepts = concepts.concat(textConcepts(pc[1], lex, B, n, literal, st));
      else concepts = concepts.concat(latinConcepts(pc[1], lex, B, plan, st));
    });
    plan.concepts = markOptional(concepts);
    plan.shown = st.shown !== plan.norm ? st.shown : "";
    if (!plan.cue && plan.shown) plan.cue = findCue(plan.shown, lex);
    delete plan.pieces;
    return plan;
  }
  function prepareLexicon(lex) {
    var set = function (arr) { var o = {}; arr.forEach(function (x) { o[x] = 1; }); return o; };
    lex._stopset = set(lex.stop);
    lex._stop1 = set(lex.stop.filter(function (s) { return s.length === 1; }));
    lex._stopmax = Math.max.apply(null, [1].concat(lex.stop.map(function (s) { return s.length; })));
    lex._synmax = Math.max.apply(null, [1].concat(Object.keys(lex.syn).map(function (s) { return s.length; })));
    lex._syl = set(lex.syl.split(" "));
    lex.verbs = lex.verbs || {};
    lex.boost = lex.boost || {};
    return lex;
  }

  /* ---- loading ---- */
  function nodeLoader(dir) {
    var fs = require("fs"), path = require("path");
    return function (name) { return Promise.resolve(fs.readFileSync(path.join(dir, name))); };
  }
  function urlLoader(base) {
    return function (name) {
      return fetch(base + name).then(function (r) {
        if (!r.ok) throw new Error("search index: " + name + " " + r.status);
        return r.arrayBuffer();
      }).then(function (b) { return new Uint8Array(b); });
    };
  }
  function gunzip(bytes) {
    /* A server may send .tdz with Content-Encoding: gzip; then the browser has inflated it. */
    if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return Promise.resolve(new TextDecoder().decode(bytes));
    if (typeof process !== "undefined" && process.versions && process.versions.node) {
      return Promise.resolve(require("zlib").gunzipSync(bytes).toString("utf8"));
    }
    var s = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(s).text();
  }

  function Searcher(opts) {
    opts = opts || {};
    this.load = opts.load || (opts.dir ? nodeLoader(opts.dir) : urlLoader(opts.base || "./"));
    this.cache = {}; this.pending = {}; this.bytesRead = 0; this.files = 0;
  }
  Searcher.prototype.raw = function (name) {
    var self = this;
    return this.load(name).then(function (b) { self.bytesRead += b.length; self.files++; return b; });
  };
  Searcher.prototype.get = function (name) {
    var self = this;
    if (has(this.cache, name)) return Promise.resolve(this.cache[name]);
    if (!this.pending[name]) {
      this.pending[name] = this.raw(name).then(gunzip).then(function (t) {
        self.cache[name] = JSON.parse(t); delete self.pending[name]; return self.cache[name];
      });
    }
    return this.pending[name];
  };
  Searcher.prototype.loadManifest = function () {
    var self = this;
    if (!this._manifest) {
      this._manifest = this.raw("manifest.tdz").then(gunzip).then(function (t) {
        self.manifest = JSON.parse(t); self.n = self.manifest.n;
        self.feedback = new Map((self.manifest.fb || []).map(function (x) { return [x[0], x[1]]; }));
        return self;
      });
    }
    return this._manifest;
  };
  Searcher.prototype.ready = function () {
    var self = this;
    if (!this._ready) {
      this._ready = this.loadManifest().then(function () {
        self.lex = prepareLexicon(self.manifest.lexicon); return self;
      });
    }
    return this._ready;
  };
  Searcher.prototype.bucketName = function (fam, key) {
    var f = this.manifest.fam[fam];
    if (!f) return null; /* an index written before the family existed */
    var b = fnv1a(fam === "t" ? termKey(key) : key) % f.b;
    return [f.pages[Math.floor(b / f.s)], b % f.s, fam];
  };
  /* Synchronous bucket read from the cache; records what is missing. */
  Searcher.prototype.syncBucket = function (missing) {
    var self = this;
    return function (fam, key) {
      var loc = self.bucketName(fam, key);
      if (!loc) return {};
      var page = self.cache[loc[0]];
      if (!page) { missing[loc[0]] = 1; return {}; }
      var h = page[loc[1]];
      if (!h) return {};
      var name = fam + "-" + h + EXT;
      if (!has(self.cache, name)) { missing[name] = 1; return {}; }
      return self.cache[name];
    };
  };
  Searcher.prototype.fetchAll = function (names) {
    var self = this;
    return Promise.all(names.map(function (n) { return self.get(n); }));
  };
  /* Run fn(B) until every bucket it read was loaded (each round fetches in parallel). */
  Searcher.prototype.settle = function (fn) {
    var self = this;
    function round() {
      var missing = {}, out = fn(self.syncBucket(missing)), names = Object.keys(missing);
      if (!names.length) return Promise.resolve(out);
      return self.fetchAll(names).then(round);
    }
    return round();
  };
  /* Buckets a query surely needs. Without the lexicon: every bigram of the raw query. */
  Searcher.prototype.prefetchKeys = function (q, lex) {
    var keys = [], norm = normalize(q);
    function text(t) { bigrams(t).forEach(function (b) { keys.push(["t", b]); }); }
    if (!lex) {
      /* The learned aliases are looked up by the same bigrams. */
      runs(norm).forEach(function (r) { if (isCjk(r)) bigrams(r).forEach(function (b) { keys.push(["ask", b]); }); });
      runs(norm).forEach(function (r) {
        if (isCjk(r)) text(r); else keys.push(["t", r], ["py", r], ["pyi", r]);
      });
      docnumKeys(q).forEach(function (k) { keys.push(["dn", k]); });
      return keys;
    }
    firstPass(q, lex).pieces.forEach(function (pc) {
      if (pc[0] === "syn") lex.syn[pc[1]].forEach(function (e) { runs(normalize(e)).forEach(text); });
    });
    return keys;
  };
  /* Fetch buckets in two parallel rounds (pages, then buckets). The pages of the character
   * readings come along (one small file), so a typo check costs one round less. */
  Searcher.prototype.prefetch = function (keys) {
    var self = this;
    keys = keys.filter(function (k) { return self.bucketName(k[0], k[1]); });
    var pages = keys.map(function (k) { return self.bucketName(k[0], k[1])[0]; });
    keys.forEach(function (k) { if (k[0] === "t" && isCjk(k[1])) for (var ch of k[1]) pages.push(self.bucketName("chr", ch)[0]); });
    return this.fetchAll(pages.filter(function (p, i) { return pages.indexOf(p) === i; })).then(function () {
      var names = [];
      keys.forEach(function (k) {
        var loc = self.bucketName(k[0], k[1]), h = self.cache[loc[0]][loc[1]];
        if (h && names.indexOf(k[0] + "-" + h + EXT) < 0) names.push(k[0] + "-" + h + EXT);
      });
      return self.fetchAll(names);
    });
  };
  Searcher.prototype.understand = function (q, literal) {
    var self = this;
    return this.loadManifest().then(function () {
      // A small site's document pages (a few KB) come in the first round too, so showing
      // the results costs one round less.
      var dp = self.manifest.docs.pages.length <= 8 ? self.fetchAll(self.manifest.docs.pages) : null;
      // Synonym expansions are fetched as soon as the lexicon is there, beside the rest.
      var syn = self.ready().then(function () { return self.prefetch(self.prefetchKeys(q, self.lex)); });
      return Promise.all([syn, self.prefetch(self.prefetchKeys(q, null)), dp]);
    }).then(function () {
      return self.settle(function (B) { return understand(q, self.lex, B, self.n, !!literal); });
    });
  };

  /* ---- learned aliases (search_index/asks.py) ---- */
  function keysOf(parts) {
    var out = [];
    parts.forEach(function (p) { (isCjk(p) ? bigrams(p) : [p]).forEach(function (k) { if (out.indexOf(k) < 0) out.push(k); }); });
    return out;
  }
  function skipKeys(text) {
    var out = [];
    for (var i = 0; i < text.length; i++) {
      for (var j = i + 1; j < Math.min(text.length, i + ASK_GAP + 2); j++) { var k = text[i] + text[j]; if (out.indexOf(k) < 0) out.push(k); }
    }
    return out;
  }
  function primaryText(c) { var f = c.alts[0]; return f && f.w >= 1.0 ? f.text : c.text; }
  function queryKeys(plan) {
    var cjk = "", latin = [], extra = [];
    plan.concepts.forEach(function (c) {
      var main = primaryText(c);
      runs(normalize(main)).forEach(function (t) { if (isCjk(t)) cjk += t; else if (latin.indexOf(t) < 0) latin.push(t); });
      c.alts.forEach(function (a) { if (a.w >= 0.6 && a.text !== main) extra = extra.concat(keysOf(runs(normalize(a.text)))); });
    });
    var own = keysOf(cjk ? [cjk] : []).concat(latin), skips = skipKeys(cjk), lookup = own.slice();
    skips.concat(extra).forEach(function (k) { if (lookup.indexOf(k) < 0) lookup.push(k); });
    return [own, new Set(own.concat(skips)), lookup];
  }
  function needed(nb) { return nb === 1 ? 1 : Math.max(2, Math.ceil(ASK_MIN * nb)); }
  function askScores(plan, B) {
    var qk = queryKeys(plan), own = qk[0], said = qk[1], found = new Map(), info = new Map();
    qk[2].forEach(function (k) {
      (B("ask", k)[k] || []).forEach(function (e) {
        if (!found.has(e[0])) found.set(e[0], []);
        found.get(e[0]).push(k); info.set(e[0], [e[1], e[2]]);
      });
    });
    var n = Math.max(own.length, 1), out = new Map();
    Array.from(found.keys()).sort(function (a, b) { return a - b; }).forEach(function (pid) {
      var nb = info.get(pid)[0], flat = info.get(pid)[1], hits = found.get(pid);
      if (hits.length < needed(nb)) return;
      var explains = Math.min(1.0, hits.filter(function (k) { return said.has(k); }).length / n);
      var sim = hits.length / nb * (0.5 + 0.5 * explains);
      for (var i = 0; i < flat.length; i += 2) { var s = sim * flat[i + 1] / 100; if (s > (out.get(flat[i]) || 0)) out.set(flat[i], s); }
    });
    return out;
  }

  /* ---- ranking (search_index/runtime.py) ---- */
  function isWordTerm(t) { return t.length >= 3 && isCjk(t[0]); }
  function titleFactor(found, tlen) {
    if (!found || !found.every(function (f) { return f > 0; }) || tlen <= 0) return 1.0;
    if (found.length === 1 && found[0] >= tlen) return EXACT_TITLE;
    var sum = found.reduce(function (a, b) { return a + b; }, 0);
    return TITLE_HAS_ALL * (1 + 0.5 * Math.min(1.0, sum / tlen));
  }
  Searcher.prototype.altScores = function (a, B, acc, inTitle, tlen) {
    var n = this.n;
    a.terms.forEach(function (t) {
      var p = B("t", t)[t];
      if (!p) return;
      var df = Math.floor((p.length - 1) / 2), idf = Math.log(1 + (n - df + 0.5) / (df + 0.5)), doc = 0;
      for (var k = 1; k < p.length; k += 2) {
        doc += p[k]; var v = p[k + 1];
        if (v < 0) {
          acc.set(doc, (acc.get(doc) || 0) + idf * (((-v) >> 7) / 255 + TITLE_BONUS));
          if (!isWordTerm(t)) inTitle.set(doc, (inTitle.get(doc) || 0) + 1);
          tlen.set(doc, (-v) & 127);
        } else acc.set(doc, (acc.get(doc) || 0) + idf * (v / 255));
      }
    });
  };
  /* Per document: required concepts' score and count, optional score, title info. */
  Searcher.prototype.conceptScores = function (plan, B) {
    var self = this, concepts = plan.concepts, slot = {}, nreq = 0;
    concepts.forEach(function (c, ci) { if (!c.opt) slot[ci] = nreq++; });
    var r = { total: new Map(), matched: new Map(), optional: new Map(), found: new Map(), tlen: new Map(), nreq: nreq };
    concepts.forEach(function (c, ci) {
      var best = new Map(), req = has(slot, ci);
      c.alts.forEach(function (a) {
        var acc = new Map(), inTitle = new Map();
        self.altScores(a, B, acc, inTitle, r.tlen);
        var norm = a.w / Math.sqrt(Math.max(a.terms.length, 1)), size = cpLen(normalize(a.text).replace(/ /g, ""));
        var need = a.terms.filter(function (t) { return !isWordTerm(t); }).length;
        acc.forEach(function (s, doc) {
          s *= norm;
          if (s > (best.get(doc) || 0)) best.set(doc, s);
          if (need && (inTitle.get(doc) || 0) === need && req) {
            if (!r.found.has(doc)) { var z = []; for (var k = 0; k < nreq; k++) z.push(0); r.found.set(doc, z); }
            var f = r.found.get(doc); f[slot[ci]] = Math.max(f[slot[ci]], size);
          }
        });
      });
      best.forEach(function (s, doc) {
        if (req) { r.total.set(doc, (r.total.get(doc) || 0) + s); r.matched.set(doc, (r.matched.get(doc) || 0) + 1); }
        else r.optional.set(doc, (r.optional.get(doc) || 0) + s * OPT_WEIGHT);
      });
    });
    return r;
  };
  /* What a page holding every term in its title would score: the scale of the aliases. */
  Searcher.prototype.ideal = function (plan, B) {
    var n = this.n, total = 0;
    plan.concepts.forEach(function (c) {
      if (c.opt) return;
      var best = 0;
      c.alts.forEach(function (a) {
        var s = 0;
        a.terms.forEach(function (t) {
          var p = B("t", t)[t], df = p ? Math.floor((p.length - 1) / 2) : 0;
          s += Math.log(1 + (n - df + 0.5) / (df + 0.5)) * (1 + TITLE_BONUS);
        });
        s *= a.w / Math.sqrt(Math.max(a.terms.length, 1));
        best = Math.max(best, s);
      });
      total += best;
    });
    return total;
  };
  Searcher.prototype.score = function (plan, B) {
    var r = this.conceptScores(plan, B), base = new Map(), nc = Math.max(r.nreq, 1);
    r.total.forEach(function (s, doc) {
      var m = r.matched.get(doc) / nc;
      base.set(doc, s * m * m * titleFactor(r.found.get(doc), r.tlen.get(doc) || 0) + (r.optional.get(doc) || 0));
    });
    var ref = this.ideal(plan, B), asks = plan.concepts.length ? askScores(plan, B) : new Map();
    var boost = plan.cue ? (this.lex.boost[plan.cue] || {}) : {}, kinds = this.manifest.kinds, fb = this.feedback;
    var ranges = Object.keys(kinds).sort(byCode).filter(function (k) { return has(boost, k); })
      .map(function (k) { return [kinds[k][0], kinds[k][1], boost[k]]; });
    var out = new Map(), docs = new Set(Array.from(base.keys()).concat(Array.from(asks.keys())));
    docs.forEach(function (doc) {
      var s = (base.get(doc) || 0) + ASK_WEIGHT * (asks.get(doc) || 0) * ref;
      ranges.forEach(function (g) { if (g[0] <= doc && doc < g[1]) s *= g[2]; });
      out.set(doc, s * (fb.has(doc) ? fb.get(doc) : 1.0));
    });
    return out;
  };
  function cmpRank(a, b) { return b[1] - a[1] || a[0] - b[0]; }
  Searcher.prototype.docChunk = function (i) {
    var d = this.manifest.docs, c = Math.floor(i / d.chunk), self = this;
    return this.get(d.pages[Math.floor(c / d.s)]).then(function (page) { return self.get("d-" + page[c % d.s] + EXT); });
  };
  Searcher.prototype.doc = function (i) {
    var chunk = this.manifest.docs.chunk;
    return this.docChunk(i).then(function (recs) { return recs[i % chunk]; });
  };
  function dateBound(text, end) {
    var d = String(text || "").replace(/\D/g, "").slice(0, 8);
    if (d.length < 4) return end ? 99999999 : 0;
    if (d.length < 6) return +(d.slice(0, 4) + (end ? "1231" : "0101"));
    if (d.length < 8) return +(d.slice(0, 6) + (end ? "31" : "01"));
    return +d;
  }
  Searcher.prototype.filterSet = function (filters) {
    var self = this, facets = Object.keys(filters || {});
    if (!facets.length) return Promise.resolve(null);
    return this.fetchAll(facets.map(function (f) {
      return f === "date" ? self.manifest.dates : self.manifest.facets[f];
    })).then(function (tables) {
      var allowed = null;
      tables.forEach(function (table, k) {
        var ids = new Set(), vals = filters[facets[k]];
        if (facets[k] === "date") {
          var lo = dateBound(vals[0], false), hi = dateBound(vals[1], true);
          table.forEach(function (d, i) { if (d && lo <= d && d <= hi) ids.add(i); });
        } else vals.forEach(function (v) {
          var doc = 0; (table[v] || []).forEach(function (d) { doc += d; ids.add(doc); });
        });
        allowed = allowed === null ? ids : new Set(Array.from(allowed).filter(function (x) { return ids.has(x); }));
      });
      return allowed;
    });
  };
  Searcher.prototype.rank = function (plan, filters, sort) {
    var self = this, ranked, allowed;
    return this.filterSet(filters).then(function (al) {
      allowed = al;
      return self.settle(function (B) { return self.score(plan, B); });
    }).then(function (scores) {
      ranked = [];
      scores.forEach(function (s, d) { if (allowed === null || allowed.has(d)) ranked.push([d, round6(s)]); });
      ranked.sort(cmpRank);
      return self.settle(function (B) {
        for (var k = 0; k < plan.docnum.length; k++) {
          var hit = B("dn", plan.docnum[k])[plan.docnum[k]];
          if (hit) return hit;
        }
        return [];
      });
    }).then(function (hit) {
      var exact = hit.filter(function (d) { return allowed === null || allowed.has(d); });
      if (exact.length) {
        ranked = exact.map(function (d) { return [d, Infinity]; }).concat(
          ranked.filter(function (x) { return exact.indexOf(x[0]) < 0; }));
      }
      if (sort !== "date") return ranked;
      return self.get(self.manifest.dates).then(function (dates) {
        return ranked.sort(function (a, b) { return dates[b[0]] - dates[a[0]] || a[0] - b[0]; });
      });
    });
  };
  Searcher.prototype.search = function (q, opts) {
    opts = opts || {};
    var self = this, plan, ranked, offset = opts.offset || 0, limit = opts.limit === undefined ? 10 : opts.limit;
    return this.understand(q, opts.literal).then(function (p) {
      plan = p; return self.rank(plan, opts.filters, opts.sort || "relevance");
    }).then(function (r) {
      ranked = r;
      return Promise.all(ranked.slice(offset, offset + limit).map(function (x) { return self.doc(x[0]); }));
    }).then(function (recs) {
      var out = {
        total: ranked.length, plan: plan, shown: plan.shown,
        notice: plan.shown ? "已为您显示“" + plan.shown + "”的结果，仍搜索“" + q + "”" : "",
        results: recs.map(function (rec, k) {
          var o = Object.assign({}, rec); o.score = ranked[offset + k][1]; o.doc = ranked[offset + k][0]; return o;
        })
      };
      if (!opts.facets) return out;
      return self.facetCounts(ranked.map(function (x) { return x[0]; })).then(function (f) { out.facets = f; return out; });
    });
  };
  Searcher.prototype.facetCounts = function (docs) {
    var want = new Set(docs), names = Object.keys(this.manifest.facets).sort(byCode), self = this;
    return this.fetchAll(names.map(function (f) { return self.manifest.facets[f]; })).then(function (tables) {
      var out = {};
      tables.forEach(function (table, k) {
        var counts = [];
        Object.keys(table).forEach(function (v) {
          var doc = 0, c = 0;
          table[v].forEach(function (d) { doc += d; if (want.has(doc)) c++; });
          if (c) counts.push([v, c]);
        });
        counts.sort(function (a, b) { return b[1] - a[1] || byCode(a[0], b[0]); });
        out[names[k]] = {}; counts.forEach(function (x) { out[names[k]][x[0]] = x[1]; });
      });
      return out;
    });
  };
  Searcher.prototype.suggest = function (prefix, limit) {
    var self = this, p = normalize(prefix || "").replace(/ /g, "");
    limit = limit || 8;
    if (!p) return Promise.resolve([]);
    var ascii = /^[\x00-\x7f]*$/.test(p);
    return this.ready().then(function () {
      return self.settle(function (B) {
        return [B("sug", p[0])[p[0]] || [], p.length >= 2 && !ascii ? B("t", p.slice(0, 2)) : {}];
      });
    }).then(function (got) {
      var items = got[0], words = got[1], out = [];
      for (var k = 0; k < items.length && out.length < limit; k++) {
        var it = items[k], hit = ascii ? it[2].startsWith(p) || it[3].startsWith(p) : it[0].startsWith(p);
        if (hit && it[0] !== p && out.indexOf(it[0]) < 0) out.push(it[0]);
      }
      /* Longer Chinese prefixes: indexed words starting with them, most used first. */
      var more = Object.keys(words).filter(function (w) { return w.startsWith(p) && w.length > p.length; });
      more.sort(function (a, b) { return words[b][0] - words[a][0] || byCode(a, b); });
      more.forEach(function (w) { if (out.length < limit && out.indexOf(w) < 0) out.push(w); });
      return out;
    });
  };
  /* ---- display: suggestions the header box shows ---- */
  var TITLE_SCORE = 50;  /* search_index/vocab.py ranks a title at 50 per document using it */
  /* Whole titles and whole words only. The index's suggestions also hold pairs of adjacent
   * title words, some ending in a particle or a lone character (护照 + 吗, 身份证 + 丢): a
   * phrase is shown when it is a word of the index, a title, or ends in a word (身份证 + 到期). */
  function wholePhrase(s, B) {
    if (!isCjk(s) || s.length <= 2) return true;
    var term = B("t", s.slice(0, 2))[s];
    if (term && term[0] >= 1) return true;
    var sug = B("sug", s[0])[s[0]] || [];
    for (var i = 0; i < sug.length; i++) { if (sug[i][0] === s) return sug[i][1] >= TITLE_SCORE || isWord(s.slice(-2), B); }
    return isWord(s.slice(-2), B);
  }
  Searcher.prototype.suggestions = function (prefix, limit) {
    var self = this;
    limit = limit || 8;
    return this.suggest(prefix, limit * 3).then(function (list) {
      return self.settle(function (B) {
        return list.filter(function (s) { return wholePhrase(s, B); }).slice(0, limit);
      });
    });
  };
  function esc(s) { return s.replace(/[&<>"']/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; }); }
  function makeExcerpt(text, terms, size) {
    var starts = [];
    terms.forEach(function (t) {
      var i = text.indexOf(t);
      while (i >= 0 && starts.length < 200) { starts.push(i); i = text.indexOf(t, i + 1); }
    });
    var best = 0, bestN = 0;
    Array.from(new Set(starts)).sort(function (a, b) { return a - b; }).forEach(function (s) {
      var a = Math.max(0, s - 20), win = text.slice(a, a + size);
      var n = terms.filter(function (t) { return win.indexOf(t) >= 0; }).length;
      if (n > bestN) { best = a; bestN = n; }
    });
    var win = text.slice(best, best + size), out = "";
    if (terms.length) {
      var pat = new RegExp(terms.map(function (t) { return t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }).join("|"), "g");
      var last = 0, m;
      while ((m = pat.exec(win))) { out += esc(win.slice(last, m.index)) + "<mark>" + esc(m[0]) + "</mark>"; last = m.index + m[0].length; }
      out += esc(win.slice(last));
    } else out = esc(win);
    return (best > 0 ? "…" : "") + out.split("</mark><mark>").join("") + (best + size < text.length ? "…" : "");
  }
  Searcher.prototype.excerpt = function (rec, plan, size) {
    var terms = [];
    plan.concepts.forEach(function (c) { c.alts.forEach(function (a) {
      if (a.w >= 0.6) a.terms.concat(runs(normalize(a.text))).forEach(function (t) { if (t.length >= 2 && terms.indexOf(t) < 0) terms.push(t); });
    }); });
    terms.sort(function (a, b) { return b.length - a.length || byCode(a, b); });
    return this.get(rec.x).then(function (text) { return makeExcerpt(text.replace(/\n/g, " "), terms, size || 110); });
  };


  /* ---- results page: [data-module="td-search-page"] (a GET form: search/?q=...) ---- */
  var LABELS = {
    kind: { policy: "政策文件", interpretation: "政策解读", service: "办事指南", faq: "常见问题", topic: "专题", scenario: "政务一站通" },
    level: { national: "国家", province: "省级", city: "市级", district: "区县" },
    status: { draft: "草案", consultation: "征求意见", effective: "现行有效", amended: "已修订", expired: "已失效", repealed: "已废止" }
  };
  var FACETS = [["kind", "类型"], ["level", "层级"], ["issuer", "发文机关/部门"], ["topic", "专题"],
    ["audience", "服务对象"], ["year", "年份"], ["status", "状态"]];
  var PAGE = 10;
  function label(f, v) { return (LABELS[f] && LABELS[f][v]) || v; }
  function cnDate(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
    return m ? +m[1] + "年" + +m[2] + "月" + +m[3] + "日" : "";
  }
  function qs(params) {
    var u = new URLSearchParams();
    Object.keys(params).forEach(function (k) {
      [].concat(params[k]).forEach(function (v) { if (v !== "" && v !== undefined && v !== null) u.append(k, v); });
    });
    return "?" + u.toString();
  }
  function readParams(search) {
    var u = new URLSearchParams(search), filters = {};
    FACETS.forEach(function (f) { var v = u.getAll(f[0]); if (v.length) filters[f[0]] = v; });
    if (u.get("from") || u.get("to")) filters.date = [u.get("from") || "", u.get("to") || ""];
    return { q: u.get("q") || "", sort: u.get("sort") === "date" ? "date" : "relevance",
      page: Math.max(1, parseInt(u.get("page") || "1", 10) || 1), literal: u.get("literal") === "1", filters: filters };
  }
  function facetForm(p, facets) {
    var open = Object.keys(p.filters).length || p.sort === "date";
    var h = '<details class="td-search__refine"' + (open ? " open" : "") + "><summary>筛选和排序</summary>" +
      '<form class="td-search__filters" method="get" action="./" aria-label="筛选和排序">' +
      '<input type="hidden" name="q" value="' + esc(p.q) + '">' +
      (p.literal ? '<input type="hidden" name="literal" value="1">' : "") +
      '<label for="td-search-sort">排序</label> <select id="td-search-sort" name="sort">' +
      '<option value="relevance"' + (p.sort === "relevance" ? " selected" : "") + ">按相关度</option>" +
      '<option value="date"' + (p.sort === "date" ? " selected" : "") + ">按日期（新的在前）</option></select>" +
      '<fieldset class="td-search__facet"><legend>发布日期</legend>' +
      '<label for="td-search-from">起始年份</label> <input id="td-search-from" name="from" inputmode="numeric" size="6" value="' +
      esc((p.filters.date || [])[0] || "") + '"> <label for="td-search-to">截止年份</label> <input id="td-search-to" name="to" inputmode="numeric" size="6" value="' +
      esc((p.filters.date || [])[1] || "") + '"></fieldset>';
    FACETS.forEach(function (f) {
      var vals = Object.keys(facets[f[0]] || {});
      if (f[0] === "year") vals.sort().reverse();
      vals = vals.slice(0, 12);
      if (!vals.length) return;
      h += '<fieldset class="td-search__facet"><legend>' + f[1] + "</legend>";
      vals.forEach(function (v, i) {
        var id = "td-f-" + f[0] + "-" + i, on = (p.filters[f[0]] || []).indexOf(v) >= 0;
        h += '<div><input type="checkbox" id="' + id + '" name="' + f[0] + '" value="' + esc(v) + '"' +
          (on ? " checked" : "") + '> <label for="' + id + '">' + esc(label(f[0], v)) +
          "（" + facets[f[0]][v] + "）</label></div>";
      });
      h += "</fieldset>";
    });
    return h + '<button type="submit" class="td-search__button">应用筛选</button></form></details>';
  }
  function resultItem(rec, root) {
    var meta = [label("kind", rec.k), rec.i, cnDate(rec.d), rec.n, rec.s && rec.s !== "effective" ? label("status", rec.s) : ""];
    return '<li class="td-search__result"><h2 class="td-search__title"><a href="' + esc(root + rec.u) + '">' +
      esc(rec.t) + '</a></h2><p class="td-search__meta">' + esc(meta.filter(Boolean).join(" · ")) +
      '</p><p class="td-search__excerpt" data-x="' + esc(rec.x) + '"></p></li>';
  }
  function mount(el) {
    var form = el.querySelector("form"), input = el.querySelector("input[type=search]");
    var status = el.querySelector("[role=status]"), notice = el.querySelector(".td-search__notice");
    var body = el.querySelector(".td-search__body"), nojs = el.querySelector(".td-search__nojs");
    var p = readParams(location.search), s = api.searcher(), root = s.base + "../";
    if (nojs) nojs.hidden = true;
    el.classList.add("td-search--js");
    if (input) input.value = p.q;
    /* The header's search box shows the query too: the page's own box is not the only one. */
    var header = document.getElementById("td-search-input");
    if (header && !header.value) header.value = p.q;
    if (!p.q.trim()) { status.textContent = "请输入要查找的内容，例如：身份证、我要出国、低保。"; return; }
    status.textContent = "正在搜索…";
    s.search(p.q, { filters: p.filters, sort: p.sort, offset: (p.page - 1) * PAGE, limit: PAGE, facets: true, literal: p.literal })
      .then(function (r) {
        status.textContent = r.total ? "找到 " + r.total + " 条与“" + p.q + "”相关的结果" +
          (r.total > PAGE ? "，第 " + p.page + " 页，共 " + Math.ceil(r.total / PAGE) + " 页" : "") :
          "没有找到与“" + p.q + "”相关的结果。请换个说法，或减少筛选条件。";
        notice.innerHTML = r.shown ? '<p>已为您显示“<strong>' + esc(r.shown) + '</strong>”的结果，仍搜索“<a href="' +
          esc(qs({ q: p.q, literal: "1" })) + '">' + esc(p.q) + "</a>”</p>" : "";
        var h = facetForm(p, r.facets || {});
        h += '<ol class="td-search__results" start="' + ((p.page - 1) * PAGE + 1) + '">' +
          r.results.map(function (rec) { return resultItem(rec, root); }).join("") + "</ol>";
        var nav = [], base = { q: p.q, sort: p.sort === "date" ? "date" : "", literal: p.literal ? "1" : "" };
        Object.keys(p.filters).forEach(function (f) {
          if (f === "date") { base.from = p.filters.date[0]; base.to = p.filters.date[1]; } else base[f] = p.filters[f];
        });
        if (p.page > 1) nav.push('<a rel="prev" href="' + esc(qs(Object.assign({}, base, { page: p.page - 1 }))) + '">上一页</a>');
        if (p.page * PAGE < r.total) nav.push('<a rel="next" href="' + esc(qs(Object.assign({}, base, { page: p.page + 1 }))) + '">下一页</a>');
        if (nav.length) h += '<nav class="td-search__pages" aria-label="分页">' + nav.join(" ") + "</nav>";
        body.innerHTML = h;
        r.results.forEach(function (rec) {
          s.excerpt(rec, r.plan).then(function (x) {
            var node = body.querySelector('[data-x="' + rec.x + '"]');
            if (node) node.innerHTML = x;
          });
        });
      }).catch(function () { status.textContent = "搜索暂时不可用，请稍后再试。"; });
  }
  var api = {
    Searcher: Searcher, normalize: normalize, bigrams: bigrams, fnv1a: fnv1a, docnumKeys: docnumKeys,
    understandSync: understand, prepareLexicon: prepareLexicon, makeExcerpt: makeExcerpt, esc: esc
  };
  /* Default searcher for the page: index beside this script (data-index on the script tag). */
  var shared = null, scriptBase = typeof document !== "undefined" && document.currentScript ?
    document.currentScript.src.replace(/[^/]*$/, "") : "./";
  /* The index sits beside this script (search/tongda-search.js). */
  api.searcher = function (base) {
    if (!shared) { shared = new Searcher({ base: base || api.base || scriptBase }); shared.base = base || api.base || scriptBase; }
    return shared;
  };
  api.mount = mount;
  if (typeof document !== "undefined") {
    var start = function () {
      Array.prototype.forEach.call(document.querySelectorAll('[data-module="td-search-page"]'), mount);
    };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
  }
  api.suggest = function (prefix, limit) { return api.searcher().suggest(prefix, limit); };
  api.suggestions = function (prefix, limit) { return api.searcher().suggestions(prefix, limit); };
  api.search = function (q, opts) { return api.searcher().search(q, opts); };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else root.TongdaSearch = api;
})(typeof self !== "undefined" ? self : this);
