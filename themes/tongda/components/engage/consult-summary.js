/* A closed draft's summary: how many comments came, by section, and the published ones,
 * from GET api/engage/consultations/<id>/summary. Without JavaScript (or when the
 * function is not deployed) the box keeps its sentence and the office's responses. */
(function () {
  "use strict";
  function el(tag, text) {
    var node = document.createElement(tag);
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function table(summary) {
    var wrap = el("div"), t = el("table"), head = el("tr");
    wrap.className = "td-consult__table-wrap";
    t.className = "td-consult__table";
    t.appendChild(el("caption", "各部分收到和公布的意见（条）"));
    ["部分", "收到", "公布"].forEach(function (name) {
      var th = el("th", name); th.setAttribute("scope", "col"); head.appendChild(th);
    });
    var thead = el("thead"), tbody = el("tbody");
    thead.appendChild(head); t.appendChild(thead);
    summary.by_section.forEach(function (row) {
      var tr = el("tr"), th = el("th", row.section);
      th.setAttribute("scope", "row");
      tr.appendChild(th);
      tr.appendChild(el("td", String(row.received)));
      tr.appendChild(el("td", String(row.published)));
      tbody.appendChild(tr);
    });
    t.appendChild(tbody);
    wrap.appendChild(t);
    return wrap;
  }
  function comments(summary) {
    var list = el("ol");
    list.className = "td-consult__comments";
    summary.comments.forEach(function (c) {
      var item = el("li"), where = el("p"), text = el("p", c.text);
      where.className = "td-consult__section";
      where.textContent = c.section + "，" + c.date;
      item.appendChild(text); item.appendChild(where);
      list.appendChild(item);
    });
    return list;
  }
  function show(box) {
    fetch(box.getAttribute("data-api"), { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (summary) {
        box.classList.add("td-consult--ready");
        box.appendChild(el("p", "共收到意见 " + summary.received + " 条，经审核公布 " + summary.published + " 条。"));
        box.appendChild(table(summary));
        if (summary.comments.length) {
          box.appendChild(el("h3", "公布的意见"));
          box.appendChild(comments(summary));
        }
      })
      .catch(function () {
        box.querySelector(".td-consult__nojs").textContent = "意见汇总暂时无法获取，请稍后再试。";
      });
  }
  function init() {
    if (!window.fetch) { return; }
    document.querySelectorAll('[data-module="td-consult-summary"]').forEach(show);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
