#!/bin/sh
# check_headers.sh COMPILER "FLAGS" NAME...
# Compiles each masync/NAME.hpp alone (-fsyntax-only), included twice.
# NAME pmem2_async: masync/pmem2.hpp with PMEM2_USE_MINIASYNC defined.
set -u
cxx=$1
flags=$2
shift 2
status=0
for name in "$@"; do
	header=$name
	define=""
	if [ "$name" = pmem2_async ]; then
		header=pmem2
		define="#define PMEM2_USE_MINIASYNC 1"
	fi
	printf '%s\n#include <masync/%s.hpp>\n#include <masync/%s.hpp>\n' "$define" "$header" "$header" |
		"$cxx" $flags -fsyntax-only -x c++ - || {
		echo "check_headers: masync/$name.hpp does not compile alone with $cxx" >&2
		status=1
	}
done
[ $status -eq 0 ] && echo "check_headers: $# headers compile alone with $cxx"
exit $status
