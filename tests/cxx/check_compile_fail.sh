#!/bin/sh
# check_compile_fail.sh COMPILER "FLAGS" SNIPPET
# The snippet must compile with -DMASYNC_CONTROL and must not compile
# without it; the first line of the snippet's output is shown.
set -u
cxx=$1
flags=$2
snippet=$3
if ! "$cxx" $flags -fsyntax-only -DMASYNC_CONTROL "$snippet"; then
	echo "check_compile_fail: $snippet: the control variant does not compile" >&2
	exit 1
fi
if out=$("$cxx" $flags -fsyntax-only "$snippet" 2>&1); then
	echo "check_compile_fail: $snippet: compiled, but must not" >&2
	exit 1
fi
echo "check_compile_fail: $snippet: rejected as expected:"
echo "$out" | grep -m 3 -E 'error' || true
exit 0
