/* Tongda search combobox: suggestions as you type, arrow keys, Enter, Esc, and a spoken
 * count. The suggestions come from window.TongdaSearch.suggestions(prefix, limit) (the
 * search runtime; suggest() where an older runtime lacks it) or from a provider given to TongdaCombobox.provide(fn); fn returns a Promise of
 * strings. Without either, the box stays a plain search field. */
(function (root, doc) {
  "use strict";
  var provider = null, LIMIT = 8, DELAY = 150;

  function source() {
    if (provider) return provider;
    var S = root.TongdaSearch;
    if (S && !S.base && !doc.querySelector("script[data-tongda-search]")) {
      /* The runtime comes in through extra_javascript (no data-index): its index sits
       * beside the script, whatever the depth of this page. */
      var tag = doc.querySelector('script[src$="tongda-search.js"]');
      if (tag) S.base = tag.src.replace(/[^\/]*$/, "");
    }
    /* suggestions(): whole titles and whole words only (the runtime's display filter). */
    if (S && typeof S.suggestions === "function") return function (q, n) { return S.suggestions(q, n); };
    return S && typeof S.suggest === "function" ? function (q, n) { return S.suggest(q, n); } : null;
  }

  function Combobox(input) {
    this.input = input;
    this.form = input.form;
    this.list = doc.getElementById(input.getAttribute("aria-controls"));
    this.status = doc.getElementById(input.id.replace(/-input$/, "") + "-status");
    this.active = -1;
    this.timer = 0;
    this.seq = 0;
    var self = this;
    input.addEventListener("input", function () { self.schedule(); });
    input.addEventListener("keydown", function (e) { self.key(e); });
    input.addEventListener("blur", function () { root.setTimeout(function () { self.close(); }, 150); });
    this.list.addEventListener("mousedown", function (e) { e.preventDefault(); });
    this.list.addEventListener("click", function (e) {
      var li = e.target.closest("[role=option]");
      if (li) self.choose(li.textContent, true);
    });
  }
  Combobox.prototype.schedule = function () {
    var self = this;
    root.clearTimeout(this.timer);
    this.timer = root.setTimeout(function () { self.fetch(); }, DELAY);
  };
  Combobox.prototype.fetch = function () {
    var q = this.input.value.trim(), get = source(), self = this, seq = ++this.seq;
    if (!q || !get) { this.close(); return; }
    Promise.resolve(get(q, LIMIT)).then(function (items) {
      if (seq === self.seq && doc.activeElement === self.input) self.show(items || []);
    }, function () { self.close(); });
  };
  Combobox.prototype.show = function (items) {
    var list = this.list, id = list.id;
    list.textContent = "";
    items.slice(0, LIMIT).forEach(function (text, i) {
      var li = doc.createElement("li");
      li.id = id + "-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.className = "td-searchbox__option";
      li.textContent = text;
      list.appendChild(li);
    });
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    var open = items.length > 0;
    list.hidden = !open;
    this.input.setAttribute("aria-expanded", open ? "true" : "false");
    this.say(open ? "有" + list.children.length + "条建议，用上下方向键选择" : "没有建议");
  };
  Combobox.prototype.say = function (text) { if (this.status) this.status.textContent = text; };
  Combobox.prototype.close = function () {
    root.clearTimeout(this.timer);
    this.seq++;
    if (this.list.hidden) return;
    this.list.hidden = true;
    this.list.textContent = "";
    this.active = -1;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  };
  Combobox.prototype.move = function (step) {
    var options = this.list.children, n = options.length;
    if (!n) return;
    if (this.active >= 0) options[this.active].setAttribute("aria-selected", "false");
    /* Positions -1 (the text field) .. n-1 wrap around, as in the APG example. */
    this.active = (this.active + 1 + step + n + 1) % (n + 1) - 1;
    if (this.active < 0) { this.input.removeAttribute("aria-activedescendant"); return; }
    var li = options[this.active];
    li.setAttribute("aria-selected", "true");
    this.input.setAttribute("aria-activedescendant", li.id);
    if (li.scrollIntoView) li.scrollIntoView({ block: "nearest" });
  };
  Combobox.prototype.choose = function (text, submit) {
    this.input.value = text;
    this.close();
    if (submit && this.form) {
      if (this.form.requestSubmit) this.form.requestSubmit(); else this.form.submit();
    }
  };
  Combobox.prototype.key = function (e) {
    var open = !this.list.hidden;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (!open) { if (e.key === "ArrowDown") this.fetch(); return; }
      e.preventDefault();
      this.move(e.key === "ArrowDown" ? 1 : -1);
    } else if (e.key === "Enter" && open && this.active >= 0) {
      e.preventDefault();
      this.choose(this.list.children[this.active].textContent, true);
    } else if (e.key === "Escape" && open) {
      e.preventDefault();  /* keep the typed text; the next Esc clears the field natively */
      this.close();
      this.say("建议已关闭");
    }
  };

  var boxes = [];
  Array.prototype.forEach.call(doc.querySelectorAll('input[data-module="td-search-input"][role="combobox"]'), function (input) {
    if (doc.getElementById(input.getAttribute("aria-controls"))) boxes.push(new Combobox(input));
  });
  root.TongdaCombobox = {
    provide: function (fn) { provider = fn; },
    boxes: boxes
  };
})(window, document);
