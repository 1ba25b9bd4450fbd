// keys.js: keyboard shortcuts, the `?` list of them, Enter to send, copy
// buttons. Without this script none of them exist and the forms work alone.
(function () {
  "use strict";
  var D = document, box = D.getElementById("content"), dlg;
  var KEYS = [["Enter", "Send"], ["Shift+Enter", "New line"], ["Ctrl+Shift+O", "New chat"],
              ["Shift+Esc", "Focus the message box"], ["Esc", "Stop the reply"],
              ["Ctrl+K", "Search chats"], ["?", "This list"]];

  function el(tag, cls, text) {
    var e = D.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function help() {
    if (!dlg) {
      var dl = el("dl"), b = el("button", "", "Close");
      dlg = el("dialog", "keys");
      dlg.setAttribute("aria-labelledby", "keys-h");
      dlg.appendChild(el("h2", "", "Keyboard shortcuts")).id = "keys-h";
      KEYS.forEach(function (k) {
        dl.appendChild(el("dt")).appendChild(el("kbd", "", k[0]));
        dl.appendChild(el("dd", "", k[1]));
      });
      dlg.appendChild(dl);
      b.type = "button";
      b.onclick = function () { dlg.close(); };
      dlg.appendChild(b);
      D.body.appendChild(dlg);
    }
    dlg.showModal();
  }

  // Copy text; the older way where the Clipboard API is missing (http://).
  function copy(t) {
    if (navigator.clipboard) return navigator.clipboard.writeText(t);
    var a = el("textarea");
    a.value = t;
    D.body.appendChild(a);
    a.select();
    var ok = D.execCommand("copy");
    a.remove();
    return ok ? Promise.resolve() : Promise.reject();
  }
  function button(label, text) {
    var b = el("button", "cp", "Copy");
    b.type = "button";
    b.setAttribute("aria-label", label);
    b.onclick = function () {
      copy(text()).then(function () {
        b.textContent = "Copied";
        b.classList.add("done");
        setTimeout(function () { b.textContent = "Copy"; b.classList.remove("done"); }, 2000);
      }, function () { b.textContent = "Copy failed"; });
    };
    return b;
  }
  // Thumbs on a reply's line: buttons of the page's one rating form, the
  // one given pressed (without the script: the chat's Rate replies link).
  function thumb(m, a, up) {
    var b = D.createElement("button");
    b.className = "th " + (up ? "up" : "down");
    b.setAttribute("form", "rate");
    b.name = up ? "up" : "down";
    b.value = a.id.slice(2);
    b.setAttribute("aria-label", up ? "Good reply" : "Bad reply");
    b.setAttribute("aria-pressed", a.getAttribute("data-vote") === b.name);
    m.appendChild(b);
  }
  // A Copy button on each ended message and before each code block in it;
  // thumbs on each ended reply.
  function deco(root) {
    [].forEach.call(root.querySelectorAll('.messages>li:not([data-status="queued"]):not([data-status="running"])'), function (a) {
      var m = a.querySelector(":scope>small") || a;
      if (m.querySelector(".cp")) return;
      if (m !== a && D.getElementById("rate")) { thumb(m, a, 1); thumb(m, a, 0); }
      m.appendChild(button("Copy message", function () {
        return [].filter.call(a.children, function (c) { return !c.matches("details, .cp, .status, small, a"); })
          .map(function (c) { return c.innerText; }).join("\n\n");
      }));
      [].forEach.call(a.querySelectorAll("pre"), function (p) {
        var b = button("Copy code", function () { return p.textContent; });
        b.classList.add("cc");
        p.parentNode.insertBefore(b, p);
      });
    });
  }
  window.confabCopy = deco;
  deco(D);

  D.addEventListener("keydown", function (e) {
    var t = e.target, k = e.key.toLowerCase(), mod = e.ctrlKey || e.metaKey;
    var field = t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName);
    var stop = D.querySelector("form.stop");
    if (e.defaultPrevented || e.isComposing || e.altKey) return;
    if (t === box && k === "enter" && !e.shiftKey && !mod) {
      e.preventDefault();
      box.form.requestSubmit();
    } else if (k === "escape" && e.shiftKey && box) {
      e.preventDefault();
      box.focus();
    } else if (k === "escape" && !mod && stop && !stop.hidden && !D.querySelector("dialog[open]")) {
      stop.requestSubmit();
    } else if (mod && e.shiftKey && k === "o") {
      e.preventDefault();
      location.href = "/chat/new";
    } else if (mod && !e.shiftKey && k === "k") {
      e.preventDefault();
      var q = D.querySelector('input[type="search"]');
      if (!q) return void (location.href = "/chats");
      if (q.closest("details")) q.closest("details").open = true;
      q.focus();
    } else if (k === "?" && !field && !mod) {
      e.preventDefault();
      help();
    }
  });

  // After Send, Stop or Regenerate (window: after poll.js's own Stop) the new page keeps the message box focused.
  addEventListener("submit", function (e) {
    if (!e.defaultPrevented && e.target.matches("form.composer, form.stop, form.regenerate")) sessionStorage.cfFocus = 1;
  });
  // Once loaded: Chromium clears the focus when it scrolls to a #fragment.
  if (box && sessionStorage.cfFocus) {
    delete sessionStorage.cfFocus;
    addEventListener("load", function () {
      setTimeout(function () { box.focus({ preventScroll: true }); }, 0);
    });
  }
})();
