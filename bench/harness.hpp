/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * The benchmarks' shared harness: clocks, medians, percentiles, the paired
 * ratio of two interleaved series and the result lines with a target.
 *
 * What: header-only helpers for the programs of bench/ (not installed).
 * Every figure a benchmark prints is a median over rounds in which its
 * baseline ran in the same process, interleaved with it; ratios between
 * two series come from paired_ratio (the median of per-round ratios), so
 * that a drift of the machine's speed between rounds cancels.
 * Command lines are CLI11 apps parsed with parse_args.
 * Lifetime/thread safety: pure functions over values; any thread.
 * Ordering: none (the clocks are steady_clock, monotonic per process).
 */
#ifndef MASYNC_BENCH_HARNESS_HPP
#define MASYNC_BENCH_HARNESS_HPP

#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <vector>

namespace bench
{

/* Monotonic time in nanoseconds. */
inline std::uint64_t now_ns()
{
	return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
	                                      std::chrono::steady_clock::now().time_since_epoch())
	                                      .count());
}

/* Monotonic time in seconds. */
inline double now_s()
{
	return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
	    .count();
}

/* The median (the upper one of an even count); 0 for no values. */
inline double median(std::vector<double> v)
{
	if (v.empty())
		return 0;
	std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(v.size() / 2), v.end());
	return v[v.size() / 2];
}

/* The p-th percentile (0..100, nearest rank); 0 for no values. */
inline double percentile(std::vector<std::uint64_t> v, double p)
{
	if (v.empty())
		return 0;
	std::sort(v.begin(), v.end());
	std::size_t i = static_cast<std::size_t>(p / 100.0 * double(v.size() - 1) + 0.5);
	return double(v[std::min(i, v.size() - 1)]);
}

/*
 * The median of the per-round ratios a[r] / b[r] (over the rounds both
 * have): each round's two runs are back to back, so a drift of the
 * machine's speed cancels in the ratio, which a ratio of medians does not.
 */
inline double paired_ratio(const std::vector<double> &a, const std::vector<double> &b)
{
	std::vector<double> r;
	for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
		r.push_back(a[i] / b[i]);
	return median(r);
}

/* Prints one acceptance line "  => what  ratio R (target >= T): PASS|FAIL". */
inline bool report_ratio(const char *what, double ratio, double target)
{
	bool ok = ratio >= target;
	std::printf("  => %-52s ratio %.3f (target >= %.2f): %s\n", what, ratio, target,
	            ok ? "PASS" : "FAIL");
	return ok;
}

/* Prints one acceptance line for a value with an upper limit. */
inline bool report_max(const char *what, double value, double limit, const char *unit)
{
	bool ok = value <= limit;
	std::printf("  => %-52s %.2f %s (target <= %.2f %s): %s\n", what, value, unit, limit, unit,
	            ok ? "PASS" : "FAIL");
	return ok;
}

/*
 * Parses the command line into app: returns -1 to go on, or the exit status
 * to return from main (0 after --help, 2 for a usage error, with the
 * message printed).
 */
inline int parse_args(CLI::App &app, int argc, char **argv)
{
	try {
		app.parse(argc, argv);
	} catch (const CLI::ParseError &e) {
		return app.exit(e) == 0 ? 0 : 2;
	}
	return -1;
}

} // namespace bench

#endif
