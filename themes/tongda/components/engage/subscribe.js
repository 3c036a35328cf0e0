/* 政策订阅: sign in, subscribe to tags or (with consent) to one's profile, and pause,
 * resume or delete one's subscriptions, through the engage function (api/engage/).
 * The sign-in token stays in sessionStorage only. A new subscription keeps its
 * Idempotency-Key until it gets an answer, so a retry never makes a second one. Without
 * JavaScript the page offers the static feeds instead. */
(function () {
  "use strict";
  var TOKEN_KEY = "tongda.engage.token";
  var KIND = { topic: "专题", audience: "对象", issuer: "发文机关", level: "层级", life_stage: "阶段" };
  var CHANNEL = { email: "电子邮件", webhook: "Webhook", sms: "短信", wechat: "微信" };

  function session() { try { return window.sessionStorage; } catch (e) { return null; } }
  function el(tag, text) {
    var node = document.createElement(tag);
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function uuid() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }
  function toFen(text) {
    var m = /^(\d{1,11})(?:\.(\d{1,2}))?$/.exec(text);
    return m ? Number(m[1]) * 100 + Number(((m[2] || "") + "00").slice(0, 2)) : null;
  }

  function Subscribe(root) {
    this.root = root;
    this.api = root.getAttribute("data-api");
    this.signin = root.querySelector(".td-subscribe__signin");
    this.form = root.querySelector(".td-subscribe__form");
    this.message = root.querySelector(".td-subscribe__message");
    this.mine = root.querySelector(".td-subscribe__mine");
    this.list = root.querySelector(".td-subscribe__list");
    this.token = (session() && session().getItem(TOKEN_KEY)) || "";
  }

  Subscribe.prototype.call = function (method, path, body, key) {
    var headers = { Authorization: "Bearer " + this.token };
    if (body !== undefined) { headers["Content-Type"] = "application/json"; }
    if (key) { headers["Idempotency-Key"] = key; }
    return fetch(this.api + path, { method: method, headers: headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (r) {
        if (r.status === 204) { return null; }
        return r.json().then(function (data) {
          if (!r.ok) { var e = new Error(data.detail || String(r.status)); e.status = r.status; throw e; }
          return data;
        });
      });
  };

  Subscribe.prototype.say = function (text) {
    this.message.textContent = text;
  };

  Subscribe.prototype.start = function () {
    var self = this;
    this.root.classList.add("td-subscribe--ready");
    this.signin.hidden = false;
    if (this.token) { this.signin.querySelector("input").value = this.token; }
    this.signin.addEventListener("submit", function (event) {
      event.preventDefault();
      self.token = self.signin.querySelector("input").value.trim();
      if (session()) { session().setItem(TOKEN_KEY, self.token); }
      self.load(true);
    });
    this.form.addEventListener("change", function () { self.toggle(); });
    this.form.addEventListener("submit", function (event) { event.preventDefault(); self.submit(); });
    fetch(this.api + "consent", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (c) { if (c) { self.root.querySelector(".td-subscribe__consent-text").textContent = c.text; } })
      .catch(function () { /* the checkbox's own words still say what is agreed */ });
    if (this.token) { this.load(false); }
  };

  Subscribe.prototype.toggle = function () {
    var kind = this.form.querySelector("input[name=kind]:checked").value;
    var subject = this.form.querySelector("input[name=subject]:checked").value;
    this.form.querySelector(".td-subscribe__tags").hidden = kind !== "tags";
    this.form.querySelector(".td-subscribe__profile").hidden = kind !== "profile";
    this.form.querySelectorAll(".td-subscribe__facts").forEach(function (f) {
      f.hidden = f.getAttribute("data-subject") !== subject;
    });
  };

  Subscribe.prototype.load = function (announce) {
    var self = this;
    return this.call("GET", "subscriptions").then(function (items) {
      self.signin.querySelector(".td-subscribe__who").textContent = "已登录。";
      self.form.hidden = false;
      self.mine.hidden = false;
      self.render(items);
      if (announce) { self.say("已登录，您有 " + items.length + " 个订阅。"); }
    }).catch(function (e) {
      self.form.hidden = true;
      self.mine.hidden = true;
      self.say(e.status === 401 || e.status === 403 ? "登录凭证无效或没有订阅权限：" + e.message : "暂时无法连接订阅服务，请稍后再试。");
    });
  };

  Subscribe.prototype.profile = function () {
    var subject = this.form.querySelector("input[name=subject]:checked").value;
    var box = this.form.querySelector('.td-subscribe__facts[data-subject="' + subject + '"]');
    var facts = {}, bad = [];
    box.querySelectorAll("[data-fact]").forEach(function (field) {
      var name = field.getAttribute("data-fact"), type = field.getAttribute("data-type"), value;
      if (type === "list") {
        value = Array.prototype.map.call(field.querySelectorAll("input:checked"), function (i) { return i.value; });
        if (value.length) { facts[name] = value; }
        return;
      }
      var input = field.querySelector("input, select"), text = input.value.trim();
      if (!text) { return; }
      if (type === "boolean") { value = text === "true"; }
      else if (type === "money") { value = toFen(text); }
      else if (type === "integer") { value = /^-?\d+$/.test(text) ? Number(text) : null; }
      else if (type === "number") { value = isFinite(Number(text)) ? Number(text) : null; }
      else { value = text; }
      if (value === null) { bad.push(field.querySelector("label").textContent); } else { facts[name] = value; }
    });
    return { subject: subject, facts: facts, bad: bad };
  };

  Subscribe.prototype.body = function () {
    var f = this.form, kind = f.querySelector("input[name=kind]:checked").value;
    var body = { kind: kind, channel: f.querySelector("input[name=channel]:checked").value,
      address: f.querySelector("#td-subscribe-address").value.trim(),
      mode: f.querySelector("input[name=mode]:checked").value };
    if (kind === "tags") {
      body.tags = Array.prototype.map.call(f.querySelectorAll("input[name=tag]:checked"), function (i) {
        var at = i.value.indexOf(":");
        return { kind: i.value.slice(0, at), value: i.value.slice(at + 1) };
      });
      if (!body.tags.length) { return "请至少选择一个标签。"; }
    } else {
      var p = this.profile();
      if (p.bad.length) { return "请检查这些信息的写法：" + p.bad.join("、") + "。"; }
      if (!f.querySelector("#td-subscribe-consent").checked) { return "按情况订阅需要您同意保存所填信息。"; }
      body.profile = { subject: p.subject, facts: p.facts, consent: true };
    }
    if (!body.address) { return "请填写电子邮箱或接收地址。"; }
    return body;
  };

  Subscribe.prototype.submit = function () {
    var self = this, body = this.body();
    if (typeof body === "string") { this.say(body); return; }
    var button = this.form.querySelector("button[type=submit]");
    button.disabled = true;
    this.key = this.key || uuid();
    this.call("POST", "subscriptions", body, this.key).then(function (made) {
      self.key = null;
      var text = "已订阅（编号 " + made.id + "）。";
      if (made.secret) { text += "接收系统核验签名用的密钥只显示这一次，请妥善保存：" + made.secret; }
      self.say(text);
      return self.load(false);
    }).catch(function (e) {
      if (e.status && e.status < 500) { self.key = null; }
      self.say("未能订阅：" + e.message);
    }).then(function () { button.disabled = false; });
  };

  Subscribe.prototype.describe = function (s) {
    var what = s.kind === "profile" ? "按我的情况（" + (s.profile_subject === "person" ? "个人" : "企业") + "）"
      : s.tags.map(function (t) { return KIND[t.kind] + "“" + t.label + "”"; }).join("、");
    return what + "；" + (CHANNEL[s.channel] || s.channel) + " " + (s.address || "") + "；" +
      (s.mode === "daily" ? "每天汇总" : "有新政策即通知") + "；" + s.status_text;
  };

  Subscribe.prototype.render = function (items) {
    var self = this;
    this.list.textContent = "";
    if (!items.length) { this.list.appendChild(el("li", "您还没有订阅。")); return; }
    items.forEach(function (s) {
      var item = el("li"), text = el("p", self.describe(s)), actions = el("p");
      item.appendChild(text);
      var pause = el("button", s.status === "active" ? "暂停" : "恢复");
      pause.type = "button";
      pause.className = "td-subscribe__button td-subscribe__button--secondary";
      pause.setAttribute("aria-label", pause.textContent + "：" + self.describe(s));
      pause.addEventListener("click", function () {
        self.call("PATCH", "subscriptions/" + s.id, { status: s.status === "active" ? "paused" : "active" })
          .then(function (changed) { self.say("订阅 " + s.id + " " + changed.status_text + "。"); return self.load(false); })
          .catch(function (e) { self.say("未能修改：" + e.message); });
      });
      var remove = el("button", "删除");
      remove.type = "button";
      remove.className = "td-subscribe__button td-subscribe__button--secondary";
      remove.setAttribute("aria-label", "删除：" + self.describe(s));
      remove.addEventListener("click", function () {
        self.call("DELETE", "subscriptions/" + s.id)
          .then(function () { self.say("已删除订阅 " + s.id + "，其中的地址和信息已一并删除。"); return self.load(false); })
          .catch(function (e) { self.say("未能删除：" + e.message); });
      });
      actions.appendChild(pause);
      actions.appendChild(remove);
      item.appendChild(actions);
      self.list.appendChild(item);
    });
  };

  function init() {
    if (!window.fetch || !window.JSON) { return; }
    document.querySelectorAll('[data-module="td-subscribe"]').forEach(function (root) {
      new Subscribe(root).start();
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
