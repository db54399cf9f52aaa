#!/usr/bin/env bash
# bench/pmem2_vs_pmdk.sh -- libpmem2 memory operations, masync vs Debian's
# PMDK 1.12.1: the same program (pmem2_memops_bench.c) built against each,
# run as separate processes, alternating which goes first, cell by cell, for
# ROUNDS rounds, on a 256 MiB file on /dev/shm (BENCH_FILE_MIB overrides;
# keep it well above the last-level cache). Prints per cell the median
# GB/s of each and the ratio ours/PMDK, then the geometric mean of the ratios.
#
#   bench/pmem2_vs_pmdk.sh [BUILD_DIR] [ROUNDS] [SECONDS_PER_RUN]
#   (defaults: build, 9, 0.25; needs the targets bench_pmem2_memops_ours and
#    bench_pmem2_memops_pmdk: cmake --build BUILD_DIR --target pmem2_vs_pmdk)
# Cells: memcpy, memmove and memset x 64 B, 256 B, 1 KiB, 4 KiB, 64 KiB,
# 2 MiB x {CACHE_LINE with flags 0, NONTEMPORAL, TEMPORAL, NOFLUSH; PAGE with
# flags 0}. Run on a quiet machine; BENCH_CPU=n pins both programs to CPU n;
# BENCH_OPS / BENCH_SIZES / BENCH_MODES (space-separated: memcpy memmove
# memset / bytes / 0 NT T NF PAGE) restrict the cells. BENCH_NULL=1 runs
# PMDK's build in both columns: the spread of its ratios around 1.000 is the
# noise floor of a run on this machine.
set -euo pipefail
build=${1:-build}
rounds=${2:-9}
secs=${3:-0.25}
ours=$build/bench/bench_pmem2_memops_ours
pmdk=$build/bench/bench_pmem2_memops_pmdk
[ "${BENCH_NULL:-0}" = 1 ] && ours=$pmdk
for b in "$ours" "$pmdk"; do
	[ -x "$b" ] || { echo "missing $b (cmake --build $build --target pmem2_vs_pmdk)" >&2; exit 2; }
done
file=/dev/shm/masync-pmem2-vs-pmdk.$$
trap 'rm -f "$file"' EXIT
head -c $((${BENCH_FILE_MIB:-256} << 20)) /dev/zero >"$file"
pin=()
[ -n "${BENCH_CPU:-}" ] && pin=(taskset -c "$BENCH_CPU")

# cell: op size granularity flags label (modes: 0, NT, T, NF = NOFLUSH, PAGE)
declare -A mode_cell=([0]="CACHE_LINE 0 0" [NT]="CACHE_LINE 2 NT" [T]="CACHE_LINE 4 T"
	[NF]="CACHE_LINE 32 NF" [PAGE]="PAGE 0 PAGE")
cells=()
for op in ${BENCH_OPS:-memcpy memmove memset}; do
	for size in ${BENCH_SIZES:-64 256 1024 4096 65536 2097152}; do
		for mode in ${BENCH_MODES:-0 NT T NF PAGE}; do
			cells+=("$op $size ${mode_cell[$mode]}")
		done
	done
done

results=$(mktemp)
trap 'rm -f "$file" "$results"' EXIT
run() { # impl op size gran flags
	local bin=$ours
	[ "$1" = pmdk ] && bin=$pmdk
	PMEM2_FORCE_GRANULARITY=$4 "${pin[@]}" "$bin" "$file" "$2" "$3" "$5" "$secs"
}
for ((r = 1; r <= rounds; r++)); do
	for cell in "${cells[@]}"; do
		read -r op size gran flags label <<<"$cell"
		if ((r % 2)); then order=(ours pmdk); else order=(pmdk ours); fi
		for impl in "${order[@]}"; do
			echo "$op $size $label $impl $(run "$impl" "$op" "$size" "$gran" "$flags")" >>"$results"
		done
	done
	echo "round $r/$rounds done" >&2
done

awk -v rounds="$rounds" '
function median(key,   n, i, j, t, a) {
	n = split(vals[key], a, " ")
	for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
	return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{ key = $1 " " $2 " " $3; vals[key " " $4] = vals[key " " $4] " " $5; if (!(key in seen)) { seen[key] = 1; order[++nk] = key } }
END {
	printf "%-7s %8s %-5s %10s %10s %7s\n", "op", "size", "mode", "PMDK GB/s", "ours GB/s", "ours/PMDK"
	for (i = 1; i <= nk; i++) {
		split(order[i], k, " ")
		p = median(order[i] " pmdk"); o = median(order[i] " ours")
		r = o / p; lsum += log(r); cnt++
		flag = (r < 0.97) ? "  <-- below" : ""
		printf "%-7s %8s %-5s %10.3f %10.3f %7.3f%s\n", k[1], k[2], k[3], p, o, r, flag
	}
	printf "geometric mean of ours/PMDK over %d cells (%d rounds): %.3f\n", cnt, rounds, exp(lsum / cnt)
}' "$results"
