// The situation page keeps itself up to date: every 20 seconds it fetches its live part again
// (same origin, the session's cookie) and swaps it in. When that fails (signed out, the server
// unreachable) it says so once and keeps trying.
(function () {
  "use strict";
  var live = document.getElementById("live");
  if (!live) { return; }
  var source = live.getAttribute("data-source");
  var every = 20000;
  var note = null;

  function stale(on) {
    if (on && !note) {
      note = document.createElement("p");
      note.className = "notice stale";
      note.setAttribute("role", "status");
      note.textContent = live.getAttribute("data-stale");
      live.parentNode.insertBefore(note, live);
    } else if (!on && note) {
      note.parentNode.removeChild(note);
      note = null;
    }
  }

  function refresh() {
    fetch(source, { credentials: "same-origin", headers: { "Accept": "text/html" }, redirect: "error" })
      .then(function (answer) {
        if (!answer.ok) { throw new Error("HTTP " + answer.status); }
        return answer.text();
      })
      .then(function (html) {
        var parsed = new DOMParser().parseFromString(html, "text/html");
        live.replaceChildren.apply(live, Array.prototype.slice.call(parsed.body.childNodes));
        stale(false);
      })
      .catch(function () { stale(true); })
      .then(function () { window.setTimeout(refresh, every); });
  }

  window.setTimeout(refresh, every);
})();
