// poll.js: make a reply appear as it is written. Without this script the
// page refreshes itself (a <noscript> meta refresh) and works the same.
(function () {
  "use strict";
  var list = document.querySelector(".messages[data-chat]");
  if (!list || !window.fetch) return;
  var chat = list.getAttribute("data-chat");

  function live() {
    return list.querySelector('article[data-status="queued"], article[data-status="running"]');
  }

  function finish() {
    var stop = document.querySelector("form.stop");
    var composer = document.querySelector("form.composer");
    if (stop) stop.hidden = true;
    if (composer) composer.hidden = false;
  }

  function follow(article) {
    var id = article.id.slice(2);
    var body = article.querySelector(".plain");
    var from = parseInt(article.getAttribute("data-next") || "0", 10);
    var rfrom = parseInt(article.getAttribute("data-rnext") || "0", 10);
    var delay = 250;

    // Reasoning goes in a <details> above the answer, made on first need.
    function thinking() {
      var t = article.querySelector(".reasoning .thinking");
      if (t) return t;
      var d = document.createElement("details"), s = document.createElement("summary");
      d.className = "reasoning";
      d.open = true;
      s.textContent = "Reasoning";
      t = document.createElement("div");
      t.className = "thinking";
      d.appendChild(s);
      d.appendChild(t);
      var mb = article.querySelector(".msg-body");
      if (mb) mb.insertBefore(d, mb.firstChild);
      return t;
    }

    function tick() {
      fetch("/chat/" + chat + "/poll?m=" + id + "&from=" + from + "&rfrom=" + rfrom,
            { credentials: "same-origin", cache: "no-store" })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (d) {
          if (d.text && body) body.appendChild(document.createTextNode(d.text));
          if (d.reasoning) {
            thinking().appendChild(document.createTextNode(d.reasoning));
            rfrom = d.rnext;
          }
          if (d.status !== article.getAttribute("data-status") && !d.html)
            article.setAttribute("data-status", d.status);
          from = d.next;
          if (d.html) {
            article.outerHTML = d.html;
            finish();
            return;
          }
          delay = 250;
          setTimeout(tick, delay);
        })
        .catch(function () {
          // The network or the server hiccuped: back off, keep trying.
          delay = Math.min(delay * 2, 5000);
          setTimeout(tick, delay);
        });
    }
    tick();
  }

  var a = live();
  if (a) follow(a); else finish();
})();
