// poll.js: make a reply appear as it is written. Without this script the
// page refreshes itself (a <noscript> meta refresh) and works the same.
(function () {
  "use strict";
  var D = document, list = D.querySelector(".messages[data-chat]");
  if (!list || !window.fetch) return;
  var chat = list.getAttribute("data-chat"), opt = { credentials: "same-origin", cache: "no-store" };
  var more, heard = "", said = 0, follow = true, lastY = scrollY;
  // Screen readers hear the reply by sentences, at most one batch per 2 s.
  var aloud = D.createElement("div");
  aloud.className = "visually-hidden";
  aloud.setAttribute("aria-live", "polite");
  D.body.appendChild(aloud);

  function say(t) { aloud.textContent = t; said = Date.now(); }
  function hear(t, end) {
    heard += t;
    var m = end ? [heard] : Date.now() - said < 2000 ? null : /^[\s\S]*[.!?\n](\s|$)/.exec(heard);
    if (!m) return;
    heard = heard.slice(m[0].length);
    m = m[0].replace(/[*_`]+/g, "").replace(/(^\s*>+|[#|\s]|-{2,})+/gm, " ").trim();
    if (m || end) say(end ? (m && m + " ") + end : m);
  }

  function atEnd() { return innerHeight + scrollY >= D.documentElement.scrollHeight - 48; }
  // Scrolling up stops following; back at the end follows again.
  addEventListener("scroll", function () {
    if (scrollY < lastY - 4) follow = false;
    else if (atEnd()) follow = true;
    if (follow && more) more.hidden = true;
    lastY = scrollY;
  }, { passive: true });
  // Keep the newest text in view unless the reader scrolled up; then offer to.
  function grown(follow) {
    if (follow) return scrollTo(0, D.documentElement.scrollHeight);
    if (!more) {
      more = D.createElement("button");
      more.type = "button";
      more.className = "more";
      more.textContent = "↓ New text";
      more.onclick = function () { scrollTo(0, D.documentElement.scrollHeight); };
      D.body.appendChild(more);
    }
    var dock = D.querySelector(".dock");
    more.style.bottom = (dock ? dock.offsetHeight : 0) + 16 + "px";
    more.hidden = false;
  }

  // What a reload would show now, put in place of what the live page shows:
  // the messages (Edit links), Stop gone, Regenerate back, the new title
  // and the Rate replies link.
  function bare(e) {
    e = e.cloneNode(true);
    [].forEach.call(e.querySelectorAll(".cp,.th"), function (c) { c.remove(); });
    return e.outerHTML;
  }
  function swap(l, f) {
    if (bare(l) !== f.outerHTML && !l.contains(D.activeElement)) l.replaceWith(f);
  }
  function sync(tries, title) {
    fetch(location.pathname, opt).then(function (r) { if (!r.ok) throw 0; return r.text(); }).then(function (t) {
      var d = new DOMParser().parseFromString(t, "text/html"), h;
      D.title = d.title;
      // A message whole (what the script added set aside), unless it
      // holds the focus.
      [].forEach.call(d.querySelectorAll(".messages > li"), function (f) {
        var l = D.getElementById(f.id);
        if (l) swap(l, f);
      });
      [".stop", ".regenerate", "main h1", ".chat-menu", ".sidebar-chats"].forEach(function (s) {
        var f = d.querySelector(s), l = D.querySelector(s), p, q;
        if (l && !f) {
          if (l.contains(D.activeElement)) D.getElementById("content").focus();
          l.remove();
        }
        else if (f && l) swap(l, f);
        else if (f) {
          p = f.parentNode;
          q = p.id ? D.getElementById(p.id) : D.querySelector("." + p.classList[0]);
          if (q) q.insertBefore(f, q.children[[].indexOf.call(p.children, f)] || null);
        }
      });
      if (window.confabCopy) window.confabCopy(list);
      // The first reply's title is written after it: look again, a few times.
      h = D.querySelector("main h1");
      if (tries > 0 && h && h.textContent === title) setTimeout(sync, 1500, tries - 1, title);
    }).catch(function () { if (tries > -3) setTimeout(sync, 2000, tries - 1, title); });
  }

  function stream(msg) {
    var id = msg.id.slice(2), body = msg.querySelector(".plain");
    var from = +(msg.getAttribute("data-next") || 0), rfrom = +(msg.getAttribute("data-rnext") || 0);
    var delay = 250, phase, live = msg.querySelector(".live");
    var lend = live ? +live.getAttribute("data-end") : 0;

    // Reasoning goes in a <details> above the answer, made on first need.
    function thinking() {
      var t = msg.querySelector(".reasoning .thinking");
      if (t) return t;
      var d = D.createElement("details"), s = D.createElement("summary");
      d.className = "reasoning";
      d.open = true;
      s.textContent = "Reasoning";
      t = D.createElement("div");
      t.className = "thinking";
      d.appendChild(s);
      d.appendChild(t);
      if (body) msg.insertBefore(d, live || body);
      return t;
    }

    function tick() {
      fetch("/chat/" + chat + "/poll?m=" + id + "&from=" + from + "&rfrom=" + rfrom + "&live=" + lend, opt)
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (d) {
          var st = msg.querySelector(".status");
          // More blocks whole: the server's HTML for them, the rest as text.
          if (d.live_end && body) {
            if (!live) {
              live = D.createElement("div");
              live.className = "live";
              msg.insertBefore(live, body);
            }
            live.innerHTML = d.live;
            lend = d.live_end;
            live.setAttribute("data-end", lend);
            body.textContent = d.tail;
          } else if (d.text && body) body.appendChild(D.createTextNode(d.text));
          if (d.reasoning) {
            thinking().appendChild(D.createTextNode(d.reasoning));
            rfrom = d.rnext;
          }
          if (st && d.label) st.textContent = d.label;
          if (d.phase === "thinking" && phase !== d.phase) say("Thinking…");
          phase = d.phase;
          from = d.next;
          if (d.text || d.reasoning) grown(follow);
          if (d.html) {
            var first = list.querySelectorAll("[data-role=assistant]").length === 1;
            msg.outerHTML = d.html.trim();
            msg = D.getElementById(msg.id);
            var c = D.querySelector("form.composer"), e = msg.querySelector(".error");
            // (A composer hidden while the reply ran takes the focus back.)
            if (c && c.hidden) {
              c.hidden = false;
              if (D.activeElement === D.body) c.querySelector("textarea").focus();
            }
            hear(d.text, d.status === "done" ? "Reply finished." : d.status === "stopped" ? "Reply stopped." :
                 "Reply failed: " + (e ? e.textContent : d.status));
            if (follow) grown(1);
            sync(first && d.status === "done" ? 6 : 0, (D.querySelector("main h1") || {}).textContent);
            return;
          }
          hear(d.text || "");
          msg.setAttribute("data-status", d.status);
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

  // Stop without leaving the page (a draft in the composer stays).
  D.addEventListener("submit", function (e) {
    var f = e.target;
    if (!f.matches("form.stop")) return;
    e.preventDefault();
    var b = f.querySelector("button");
    b.disabled = true;
    fetch(f.action, { method: "POST", body: new FormData(f), credentials: "same-origin" })
      .then(function (r) { b.disabled = r.ok; }, function () { b.disabled = false; });
  });

  var a = list.querySelector('.messages>li[data-status="queued"], .messages>li[data-status="running"]');
  if (a) stream(a);
})();
