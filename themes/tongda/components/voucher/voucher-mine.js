/* 我的数据凭证: the citizen's side of the voucher function (api/voucher/).
 *
 * Sign in as the applications page does (the token kept in sessionStorage only, never in
 * the address), then: the requests about me that wait for a decision (同意授权 after a
 * confirmation that lists exactly what will be shared and the identity step, or 拒绝),
 * my vouchers (撤销授权 after a confirmation) and every event about my data, newest first.
 *
 * Screen readers: results and errors go to one polite status region; after an action the
 * focus moves to the heading of the part that changed (or of the open confirmation),
 * never otherwise. Times are shown in Beijing time as 2026年12月5日 14:03.
 *
 * The identity step is presented as the function declares it (GET identity): "simulated"
 * shows a simulated check; any other method is handed to window.TongdaIdentity.check(
 * {method}) → Promise of the evidence, which a deployment provides with its face-check
 * service (docs/voucher.md). Without it the page says to authorise at a counter. */
(function () {
  "use strict";
  var TOKEN_KEY = "tongda.voucher.token";
  var STATE = { valid: "有效", expired: "已过期", revoked: "已撤销" };
  var DAY = 24 * 3600 * 1000, CHINA = 8 * 3600 * 1000;

  function session() { try { return window.sessionStorage; } catch (e) { return null; } }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function add(parent) {
    Array.prototype.slice.call(arguments, 1).forEach(function (child) {
      parent.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return parent;
  }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  /** An instant (ISO text or milliseconds) → "2026年12月5日 14:03", Beijing time (no DST). */
  function when(value) {
    var t = typeof value === "number" ? value : Date.parse(value);
    if (isNaN(t)) { return String(value || ""); }
    var d = new Date(t + CHINA);
    return d.getUTCFullYear() + "年" + (d.getUTCMonth() + 1) + "月" + d.getUTCDate() + "日 " +
      pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes());
  }
  function uuid() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }
  function names(kinds) { return (kinds || []).map(function (k) { return k.name; }).join("、"); }
  function row(dl, term, value) {
    var div = add(el("div", { "class": "td-meta__row" }), el("dt", {}, term));
    div.appendChild(typeof value === "string" ? el("dd", {}, value) : add(el("dd"), value));
    dl.appendChild(div);
  }

  function Mine(root) {
    this.root = root;
    this.api = root.getAttribute("data-api");
    this.signin = root.querySelector(".td-voucher-mine__signin");
    this.field = root.querySelector("#td-voucher-mine-token");
    this.status = root.querySelector(".td-voucher-mine__status");
    this.token = (session() && session().getItem(TOKEN_KEY)) || "";
    this.kinds = {};            // catalogue descriptions by kind id
    this.identity = null;       // {method} from the function
    this.keys = {};             // Idempotency-Key per pending action, kept for a retry
    this.data = null;
    this.ready = Promise.resolve();
  }

  Mine.prototype.call = function (method, path, body, key) {
    var headers = { Accept: "application/json" };
    if (this.token) { headers.Authorization = "Bearer " + this.token; }
    if (body !== undefined) { headers["Content-Type"] = "application/json"; }
    if (key) { headers["Idempotency-Key"] = key; }
    return fetch(this.api + path, { method: method, headers: headers, credentials: "same-origin",
      cache: "no-store", body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (r) {
        return r.text().then(function (text) {
          var data = null;
          try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
          return { status: r.status, ok: r.ok, data: data };
        });
      });
  };

  /** Politely, once: cleared first so the same words twice are read twice. */
  Mine.prototype.say = function (text) {
    var status = this.status;
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  };

  Mine.prototype.focus = function (node) {
    if (node) { node.focus(); }
  };

  Mine.prototype.start = function () {
    var self = this;
    this.root.classList.add("td-voucher-mine--ready");
    this.signin.hidden = false;
    this.signin.addEventListener("submit", function (event) {
      event.preventDefault();
      self.token = self.field.value.trim();
      if (!self.token) { self.signinError("请填写登录凭证。"); return; }
      self.remember(self.token);
      self.load("signin");
    });
    this.signin.querySelector('[data-action="refresh"]').addEventListener("click", function () { self.load("refresh"); });
    this.signin.querySelector('[data-action="signout"]').addEventListener("click", function () { self.signOut("已退出登录。"); });
    // Public: what each kind holds and how the identity is checked, before any list shows.
    this.ready = Promise.all([
      this.call("GET", "catalogue").then(function (res) {
        ((res.data && res.data.kinds) || []).forEach(function (k) { self.kinds[k.id] = k; });
      }).catch(function () { /* the kinds' own names still say what is shared */ }),
      this.call("GET", "identity").then(function (res) {
        self.identity = res.ok && res.data ? res.data : null;
      }).catch(function () { self.identity = null; })]);
    if (this.token) { this.load("restore"); }
  };

  Mine.prototype.remember = function (token) {
    var s = session();
    try { if (s) { if (token) { s.setItem(TOKEN_KEY, token); } else { s.removeItem(TOKEN_KEY); } } } catch (e) { /* private mode */ }
  };

  Mine.prototype.sections = function () {
    return Array.prototype.slice.call(this.root.querySelectorAll(".td-voucher-mine__section"));
  };

  /** move: false when nobody asked (a kept token that no longer works): no focus theft. */
  Mine.prototype.signinError = function (text, move) {
    var message = this.signin.querySelector("#td-voucher-mine-token-error");
    message.textContent = text;
    message.hidden = false;
    this.field.setAttribute("aria-invalid", "true");
    this.field.setAttribute("aria-describedby", "td-voucher-mine-token-hint td-voucher-mine-token-error");
    this.say("登录未成功：" + text);
    if (move !== false) { this.focus(this.root.querySelector("#td-voucher-mine-signin-title")); }
  };

  Mine.prototype.signedIn = function (yes) {
    var form = this.signin;
    form.querySelector(".td-voucher-mine__token").hidden = yes;
    form.querySelector(".td-voucher-mine__who").hidden = !yes;
    form.querySelector('[data-action="signin"]').hidden = yes;
    form.querySelector('[data-action="refresh"]').hidden = !yes;
    form.querySelector('[data-action="signout"]').hidden = !yes;
    if (yes) {
      var message = form.querySelector("#td-voucher-mine-token-error");
      message.hidden = true; message.textContent = "";
      this.field.removeAttribute("aria-invalid");
      this.field.setAttribute("aria-describedby", "td-voucher-mine-token-hint");
    }
    this.sections().forEach(function (s) { s.hidden = !yes; });
  };

  Mine.prototype.signOut = function (text, error, move) {
    this.token = "";
    this.data = null;
    this.field.value = "";
    this.remember("");
    this.signedIn(false);
    if (error) { this.signinError(error, move); return; }
    this.say(text);
    this.focus(this.root.querySelector("#td-voucher-mine-signin-title"));
  };

  /** Load everything about me. why: "signin" and "refresh" (a person asked), "restore"
   *  (the token this tab kept: no focus moves), "after" (an action already said its result). */
  Mine.prototype.load = function (why) {
    var self = this;
    if (why !== "after") { this.say("正在读取……"); }
    return this.ready.then(function () { return self.call("GET", "me"); }).then(function (res) {
      if (res.status === 401 || res.status === 403) {
        self.signOut("", (res.data && res.data.detail) || "登录凭证无效或已过期，请重新登录。", why !== "restore");
        return;
      }
      if (!res.ok || !res.data) { throw new Error(String(res.status)); }
      self.data = res.data;
      self.signedIn(true);
      self.render();
      var pending = self.pending().length, summary = "待您决定的请求 " + pending + " 项，凭证 " +
        res.data.vouchers.length + " 张，记录 " + res.data.events.length + " 条。";
      if (why === "signin") {
        self.say("已登录。" + summary);
        self.focus(self.root.querySelector("#td-voucher-mine-requests-title"));
      } else if (why === "refresh") {
        self.say("已刷新。" + summary);
      } else if (why === "restore") {
        self.say("已登录。" + summary);
      }
    }).catch(function () {
      self.say("暂时无法连接数据凭证服务，请稍后再试。");
    });
  };

  Mine.prototype.pending = function () {
    return ((this.data && this.data.requests) || []).filter(function (r) { return r.status === "pending"; });
  };

  Mine.prototype.render = function () {
    this.renderRequests();
    this.renderVouchers();
    this.renderEvents();
  };

  Mine.prototype.list = function (name, empty, items) {
    var list = this.root.querySelector('[data-list="' + name + '"]');
    list.textContent = "";
    if (!items.length) { list.appendChild(el("li", { "class": "td-voucher-mine__empty" }, empty)); }
    items.forEach(function (item) { list.appendChild(item); });
    var title = this.root.querySelector("#td-voucher-mine-" + name + "-title");
    title.setAttribute("data-count", String(items.length));
  };

  /** A kind in plain Chinese: its name, what it holds (the catalogue's words), who provides it. */
  Mine.prototype.kindItem = function (kind) {
    var about = (this.kinds[kind.id] || {}).description;
    return add(el("li"), el("strong", {}, kind.name), (about ? "：" + about : "") +
      (kind.provider ? "（" + kind.provider + "提供）" : ""));
  };

  Mine.prototype.kindList = function (kinds) {
    var self = this, ul = el("ul", { "class": "td-voucher-mine__kinds" });
    (kinds || []).forEach(function (k) { ul.appendChild(self.kindItem(k)); });
    return ul;
  };

  Mine.prototype.renderRequests = function () {
    var self = this;
    this.list("requests", "没有待您决定的请求。", this.pending().map(function (r) {
      var id = "td-voucher-mine-r-" + r.id, li = el("li", { "class": "td-voucher-mine__item", "data-request": r.id });
      li.appendChild(el("h3", { id: id + "-title" }, r.requester.name + " 请求查看您的数据"));
      var dl = el("dl", { "class": "td-meta td-voucher-mine__facts" });
      row(dl, "用途", r.purpose);
      row(dl, "要查看的数据", self.kindList(r.kinds));
      row(dl, "有效期", "同意之日起 " + r.valid_days + " 天（现在同意则到" + when(Date.now() + r.valid_days * DAY) + "为止）");
      row(dl, "请求时间", when(r.created_at));
      li.appendChild(dl);
      var actions = el("p", { "class": "td-voucher__actions" });
      var yes = el("button", { type: "button", "class": "td-voucher__button", "aria-describedby": id + "-title" }, "同意授权");
      var no = el("button", { type: "button", "class": "td-voucher__button td-voucher__button--secondary", "aria-describedby": id + "-title" }, "拒绝");
      yes.addEventListener("click", function () { self.confirmAuthorise(li, r, yes); });
      no.addEventListener("click", function () { self.confirmRefuse(li, r, no); });
      li.appendChild(add(actions, yes, " ", no));
      return li;
    }));
  };

  Mine.prototype.reportsOf = function (voucherId) {
    return ((this.data && this.data.events) || []).filter(function (e) {
      return e.voucher === voucherId && e.action === "voucher.report";
    });
  };

  Mine.prototype.renderVouchers = function () {
    var self = this;
    this.list("vouchers", "还没有凭证：您同意授权后，凭证会列在这里。", ((this.data && this.data.vouchers) || []).map(function (v) {
      var id = "td-voucher-mine-v-" + v.id, li = el("li", { "class": "td-voucher-mine__item td-voucher-mine__item--" + v.state, "data-voucher": v.id, "data-state": v.state });
      li.appendChild(el("h3", { id: id + "-title" }, "授权给 " + v.requester.name));
      var dl = el("dl", { "class": "td-meta td-voucher-mine__facts" });
      row(dl, "状态", (STATE[v.state] || v.state_label) + (v.revoked_at ? "（" + when(v.revoked_at) + "撤销）" : ""));
      row(dl, "用途", v.purpose);
      row(dl, "可查看的数据", self.kindList(v.kinds));
      row(dl, "有效期", when(v.valid_from) + " 至 " + when(v.valid_until));
      var reports = self.reportsOf(v.id);
      row(dl, "被取回", reports.length ? reports.length + " 次，最近一次在" + when(reports[0].at) : "尚未取回");
      li.appendChild(dl);
      if (v.state === "valid") {
        var revoke = el("button", { type: "button", "class": "td-voucher__button td-voucher__button--secondary", "aria-describedby": id + "-title" }, "撤销授权");
        revoke.addEventListener("click", function () { self.confirmRevoke(li, v, revoke); });
        li.appendChild(add(el("p", { "class": "td-voucher__actions" }), revoke));
      }
      return li;
    }));
  };

  Mine.prototype.renderEvents = function () {
    var requests = {};
    ((this.data && this.data.requests) || []).forEach(function (r) { requests[r.id] = r; });
    var vouchers = {};
    ((this.data && this.data.vouchers) || []).forEach(function (v) { vouchers[v.id] = v; });
    this.list("events", "还没有记录。", ((this.data && this.data.events) || []).map(function (e) {
      var r = requests[e.request] || { requester: { name: "" }, kinds: [] };
      var v = vouchers[e.voucher] || null, whom = r.requester.name || "对方";
      var who = e.actor === "本人" ? "您本人" : e.actor, what;
      if (e.action === "voucher.request") { what = "请求查看您的数据（" + names(r.kinds) + "），用于：" + r.purpose; }
      else if (e.action === "voucher.authorise") { what = "同意了" + whom + "的请求"; }
      else if (e.action === "voucher.refuse") { what = "拒绝了" + whom + "的请求"; }
      else if (e.action === "voucher.issue") { what = "为" + whom + "签发了凭证"; }
      else if (e.action === "voucher.report") { what = "取回了您的数据报告（" + names(v ? v.kinds : r.kinds) + "）"; }
      else if (e.action === "voucher.revoke") { what = "撤销了对" + whom + "的授权"; }
      else { what = e.label; }
      var li = el("li", { "class": "td-voucher-mine__event td-voucher-mine__event--" + e.action.replace("voucher.", ""), "data-action": e.action });
      return add(li, el("time", { datetime: e.at }, when(e.at)), " ", el("strong", {}, who), " " + what + "。",
        el("span", { "class": "td-voucher-mine__leaf" }, "（日志序号 " + e.leaf_index + "）"));
    }));
  };

  /** One confirmation at a time, inside the item it is about; focus moves to its heading. */
  Mine.prototype.panel = function (li, title, opener) {
    var open = this.root.querySelector(".td-voucher-mine__confirm");
    if (open) { open.parentNode.removeChild(open); }
    var form = el("form", { "class": "td-voucher-mine__confirm", novalidate: "", "aria-labelledby": "td-voucher-mine-confirm-title" });
    form.appendChild(el("h4", { id: "td-voucher-mine-confirm-title", tabindex: "-1" }, title));
    form.cancel = function () {  // back to the button that opened it
      form.parentNode.removeChild(form);
      opener.focus();
    };
    li.appendChild(form);
    return form;
  };

  Mine.prototype.panelButtons = function (form, label, onConfirm) {
    var error = el("p", { "class": "td-voucher__message", id: "td-voucher-mine-confirm-error", hidden: "" });
    var ok = el("button", { type: "submit", "class": "td-voucher__button" }, label);
    var cancel = el("button", { type: "button", "class": "td-voucher__button td-voucher__button--secondary" }, "取消");
    cancel.addEventListener("click", function () { form.cancel(); });
    form.addEventListener("submit", function (event) { event.preventDefault(); onConfirm(ok, error); });
    form.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.preventDefault(); form.cancel(); }
    });
    add(form, error, add(el("p", { "class": "td-voucher__actions" }), label ? ok : "", " ", cancel));
  };

  Mine.prototype.failed = function (form, error, res, what) {
    var detail = (res && res.data && res.data.detail) || "网络连接失败，请稍后再试；同一操作再次提交不会重复执行。";
    if (res && (res.status === 401)) { this.signOut("", detail); return; }
    error.textContent = what + "未成功：" + detail;
    error.hidden = false;
    this.say(error.textContent);
    this.focus(form.querySelector("h4"));
  };

  Mine.prototype.act = function (button, action, path, body) {
    var key = this.keys[action] || (this.keys[action] = uuid());
    button.disabled = true;
    var self = this;
    return this.call("POST", path, body, key).then(function (res) {
      button.disabled = false;
      if (res.status < 500) { delete self.keys[action]; }
      return res;
    }, function () { button.disabled = false; return null; });
  };

  Mine.prototype.confirmAuthorise = function (li, r, opener) {
    var self = this, until = when(Date.now() + r.valid_days * DAY);
    var form = this.panel(li, "确认授权给 " + r.requester.name, opener);
    add(form, el("p", {}, "同意后，" + r.requester.name + "可以在" + until + "之前，为“" + r.purpose +
      "”取回下列数据，仅限这些："), this.kindList(r.kinds),
      el("p", {}, "每次取回都会记录，您在本页能看到是谁、什么时候取的。您可以随时撤销授权，撤销后对方不能再取回。"));
    var method = this.identity && this.identity.method, hook = window.TongdaIdentity;
    var identity = add(el("fieldset", { "class": "td-voucher-mine__identity" }), el("legend", {}, "身份核验（人脸识别）"));
    var possible = true;
    if (method === "simulated") {
      add(identity, el("p", { "class": "td-voucher__hint" }, "授权前须核验是您本人。本站是演示站点，人脸识别是模拟的：请选择模拟结果，再按“确认授权”。"),
        add(el("label", { "class": "td-voucher-mine__choice" }), el("input", { type: "radio", name: "identity", value: "simulated-pass", checked: "" }), " 模拟核验通过"),
        add(el("label", { "class": "td-voucher-mine__choice" }), el("input", { type: "radio", name: "identity", value: "fail" }), " 模拟核验不通过"));
    } else if (method && hook && typeof hook.check === "function") {
      add(identity, el("p", {}, "按“确认授权”后将进行人脸识别，核验是您本人后签发凭证。"));
    } else {
      possible = false;
      add(identity, el("p", {}, method ? "本站尚未接入人脸识别，暂时不能在网上授权。请携带居民身份证到政务服务中心窗口办理。"
        : "暂时无法确认身份核验方式，请稍后刷新本页再试，或携带居民身份证到政务服务中心窗口办理。"));
    }
    form.appendChild(identity);
    this.panelButtons(form, possible ? "确认授权" : "", function (ok, error) {
      error.hidden = true;
      var evidence = method === "simulated"
        ? Promise.resolve((form.querySelector("input[name=identity]:checked") || {}).value || "")
        : Promise.resolve().then(function () { return hook.check({ method: method }); });
      evidence.then(function (proof) {
        return self.act(ok, "authorise:" + r.id, "requests/" + encodeURIComponent(r.id) + "/authorise",
          { identity: { method: "face", evidence: String(proof || "") } });
      }, function () {
        return { status: 403, data: { detail: "人脸识别未完成，请重试。" } };
      }).then(function (res) {
        if (res && res.status === 201) {
          self.say("已授权：" + r.requester.name + "可以在" + until + "之前取回您的" + r.kinds.length +
            " 类数据。凭证已签发，列在“我的数据凭证”中。");
          return self.load("after").then(function () { self.focus(self.root.querySelector("#td-voucher-mine-vouchers-title")); });
        }
        if (res && res.status === 409) { return self.settled(); }
        self.failed(form, error, res, "授权");
      });
    });
    this.focus(form.querySelector("h4"));
  };

  Mine.prototype.confirmRefuse = function (li, r, opener) {
    this.confirmStep(li, opener, {
      title: "确认拒绝 " + r.requester.name + " 的请求",
      text: "拒绝后，" + r.requester.name + "看不到您的任何数据，拒绝会记入透明日志。如需再授权，请对方重新申请。",
      button: "确认拒绝", key: "refuse:" + r.id,
      path: "requests/" + encodeURIComponent(r.id) + "/refuse",
      done: "已拒绝" + r.requester.name + "的请求。",
      then: "#td-voucher-mine-requests-title", verb: "拒绝"
    });
  };

  Mine.prototype.confirmRevoke = function (li, v, opener) {
    this.confirmStep(li, opener, {
      title: "确认撤销对 " + v.requester.name + " 的授权",
      text: "撤销后凭证立即失效，" + v.requester.name + "不能再取回您的数据报告；已经取回的报告无法收回。撤销会记入透明日志，不能恢复，如需再授权，请对方重新申请。",
      button: "确认撤销", key: "revoke:" + v.id,
      path: "vouchers/" + encodeURIComponent(v.id) + "/revoke",
      done: "已撤销对" + v.requester.name + "的授权，对方不能再取回您的数据。",
      then: "#td-voucher-mine-vouchers-title", verb: "撤销"
    });
  };

  /** A confirmation panel whose button posts one step (refuse, revoke); on success the lists
   *  are read again and focus goes to the list the item now belongs to. */
  Mine.prototype.confirmStep = function (li, opener, step) {
    var self = this, form = this.panel(li, step.title, opener);
    form.appendChild(el("p", {}, step.text));
    this.panelButtons(form, step.button, function (ok, error) {
      error.hidden = true;
      self.act(ok, step.key, step.path).then(function (res) {
        if (res && res.status === 200) {
          self.say(step.done);
          return self.load("after").then(function () { self.focus(self.root.querySelector(step.then)); });
        }
        if (res && res.status === 409) { return self.settled(); }
        self.failed(form, error, res, step.verb);
      });
    });
    this.focus(form.querySelector("h4"));
  };

  /** Decided elsewhere meanwhile (another tab, another device): show how things stand now. */
  Mine.prototype.settled = function () {
    var self = this;
    this.say("这一项已经处理过了（可能在别的页面），下面是最新情况。");
    return this.load("after").then(function () { self.focus(self.root.querySelector("#td-voucher-mine-requests-title")); });
  };

  function start() {
    if (!window.fetch) { return; }
    Array.prototype.forEach.call(document.querySelectorAll('[data-module="td-voucher-mine"]'), function (root) {
      new Mine(root).start();
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
