#!/bin/sh
# codecheck.sh — the rules of docs/HACKING.md "Rules the build checks", as
# checks: `tools/codecheck.sh FILE...` prints `file:line: rule: reason` for
# each line that breaks one and exits 1 (0: none broken, 2: bad usage).
# `make check` runs it over the tree (tests/codecheck/tree.sh) and over
# deliberately bad snippets that must each fire (tests/codecheck/selftest.sh).
#
# A POSIX shell and awk script rather than a C program like Fossil's
# tools/codecheck1.c: every rule is about where a word may appear (which
# file may name RAW_HTML, a SQL keyword at the start of a literal, `g.`,
# config_get), which is what awk does line by line, and it needs no build
# step, so it runs on a tree that does not compile yet. What only the
# compiler can tell (db_prep's argument is a literal) the compiler checks:
# lib/db.h makes anything else a compile error.
#
# A file's class comes from its path; a rule is checked on the classes it
# names. Files moving between lib/ and cgi-bin/ keep their class: the web
# layer is cgi-bin/ plus the lib/ files named in WEB below, and its headers
# are named by file name wherever they live.
#
# The rules:
#   raw-html   {{RAW_HTML x}} only in the templates in RAW_HTML_OK: it
#              prints HTML unescaped, so only markdown's output may use it.
#   sql        a string literal that starts with a SQL keyword only in the
#              store modules (lib/store_*.c, lib/db.c, lib/vacuum.c) and
#              the files in SQL_OK, each with its reason.
#   db-prep    db_prep_literal only through the db_prep macro (lib/db.h),
#              which is what makes a non-literal a compile error.
#   globals    the process globals (g. / extern struct app g) only in the
#              web layer and cli/.
#   web-header a file outside the web layer and cli/ (lib/ store, provider
#              and other modules, worker/) includes no web header, unless
#              WEB_HEADER_OK names it with its reason.
#   config     config_get / config_find only in lib/config.c, its header and
#              its unit test: everyone else reads through the typed getters
#              (config_str, config_int, config_bool).
#   fields     a request's fields only through http_form / http_query (which
#              answer NULL for a name the route does not declare): no
#              r->form / r->query_kv outside lib/http.c and FIELDS_OK.

# The web layer's files by name: in lib/, and (attach_http, preset_ui) in
# cgi-bin/ beside the chat executable; its headers are these names with .h.
WEB='app http page session attach_http preset_ui quota_http'
# Templates that may print unescaped HTML, and why.
RAW_HTML_OK='_message.html'         # the reply's markdown, rendered by lib/markdown.c
# Files outside the store modules that own SQL, and why.
SQL_OK='backup.c'                   # checks and reads a copied file through raw sqlite3, not a struct db
# Files outside the web layer that include a web header, and why.
WEB_HEADER_OK='confabd.c'           # app_config_path (app.h) and secret_load (session.h) until they move out of the web layer
# Files that walk r->form themselves, and why.
FIELDS_OK='attach_http.c'           # every value of the repeated "remove", which http_form cannot give

if [ $# -eq 0 ]; then
	echo "usage: $0 FILE..." >&2
	exit 2
fi

bad=0
for f in "$@"; do
	base=${f##*/}
	stem=${base%.*}
	dir=${f%/*}
	[ "$dir" = "$f" ] && dir=.
	case $base in
	*.html) kind=template ;;
	*.c|*.h) kind=c ;;
	*) continue ;;
	esac
	web=0
	case /$dir/ in
	*/cgi-bin/*) web=1 ;;
	*/cli/*) web=1 ;;  # not the web layer, but the other owner of g
	*/lib/*) for w in $WEB; do [ "$stem" = "$w" ] && web=1; done ;;
	esac
	store=0
	case $base in
	store_*.c|store_*.h|db.c|db.h|vacuum.c) store=1 ;;
	esac
	for ok in $SQL_OK; do [ "$base" = "$ok" ] && store=1; done
	rawok=0
	for ok in $RAW_HTML_OK; do [ "$base" = "$ok" ] && rawok=1; done
	hdrok=0
	for ok in $WEB_HEADER_OK; do [ "$base" = "$ok" ] && hdrok=1; done
	cfgok=0
	case $base in
	config.c|config.h|test_config.c) cfgok=1 ;;
	esac
	fldok=0
	[ "$base" = http.c ] && fldok=1
	for ok in $FIELDS_OK; do [ "$base" = "$ok" ] && fldok=1; done
	awk -v file="$f" -v kind="$kind" -v web="$web" -v store="$store" \
	    -v rawok="$rawok" -v hdrok="$hdrok" -v cfgok="$cfgok" -v fldok="$fldok" \
	    -v base="$base" -v webnames="$WEB" '
	BEGIN {
		n = split(webnames, w, " ")
		for (i = 1; i <= n; i++)
			webhdr[w[i] ".h"] = 1
		incomment = 0
	}
	function report(rule, why) {
		printf "%s:%d: %s: %s\n", file, FNR, rule, why
		found = 1
	}
	kind == "template" {
		if (!rawok && $0 ~ /\{\{[ \t]*RAW_HTML/)
			report("raw-html", "RAW_HTML prints unescaped HTML: only the templates tools/codecheck.sh names may use it")
		next
	}
	{
		# The code of the line: comments out (strings keep theirs).
		line = $0; code = ""
		while (line != "") {
			if (incomment) {
				e = index(line, "*/")
				if (!e) { line = ""; break }
				line = substr(line, e + 2); incomment = 0
				continue
			}
			s = index(line, "/*"); d = index(line, "//")
			if (d && (!s || d < s)) { code = code substr(line, 1, d - 1); break }
			if (!s) { code = code line; break }
			code = code substr(line, 1, s - 1) " "
			line = substr(line, s + 2); incomment = 1
		}
		if (!store && code ~ /"[ \t]*(SELECT|INSERT|UPDATE|DELETE|CREATE|PRAGMA|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|WITH|REPLACE|DROP|ALTER|VACUUM)([ \t"]|$)/)
			report("sql", "SQL belongs in a store module (lib/store_*.c): call a function named for what it does")
		if (base != "db.c" && base != "db.h" && code ~ /db_prep_literal[ \t]*\(/)
			report("db-prep", "call db_prep, the macro that refuses a statement that is not a string literal")
		if (!web && base != "app.h" && (code ~ /(^|[^A-Za-z0-9_.>])g\.[A-Za-z_]/ || code ~ /extern[ \t]+struct[ \t]+app[ \t]+g[ \t;]/))
			report("globals", "the process globals (g) are for the web layer and cli/: pass what the module needs")
		if (!web && !hdrok && match(code, /#[ \t]*include[ \t]*"[^"]*"/)) {
			h = substr(code, RSTART, RLENGTH); sub(/^[^"]*"/, "", h); sub(/"$/, "", h)
			sub(/.*\//, "", h)
			if (h in webhdr)
				report("web-header", h " is the web layer'"'"'s: store, provider and worker code does not include it")
		}
		if (!cfgok && code ~ /(^|[^A-Za-z0-9_])config_(get|find)[ \t]*\(/)
			report("config", "read settings through the typed getters (config_str, config_int, config_bool)")
		if (!fldok && code ~ /->(form|query_kv)([^A-Za-z0-9_]|$)/)
			report("fields", "read a field with http_form / http_query, which know the route'"'"'s declared fields")
	}
	END { exit found ? 1 : 0 }
	' "$f" || bad=1
done
exit $bad
