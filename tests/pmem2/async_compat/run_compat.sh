#!/bin/sh
# run_compat.sh OURS SYSTEM OUTDIR
#
# Runs the async compatibility program built against our libpmem2 (OURS)
# and against Debian's PMDK 1.12.1 libpmem2 on our libminiasync (SYSTEM),
# each in its own process. Both must succeed and print the same lines.
# Exit status: 0 on success, 1 on a failure or difference, 2 on errors.
set -u

ours=$1
system=$2
outdir=$3

lib() {
	ldd "$1" | awk -v name="$2" '$1 == name { print $3 }'
}

# The system program must use the system libpmem2 and our libminiasync.
sys_pmem2=$(lib "$system" libpmem2.so.1)
sys_miniasync=$(lib "$system" libminiasync.so.0)
ours_pmem2=$(lib "$ours" libpmem2.so.1)
ours_miniasync=$(lib "$ours" libminiasync.so.0)
if [ -z "$sys_pmem2" ] || [ -z "$sys_miniasync" ] || [ -z "$ours_pmem2" ]; then
	echo "run_compat.sh: cannot tell which libraries the programs use" >&2
	exit 2
fi
if [ "$(readlink -f "$sys_pmem2")" = "$(readlink -f "$ours_pmem2")" ]; then
	echo "run_compat.sh: both programs use $sys_pmem2" >&2
	exit 2
fi
if [ "$(readlink -f "$sys_miniasync")" != "$(readlink -f "$ours_miniasync")" ]; then
	echo "run_compat.sh: the system program uses $sys_miniasync, not ours ($ours_miniasync)" >&2
	exit 2
fi
echo "ours:   libpmem2 $ours_pmem2, libminiasync $ours_miniasync"
echo "system: libpmem2 $sys_pmem2, libminiasync $sys_miniasync"

status=0
"$ours" >"$outdir/ours.out" || { echo "our build failed" >&2; status=1; }
"$system" >"$outdir/system.out" || { echo "the PMDK build failed" >&2; status=1; }
cat "$outdir/system.out"
if ! diff -u "$outdir/ours.out" "$outdir/system.out"; then
	echo "run_compat.sh: the outputs differ" >&2
	status=1
fi
exit $status
