/* 智能问答: the chat panel ([data-module="td-qa"]) over the Q&A function (data-api).
 * Without this script the panel is a link to the FAQ list. With it: each question and its
 * answer are added to a log (a list with a heading per question); one short sentence is
 * announced in the polite status region; focus stays in the question box. An answer offers
 * 满意/不满意; what the robot cannot answer can be submitted to a person (Idempotency-Key),
 * and the answer read later with the question's number and code (kept in this browser). */
(function () {
  "use strict";

  var STORE = "tongda-qa-questions";
  var FACTS = [["time_limit", "办理时限"], ["fee", "收费"], ["where", "办理地点"], ["online", "网上办理"],
    ["appointment", "预约"], ["materials", "申请材料"], ["phone", "咨询电话"]];

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }
  function link(href, text) { return el("a", { href: href }, text); }
  function newKey() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = new Uint8Array(20);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function readJson(response) { return response.json().catch(function () { return null; }); }
  function problemText(response, body) {
    if (body && body.detail) { return body.detail; }
    if (response.status === 429) { return "提问过于频繁，请稍后再试。"; }
    return "暂时无法回答（" + response.status + "），请稍后再试，或查看常见问题。";
  }
  function saved() {
    try { return JSON.parse(localStorage.getItem(STORE) || "[]"); } catch (e) { return []; }
  }
  function keep(entry) {
    try { localStorage.setItem(STORE, JSON.stringify(saved().concat([entry]).slice(-20))); } catch (e) { /* private mode */ }
  }

  function Panel(root) {
    this.root = root;
    this.api = root.getAttribute("data-api");
    this.faq = root.getAttribute("data-faq");
    this.form = root.querySelector(".td-qa__form");
    this.input = root.querySelector(".td-qa__input");
    this.log = root.querySelector(".td-qa__log");
    this.heading = root.querySelector(".td-qa__heading");
    this.status = root.querySelector(".td-qa__status");
    this.turns = 0;
    root.classList.add("td-qa--js");
    this.form.hidden = false;
    var self = this;
    this.form.addEventListener("submit", function (event) { event.preventDefault(); self.ask(self.input.value, false); });
    this.lookup(root.querySelector(".td-qa__lookup"));
  }
  Panel.prototype.say = function (text) {
    /* Cleared first, so the same sentence twice is announced twice. */
    var status = this.status;
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  };
  Panel.prototype.ask = function (question, literal) {
    var q = question.trim(), self = this;
    if (!q) { this.say("请先输入问题。"); return; }
    this.say("正在查找答案…");
    var url = this.api + "ask?q=" + encodeURIComponent(q) + (literal ? "&literal=true" : "");
    fetch(url, { headers: { Accept: "application/json" } }).then(function (response) {
      return readJson(response).then(function (body) {
        if (!response.ok) { self.turn(q).appendChild(el("p", { "class": "td-qa__problem" }, problemText(response, body))); self.say(problemText(response, body)); return; }
        self.input.value = "";
        self.answer(q, body);
      });
    }).catch(function () { self.say("网络连接出错，请稍后再试。"); });
  };
  /* A new entry of the log: the question as a heading. */
  Panel.prototype.turn = function (q) {
    this.turns += 1;
    this.log.hidden = false;
    this.heading.hidden = false;
    var item = el("li", { "class": "td-qa__turn" });
    var h = el("h3", { "class": "td-qa__question", id: "td-qa-turn-" + this.turns });
    h.appendChild(el("span", { "class": "td-qa__who" }, "您问："));
    h.appendChild(document.createTextNode(q));
    item.appendChild(h);
    this.log.appendChild(item);
    return item;
  };
  Panel.prototype.answer = function (q, res) {
    var item = this.turn(q), self = this, answers = res.answers || [];
    if (res.corrected_query) {
      var notice = el("p", { "class": "td-qa__notice" }, "已按“" + res.corrected_query + "”回答。");
      var again = el("button", { type: "button", "class": "td-qa__link-button" }, "仍按“" + q + "”回答");
      again.addEventListener("click", function () { self.ask(q, true); });
      notice.appendChild(again);
      item.appendChild(notice);
    }
    if (res.fallback) {
      item.appendChild(el("p", { "class": "td-qa__fallback" }, res.fallback.message));
      this.related(item, answers.slice(0, 3), "您也可以看看这些可能相关的内容：");
      this.submitForm(item, q);
      this.say("暂时回答不了这个问题，您可以提交给工作人员。");
      return;
    }
    if (!answers.length) { item.appendChild(el("p", {}, "没有找到答案。")); this.say("没有找到答案。"); return; }
    if (res.clarify) {
      item.appendChild(el("p", { "class": "td-qa__clarify" }, res.clarify.question));
      var list = el("ul", { "class": "td-qa__choices" });
      res.clarify.choices.forEach(function (c) { var li = el("li"); li.appendChild(link(c.url, c.label)); list.appendChild(li); });
      item.appendChild(list);
      this.say("需要您选择：" + res.clarify.question);
      return;
    }
    this.best(item, q, answers[0]);
    this.related(item, answers.slice(1, 5), "其他相关内容：");
    this.say((answers[0].kind === "complaint" ? "可以通过随手拍反映：" : "已找到答案：") + answers[0].title);
  };
  Panel.prototype.best = function (item, q, a) {
    var box = el("div", { "class": "td-qa__answer" });
    var title = el("p", { "class": "td-qa__answer-title" });
    title.appendChild(link(a.url, a.title));
    title.appendChild(el("span", { "class": "td-qa__kind" }, "（" + a.kind_label + "）"));
    box.appendChild(title);
    box.appendChild(el("p", { "class": "td-qa__excerpt" }, a.excerpt));
    if (a.facts) { box.appendChild(this.facts(a.facts)); }
    if (a.next && a.next.length) {
      var next = el("ul", { "class": "td-qa__next", "aria-label": "下一步" });
      a.next.forEach(function (n) { var li = el("li"); li.appendChild(link(n.url, n.label)); next.appendChild(li); });
      box.appendChild(next);
    }
    if (a.kind !== "complaint") { box.appendChild(this.feedback(q, a)); }
    item.appendChild(box);
  };
  Panel.prototype.facts = function (facts) {
    var dl = el("dl", { "class": "td-qa__facts" });
    FACTS.forEach(function (f) {
      var value = facts[f[0]];
      if (value === undefined || value === null || value === "" || (f[0] === "materials" && !value)) { return; }
      var row = el("div");
      row.appendChild(el("dt", {}, f[1]));
      var dd = el("dd");
      if (f[0] === "online") { dd.appendChild(link(value, "在线办理入口")); }
      else { dd.textContent = f[0] === "materials" ? value + " 项（详见办事指南）" : value; }
      row.appendChild(dd);
      dl.appendChild(row);
    });
    return dl;
  };
  Panel.prototype.feedback = function (q, a) {
    var self = this, group = el("div", { "class": "td-qa__feedback", role: "group", "aria-label": "这个回答有帮助吗" });
    group.appendChild(el("span", { "class": "td-qa__feedback-label" }, "这个回答有帮助吗？"));
    var key = newKey();
    [["up", "满意"], ["down", "不满意"]].forEach(function (v) {
      var b = el("button", { type: "button", "class": "td-qa__button td-qa__button--secondary", "aria-pressed": "false" }, v[1]);
      b.addEventListener("click", function () {
        var buttons = group.querySelectorAll("button");
        Array.prototype.forEach.call(buttons, function (x) { x.disabled = true; });
        b.setAttribute("aria-pressed", "true");
        fetch(self.api + "feedback", { method: "POST", headers: { "Content-Type": "application/json", "Idempotency-Key": key },
          body: JSON.stringify({ page: a.id, vote: v[0], q: q }) })
          .then(function (r) { self.say(r.ok ? "感谢您的评价。" : "评价没有提交成功，请稍后再试。"); })
          .catch(function () { self.say("评价没有提交成功，请稍后再试。"); });
      });
      group.appendChild(b);
    });
    return group;
  };
  Panel.prototype.related = function (item, answers, caption) {
    if (!answers.length) { return; }
    item.appendChild(el("p", { "class": "td-qa__related-caption" }, caption));
    var list = el("ul", { "class": "td-qa__related" });
    answers.forEach(function (a) {
      var li = el("li");
      li.appendChild(link(a.url, a.title));
      li.appendChild(el("span", { "class": "td-qa__kind" }, "（" + a.kind_label + "）"));
      list.appendChild(li);
    });
    item.appendChild(list);
  };
  /* "Submit to a person": a small form inside the answer. */
  Panel.prototype.submitForm = function (item, q) {
    var self = this, n = this.turns, form = el("form", { "class": "td-qa__submit" }), key = newKey();
    form.appendChild(el("p", { "class": "td-qa__submit-title" }, "提交给工作人员"));
    var f1 = el("div", { "class": "td-qa__field" });
    f1.appendChild(el("label", { "for": "td-qa-ask-" + n }, "您的问题"));
    var text = el("textarea", { id: "td-qa-ask-" + n, name: "question", rows: "3", maxlength: "200" });
    text.value = q;
    f1.appendChild(text);
    var f2 = el("div", { "class": "td-qa__field" });
    f2.appendChild(el("label", { "for": "td-qa-contact-" + n }, "联系方式（选填，只有工作人员能看到）"));
    var contact = el("input", { id: "td-qa-contact-" + n, name: "contact", type: "text", maxlength: "100", autocomplete: "tel" });
    f2.appendChild(contact);
    var button = el("button", { type: "submit", "class": "td-qa__button" }, "提交问题");
    var result = el("p", { "class": "td-qa__submit-result" });
    form.appendChild(f1); form.appendChild(f2); form.appendChild(button); form.appendChild(result);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      button.disabled = true;
      fetch(self.api + "questions", { method: "POST", headers: { "Content-Type": "application/json", "Idempotency-Key": key },
        body: JSON.stringify({ question: text.value.trim(), contact: contact.value.trim() || null }) })
        .then(function (r) {
          return readJson(r).then(function (body) {
            if (!r.ok) { button.disabled = false; result.textContent = problemText(r, body); self.say(result.textContent); return; }
            keep({ id: body.id, code: body.code });
            result.textContent = "已提交。问题编号 " + body.id + "，查询码 " + body.code +
              "。请记下查询码，工作人员答复后，可在本页下方“查看已提交问题的答复”中查看。";
            self.fillLookup(body.id, body.code);
            self.say("问题已提交，问题编号 " + body.id + "。");
          });
        }).catch(function () { button.disabled = false; self.say("网络连接出错，问题没有提交，请稍后再试。"); });
    });
    item.appendChild(form);
  };
  Panel.prototype.fillLookup = function (id, code) {
    if (!this.lookupForm) { return; }
    this.lookupForm.elements.namedItem("qid").value = id;
    this.lookupForm.elements.namedItem("code").value = code;
  };
  Panel.prototype.lookup = function (section) {
    if (!section) { return; }
    section.hidden = false;
    var self = this, form = section.querySelector("form"), out = section.querySelector(".td-qa__lookup-result");
    this.lookupForm = form;
    var last = saved().slice(-1)[0];
    if (last) { this.fillLookup(last.id, last.code); }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var id = form.elements.namedItem("qid").value.trim(), code = form.elements.namedItem("code").value.trim();
      if (!id || !code) { out.textContent = "请填写问题编号和查询码。"; return; }
      out.textContent = "正在查询…";
      fetch(self.api + "questions/" + encodeURIComponent(id), { headers: { Accept: "application/json", "X-Question-Code": code } })
        .then(function (r) {
          return readJson(r).then(function (body) {
            if (!r.ok) { out.textContent = problemText(r, body); return; }
            out.textContent = body.status === "answered" ? "工作人员的答复：" + body.answer :
              "您的问题（" + body.question + "）还在等待答复，请稍后再来查看。";
          });
        }).catch(function () { out.textContent = "网络连接出错，请稍后再试。"; });
    });
  };

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll('[data-module="td-qa"]'), function (root) { new Panel(root); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
