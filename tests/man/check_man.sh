#!/usr/bin/env bash
# check_man.sh MAN PAGE...
# Renders each generated manual page with `MAN -l` (man-db) and checks that
# it renders without troff errors, that its first section is NAME, and that
# the NAME section reads "name[, name...] - description".
set -uo pipefail
man=$1
shift
fail=0
for page in "$@"; do
	name=$(basename "$page")
	if ! out=$(MANWIDTH=80 MAN_KEEP_FORMATTING=0 "$man" -l "$page" 2>"$page.stderr"); then
		echo "man_pages: $name: man -l failed: $(cat "$page.stderr")" >&2
		fail=1
		continue
	fi
	# Layout warnings (a wide table at 80 columns) are not errors.
	if grep -E -i 'error|not defined|cannot open' "$page.stderr" >&2; then
		echo "man_pages: $name: troff reported errors" >&2
		fail=1
	fi
	rm -f "$page.stderr"
	text=$(col -b <<<"$out")
	first=$(grep -E -m1 '^[A-Z][A-Z ]+$' <<<"$text")
	if [ "$first" != "NAME" ]; then
		echo "man_pages: $name: first section is '$first', not NAME" >&2
		fail=1
		continue
	fi
	body=$(awk '/^NAME$/ {on = 1; next} on && /^[A-Z]/ {exit} on' <<<"$text" | tr -s '[:space:]' ' ')
	if ! grep -E -q '[A-Za-z_0-9]+.* (-|—) [a-z]' <<<"$body"; then
		echo "man_pages: $name: NAME section is not 'name - description': '$body'" >&2
		fail=1
	fi
done
[ $fail -eq 0 ] && echo "man_pages: $# pages render with a NAME section"
exit $fail
