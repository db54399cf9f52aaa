#!/bin/sh
# compare.sh OURS SYSTEM ALLOWED OUTDIR
#
# Runs the differential scenarios built against our libpmem2 (OURS) and
# against the system's PMDK libpmem2 (SYSTEM), each in its own process, and
# compares their outputs line by line. Lines matching one of the extended
# regular expressions listed in ALLOWED (one per line, matched from the
# start of the line; '#' starts a comment) are left out of the comparison:
# they are the known, documented differences
# (docs/compatibility.md, section "libpmem2"). Outputs are kept in OUTDIR.
# Exit status: 0 when the outputs agree, 1 when they differ, 2 on errors.
set -u

ours=$1
system=$2
allowed=$3
outdir=$4
scratch=${PMEM2_DIFFERENTIAL_DIR:-/dev/shm}

# The two programs must really use two different libraries.
lib_of() {
	ldd "$1" | awk '$1 == "libpmem2.so.1" { print $3 }'
}
ours_lib=$(lib_of "$ours")
system_lib=$(lib_of "$system")
if [ -z "$ours_lib" ] || [ -z "$system_lib" ]; then
	echo "compare.sh: cannot tell which libpmem2.so.1 the programs use" >&2
	exit 2
fi
if [ "$(readlink -f "$ours_lib")" = "$(readlink -f "$system_lib")" ]; then
	echo "compare.sh: both programs load $ours_lib" >&2
	exit 2
fi
echo "ours:   $ours_lib"
echo "system: $system_lib"

env -u PMEM2_FORCE_GRANULARITY "$ours" "$scratch" >"$outdir/ours.out" 2>"$outdir/ours.err" || {
	echo "compare.sh: $ours failed (see $outdir/ours.err)" >&2
	exit 2
}
env -u PMEM2_FORCE_GRANULARITY "$system" "$scratch" >"$outdir/system.out" 2>"$outdir/system.err" || {
	echo "compare.sh: $system failed (see $outdir/system.err)" >&2
	exit 2
}

# The allowed patterns, comments and blank lines removed.
grep -v '^[[:space:]]*#' "$allowed" | sed '/^[[:space:]]*$/d' >"$outdir/allowed.txt"

# Keep the lines that match none of the allowed patterns.
keep() {
	awk -v list="$outdir/allowed.txt" '
		BEGIN { while ((getline p < list) > 0) patterns[n++] = "^(" p ")" }
		{
			for (i = 0; i < n; i++)
				if ($0 ~ patterns[i]) next
			print
		}' "$1"
}
keep "$outdir/ours.out" >"$outdir/ours.cmp"
keep "$outdir/system.out" >"$outdir/system.cmp"

lines=$(wc -l <"$outdir/ours.out")
if diff -u "$outdir/system.cmp" "$outdir/ours.cmp" >"$outdir/diff.txt"; then
	echo "compare.sh: $lines lines, identical apart from the allowed differences:"
	diff "$outdir/system.out" "$outdir/ours.out" | sed 's/^/    /'
	exit 0
fi
echo "compare.sh: outputs differ (- system, + ours):"
cat "$outdir/diff.txt"
exit 1
