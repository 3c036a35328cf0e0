/* 惠企政策计算器: evaluates the policies' rules in the browser (TongdaMatch, json-logic-js).
 * Nothing typed here leaves the browser; the profile is stored only when the user asks,
 * favourites and the policy cart always stay in localStorage. */
(function () {
  "use strict";
  var KEYS = { profile: "tongda.calculator.profile", favourites: "tongda.favourites", cart: "tongda.cart" };
  var OUTCOME = { met: "✓ 已满足：", unmet: "✗ 未满足：", unknown: "？ 待确认：" };
  var DIGITS = { "万": 6, "亿": 10 };  // decimal places in 分 after the number: 万元 = 10^6 分

  function load(key, fallback) {
    try { var v = JSON.parse(window.localStorage.getItem(key)); return v === null ? fallback : v; }
    catch (e) { return fallback; }
  }
  function save(key, value) {
    try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* private mode */ }
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  /** 分 → "12,345.67元" (whole yuan without decimals). */
  function yuan(fen) {
    var whole = Math.floor(fen / 100), cents = fen % 100;
    var text = String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return text + (cents ? "." + (cents < 10 ? "0" : "") + cents : "") + "元";
  }
  /** What people type, tidied: full-width digits and signs made ASCII, separators gone. */
  function tidy(text) {
    return text.normalize("NFKC").replace(/[,，\s]/g, "");
  }
  /** "800万", "800万元", "8,000,000", "1.5亿", "12.5" (元) → 分, counted in digits so no
   *  floating-point error creeps in; null when it is not an amount or finer than 1分. */
  function toFen(text) {
    var m = /^(\d+)(?:\.(\d+))?(万|亿)?元?$/.exec(tidy(text));
    if (!m) { return null; }
    var places = DIGITS[m[3]] || 2, frac = m[2] || "";
    if (frac.length > places) { return null; }
    var digits = (m[1] + (frac + "0000000000").slice(0, places)).replace(/^0+(?=\d)/, "");
    return digits.length > 15 ? null : Number(digits);
  }
  /** "80", "80人", "1,200" → 80 / 1200; a decimal for number facts; null otherwise. */
  function toNumber(text, type, unit) {
    var t = tidy(text);
    if (unit && t.slice(-unit.length) === unit) { t = t.slice(0, -unit.length); }
    var ok = type === "integer" ? /^-?\d{1,15}$/.test(t) : /^-?\d{1,15}(\.\d{1,6})?$/.test(t);
    return ok ? Number(t) : null;
  }
  /** The verdict of one policy in words: how many conditions are met, unmet, unknown. */
  function verdict(r) {
    var n = r.conditions.length, parts = [];
    if (r.eligible === true) {
      return ["符合条件：" + (n ? "全部 " + n + " 项条件都已满足" : "没有限制条件"), "yes"];
    }
    if (r.unmet) { parts.push(r.unmet + " 项未满足"); }
    if (r.met) { parts.push(r.met + " 项已满足"); }
    if (r.unknown) { parts.push(r.unknown + " 项待确认"); }
    if (r.eligible === false) { return ["暂不符合：共 " + n + " 项条件，" + parts.join("，"), "no"]; }
    return ["可能符合：共 " + n + " 项条件，" + parts.join("，") + "，补充“待确认”的信息后即可判断", "maybe"];
  }

  function Calculator(root) {
    this.root = root;
    this.form = root.querySelector(".td-calculator__form");
    this.base = root.getAttribute("data-base") || "";
    this.rules = null;
    this.last = [];
  }

  Calculator.prototype.start = function () {
    var self = this;
    fetch(this.root.getAttribute("data-rules"), { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (rules) {
        self.rules = rules;
        self.root.classList.add("td-calculator--ready");
        self.form.hidden = false;
        self.root.querySelector(".td-calculator__saved").hidden = false;
        self.bind();
        self.restore();
        self.renderSaved();
      })
      .catch(function () {
        self.root.querySelector(".td-calculator__nojs").textContent =
          "计算规则未能加载，请稍后刷新重试，或对照本页下方的政策条件清单自查。";
      });
  };

  Calculator.prototype.subject = function () {
    var checked = this.form.querySelector("input[name=subject]:checked");
    return checked ? checked.value : "enterprise";
  };

  Calculator.prototype.bind = function () {
    var self = this;
    this.form.addEventListener("change", function (e) {
      if (e.target.name === "subject") { self.showSubject(); return; }
      var group = e.target.type === "checkbox" && e.target.checked && e.target.closest(".td-calculator__group");
      if (group) {  // “以上都没有” and the options exclude each other
        var none = e.target.hasAttribute("data-none");
        group.querySelectorAll("input[type=checkbox]").forEach(function (box) {
          if (box !== e.target && box.hasAttribute("data-none") !== none) { box.checked = false; }
        });
      }
    });
    this.form.addEventListener("submit", function (e) { e.preventDefault(); self.calculate(); });
    this.form.addEventListener("reset", function () {
      save(KEYS.profile, null);
      window.setTimeout(function () { self.showSubject(); self.clearErrors(); }, 0);
    });
    this.root.addEventListener("click", function (e) {
      var button = e.target.closest("button[data-action]");
      if (button) { self.toggle(button.getAttribute("data-action"), button.getAttribute("data-id")); }
    });
  };

  Calculator.prototype.showSubject = function () {
    var subject = this.subject();
    this.form.querySelectorAll(".td-calculator__facts").forEach(function (fs) {
      fs.hidden = fs.getAttribute("data-subject") !== subject;
    });
  };

  /** Read the visible fieldset into a typed profile; returns {profile, errors}. A fact left
   *  empty (a blank box, 不填写, a group with nothing ticked) is unknown, as on the server. */
  Calculator.prototype.read = function () {
    var subject = this.subject(), profile = {}, errors = [];
    var fs = this.form.querySelector('.td-calculator__facts[data-subject="' + subject + '"]');
    fs.querySelectorAll(".td-calculator__field").forEach(function (field) {
      var name = field.getAttribute("data-fact"), type = field.getAttribute("data-type");
      if (type === "list") {
        var picked = [], none = field.querySelector("input[data-none]");
        field.querySelectorAll("input:checked:not([data-none])").forEach(function (c) { picked.push(c.value); });
        if (picked.length || (none && none.checked)) { profile[name] = picked; }
        return;
      }
      var input = field.querySelector("input, select"), raw = input.value.trim();
      if (raw === "") { return; }
      var value = raw;
      if (type === "boolean") { value = raw === "true"; }
      else if (type === "money") { value = toFen(raw); }
      else if (type === "integer" || type === "number") {
        value = toNumber(raw, type, field.getAttribute("data-unit"));
      }
      if (value === null) {
        errors.push([name, type === "money" ? "请填写金额（元），如 800万、8,000,000 或 1200000.50"
          : (type === "integer" ? "请填写整数，如 80" : "请填写数字，如 1.5")]);
      } else { profile[name] = value; }
    });
    return { subject: subject, profile: profile, errors: errors };
  };

  Calculator.prototype.clearErrors = function () {
    var summary = this.form.querySelector(".td-calculator__error-summary");
    summary.hidden = true;
    summary.querySelector("ul").textContent = "";
    this.form.querySelectorAll(".td-calculator__field--error").forEach(function (f) {
      f.classList.remove("td-calculator__field--error");
      var msg = f.querySelector(".td-calculator__message");
      var input = f.querySelector("input, select");
      if (msg) { msg.hidden = true; msg.textContent = ""; }
      if (input) { input.removeAttribute("aria-invalid"); }
    });
  };

  Calculator.prototype.showErrors = function (subject, errors) {
    var summary = this.form.querySelector(".td-calculator__error-summary"), list = summary.querySelector("ul");
    var self = this;
    errors.forEach(function (pair) {
      var field = self.form.querySelector('.td-calculator__facts[data-subject="' + subject + '"] [data-fact="' + pair[0] + '"]');
      var label = field ? field.querySelector("label, legend").textContent : pair[0];
      var id = "td-calc-" + subject + "-" + pair[0];
      var li = el("li"), a = el("a", { href: "#" + id }, label + "：" + pair[1]);
      li.appendChild(a); list.appendChild(li);
      if (field) {
        field.classList.add("td-calculator__field--error");
        var msg = field.querySelector(".td-calculator__message"), input = field.querySelector("input, select");
        if (msg) { msg.hidden = false; msg.textContent = pair[1]; }
        if (input && input.id) { input.setAttribute("aria-invalid", "true"); }
      }
    });
    summary.hidden = false;
    summary.focus();
  };

  Calculator.prototype.calculate = function () {
    this.clearErrors();
    var read = this.read();
    if (read.errors.length) { this.showErrors(read.subject, read.errors); return; }
    var out = window.TongdaMatch.match(this.rules, read.subject, read.profile);
    if (out.problems) { this.showErrors(read.subject, out.problems); return; }
    var remember = this.form.querySelector("input[name=remember]").checked;
    save(KEYS.profile, remember ? { subject: read.subject, profile: read.profile } : null);
    this.last = out.results;
    this.renderResults(out.results);
  };

  Calculator.prototype.renderResults = function (results) {
    var section = this.root.querySelector(".td-calculator__results"), list = section.querySelector("ol");
    var count = function (v) { return results.filter(function (r) { return r.eligible === v; }).length; };
    section.querySelector(".td-calculator__summary").textContent = results.length
      ? "共 " + results.length + " 项政策：" + count(true) + " 项符合条件，" + count(null) +
        " 项还需补充信息，" + count(false) + " 项暂不符合。"
      : "没有适用于该主体的政策。";
    list.textContent = "";
    var self = this;
    results.forEach(function (r) { list.appendChild(self.renderItem(r)); });
    section.hidden = false;
    section.querySelector("h2").focus();
  };

  Calculator.prototype.renderItem = function (r) {
    var li = el("li", { "class": "td-calculator__item", "data-policy": r.policy.id }), v = verdict(r);
    var h = el("h3"), a = el("a", { href: this.base + r.policy.url }, r.policy.title);
    h.appendChild(a); li.appendChild(h);
    li.appendChild(el("p", { "class": "td-calculator__verdict td-calculator__verdict--" + v[1] }, v[0]));
    if (r.amount !== null) { li.appendChild(el("p", {}, "预计可获得：" + yuan(r.amount) + "（" + r.amount_label + "）")); }
    var ul = el("ul", { "class": "td-calculator__conditions" });
    var labels = this.labels();
    r.conditions.forEach(function (c) {
      var text = OUTCOME[c.result] + c.label + (c.clause ? "（" + c.clause + "）" : "");
      if (c.result === "unknown" && c.missing.length) {
        text += "。需要填写：" + c.missing.map(function (n) { return labels[n] || n; }).join("、");
      }
      ul.appendChild(el("li", { "data-result": c.result }, text));
    });
    li.appendChild(ul);
    var self = this;
    r.next_steps.forEach(function (s) {
      var p = el("p"); p.appendChild(el("a", { href: self.base + s.url }, "去办理：" + s.title)); li.appendChild(p);
    });
    // The application page (tongda-apply sets data-apply) continues from these answers.
    var apply = this.root.getAttribute("data-apply"), read = this.read();
    if (apply && r.eligible !== false) {
      var go = el("p"); go.appendChild(el("a", { href: self.base + apply + r.policy.id + "/#answers=" +
        encodeURIComponent(JSON.stringify({ subject: read.subject, profile: read.profile })) }, "在线申请：" + r.policy.title));
      li.appendChild(go);
    }
    li.appendChild(this.button("favourites", r, "收藏"));
    li.appendChild(this.button("cart", r, "加入政策篮"));
    return li;
  };

  /** The labels of the facts of the results' subject (for “需要填写：…”). */
  Calculator.prototype.labels = function () {
    var out = {};
    ((this.rules.facts || {})[this.subject()] || []).forEach(function (f) { out[f.name] = f.label; });
    return out;
  };

  Calculator.prototype.button = function (kind, r, label) {
    var on = load(KEYS[kind], []).some(function (x) { return x.id === r.policy.id; });
    return el("button", { type: "button", "data-action": kind, "data-id": r.policy.id,
      "aria-pressed": String(on), "aria-label": label + "：" + r.policy.title }, label);
  };

  Calculator.prototype.toggle = function (kind, id) {
    var items = load(KEYS[kind], []), found = items.filter(function (x) { return x.id === id; }).length > 0;
    var result = this.last.filter(function (r) { return r.policy.id === id; })[0];
    var title = result ? result.policy.title : id;
    if (found) { items = items.filter(function (x) { return x.id !== id; }); }
    else if (result) {
      items.push({ id: id, title: title, url: result.policy.url, amount: result.amount });
    }
    save(KEYS[kind], items);
    this.root.querySelectorAll('button[data-action="' + kind + '"][data-id="' + id + '"]').forEach(function (b) {
      b.setAttribute("aria-pressed", String(!found));
    });
    this.root.querySelector(".td-calculator__status").textContent =
      (found ? "已移出" : "已加入") + (kind === "cart" ? "政策篮：" : "收藏：") + title;
    this.renderSaved();
  };

  Calculator.prototype.renderSaved = function () {
    var self = this, cart = load(KEYS.cart, []), total = 0;
    [["cart", ".td-calculator__cart"], ["favourites", ".td-calculator__favourites"]].forEach(function (pair) {
      var list = self.root.querySelector(pair[1]), items = load(KEYS[pair[0]], []);
      list.textContent = "";
      if (!items.length) { list.appendChild(el("li", {}, "（空）")); }
      items.forEach(function (item) {
        var li = el("li");
        li.appendChild(el("a", { href: self.base + item.url }, item.title));
        li.appendChild(document.createTextNode(" "));
        li.appendChild(el("button", { type: "button", "class": "td-calculator__button--secondary",
          "data-action": pair[0], "data-id": item.id, "aria-label": "移除：" + item.title }, "移除"));
        list.appendChild(li);
      });
    });
    cart.forEach(function (item) { total += item.amount || 0; });
    this.root.querySelector(".td-calculator__cart-total").textContent =
      cart.length ? "已选 " + cart.length + " 项政策，预计合计 " + yuan(total) + "（以审核结果为准）。" : "政策篮是空的。";
  };

  Calculator.prototype.restore = function () {
    var saved = load(KEYS.profile, null);
    if (!saved) { return; }
    var radio = this.form.querySelector('input[name=subject][value="' + saved.subject + '"]');
    if (radio) { radio.checked = true; }
    this.showSubject();
    this.form.querySelector("input[name=remember]").checked = true;
    var fs = this.form.querySelector('.td-calculator__facts[data-subject="' + saved.subject + '"]');
    Object.keys(saved.profile || {}).forEach(function (name) {
      var field = fs && fs.querySelector('[data-fact="' + name + '"]'), value = saved.profile[name];
      if (!field) { return; }
      var type = field.getAttribute("data-type");
      if (type === "list") {
        field.querySelectorAll("input").forEach(function (c) {
          c.checked = c.hasAttribute("data-none") ? !value.length : value.indexOf(c.value) >= 0;
        });
      } else {
        field.querySelector("input, select").value = type === "money" ? String(value / 100) : String(value);
      }
    });
  };

  function init() {
    if (!window.TongdaMatch || !window.fetch) { return; }
    document.querySelectorAll('[data-module="td-calculator"]').forEach(function (root) {
      new Calculator(root).start();
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
