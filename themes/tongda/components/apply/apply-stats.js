/* The policy page's 在线申请 box: public, anonymous counts from GET api/apply/stats.
 * Without JavaScript (or when the function is not deployed) the box keeps its link and
 * says the figures need JavaScript. */
(function () {
  "use strict";
  function yuan(fen) {
    var whole = Math.floor(fen / 100), cents = fen % 100;
    return String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (cents ? "." + (cents < 10 ? "0" : "") + cents : "") + "元";
  }
  function duration(seconds) {
    if (seconds < 60) { return "不到1分钟"; }
    if (seconds < 3600) { return Math.round(seconds / 60) + "分钟"; }
    if (seconds < 86400) { return Math.round(seconds / 3600) + "小时"; }
    return Math.round(seconds / 86400) + "天";
  }
  function show(box) {
    var out = box.querySelector(".td-apply-box__stats");
    fetch(box.getAttribute("data-api") + "stats", { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (stats) {
        var id = box.getAttribute("data-policy");
        var item = (stats.policies || []).filter(function (p) { return p.policy.id === id; })[0];
        if (!item || !item.applications) { out.textContent = "截至" + stats.as_of_text + "，尚无办理记录。"; return; }
        var text = "截至" + stats.as_of_text + "：共办理 " + item.applications + " 件，批准 " + item.approved +
          " 件（其中免申即享 " + item.proactive + " 件），批准金额 " + yuan(item.amount_fen) +
          "；已发放到账 " + item.paid + " 件，共 " + yuan(item.paid_fen) + "。";
        if (item.median_seconds_to_decision !== null) {
          text += "在线申请从提交到作出决定的时间中位数：" + duration(item.median_seconds_to_decision) + "。";
        }
        if (item.median_seconds_to_payment !== null) {
          text += "从批准到发放到账的时间中位数：" + duration(item.median_seconds_to_payment) + "。";
        }
        out.textContent = text;
      })
      .catch(function () { out.textContent = "办理统计暂时无法获取。"; });
  }
  function init() {
    if (!window.fetch) { return; }
    document.querySelectorAll('[data-module="td-apply-stats"]').forEach(show);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
