/* Tongda toolbar, first part: loaded (not deferred) in <head> so a remembered display mode
 * applies before the first paint on every page. It only sets data attributes on <html>;
 * with nothing remembered it does nothing at all. */
(function (root) {
  "use strict";
  var KEY = "tongda-a11y";
  /* Settings and their allowed values; each becomes data-td-<name> on <html>. */
  var SETTINGS = {
    mode: ["elder"],
    scheme: ["yellow-black", "white-black", "black-white", "blue-yellow"],
    gray: ["on"], cursor: ["large"], guide: ["on"], caption: ["on"], keys: ["on"],
    zoom: ["110", "125", "150", "175", "200"]
  };
  function read() {
    var state = {};
    try { state = JSON.parse(root.localStorage.getItem(KEY) || "{}") || {}; } catch (e) { state = {}; }
    var clean = {};
    Object.keys(SETTINGS).forEach(function (name) {
      if (SETTINGS[name].indexOf(state[name]) >= 0) clean[name] = state[name];
    });
    return clean;
  }
  function apply(state) {
    var html = root.document.documentElement;
    Object.keys(SETTINGS).forEach(function (name) {
      if (state[name]) html.setAttribute("data-td-" + name, state[name]);
      else html.removeAttribute("data-td-" + name);
    });
  }
  function save(state) {
    try {
      if (Object.keys(state).length) root.localStorage.setItem(KEY, JSON.stringify(state));
      else root.localStorage.removeItem(KEY);
    } catch (e) { /* storage off (private mode): settings last for this page only */ }
  }
  root.TongdaA11y = { KEY: KEY, SETTINGS: SETTINGS, read: read, apply: apply, save: save };
  apply(read());
})(window);
