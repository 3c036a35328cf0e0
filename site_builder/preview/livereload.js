/* Tongda preview (tongda serve): reloads the page when a rebuild finished, and shows the
 * content errors of a failed rebuild in a banner at the top of the page until they are
 * fixed. The banner is announced (role="alert") but never takes the focus; its links
 * lead to the full error list. Served at /__tongda/livereload.js, never published. */
(function () {
  "use strict";
  var SHOWN = 10;
  var known = null;
  var shownKey = null;
  var errorsKey = "";
  var listPage = document.documentElement.hasAttribute("data-td-error-list");

  function where(error) {
    if (!error.path) { return "查看错误"; }
    return error.path + (error.line ? ":" + error.line : "");
  }

  function item(error, index) {
    var li = document.createElement("li");
    var link = document.createElement("a");
    link.href = "/__tongda/errors#e" + (index + 1);
    link.textContent = where(error);
    li.appendChild(link);
    var text = (error.field ? " " + error.field : "") + "：" + error.message;
    li.appendChild(document.createTextNode(text));
    return li;
  }

  function banner(errors) {
    var box = document.createElement("div");
    box.id = "td-preview-errors";
    box.className = "td-preview-errors";
    box.setAttribute("role", "alert");
    var title = document.createElement("p");
    title.className = "td-preview-errors__title";
    title.textContent = "内容有 " + errors.length + " 处错误，网站没有更新（这里显示的是上次生成的版本）。改正后会自动刷新：";
    box.appendChild(title);
    var list = document.createElement("ul");
    list.className = "td-preview-errors__list";
    errors.slice(0, SHOWN).forEach(function (error, index) { list.appendChild(item(error, index)); });
    box.appendChild(list);
    var all = document.createElement("a");
    all.href = "/__tongda/errors";
    all.textContent = errors.length > SHOWN
      ? "查看全部 " + errors.length + " 处错误" : "在错误清单页查看";
    var more = document.createElement("p");
    more.appendChild(all);
    box.appendChild(more);
    return box;
  }

  function stylesheet() {
    if (document.getElementById("td-preview-css")) { return; }
    var link = document.createElement("link");
    link.id = "td-preview-css";
    link.rel = "stylesheet";
    link.href = "/__tongda/preview.css";
    document.head.appendChild(link);
  }

  function place(box) {
    // After the skip link, so it stays the first stop of the keyboard; before the header.
    var first = document.body.firstElementChild;
    var skip = first && first.matches("a[href='#main']") ? first : null;
    document.body.insertBefore(box, skip ? skip.nextSibling : document.body.firstChild);
  }

  function show(errors) {
    var key = JSON.stringify(errors);
    if (key === shownKey) { return; }
    if (listPage) {
      // The error list page is rendered by the server: fetch it again when the list changed.
      if (shownKey !== null) { location.reload(); }
      shownKey = key;
      return;
    }
    shownKey = key;
    var old = document.getElementById("td-preview-errors");
    if (old) { old.parentNode.removeChild(old); }
    if (!errors.length) { return; }
    stylesheet();
    place(banner(errors));
  }

  // Where the editor was reading: a reload after a save keeps the place.
  var SCROLL_KEY = "td-preview-scroll:" + location.pathname;

  function reload() {
    try { sessionStorage.setItem(SCROLL_KEY, String(window.scrollY)); } catch (e) { /* private mode */ }
    location.reload();
  }

  function restoreScroll() {
    var y = null;
    try {
      y = sessionStorage.getItem(SCROLL_KEY);
      sessionStorage.removeItem(SCROLL_KEY);
    } catch (e) { /* private mode */ }
    if (y !== null) { window.scrollTo(0, Number(y) || 0); }
  }

  // The server answers when the version or the errors change (or after 20 s): the page
  // reloads as soon as a rebuild is done, without polling every second.
  function poll() {
    var url = "/__tongda/version";
    if (known !== null) { url += "?after=" + known + "&errors=" + encodeURIComponent(errorsKey); }
    fetch(url, {cache: "no-store"})
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (known !== null && state.version !== known) { reload(); return; }
        known = state.version;
        errorsKey = state.errors_key || "";
        show(state.errors || []);
        setTimeout(poll, 0);
      })
      .catch(function () { setTimeout(poll, 1000); });  // the server is restarting
  }

  restoreScroll();
  poll();
})();
