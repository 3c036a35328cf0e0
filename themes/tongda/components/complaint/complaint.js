/* 随手拍: the report form, the reporter's status page, the list of recent reports.
 * The form works as a plain POST without this script; with it, only the chosen kind's
 * questions are shown and sent, the location can come from the device, likely duplicates
 * are offered before submitting, and a double click files one report (Idempotency-Key). */
(function () {
  "use strict";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }
  function when(iso) {
    if (!iso) { return ""; }
    try {
      return new Date(iso).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false });
    } catch (e) { return iso; }
  }
  function newKey() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = new Uint8Array(20);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function problemText(response, body) {
    if (body && body.detail) { return body.detail; }
    if (response.status === 429) { return "提交过于频繁，请稍后再试。"; }
    return "提交没有成功（" + response.status + "），请稍后再试，或拨打 12345 反映。";
  }
  function readJson(response) {
    return response.json().catch(function () { return null; });
  }

  /* -- the form ------------------------------------------------------------------- */
  function Form(root) {
    this.root = root;
    this.api = root.getAttribute("data-api");
    this.form = root.querySelector("form");
    this.summary = root.querySelector(".td-complaint__error-summary");
    this.status = root.querySelector(".td-complaint__status");
    this.key = null;
    root.classList.add("td-complaint--ready");
    this.bind();
    this.showService();
  }
  Form.prototype.bind = function () {
    var self = this, form = this.form;
    form.service_code.addEventListener("change", function () { self.key = null; self.showService(); self.nearby(); });
    var count = this.root.querySelector("#td-complaint-count");
    form.description.addEventListener("input", function () {
      count.textContent = "已输入 " + form.description.value.length + " 字，最多 4000 字";
      self.key = null;
    });
    var locate = this.root.querySelector(".td-complaint__locate");
    if (navigator.geolocation) {
      locate.hidden = false;
      locate.querySelector("button").addEventListener("click", function () { self.locate(); });
    }
    form.addEventListener("submit", function (event) { event.preventDefault(); self.submit(); });
  };
  Form.prototype.showService = function () {
    var chosen = this.form.service_code.value;
    Array.prototype.forEach.call(this.root.querySelectorAll(".td-complaint__service"), function (set) {
      var mine = set.getAttribute("data-service") === chosen;
      set.hidden = !mine;
      set.disabled = !mine;  // a disabled fieldset's fields are not sent
    });
  };
  Form.prototype.locate = function () {
    var self = this;
    this.status.textContent = "正在获取您的位置……";
    navigator.geolocation.getCurrentPosition(function (position) {
      self.form.lat.value = position.coords.latitude.toFixed(6);
      self.form.long.value = position.coords.longitude.toFixed(6);
      self.status.textContent = "已获取当前位置。地址栏可以再补充说明。";
      self.nearby();
    }, function () {
      self.status.textContent = "无法获取位置，请在上面填写地址。";
    }, { enableHighAccuracy: true, timeout: 15000 });
  };
  Form.prototype.nearby = function () {
    var self = this, form = this.form, box = this.root.querySelector(".td-complaint__nearby");
    if (!form.service_code.value || !form.lat.value) { box.hidden = true; return; }
    var query = "service_code=" + encodeURIComponent(form.service_code.value) +
      "&lat=" + encodeURIComponent(form.lat.value) + "&long=" + encodeURIComponent(form.long.value);
    fetch(this.api + "nearby?" + query, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (found) { self.showNearby(box, found); })
      .catch(function () { box.hidden = true; });
  };
  Form.prototype.showNearby = function (box, found) {
    var self = this, list = box.querySelector("ul");
    list.textContent = "";
    found.forEach(function (item) {
      var li = el("li", {}, "编号 " + item.service_request_id + "，约 " + item.distance_m + " 米外，" +
        item.stage_label + "，已有 " + item.supporters + " 人附议。" + (item.description || "") + " ");
      var button = el("button", { type: "button", "class": "td-complaint__button td-complaint__button--secondary" }, "我也遇到了");
      button.addEventListener("click", function () { self.meToo(item, button); });
      li.appendChild(button);
      list.appendChild(li);
    });
    box.hidden = found.length === 0;
  };
  Form.prototype.meToo = function (item, button) {
    var self = this, phone = this.form.phone.value;
    fetch(this.api + "reports/" + item.service_request_id + "/metoo", {
      method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(phone ? { phone: phone } : {})
    }).then(readJson).then(function (body) {
      button.disabled = true;
      self.status.textContent = body && body.counted ? "已附议，现共有 " + body.supporters + " 人反映此问题。"
        : "您已经附议过这个问题。";
    });
  };
  Form.prototype.errors = function (list) {
    var ul = this.summary.querySelector("ul");
    ul.textContent = "";
    list.forEach(function (item) {
      var li = el("li");
      if (item.field) {
        var a = el("a", { href: "#" + item.field }, item.message);
        li.appendChild(a);
      } else { li.textContent = item.message; }
      ul.appendChild(li);
    });
    this.summary.hidden = list.length === 0;
    if (list.length) { this.summary.focus(); }
  };
  Form.prototype.check = function () {
    var form = this.form, problems = [];
    if (!form.service_code.value) { problems.push({ field: "td-complaint-service", message: "请选择问题类型" }); }
    if (!form.address_string.value.trim() && !form.lat.value) {
      problems.push({ field: "td-complaint-address", message: "请填写地址，或使用当前位置" });
    }
    var file = form.media.files && form.media.files[0];
    if (file && file.size > 8 * 1024 * 1024) { problems.push({ field: "td-complaint-photo", message: "照片不能超过 8 MB" }); }
    return problems;
  };
  Form.prototype.submit = function () {
    var self = this, problems = this.check();
    this.errors(problems);
    if (problems.length) { return; }
    var button = this.form.querySelector("button[type=submit]");
    button.disabled = true;
    this.status.textContent = "正在提交，请稍候……";
    this.key = this.key || newKey();  // the same key for a retry of the same report
    fetch(this.form.action, {
      method: "POST", body: new FormData(this.form),
      headers: { Accept: "application/json", "Idempotency-Key": this.key }
    }).then(function (response) {
      return readJson(response).then(function (body) {
        if (!response.ok) { throw new Error(problemText(response, body)); }
        var target = self.root.getAttribute("data-status") + "?id=" + encodeURIComponent(body.service_request_id) +
          "&key=" + encodeURIComponent(body.reporter_key);
        self.status.textContent = "已提交，问题编号 " + body.service_request_id + "，正在打开查询页……";
        window.location.assign(target);
      });
    }).catch(function (error) {
      button.disabled = false;
      self.status.textContent = "";
      self.errors([{ message: error.message }]);
    });
  };

  /* -- the reporter's status page ------------------------------------------------- */
  function Status(root) {
    this.root = root;
    this.api = root.getAttribute("data-api");
    this.status = root.querySelector(".td-complaint__status");
    var params = new URLSearchParams(window.location.search);
    this.id = params.get("id");
    this.key = params.get("key");
    root.classList.add("td-complaint--ready");
    this.bind();
    this.load();
  }
  Status.prototype.fail = function (message) {
    var box = this.root.querySelector(".td-complaint__error-summary");
    box.querySelector("p").textContent = message;
    box.hidden = false;
    box.focus();
    this.status.textContent = "";
  };
  Status.prototype.call = function (path, options) {
    var headers = { Accept: "application/json", "X-Reporter-Key": this.key };
    if (options && options.body) { headers["Content-Type"] = "application/json"; }
    return fetch(this.api + "reports/" + encodeURIComponent(this.id) + path,
      Object.assign({ headers: headers }, options || {})).then(function (response) {
      return readJson(response).then(function (body) {
        if (!response.ok) { throw new Error(problemText(response, body)); }
        return body;
      });
    });
  };
  Status.prototype.load = function () {
    var self = this;
    if (!this.id || !this.key) { this.fail("链接不完整：请使用提交时给您的专属查询链接。"); return; }
    this.status.textContent = "正在读取办理进度……";
    this.call("").then(function (report) { self.show(report, false); })
      .catch(function (error) { self.fail(error.message); });
  };
  Status.prototype.show = function (report, moveFocus) {
    var root = this.root, section = root.querySelector(".td-complaint__report");
    function set(name, value) { root.querySelector("[data-field=" + name + "]").textContent = value || "（无）"; }
    set("service_request_id", report.service_request_id);
    set("service_name", report.service_name);
    set("stage_label", report.stage_label + (report.overdue ? "（已超过承诺时限）" : ""));
    set("agency_responsible", report.agency_responsible);
    set("expected", when(report.expected_datetime));
    set("requested", when(report.requested_datetime));
    set("description", report.description);
    var photo = root.querySelector(".td-complaint__photo");
    photo.hidden = !report.media_url;
    if (report.media_url) { photo.querySelector("a").href = report.media_url; }
    var list = root.querySelector(".td-complaint__history");
    list.textContent = "";
    (report.history || []).forEach(function (step) {
      var text = when(step.at) + "　" + step.stage_label + "（" + step.by + "）" +
        (step.score ? "　评价：" + step.score + " 分" : "") + (step.note ? "：" + step.note : "");
      list.appendChild(el("li", {}, text));
    });
    var closed = report.status === "closed";
    root.querySelector(".td-complaint__rating").hidden = !(closed && report.rating === null);
    root.querySelector(".td-complaint__reopen").hidden = !(closed && report.rating !== null && report.rating <= 2);
    section.hidden = false;
    this.status.textContent = "已显示最新办理进度：" + report.stage_label + "。";
    if (moveFocus) { root.querySelector("#td-complaint-report-title").focus(); }
  };
  Status.prototype.bind = function () {
    var self = this;
    var rating = this.root.querySelector(".td-complaint__rating");
    rating.addEventListener("submit", function (event) {
      event.preventDefault();
      var score = rating.querySelector("input[name=score]:checked");
      if (!score) { self.fail("请选择满意程度。"); return; }
      self.call("/rating", { method: "POST", body: JSON.stringify({
        key: self.key, score: Number(score.value), comment: rating.comment.value || null }) })
        .then(function () { return self.call(""); })
        .then(function (report) { self.show(report, true); })
        .catch(function (error) { self.fail(error.message); });
    });
    var reopen = this.root.querySelector(".td-complaint__reopen");
    reopen.addEventListener("submit", function (event) {
      event.preventDefault();
      self.call("/reopen", { method: "POST", body: JSON.stringify({ key: self.key, reason: reopen.reason.value }) })
        .then(function () { return self.call(""); })
        .then(function (report) { self.show(report, true); })
        .catch(function (error) { self.fail(error.message); });
    });
  };

  /* -- recent reports --------------------------------------------------------------- */
  function Recent(root) {
    var api = root.getAttribute("data-api"), status = root.querySelector(".td-complaint__status");
    var table = root.querySelector("table"), body = table.querySelector("tbody");
    root.classList.add("td-complaint--ready");
    status.textContent = "正在读取……";
    fetch(api + "open311/v2/requests.json", { headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(); } return r.json(); })
      .then(function (requests) {
        requests.slice(0, 100).forEach(function (item) {
          var row = el("tr");
          row.appendChild(el("td", {}, item.service_request_id));
          row.appendChild(el("td", {}, item.service_name));
          row.appendChild(el("td", {}, (item.description || "").slice(0, 80)));
          row.appendChild(el("td", {}, when(item.requested_datetime)));
          row.appendChild(el("td", {}, item.status === "closed" ? "已办结" : "办理中"));
          body.appendChild(row);
        });
        table.hidden = false;
        status.textContent = "共 " + requests.length + " 件。";
      })
      .catch(function () { status.textContent = "暂时无法读取列表，请稍后再试。"; });
  }

  var modules = { "td-complaint-form": Form, "td-complaint-status": Status, "td-complaint-recent": Recent };
  Array.prototype.forEach.call(document.querySelectorAll("[data-module^=td-complaint-]"), function (root) {
    var Module = modules[root.getAttribute("data-module")];
    if (Module) { new Module(root); }  // eslint-disable-line no-new
  });
}());
