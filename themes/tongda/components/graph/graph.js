/* Tongda policy graph explorer: find a document, see its neighbourhood as a list AND a
 * picture, move along edges, filter by what a relation means (上位政策, 下位政策, 解读,
 * 办事服务, 常见问题, 同级相关) and by level. Reads graph/graph.json ({nodes, edges}).
 * One group per relation as readers see it (a relation written on both sides is one
 * group), each document drawn once, counted as the document's own page counts it.
 * The page works without this script (it explains where the lists are).
 * State lives in the URL fragment (#document-id) so Back and bookmarks work. */
(function () {
  "use strict";
  var root = document.querySelector('[data-module="td-graph-explorer"]');
  if (!root) { return; }
  var SVG = "http://www.w3.org/2000/svg";
  var W = 880, H = 440, RX = 220, RY = 165, MAX_DRAWN = 24;
  var SHORT = { "interprets:out": "解读对象", "interprets:in": "解读", "based_on:out": "上位",
    "based_on:in": "下位", "implements:out": "依据", "implements:in": "服务", "services:out": "服务",
    "services:in": "依据", "supersedes:out": "替代", "supersedes:in": "被替代", "amends:out": "修改",
    "amends:in": "被修改", "about:out": "关于", "about:in": "问答", "scenario:out": "场景内容",
    "scenario:in": "场景", "cites:out": "引用", "cites:in": "被引", "related:out": "相关", "related:in": "相关" };
  var ORDER = ["interprets", "based_on", "implements", "services", "supersedes", "amends",
    "about", "scenario", "cites", "related"];
  var LINE = 11, STATE = "中华人民共和国";
  /* Which filter (data-filters: [{name, label, covers: ["kind:dir"]}]) covers a relation. */
  var filterOf = {};
  JSON.parse(root.getAttribute("data-filters") || "[]").forEach(function (f) {
    f.covers.forEach(function (rel) { filterOf[rel] = f.name; });
  });
  var edgeLabels = JSON.parse(root.getAttribute("data-edge-labels") || "{}");
  var kindLabels = JSON.parse(root.getAttribute("data-kind-labels") || "{}");
  var levelLabels = {};
  JSON.parse(root.getAttribute("data-level-labels") || "[]").forEach(function (l) {
    levelLabels[l.level] = l.label;
  });
  var base = root.getAttribute("data-base") || "";
  var form = root.querySelector(".td-graph-explorer__controls");
  var input = root.querySelector("#td-graph-q");
  var status = root.querySelector(".td-graph-explorer__status");
  var results = root.querySelector(".td-graph-explorer__results");
  var resultList = root.querySelector(".td-graph-explorer__result-list");
  var current = root.querySelector(".td-graph-explorer__current");
  var heading = root.querySelector("#td-graph-current-title");
  var metaLine = root.querySelector(".td-graph-explorer__meta");
  var picture = root.querySelector(".td-graph-explorer__picture");
  var lists = root.querySelector(".td-graph-explorer__lists");
  var nodes = {}, outgoing = {}, incoming = {}, all = [];

  root.classList.add("td-graph-explorer--js");
  root.querySelector(".td-graph-explorer__nojs").hidden = true;

  function say(text) { status.textContent = text; }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function checked(name) {
    var out = {};
    form.querySelectorAll('input[name="' + name + '"]').forEach(function (box) {
      out[box.value] = box.checked;
    });
    return out;
  }

  function cnDate(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
    return m ? m[1] + "年" + Number(m[2]) + "月" + Number(m[3]) + "日" : iso;
  }

  function describe(node) {
    var parts = [kindLabels[node.kind] || node.kind];
    if (node.level) { parts.push(levelLabels[node.level] || node.level); }
    if (node.doc_number) { parts.push(node.doc_number); }
    if (node.date) { parts.push(cnDate(node.date)); }
    return parts.join(" · ");
  }

  /* The neighbours grouped by relation as readers see it (its label: a policy's services
   * and a service's policies are one group), declared relations first in each group. */
  function groupsOf(id) {
    var shown = checked("kind"), levels = checked("level"), groups = {}, keys = [];
    function add(edge, dir) {
      var otherId = dir === "out" ? edge.target : edge.source;
      var other = nodes[otherId], rel = edge.kind + ":" + dir;
      if (!other || edge.kind === "topic" || shown[filterOf[rel]] === false) { return; }
      if (levels[other.level || "none"] === false) { return; }
      var labels = edgeLabels[edge.kind] || [edge.kind, edge.kind];
      var key = labels[dir === "out" ? 0 : 1];
      if (!groups[key]) {
        groups[key] = { kind: edge.kind, dir: dir, label: key, items: [], seen: {},
          rank: ORDER.indexOf(edge.kind) * 2 + (dir === "out" ? 0 : 1) };
        keys.push(key);
      }
      var group = groups[key];
      if (group.seen[otherId]) {  // declared on one side, found on the other: declared wins
        if (edge.declared) { group.items.forEach(function (it) { if (it.node === other) { it.declared = true; } }); }
        return;
      }
      group.seen[otherId] = true;
      group.items.push({ node: other, declared: edge.declared });
    }
    (outgoing[id] || []).forEach(function (e) { add(e, "out"); });
    (incoming[id] || []).forEach(function (e) { add(e, "in"); });
    keys.sort(function (a, b) { return groups[a].rank - groups[b].rank; });
    return keys.map(function (k) {
      groups[k].items.sort(function (x, y) { return (y.declared ? 1 : 0) - (x.declared ? 1 : 0); });
      return groups[k];
    });
  }

  /* A node's label in at most two lines, without the state's name; the full title goes in
   * the node's tooltip and in the list. */
  function labelLines(relation, title) {
    var text = relation + "：" + (title.indexOf(STATE) === 0 && title.length > STATE.length ? title.slice(STATE.length) : title);
    if (text.length <= LINE) { return [text]; }
    return [text.slice(0, LINE), short(text.slice(LINE), LINE)];
  }

  function svgEl(tag, attrs, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function short(text, n) { return text.length <= n ? text : text.slice(0, n - 1) + "…"; }

  function draw(centre, groups) {
    var drawn = [], seen = {}, total = 0;
    groups.forEach(function (g) {
      g.items.forEach(function (item) {
        if (seen[item.node.id]) { return; }  // one dot per document, however it is related
        seen[item.node.id] = true;
        total += 1;
        if (drawn.length < MAX_DRAWN) { drawn.push({ group: g, item: item }); }
      });
    });
    var svg = svgEl("svg", { "class": "td-graph__svg", viewBox: "0 0 " + W + " " + H,
      role: "img", "aria-labelledby": "td-graph-x-title" });
    svg.appendChild(svgEl("title", { id: "td-graph-x-title" },
      "《" + centre.title + "》的关系图：显示 " + drawn.length + " 项，共 " + total + " 项，详见图下列表"));
    var defs = svgEl("defs", {});
    var marker = svgEl("marker", { id: "td-graph-x-arrow", viewBox: "0 0 10 10", refX: "10", refY: "5",
      markerWidth: "7", markerHeight: "7", orient: "auto-start-reverse" });
    marker.appendChild(svgEl("path", { d: "M0 0L10 5L0 10z", fill: "currentColor" }));
    defs.appendChild(marker);
    svg.appendChild(defs);
    var cx = W / 2, cy = H / 2, labels = [];
    drawn.forEach(function (d, i) {
      var a = -Math.PI / 2 + 2 * Math.PI * i / Math.max(drawn.length, 1);
      var x = cx + RX * Math.cos(a), y = cy + RY * Math.sin(a);
      var ux = Math.cos(a) * RX, uy = Math.sin(a) * RY, len = Math.sqrt(ux * ux + uy * uy) || 1;
      ux /= len; uy /= len;
      var p = [cx + ux * 16, cy + uy * 16, x - ux * 9, y - uy * 9];
      if (d.group.dir === "in") { p = [p[2], p[3], p[0], p[1]]; }
      svg.appendChild(svgEl("line", { "class": "td-graph__edge td-graph__edge--" +
        (d.item.declared ? "declared" : "found"), x1: p[0].toFixed(0), y1: p[1].toFixed(0),
        x2: p[2].toFixed(0), y2: p[3].toFixed(0), "marker-end": "url(#td-graph-x-arrow)" }));
      var cos = Math.cos(a), sin = Math.sin(a);
      var anchor = Math.abs(cos) < 0.2 ? "middle" : (cos > 0 ? "start" : "end");
      var lines = labelLines(SHORT[d.group.kind + ":" + d.group.dir] || d.group.label, d.item.node.title);
      var lx = (x + (anchor === "start" ? 12 : anchor === "end" ? -12 : 0)).toFixed(0);
      var ly = y + (sin > 0.3 ? 26 : sin < -0.3 ? -14 : 5) - (sin < -0.3 && lines.length > 1 ? 17 : 0);
      var item = svgEl("g", { "class": "td-graph__item" });
      item.appendChild(svgEl("circle", { "class": "td-graph__node td-graph__node--" + d.item.node.kind,
        cx: x.toFixed(0), cy: y.toFixed(0), r: "8" }));
      item.appendChild(svgEl("title", {}, d.group.label + "：" + d.item.node.title));
      var text = svgEl("text", { "class": "td-graph__label", "text-anchor": anchor, x: lx, y: ly.toFixed(0) });
      lines.forEach(function (line, k) {
        text.appendChild(svgEl("tspan", k ? { x: lx, dy: "1.2em" } : { x: lx }, line));
      });
      item.appendChild(text);
      labels.push(item);
    });
    labels.forEach(function (n) { svg.appendChild(n); });
    svg.appendChild(svgEl("circle", { "class": "td-graph__node td-graph__node--centre", cx: cx, cy: cy, r: "14" }));
    var name = short(centre.title.indexOf(STATE) === 0 ? centre.title.slice(STATE.length) : centre.title, 16);
    svg.appendChild(svgEl("rect", { "class": "td-graph__backdrop", x: cx - 9 * name.length - 6, y: cy + 20,
      width: 18 * name.length + 12, height: 24, rx: 4 }));
    svg.appendChild(svgEl("text", { "class": "td-graph__label td-graph__label--centre", x: cx, y: cy + 38,
      "text-anchor": "middle" }, name));
    picture.replaceChildren(svg);
    return total;
  }

  function itemRow(node, note) {
    var li = el("li");
    var link = el("a", null, node.title);
    link.href = base + node.url;
    li.appendChild(link);
    li.appendChild(el("span", "td-doc-meta", " " + describe(node) + (note ? " · " + note : "")));
    var button = el("button", "td-graph-explorer__go", "查看关系");
    button.type = "button";
    button.setAttribute("aria-label", "查看关系：" + node.title);
    button.setAttribute("data-id", node.id);
    li.appendChild(document.createTextNode(" "));
    li.appendChild(button);
    return li;
  }

  function show(id, moveFocus) {
    var centre = nodes[id];
    if (!centre) { return; }
    var groups = groupsOf(id);
    current.hidden = false;
    heading.textContent = "当前文件：" + centre.title;
    metaLine.replaceChildren();
    var open = el("a", null, "打开文件页面");
    open.href = base + centre.url;
    metaLine.appendChild(document.createTextNode(describe(centre) + " · "));
    metaLine.appendChild(open);
    var total = draw(centre, groups);
    lists.replaceChildren();
    if (!groups.length) { lists.appendChild(el("p", null, "按当前筛选条件，没有相关文档。")); }
    groups.forEach(function (g) {
      lists.appendChild(el("h3", null, g.label + "（" + g.items.length + "）"));
      var ul = el("ul", "td-graph-explorer__list");
      g.items.forEach(function (item) {
        ul.appendChild(itemRow(item.node, item.declared ? "声明的关系" : "正文中的引用"));
      });
      lists.appendChild(ul);
    });
    say("当前文件：" + centre.title + "，相关文档 " + total + " 项。");
    if (moveFocus) { heading.focus(); }
  }

  function search(query) {
    var q = query.trim().toLowerCase();
    resultList.replaceChildren();
    if (!q) { results.hidden = true; say("请输入要查找的标题或文号。"); return; }
    var found = all.filter(function (n) {
      return n.title.toLowerCase().indexOf(q) >= 0 || (n.doc_number || "").toLowerCase().indexOf(q) >= 0;
    });
    found.slice(0, 30).forEach(function (n) { resultList.appendChild(itemRow(n, "")); });
    results.hidden = false;
    say(found.length ? "找到 " + found.length + " 个文件" + (found.length > 30 ? "，显示前 30 个。" : "。")
      : "没有找到包含“" + query + "”的文件。");
  }

  function fromHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (nodes[id]) { show(id, false); }
  }

  root.addEventListener("click", function (event) {
    var button = event.target.closest(".td-graph-explorer__go");
    if (!button) { return; }
    var id = button.getAttribute("data-id");
    if (location.hash.slice(1) === id) { show(id, true); } else { location.hash = id; }
  });
  window.addEventListener("hashchange", function () {
    var id = decodeURIComponent(location.hash.slice(1));
    if (nodes[id]) { show(id, true); }
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); search(input.value); });
  form.addEventListener("change", function () {
    var id = decodeURIComponent(location.hash.slice(1));
    if (nodes[id]) { show(id, false); }
  });

  say("正在载入图谱数据…");
  fetch(root.getAttribute("data-graph-url")).then(function (r) {
    if (!r.ok) { throw new Error(r.status); }
    return r.json();
  }).then(function (data) {
    data.nodes.forEach(function (n) { nodes[n.id] = n; all.push(n); });
    data.edges.forEach(function (e) {
      (outgoing[e.source] = outgoing[e.source] || []).push(e);
      (incoming[e.target] = incoming[e.target] || []).push(e);
    });
    form.hidden = false;
    say("图谱已载入：" + all.length + " 个文档，" + data.edges.length + " 条关系。");
    fromHash();
  }).catch(function () {
    root.querySelector(".td-graph-explorer__nojs").hidden = false;
    say("图谱数据载入失败，请使用各文件页面中的关系列表。");
  });
}());
