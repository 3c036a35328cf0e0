/* 数据凭证核验页：读凭证（粘贴或打开文件），取本站公布的公钥和状态列表，调用 TongdaVoucher
 * 逐项核验，并用中文说明哪些有效、哪些无效。焦点移到结果标题，读屏软件先读出结论。 */
(function () {
  "use strict";
  var FACTS = [
    ["签发者", function (c) { return (c.issuer && c.issuer.name) || c.issuer; }],
    ["授权查看方", function (c) { return ((c.credentialSubject || {}).authorisedRequester || {}).name; }],
    ["用途", function (c) { return (c.credentialSubject || {}).purpose; }],
    ["数据种类", function (c) {
      return ((c.credentialSubject || {}).dataKinds || []).map(function (k) { return k.name + "（" + k.provider + "）"; }).join("、");
    }],
    ["本人授权时间", function (c) { return (c.credentialSubject || {}).authorisedAt; }],
    ["有效期", function (c) { return c.validFrom && c.validUntil ? c.validFrom + " 至 " + c.validUntil : ""; }],
    ["凭证编号", function (c) { return c.id; }]
  ];

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function json(text) { try { return text ? JSON.parse(text) : null; } catch (e) { return null; } }
  function fetchJson(url) {
    return fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); });
  }
  function sameOrigin(url) {
    try { return new URL(url, location.href).origin === location.origin; } catch (e) { return false; }
  }

  function Verifier(root) {
    this.root = root;
    this.form = root.querySelector(".td-voucher__form");
    this.results = root.querySelector(".td-voucher__results");
    this.progress = root.querySelector(".td-voucher__progress");
    this.embedded = { did: json(root.getAttribute("data-did-document")),
      lists: json(root.getAttribute("data-status-lists")) || {} };
    window.TongdaVoucher.fallbackUrl = new URL(root.getAttribute("data-fallback"), location.href).href;
  }

  Verifier.prototype.start = function () {
    var self = this;
    this.root.classList.add("td-voucher--ready");
    this.form.hidden = false;
    this.form.addEventListener("submit", function (event) { event.preventDefault(); self.verify(); });
    this.form.addEventListener("reset", function () { self.results.hidden = true; self.clearErrors(); });
    Array.prototype.forEach.call(this.root.querySelectorAll("input[type=file]"), function (input) {
      input.addEventListener("change", function () {
        var file = input.files && input.files[0];
        if (!file) { return; }
        file.text().then(function (text) {
          document.getElementById(input.getAttribute("data-target")).value = text;
          self.progress.textContent = "已读入文件“" + file.name + "”。";
        });
      });
    });
  };

  /* The DID document: the site's current copy, else the one the build embedded. */
  Verifier.prototype.didDocument = function () {
    var embedded = this.embedded.did;
    return fetchJson(this.root.getAttribute("data-did")).catch(function () { return embedded; });
  };
  /* The status list: live from the function when it is on this origin, else the site's
     published copy, else the build's; each is checked against the issuer's key anyway. */
  Verifier.prototype.statusList = function (credential) {
    var url = ((credential && credential.credentialStatus) || {}).statusListCredential;
    if (typeof url !== "string") { return Promise.resolve(null); }
    var number = (/(\d+)$/.exec(url) || [])[1], embedded = this.embedded.lists[number] || null;
    var copy = this.root.getAttribute("data-data") + "status-" + number + ".json";
    var live = sameOrigin(url) ? fetchJson(url) : Promise.reject(new Error("other origin"));
    return live.catch(function () { return fetchJson(copy); }).catch(function () { return embedded; })
      .then(function (list) { return list && list.id === url ? list : embedded; });
  };

  Verifier.prototype.clearErrors = function () {
    var summary = this.root.querySelector(".td-voucher__error-summary");
    summary.hidden = true;
    summary.querySelector("ul").textContent = "";
    Array.prototype.forEach.call(this.root.querySelectorAll(".td-voucher__field"), function (field) {
      field.classList.remove("td-voucher__field--error");
      var message = field.querySelector(".td-voucher__message");
      message.hidden = true; message.textContent = "";
      var input = field.querySelector("textarea");
      input.removeAttribute("aria-invalid");
      input.setAttribute("aria-describedby", input.id + "-hint");
    });
  };
  Verifier.prototype.showErrors = function (errors) {
    var summary = this.root.querySelector(".td-voucher__error-summary"), list = summary.querySelector("ul");
    errors.forEach(function (e) {
      var input = document.getElementById(e[0]), field = input.closest(".td-voucher__field");
      var message = field.querySelector(".td-voucher__message");
      field.classList.add("td-voucher__field--error");
      message.textContent = e[1]; message.hidden = false;
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", input.id + "-hint " + input.id + "-error");
      var item = el("li"), link = el("a", { href: "#" + e[0] }, e[1]);
      link.addEventListener("click", function (event) { event.preventDefault(); input.focus(); });
      item.appendChild(link); list.appendChild(item);
    });
    summary.hidden = false;
    summary.focus();
  };

  Verifier.prototype.verify = function () {
    var self = this, text = this.form.elements.credential.value.trim();
    var report = this.form.elements.report.value;
    this.clearErrors();
    var credential = json(text);
    if (!text) { return this.showErrors([["td-voucher-credential", "请粘贴凭证全文或打开凭证文件。"]]); }
    if (!credential || typeof credential !== "object") {
      return this.showErrors([["td-voucher-credential", "凭证不是有效的 JSON，请完整复制凭证全文（以 { 开头、} 结尾）。"]]);
    }
    this.progress.textContent = "正在核验……";
    Promise.all([this.didDocument(), this.statusList(credential)]).then(function (trust) {
      return window.TongdaVoucher.verifyVoucher(credential, { did: trust[0] || {}, statusList: trust[1],
        report: report.trim() ? report.trim() : undefined });
    }).then(function (checks) { self.show(credential, checks); }, function (error) {
      self.progress.textContent = "无法核验：" + (error && error.message ? error.message : error);
    });
  };

  Verifier.prototype.show = function (credential, checks) {
    var failed = checks.filter(function (c) { return !c.ok; });
    var title = this.root.querySelector(".td-voucher__results-title");
    title.textContent = failed.length ? "核验结果：凭证无效（" + failed.length + " 项未通过）" : "核验结果：凭证有效，各项均通过";
    var list = this.root.querySelector(".td-voucher__checks");
    list.textContent = "";
    checks.forEach(function (c) {
      var item = el("li", { "class": "td-voucher__check td-voucher__check--" + (c.ok ? "pass" : "fail"), "data-check": c.name });
      item.appendChild(el("span", { "class": "td-voucher__verdict" }, (c.ok ? "✓ 通过" : "✗ 未通过") + "："));
      item.appendChild(document.createTextNode(c.label + "。" + c.detail));
      list.appendChild(item);
    });
    var facts = this.root.querySelector(".td-voucher__facts");
    facts.textContent = "";
    FACTS.forEach(function (f) {
      var value = f[1](credential);
      if (value) { facts.appendChild(el("dt", {}, f[0])); facts.appendChild(el("dd", {}, String(value))); }
    });
    this.progress.textContent = "";
    this.results.hidden = false;
    this.results.setAttribute("data-valid", failed.length ? "false" : "true");
    title.focus();
  };

  function start() {
    if (!window.TongdaVoucher || !window.crypto || !window.crypto.subtle) { return; }
    Array.prototype.forEach.call(document.querySelectorAll('[data-module="td-voucher"]'), function (root) {
      new Verifier(root).start();
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
