#!/usr/bin/env bash
# The chat page as an app: each action lands at its message (/chat/ID#m-MSG),
# the composer stays while a reply is written, the model picker says each
# model's provider, prices and capabilities and starts on the last one used,
# the chat's settings sit behind one closed <details>, attach is a label for
# a hidden file input, and no page scrolls sideways on a 360 px phone
# (headless Chromium, tests/browser/overflow_test.py).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/browser_lib.sh"

A=$TMP/a.jar
EMAIL=$(new_email)
signup "$A" "$EMAIL" 'password layout' >/dev/null
newest() { # CHAT ROLE: the id of the chat's newest message of that role
	sqlite3 "$DATA/data.db" "SELECT id FROM messages WHERE chat_id = '$1' AND role = '$2' ORDER BY seq DESC LIMIT 1"
}
at() { header Location | sed 's#^https\?://[^/]*##'; }

# --- landing: every redirect goes to the message the browser should show
token=$(csrf_for "$A" /chat/new)
expect_eq "the first message of a new chat is sent (303)" 303 \
	"$(http "$A" POST /chat/new --data-urlencode "csrf=$token" --data-urlencode content=first --data-urlencode model=sim-fast)"
loc=$(at); C=$(sed 's#^/chat/##; s/\#.*//' <<<"$loc")
expect_eq "  ... to the new chat at its reply" "/chat/$C#m-$(newest "$C" assistant)" "$loc"
wait_reply "$(newest "$C" assistant)" >/dev/null
expect_eq "a message to the chat is sent (303)" 303 "$(send "$A" "$C" second sim-fast)"
expect_eq "  ... to the chat at that message" "/chat/$C#m-$(newest "$C" user)" "$(at)"
wait_reply "$(newest "$C" assistant)" >/dev/null
expect_eq "regenerate (303)" 303 "$(CSRF_PAGE=/chat/$C post "$A" "/chat/$C/regenerate" model=sim-lorem)"
expect_eq "  ... to the chat at the new reply" "/chat/$C#m-$(newest "$C" assistant)" "$(at)"
wait_reply "$(newest "$C" assistant)" >/dev/null
U=$(newest "$C" user)
expect_eq "an edit (303)" 303 "$(CSRF_PAGE=/chat/$C post "$A" "/chat/$C/edit" "m=$U" content=edited model=sim-fast)"
expect_eq "  ... to the chat at the edited message" "/chat/$C#m-$(newest "$C" user)" "$(at)"
wait_reply "$(newest "$C" assistant)" >/dev/null

# --- a reply in progress: the composer stays; the refresh lands at the reply
send "$A" "$C" "slow one" sim-slow >/dev/null
R=$(newest "$C" assistant)
http "$A" GET "/chat/$C" >/dev/null
check "while a reply is written the composer is shown" \
	grep -q '<form method="post" action="/chat/[^"]*" enctype="multipart/form-data" class="composer" id="composer">' "$TMP/body"
check "  ... with its Send button" grep -q '<button type="submit">Send</button>' "$TMP/body"
check "  ... and the page's refresh goes to the reply" \
	grep -q "<meta http-equiv=\"refresh\" content=\"2;url=/chat/$C?t=[0-9]*#m-$R\">" "$TMP/body"
expect_eq "stop (303)" 303 "$(CSRF_PAGE=/chat/$C post "$A" "/chat/$C/stop")"
expect_eq "  ... to the chat at its newest message" "/chat/$C#m-$R" "$(at)"
wait_reply "$R" >/dev/null

# --- the page's parts, as the HTML has them
http "$A" GET "/chat/$C" >/dev/null
cp "$TMP/body" "$TMP/chat.html"
http "$A" GET "/chat/$C?tags=1" >/dev/null
cp "$TMP/body" "$TMP/tags.html"
python3 - "$TMP/chat.html" "$TMP/tags.html" >"$TMP/parts.out" 2>"$TMP/parts.err" <<'PY'
import re, sys
from html.parser import HTMLParser
html = open(sys.argv[1], encoding="utf-8").read()
tags_html = open(sys.argv[2], encoding="utf-8").read()
n = 0
def check(what, cond, why=""):
    print(("ok - " if cond else "not ok - ") + what)
    if not cond and why:
        print("#   " + str(why)[:400])

class P(HTMLParser):
    """Where each form control sits: inside which <details> and <form>."""
    def __init__(self):
        super().__init__()
        self.stack, self.found = [], []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("select", "textarea", "input", "button", "label", "form", "fieldset", "section"):
            self.found.append((tag, a, [d for d in self.stack]))
        if tag in ("details", "form", "div", "section", "fieldset", "main", "nav"):
            self.stack.append((tag, a.get("class", ""), a.get("id", "")))
    def handle_endtag(self, tag):
        if tag in ("details", "form", "div", "section", "fieldset", "main", "nav"):
            while self.stack and self.stack.pop()[0] != tag:
                pass
p = P(); p.feed(html)
pt = P(); pt.feed(tags_html)
def inside(tag_attrs, cls):
    return any(cls in c.split() for _, c, _ in tag_attrs)
def is_tag(t, a):
    return t == "select" and a.get("name") in ("request_type", "category", "complexity")

