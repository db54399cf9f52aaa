#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026, masync authors
#
# `masync copy` against `cp`: the same file copied to a new file, wall time
# of the whole command (process start to exit), interleaved rounds
# (the order alternates every round), medians, and the ratio
# cp time / masync time (>= 0.9 is the acceptance of issue 9).
#
#   bench/tool_copy_vs_cp.sh [-s SIZE] [-r ROUNDS] [-d DIR] [-m MASYNC] [-- COPY-OPTIONS...]
#
#   -s SIZE    source size for head -c (default 1G)
#   -r ROUNDS  rounds (default 9)
#   -d DIR     where SRC and DST live (default /dev/shm)
#   -m MASYNC  the binary (default build/release/tools/masync, else build/tools/masync)
#   COPY-OPTIONS go to `masync copy` (e.g. --mover default, --chunk 8M)
#
# Run it on a quiet machine: it warns when the load average says otherwise.
# The source is made once (random bytes) and read once before the rounds,
# so both commands copy from a warm page cache. Every copy (masync's and
# cp's, so that both are followed by the same work) is checked against the
# source with cmp. Exit status 0 when the ratio is >= 0.9.
set -euo pipefail
cd "$(dirname "$0")/.."

size=1G
rounds=9
dir=/dev/shm
masync=
while getopts "s:r:d:m:h" opt; do
	case $opt in
	s) size=$OPTARG ;;
	r) rounds=$OPTARG ;;
	d) dir=$OPTARG ;;
	m) masync=$OPTARG ;;
	*) sed -n '3,24p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ "${1:-}" = "--" ] && shift
copy_opts=("$@")

if [ -z "$masync" ]; then
	for m in build/release/tools/masync build/tools/masync; do
		[ -x "$m" ] && { masync=$m; break; }
	done
fi
[ -n "$masync" ] && [ -x "$masync" ] || { echo "no masync binary (build it, or -m PATH)" >&2; exit 2; }

work=$(mktemp -d "$dir/masync-vs-cp-XXXXXX")
trap 'rm -rf "$work"' EXIT
src=$work/src
dst=$work/dst

echo "making a $size source in $dir ..."
head -c "$size" /dev/urandom >"$src"
cat "$src" >/dev/null
bytes=$(stat -c %s "$src")

load=$(cut -d' ' -f1 /proc/loadavg)
cpus=$(nproc)
if awk -v l="$load" -v c="$cpus" 'BEGIN { exit !(l > 0.25 * c) }'; then
	echo "WARNING: load average $load on $cpus CPUs: the machine is not quiet, the figures are noisy" >&2
fi

now_ns() { date +%s%N; }
time_cmd() { # prints the seconds the command took
	local t0 t1
	t0=$(now_ns)
	"$@"
	t1=$(now_ns)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", (b - a) / 1e9 }'
}

cp_times=()
ms_times=()
printf "%-6s %10s %10s\n" round "cp (s)" "masync (s)"
for ((r = 1; r <= rounds; r++)); do
	run_cp() {
		rm -f "$dst"; sync -f "$work" 2>/dev/null || true
		cp_t=$(time_cmd cp "$src" "$dst")
		cmp -s "$src" "$dst" || { echo "cp produced a different file" >&2; exit 1; }
	}
	run_ms() {
		rm -f "$dst"; sync -f "$work" 2>/dev/null || true
		ms_t=$(time_cmd "$masync" copy -q "${copy_opts[@]}" "$src" "$dst")
		cmp -s "$src" "$dst" || { echo "masync copy produced a different file" >&2; exit 1; }
	}
	if ((r % 2)); then run_cp; run_ms; else run_ms; run_cp; fi
	rm -f "$dst"
	cp_times+=("$cp_t")
	ms_times+=("$ms_t")
	printf "%-6s %10s %10s\n" "$r" "$cp_t" "$ms_t"
done

median() { printf "%s\n" "$@" | sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.4f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
cp_med=$(median "${cp_times[@]}")
ms_med=$(median "${ms_times[@]}")
ratio=$(awk -v c="$cp_med" -v m="$ms_med" 'BEGIN { printf "%.3f\n", c / m }')
gib() { awk -v b="$bytes" -v t="$1" 'BEGIN { printf "%.2f GiB/s", b / t / 1073741824 }'; }

echo
echo "size $bytes bytes in $dir, $rounds interleaved rounds, load average at start $load on $cpus CPUs"
echo "masync: $masync copy -q ${copy_opts[*]}"
echo "median cp     ${cp_med} s ($(gib "$cp_med"))"
echo "median masync ${ms_med} s ($(gib "$ms_med"))"
echo "ratio cp/masync = $ratio (acceptance: >= 0.9)"
awk -v r="$ratio" 'BEGIN { exit !(r >= 0.9) }'
