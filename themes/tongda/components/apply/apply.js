/* 在线申请 (秒报秒批秒付): the application page of one policy.
 *
 * Hand-off from the calculator (documented in docs/apply.md), read in this order:
 *   1. the URL fragment  #answers=<encodeURIComponent(JSON {subject, profile})>  (removed
 *      from the address bar and history at once, so answers never linger there);
 *   2. sessionStorage "tongda.apply.handoff": the same JSON;
 *   3. this page's own draft, localStorage "tongda.apply.draft.<policy id>";
 *   4. the calculator's remembered profile, localStorage "tongda.calculator.profile".
 * Facts the shared data hold (GET api/apply/profile) then replace what was typed, and are
 * locked. Conditions are checked as they are typed with the calculator's engine
 * (TongdaMatch); the server decides with the same rules. The sign-in token stays in
 * sessionStorage only. A submission keeps its Idempotency-Key until it gets an answer, so
 * resubmitting after a network failure can never make a second application. */
(function () {
  "use strict";
  var OUTCOME = { met: "✓ 已满足：", unmet: "✗ 未满足：", unknown: "？ 待确认：" };
  var SOURCE = { registry: "共享数据", applicant: "申请人填报", none: "未提供" };
  var STATUS = { approved: "已批准", rejected: "未获批准", pending: "待人工审核" };
  var TOKEN_KEY = "tongda.apply.token";

  function storage(kind) {
    try { return window[kind]; } catch (e) { return null; }
  }
  function load(kind, key) {
    var s = storage(kind);
    try { return s ? JSON.parse(s.getItem(key)) : null; } catch (e) { return null; }
  }
  function save(kind, key, value) {
    var s = storage(kind);
    try {
      if (!s) { return; }
      if (value === null) { s.removeItem(key); } else { s.setItem(key, JSON.stringify(value)); }
    } catch (e) { /* private mode or full: the page works without a draft */ }
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  /** 分 → "12,345.67元". */
  function yuan(fen) {
    var whole = Math.floor(fen / 100), cents = fen % 100;
    var text = String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return text + (cents ? "." + (cents < 10 ? "0" : "") + cents : "") + "元";
  }
  /** "12.5" (元) → 1250 (分) without floating-point surprises; null when not a number. */
  function toFen(text) {
    var m = /^(\d{1,11})(?:\.(\d{1,2}))?$/.exec(text);
    if (!m) { return null; }
    return Number(m[1]) * 100 + Number(((m[2] || "") + "00").slice(0, 2));
  }
  function uuid() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  function Apply(root) {
    this.root = root;
    this.form = root.querySelector(".td-apply__form");
    this.policy = root.getAttribute("data-policy");
    this.subject = root.getAttribute("data-subject");
    this.api = root.getAttribute("data-api");
    this.base = root.getAttribute("data-base") || "";
    this.draftKey = "tongda.apply.draft." + this.policy;
    this.pendingKey = "tongda.apply.pending." + this.policy;
    this.verified = {};
  }

  Apply.prototype.start = function () {
    var self = this;
    fetch(this.root.getAttribute("data-rules"), { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (rules) {
        self.rules = rules;
        self.root.classList.add("td-apply--ready");
        self.form.hidden = false;
        self.root.querySelector(".td-apply__static").hidden = true;
        self.bind();
        self.fill(self.answers());
        self.update();
        var token = load("sessionStorage", TOKEN_KEY);
        if (token) { self.form.querySelector("#td-apply-token").value = token; self.signIn(); }
      })
      .catch(function () {
        self.root.querySelector(".td-apply__nojs").textContent =
          "申请规则未能加载，请稍后刷新重试，或对照下列条件和材料清单到窗口办理。";
      });
  };

  Apply.prototype.bind = function () {
    var self = this;
    this.form.addEventListener("change", function (e) {
      if (e.target.name === "token") { self.signIn(); return; }
      self.update();
      self.saveDraft();
    });
    this.form.addEventListener("submit", function (e) { e.preventDefault(); self.submit(); });
    this.form.querySelector('[data-action="clear-draft"]').addEventListener("click", function () {
      save("localStorage", self.draftKey, null);
      self.form.querySelectorAll(".td-apply__field").forEach(function (field) {
        if (self.verified[field.getAttribute("data-fact")] !== undefined) { return; }
        field.querySelectorAll("input[type=checkbox]").forEach(function (c) { c.checked = false; });
        var input = field.querySelector("input[type=text], select");
        if (input) { input.value = ""; }
      });
      self.form.querySelectorAll("input[name=materials]").forEach(function (c) { c.checked = false; });
      self.update();
      self.form.querySelector(".td-apply__draft").textContent = "草稿已清除。";
    });
  };

  /** The answers to start from (see the hand-off order at the top of this file). */
  Apply.prototype.answers = function () {
    var hash = /(?:^#|&)answers=([^&]*)/.exec(window.location.hash || "");
    var found = null;
    if (hash) {
      try { found = JSON.parse(decodeURIComponent(hash[1])); } catch (e) { found = null; }
      if (window.history && window.history.replaceState) {
        window.history.replaceState(null, "", window.location.pathname + window.location.search);
      }
    }
    found = found || load("sessionStorage", "tongda.apply.handoff");
    var draft = load("localStorage", this.draftKey);
    if (!found && draft) { return draft; }
    found = found || load("localStorage", "tongda.calculator.profile");
    if (found && found.profile && (!found.subject || found.subject === this.subject)) {
      return { profile: found.profile, materials: draft ? draft.materials : [] };
    }
    return draft || { profile: {}, materials: [] };
  };

  Apply.prototype.fields = function () {
    return Array.prototype.slice.call(this.form.querySelectorAll(".td-apply__facts .td-apply__field"));
  };

  Apply.prototype.fill = function (answers) {
    var profile = (answers && answers.profile) || {};
    this.fields().forEach(function (field) {
      var name = field.getAttribute("data-fact"), type = field.getAttribute("data-type");
      if (!(name in profile) || profile[name] === null) { return; }
      setValue(field, type, profile[name]);
    });
    var materials = (answers && answers.materials) || [];
    this.form.querySelectorAll("input[name=materials]").forEach(function (c) {
      c.checked = materials.indexOf(c.value) >= 0;
    });
  };

  function setValue(field, type, value) {
    if (type === "list") {
      field.querySelectorAll("input").forEach(function (c) { c.checked = (value || []).indexOf(c.value) >= 0; });
    } else {
      field.querySelector("input, select").value = type === "money" ? String(value / 100) : String(value);
    }
  }

  /** The typed profile and materials; errors lists [fact, message] for unreadable values. */
  Apply.prototype.read = function () {
    var profile = {}, errors = [];
    this.fields().forEach(function (field) {
      var name = field.getAttribute("data-fact"), type = field.getAttribute("data-type");
      if (type === "list") {
        var picked = [];
        field.querySelectorAll("input:checked").forEach(function (c) { picked.push(c.value); });
        profile[name] = picked;
        return;
      }
      var raw = field.querySelector("input, select").value.trim().replace(/[,，\s]/g, "");
      if (raw === "") { return; }
      var value = raw;
      if (type === "boolean") { value = raw === "true"; }
      else if (type === "money") { value = toFen(raw); }
      else if (type === "integer") { value = /^-?\d{1,15}$/.test(raw) ? Number(raw) : null; }
      else if (type === "number") { value = /^-?\d{1,15}(\.\d+)?$/.test(raw) ? Number(raw) : null; }
      if (value === null) {
        errors.push([name, type === "money" ? "请填写金额（元），如 1200000 或 1200000.50" : "请填写整数"]);
      } else { profile[name] = value; }
    });
    var materials = [];
    this.form.querySelectorAll("input[name=materials]:checked").forEach(function (c) { materials.push(c.value); });
    return { profile: profile, materials: materials, errors: errors };
  };

  /** Show each condition's result with the calculator's engine, before submitting. */
  Apply.prototype.update = function () {
    var read = this.read(), summary = this.form.querySelector(".td-apply__check-summary");
    if (read.errors.length) { summary.textContent = "请先改正填写有误的项目。"; return; }
    var out = window.TongdaMatch.match(this.rules, this.subject, read.profile, [this.policy]);
    if (out.problems || !out.results.length) { summary.textContent = "暂时无法核对条件。"; return; }
    var result = out.results[0], self = this;
    result.conditions.forEach(function (c) {
      var li = self.form.querySelector('[data-condition="' + c.id + '"]');
      if (!li) { return; }
      var mark = li.querySelector(".td-apply__mark") || li.insertBefore(el("span", { "class": "td-apply__mark" }), li.firstChild);
      mark.textContent = OUTCOME[c.result];
      li.setAttribute("data-result", c.result);
    });
    var text = result.conditions.length + " 项条件：已满足 " + result.met + " 项，未满足 " + result.unmet +
      " 项，待确认 " + result.unknown + " 项。";
    if (result.eligible === true) {
      var all = result.conditions.length && Object.keys(read.profile).length &&
        Object.keys(read.profile).every(function (n) { return self.verified[n] !== undefined; });
      text += all ? "全部信息已由共享数据核验，提交后将当场批准。" : "提交后，未经共享数据核验的信息由工作人员核实。";
    }
    if (result.amount !== null) { text += "预计金额：" + yuan(result.amount) + "。"; }
    summary.textContent = text;
  };

  Apply.prototype.saveDraft = function () {
    var read = this.read(), status = this.form.querySelector(".td-apply__draft");
    save("localStorage", this.draftKey, { profile: read.profile, materials: read.materials });
    if (!status.textContent) { status.textContent = "您填写的内容已自动保存为草稿（只保存在本浏览器中）。"; }
  };

  Apply.prototype.token = function () {
    return this.form.querySelector("#td-apply-token").value.trim();
  };

  Apply.prototype.call = function (method, path, body, headers) {
    var init = { method: method, credentials: "same-origin",
      headers: Object.assign({ "Authorization": "Bearer " + this.token(), "Accept": "application/json" }, headers || {}) };
    if (body !== undefined) { init.body = JSON.stringify(body); init.headers["Content-Type"] = "application/json"; }
    return fetch(this.api + path, init).then(function (r) {
      return r.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        return { status: r.status, data: data };
      });
    });
  };

  /** Remember the token for this tab, fill and lock what the shared data hold. */
  Apply.prototype.signIn = function () {
    var self = this, who = this.form.querySelector(".td-apply__who");
    var token = this.token();
    save("sessionStorage", TOKEN_KEY, token || null);
    if (!token) { who.textContent = ""; return; }
    this.call("GET", "profile?policy=" + encodeURIComponent(this.policy)).then(function (res) {
      if (res.status !== 200) {
        who.textContent = "登录未成功：" + ((res.data && res.data.detail) || "请检查登录凭证。");
        return;
      }
      self.lock(res.data);
      who.textContent = "已登录：" + (res.data.name || res.data.subject) + "。" +
        (Object.keys(res.data.facts).length ? "已从共享数据自动填入 " + Object.keys(res.data.facts).length + " 项信息。" : "");
      self.update();
      self.loadMine();
    }, function () { who.textContent = "网络连接失败，暂时无法登录，请稍后重试。"; });
  };

  Apply.prototype.lock = function (profile) {
    var self = this;
    this.verified = profile.facts || {};
    this.fields().forEach(function (field) {
      var name = field.getAttribute("data-fact"), type = field.getAttribute("data-type");
      var note = field.querySelector(".td-apply__source"), held = name in self.verified;
      if (held) { setValue(field, type, self.verified[name]); }
      field.querySelectorAll("input, select").forEach(function (input) {
        if (input.type === "text") { input.readOnly = held; } else { input.disabled = held; }
      });
      field.classList.toggle("td-apply__field--verified", held);
      note.textContent = held ? "已由共享数据核验（" + (profile.source || "政务共享数据") + "），以此为准。"
        : "共享数据中没有这项信息：请如实填写，提交后由工作人员核实。";
    });
  };

  Apply.prototype.clearErrors = function () {
    var summary = this.form.querySelector(".td-apply__error-summary");
    summary.hidden = true;
    summary.querySelector("ul").textContent = "";
    this.form.querySelectorAll(".td-apply__message").forEach(function (m) { m.hidden = true; m.textContent = ""; });
    this.form.querySelectorAll("[aria-invalid]").forEach(function (i) { i.removeAttribute("aria-invalid"); });
  };

  /** errors: [[target id or "", message]]; the summary links to each field. */
  Apply.prototype.showErrors = function (errors) {
    var summary = this.form.querySelector(".td-apply__error-summary"), list = summary.querySelector("ul");
    var self = this;
    errors.forEach(function (pair) {
      var li = el("li");
      if (pair[0]) {
        li.appendChild(el("a", { href: "#" + pair[0] }, pair[1]));
        var target = self.root.querySelector("#" + pair[0]);
        var msg = self.root.querySelector("#" + pair[0] + "-error");
        if (msg) { msg.hidden = false; msg.textContent = pair[1]; }
        if (target && target.tagName !== "FIELDSET") { target.setAttribute("aria-invalid", "true"); }
      } else { li.textContent = pair[1]; }
      list.appendChild(li);
    });
    summary.hidden = false;
    summary.focus();
  };

  Apply.prototype.submit = function () {
    this.clearErrors();
    var read = this.read(), self = this;
    var errors = read.errors.map(function (p) { return ["td-apply-fact-" + p[0], self.label(p[0]) + "：" + p[1]]; });
    if (!this.token()) { errors.unshift(["td-apply-token", "请先登录：填写登录凭证"]); }
    if (errors.length) { this.showErrors(errors); return; }
    var body = { policy: this.policy, facts: read.profile, materials: read.materials };
    var pending = load("sessionStorage", this.pendingKey);
    // The same body again (a retry after no answer) keeps its key: never two applications.
    var key = pending && JSON.stringify(pending.body) === JSON.stringify(body) ? pending.key : uuid();
    save("sessionStorage", this.pendingKey, { key: key, body: body });
    var button = this.form.querySelector("button[type=submit]");
    button.disabled = true;
    this.call("POST", "applications", body, { "Idempotency-Key": key }).then(function (res) {
      button.disabled = false;
      // Only an answer that may change on retry keeps the key: the same request in flight
      // (409 without a reason) or a server error; anything else is final for this body.
      var retry = res.status >= 500 || (res.status === 409 && !(res.data && res.data.reason));
      if (!retry) { save("sessionStorage", self.pendingKey, null); }
      self.answer(res);
    }, function () {
      button.disabled = false;
      self.showErrors([["", "网络连接失败，申请可能尚未送达。请稍后再次提交：同样的内容再次提交不会重复申请。"]]);
    });
  };

  Apply.prototype.label = function (name) {
    var field = this.form.querySelector('[data-fact="' + name + '"]');
    return field ? field.querySelector("label, legend").textContent : name;
  };

  Apply.prototype.answer = function (res) {
    var data = res.data || {}, self = this;
    if (res.status === 201 || res.status === 200) {
      save("localStorage", this.draftKey, null);
      this.showResult(data);
      this.loadMine();
      return;
    }
    if (res.status === 401 || res.status === 403) {
      this.showErrors([["td-apply-token", data.detail || "登录凭证无效，请重新登录。"]]);
      return;
    }
    var errors = (data.errors || []).map(function (e) {
      var field = String(e.field || "");
      if (field.indexOf("facts.") === 0) { return ["td-apply-fact-" + field.slice(6), e.message]; }
      return ["", e.message];
    });
    this.showErrors(errors.length ? errors : [["", data.detail || "提交未成功，请稍后重试。"]]);
  };

  Apply.prototype.showResult = function (app) {
    var section = this.root.querySelector(".td-apply__result"), body = section.querySelector(".td-apply__result-body");
    body.textContent = "";
    body.appendChild(el("p", { "class": "td-apply__verdict td-apply__verdict--" + app.status }, STATUS[app.status] || app.status));
    var dl = el("dl", { "class": "td-apply__facts-list" });
    function row(term, value) { dl.appendChild(el("dt", {}, term)); dl.appendChild(el("dd", {}, value)); }
    row("申请编号", app.id);
    if (app.amount_fen !== null && app.amount_fen !== undefined) { row(app.status === "approved" ? "批准金额" : "预计金额", yuan(app.amount_fen)); }
    if (app.payment) { row("支付指令", app.payment.id + "（已发送至支付系统）"); }
    if (app.due_text) { row("承诺办结日期", app.due_text + "前"); }
    body.appendChild(dl);
    var ul = el("ul", { "class": "td-apply__conditions" });
    (app.conditions || []).forEach(function (c) {
      var sources = (c.facts || []).map(function (f) { return SOURCE[f.source] || f.source; });
      ul.appendChild(el("li", {}, OUTCOME[c.result] + c.label + "（依据：" + (sources.join("、") || "—") + "）"));
    });
    body.appendChild(el("h3", {}, "逐项核对结果"));
    body.appendChild(ul);
    if ((app.reasons || []).length) {
      body.appendChild(el("h3", {}, "说明"));
      var reasons = el("ul");
      app.reasons.forEach(function (r) { reasons.appendChild(el("li", {}, r)); });
      body.appendChild(reasons);
    }
    section.hidden = false;
    section.querySelector("h2").focus();
  };

  Apply.prototype.loadMine = function () {
    var self = this, section = this.root.querySelector(".td-apply__mine");
    this.call("GET", "applications").then(function (res) {
      if (res.status !== 200 || !res.data) { return; }
      var list = section.querySelector("ul");
      list.textContent = "";
      res.data.forEach(function (a) {
        list.appendChild(el("li", {}, a.policy.title + "：" + (STATUS[a.status] || a.status) + "（编号 " + a.id +
          (a.due_text && a.status === "pending" ? "，承诺" + a.due_text + "前办结" : "") + "）"));
      });
      if (!res.data.length) { list.appendChild(el("li", {}, "还没有申请。")); }
      section.hidden = false;
    });
  };

  function init() {
    if (!window.TongdaMatch || !window.fetch) { return; }
    document.querySelectorAll('[data-module="td-apply"]').forEach(function (root) { new Apply(root).start(); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