check("the request tags are one link under the composer (?tags=1), not on the page",
      '<p class="chat-settings"><a href="?tags=1#rq-type">Request tags</a></p>' in html
      and "<details class=\"chat-settings\"" not in html and not any(is_tag(t, a) for t, a, s in p.found))
details = re.findall(r'<details class="chat-settings"( open)?>', tags_html)
check("  ... which shows them in one <details>, open", details == [" open"], details)
check("  ... named so", '<details class="chat-settings" open>\n<summary>Request tags</summary>' in tags_html)
regen = [s for t, a, s in p.found if t == "form" and a.get("action", "").endswith("/regenerate")]
check("Regenerate is one small form in the dock, before the composer",
      len(regen) == 1 and inside(regen[0], "dock") and not inside(regen[0], "chat-settings")
      and html.find('class="regenerate"') < html.find('class="composer"'), regen)
check("the preset picker is not on the chat page (it is on the chat's settings page)",
      not any(t == "select" and a.get("id") == "preset" for t, a, s in p.found))
where = [s for t, a, s in pt.found if is_tag(t, a)]
check("  ... holding the three request tags", len(where) == 3 and all(inside(s, "chat-settings") for s in where), where)
tags = [a for t, a, s in pt.found if is_tag(t, a)]
check("  ... which belong to the composer (form=composer)",
      len(tags) == 3 and all(a.get("form") == "composer" for a in tags), tags)
check("the instructions form is not on the chat page either", not any(t == "form" and
      a.get("action", "").endswith("/instructions") for t, a, s in p.found))
ctl = {a.get("id") or a.get("for") or a.get("type"): (t, a, s) for t, a, s in p.found if inside(s, "composer-row")}
check("the model picker, Attach and Send share the composer's row",
      "model" in ctl and "files" in ctl and any(t == "button" and a.get("type") == "submit" for t, a, s in ctl.values()), sorted(ctl))
f = [a for t, a, s in p.found if t == "input" and a.get("type") == "file"]
check("Attach is a label for a visually hidden file input",
      len(f) == 1 and "visually-hidden" in f[0].get("class", "") and '<label for="files" class="attach"' in html, f)
check("the chat's settings (rename, pin, preset, delete) are one link in its head, their forms elsewhere",
      re.search(r'<p class="chat-menu">.*<a href="[0-9a-f-]{36}/settings">Chat settings</a> · <a href="\?rate=\d+">Rate replies</a></p>', html) is not None
      and "/rename" not in html and "/delete" not in html)
check("the main content comes before the sidebar", 0 < html.find('<main') < html.find('<nav class="sidebar"'))
check("the sidebar's recent chats, search and account are behind one menu",
      re.search(r'<details class="menu">\n<summary>Menu</summary>\n<div class="menu-body">\n<form method="get" action="/chats" role="search"', html)
      and html.find('class="menu"') < html.find('class="sidebar-chats"') < html.find('class="account"'))
check("no inline style", "style=" not in html)
opts = dict(re.findall(r'<option value="([^"]+)"[^>]*>([^<]*)</option>', html.split('<select id="model"')[1].split("</select>")[0]))
check("the model picker names the provider and the prices per 1M tokens",
      opts.get("sim") == "Simulated (echo) · sim · $2.50/$10 per 1M tokens", opts.get("sim"))
check("  ... and what a model takes besides text", opts.get("att-openai") == "Attachments (OpenAI) · sim · free · images, PDFs", opts.get("att-openai"))
check("  ... or that it reasons", (opts.get("sim-claude") or "").endswith("$3/$15 per 1M tokens · reasoning"), opts.get("sim-claude"))
check("  ... and starts on the chat's model", re.search(r'<option value="sim-slow" selected>', html.split('<select id="model"')[1].split("</select>")[0]))
PY
rc=$?
tap <"$TMP/parts.out"
expect_eq "the page-parts check ran to its end$( [ $rc -eq 0 ] || printf ': %s' "$(tail -1 "$TMP/parts.err")")" 0 "$rc"

# --- the last model used is where a new chat starts
http "$A" GET /chat/new >/dev/null
check "a new chat's picker starts on the model last used (sim-slow)" \
	grep -q '<option value="sim-slow" selected>' "$TMP/body"
B=$TMP/b.jar
signup "$B" "$(new_email)" 'password layout b' >/dev/null
http "$B" GET /chat/new >/dev/null
check "  ... and, for an account that sent nothing yet, on the default model (sim)" \
	grep -q '<option value="sim" selected>' "$TMP/body"
check "the new chat page has no Chat settings link (nothing to rename yet)" bash -c '! grep -q "/settings\">Chat settings" "$1"' _ "$TMP/body"

# --- no page scrolls sideways at 360 px; the phone's menu reaches the chats
if [ -z "$(browser_missing)" ]; then
	P=$(sqlite3 "$DATA/data.db" "SELECT id FROM presets WHERE user_id = (SELECT user_id FROM chats WHERE id = '$C') LIMIT 1")
	run_browser_test "the phone-width check" overflow_test 120 "$BASE" "$EMAIL" 'password layout' \
		/chats "/chat/$C" /chat/new /dashboard /presets /presets/components /presets/new \
		${P:+"/presets/$P"} /settings /billing
else
	skip "headless Chromium (chromium, chromium-driver, python3-selenium) is not installed"
fi

done_testing
