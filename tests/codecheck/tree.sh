#!/bin/sh
# tree.sh — tools/codecheck.sh over the tree's sources and templates.
top=${srcdir:-.}
[ -f "$top/tools/codecheck.sh" ] || top=$(dirname "$0")/../..
exec sh "$top/tools/codecheck.sh" "$top"/lib/*.[ch] "$top"/cgi-bin/*.[ch] "$top"/cli/*.[ch] \
	"$top"/worker/*.[ch] "$top"/tools/*.c "$top"/bench/*.c "$top"/templates/*.html
