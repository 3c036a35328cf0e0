/* Tongda policy matching, the browser twin of functions/match/service.py.
 * Same algorithm, same outputs: change both together (tests/functions/match compares them
 * on every policy's cases and on generated profiles, running this file under Node).
 * Works as a browser global (TongdaMatch, needs jsonLogic loaded first) and as a CommonJS
 * module (pass json-logic-js to create()).
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) {
    module.exports = factory;
  } else {
    root.TongdaMatch = factory(root.jsonLogic);
  }
})(typeof self !== "undefined" ? self : this, function (jsonLogic) {
  "use strict";
  var DEFAULT_MAX = { integer: 1e9, money: 1e13, number: 1e9 };
  var RANK = { "true": 0, "null": 1, "false": 2 };

  function factReads(logic) {
    var seen = [];
    (function walk(node) {
      if (Array.isArray(node)) { node.forEach(walk); return; }
      if (node === null || typeof node !== "object") { return; }
      Object.keys(node).forEach(function (op) {
        var args = node[op];
        if (op === "var") {
          var name = Array.isArray(args) ? args[0] : args;
          if (seen.indexOf(name) < 0) { seen.push(name); }
        } else { walk(args); }
      });
    })(logic);
    return seen;
  }

  function upper(fact) {
    var bound = fact.max !== undefined && fact.max !== null ? fact.max : (DEFAULT_MAX[fact.type] || 0);
    var low = fact.min !== undefined && fact.min !== null ? Math.abs(fact.min) : 0;
    return Math.max(Math.abs(bound), low);
  }

  function isNumber(v) { return typeof v === "number" && isFinite(v); }

  function numberProblem(fact, value) {
    if (typeof value !== "number") { return "必须是数字（true/false 和字符串都不算数字）"; }
    if (!isFinite(value)) { return "必须是有限的数字"; }
    var whole = fact.type === "integer" || fact.type === "money";
    if (whole && Math.floor(value) !== value) {
      return "必须是整数" + (fact.type === "money" ? "（金额以分为单位）" : "");
    }
    var low = fact.min !== undefined && fact.min !== null ? fact.min : (fact.type === "money" ? 0 : -upper(fact));
    if (value < low || value > upper(fact)) { return "必须在 " + low + " 到 " + upper(fact) + " 之间"; }
    return null;
  }

  function valueProblem(fact, value) {
    if (DEFAULT_MAX[fact.type] !== undefined) { return numberProblem(fact, value); }
    if (fact.type === "boolean") { return typeof value === "boolean" ? null : "必须是 true 或 false"; }
    var opts = fact.options || null;
    if (fact.type === "string") {
      if (typeof value !== "string") { return "必须是字符串"; }
      if (opts && opts.indexOf(value) < 0) { return "取值 " + value + " 不在可选值中：" + opts.join("、"); }
      return null;
    }
    if (!Array.isArray(value) || !value.every(function (v) { return typeof v === "string"; })) {
      return "必须是字符串列表";
    }
    if (value.some(function (v, i) { return value.indexOf(v) !== i; })) { return "列表中有重复的值"; }
    var bad = value.filter(function (v) { return opts && opts.indexOf(v) < 0; });
    return bad.length ? "取值 " + bad.join("、") + " 不在可选值中：" + (opts || []).join("、") : null;
  }

  /** Return [[fact, message], ...] for every value that does not fit the declared facts. */
  function profileProblems(profile, facts) {
    var byName = {};
    facts.forEach(function (f) { byName[f.name] = f; });
    var out = [];
    Object.keys(profile).forEach(function (name) {
      var fact = byName[name];
      var value = profile[name];
      if (!fact) {
        out.push([name, "未声明的事实；可用的事实：" + Object.keys(byName).sort().join("、")]);
      } else if (value !== null && value !== undefined) {
        var msg = valueProblem(fact, value);
        if (msg) { out.push([name, msg]); }
      }
    });
    return out;
  }

  function roundFen(value) {
    if (value === null || !isNumber(value)) { return null; }
    return Math.max(0, Math.floor(value + 0.5));
  }

  function evaluate(logic, data) {
    try { return jsonLogic.apply(logic, data); } catch (e) { return undefined; }
  }

  function summarise(policy, conditions, rawAmount) {
    var met = 0, unmet = 0;
    conditions.forEach(function (c) {
      if (c.result === "met") { met++; } else if (c.result === "unmet") { unmet++; }
    });
    var unknown = conditions.length - met - unmet;
    var amount = policy.amount || null;
    return {
      policy: { id: policy.id, title: policy.title, url: policy.url,
                doc_number: policy.doc_number === undefined ? null : policy.doc_number,
                issuer: policy.issuer === undefined ? null : policy.issuer },
      eligible: unmet ? false : (unknown ? null : true),
      degree: conditions.length ? Math.floor((100 * met) / conditions.length) : 100,
      met: met, unmet: unmet, unknown: unknown,
      conditions: conditions,
      amount: unmet ? null : roundFen(rawAmount),
      amount_label: amount ? amount.label : null,
      next_steps: (policy.services || []).slice()
    };
  }

  function matchPolicy(policy, known) {
    var conditions = (policy.eligibility || []).map(function (cond) {
      var missing = factReads(cond.logic).filter(function (n) { return !(n in known); });
      var value = missing.length ? undefined : evaluate(cond.logic, known);
      var result = typeof value !== "boolean" ? "unknown" : (value ? "met" : "unmet");
      return { id: cond.id, label: cond.label, clause: cond.clause === undefined ? null : cond.clause,
               result: result, missing: missing };
    });
    var raw = null;
    if (policy.amount) {
      var reads = factReads(policy.amount.logic);
      if (reads.every(function (n) { return n in known; })) {
        var v = evaluate(policy.amount.logic, known);
        raw = typeof v === "number" ? v : null;
      }
    }
    return summarise(policy, conditions, raw);
  }

  function compare(a, b) {
    var ra = RANK[String(a.eligible)], rb = RANK[String(b.eligible)];
    if (ra !== rb) { return ra - rb; }
    if (a.degree !== b.degree) { return b.degree - a.degree; }
    var aa = a.amount === null ? -1 : a.amount, ab = b.amount === null ? -1 : b.amount;
    if (aa !== ab) { return ab - aa; }
    return a.policy.id < b.policy.id ? -1 : (a.policy.id > b.policy.id ? 1 : 0);
  }

  /**
   * Match a profile against every policy of a subject in a rule set (rules.json).
   * Returns {problems: [[fact, message]...]} when the profile does not fit, else
   * {results: [...]} sorted best first.
   */
  function match(ruleset, subject, profile, only) {
    var facts = (ruleset.facts || {})[subject];
    if (!facts) { return { problems: [["subject", "未知的主体 " + subject + "，应为 enterprise 或 person"]] }; }
    var problems = profileProblems(profile, facts);
    if (problems.length) { return { problems: problems }; }
    var known = {};
    Object.keys(profile).forEach(function (k) {
      if (profile[k] !== null && profile[k] !== undefined) { known[k] = profile[k]; }
    });
    var results = (ruleset.policies || []).filter(function (p) {
      return p.subject === subject && (!only || only.indexOf(p.id) >= 0);
    }).map(function (p) { return matchPolicy(p, known); });
    results.sort(compare);
    return { results: results };
  }

  return { match: match, profileProblems: profileProblems, factReads: factReads, roundFen: roundFen };
});
