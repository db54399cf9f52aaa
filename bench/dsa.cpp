/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * bench/dsa.cpp -- the DSA mover (libminiasync-vdm-dml) against its
 * baselines, all measured in the same run, interleaved round by round (the
 * order of the two sides alternates); each figure is the median over rounds
 * of the per-round ratio (harness.hpp's paired_ratio).
 *
 *   1. AUTO, 64-byte memcpy, ops/s        vs the synchronous mover (>= 0.8)
 *   2. AUTO, 64 MiB memcpy                vs the better of memcpy on 1 thread
 *                                          and split over 2 threads (>= 0.9)
 *   3. SOFTWARE memcpy at several sizes   vs the synchronous mover (>= 0.95)
 *   --sweep: AUTO's threshold. For each size, AUTO with everything inline
 *   (threshold above the size) against AUTO with the size offloaded
 *   (threshold 0: a work queue if there is one, else the threads mover with
 *   the caller's share); the threshold to use is the smallest size from
 *   which offloading stays at least as fast.
 * With no work queue (and no MASYNC_DSA_MODEL), AUTO's large copies go to
 * its internal threads mover. Figures with MASYNC_DSA_MODEL set measure the
 * model, not a device.
 *
 *   bench_dsa [rounds] [--sweep]
 */
#include "harness.hpp"

#include <libminiasync-vdm-dml.h>
#include <libminiasync.h>
#include <libminiasync/data_mover_dsa.h>

#include <cstring>
#include <thread>
#include <vector>

namespace
{

std::size_t errors = 0;

/* Seconds for `reps` memcpy futures of n bytes on the vdm, one at a time. */
double time_vdm(struct vdm *v, char *dst, char *src, std::size_t n, std::size_t reps)
{
	double t0 = bench::now_s();
	for (std::size_t i = 0; i < reps; ++i) {
		struct vdm_operation_future f = vdm_memcpy(v, dst, src, n, 0);
		FUTURE_BUSY_POLL(&f);
		errors += f.output.result != VDM_SUCCESS;
	}
	return bench::now_s() - t0;
}

double time_threads_memcpy(char *dst, const char *src, std::size_t n, unsigned nthreads)
{
	double t0 = bench::now_s();
	if (nthreads == 1) {
		std::memcpy(dst, src, n);
		return bench::now_s() - t0;
	}
	std::vector<std::thread> ts;
	std::size_t part = n / nthreads;
	for (unsigned i = 1; i < nthreads; ++i) {
		std::size_t off = part * i, len = i + 1 == nthreads ? n - off : part;
		ts.emplace_back([=] { std::memcpy(dst + off, src + off, len); });
	}
	std::memcpy(dst, src, part);
	for (auto &t : ts)
		t.join();
	return bench::now_s() - t0;
}

/* a[r], b[r]: seconds of each side in round r, the order alternating. */
template <typename A, typename B>
void paired(int rounds, std::vector<double> &a, std::vector<double> &b, A fa, B fb)
{
	for (int r = 0; r < rounds; ++r) {
		if (r % 2 == 0) {
			a.push_back(fa());
			b.push_back(fb());
		} else {
			b.push_back(fb());
			a.push_back(fa());
		}
	}
}

std::size_t reps_for(std::size_t n)
{
	std::size_t reps = (std::size_t{64} << 20) / n;
	return std::clamp<std::size_t>(reps, 4, 200000);
}

} // namespace

int main(int argc, char *argv[])
{
	int rounds = 9;
	bool sweep = false;
	CLI::App app{"bench_dsa: the DSA mover against the synchronous mover and memcpy"};
	app.add_option("rounds", rounds, "rounds (each side once per round)")
	    ->check(CLI::PositiveNumber);
	app.add_flag("--sweep", sweep, "measure AUTO's threshold instead");
	if (int rc = bench::parse_args(app, argc, argv); rc >= 0)
		return rc;

	struct data_mover_sync *sync = data_mover_sync_new();
	struct data_mover_dml *aut = data_mover_dml_new(DATA_MOVER_DML_AUTO);
	struct data_mover_dml *sw = data_mover_dml_new(DATA_MOVER_DML_SOFTWARE);
	if (!sync || !aut || !sw) {
		std::fprintf(stderr, "bench_dsa: cannot create the movers\n");
		return 1;
	}
	struct vdm *vs = data_mover_sync_get_vdm(sync);
	struct vdm *va = data_mover_dml_get_vdm(aut);
	struct vdm *vw = data_mover_dml_get_vdm(sw);
	const char *wq = data_mover_dsa_wq_name(aut);
	std::printf("bench_dsa: %d rounds; AUTO offloads to %s; threshold %zu B\n", rounds,
	            wq ? wq : "the threads mover (no work queue)",
	            data_mover_dsa_get_threshold(aut));

	const std::size_t big = 64u << 20;
	std::vector<char> src(big, 'x'), dst(big, 0);
	bool ok = true;

	if (sweep) {
		const std::size_t saved = data_mover_dsa_get_threshold(aut);
		std::size_t pick = 0;
		std::printf("%10s %14s %14s %8s\n", "size", "inline GB/s", "offload GB/s",
		            "off/inl");
		for (std::size_t n = 4096; n <= (std::size_t{16} << 20); n *= 2) {
			const std::size_t reps =
			    std::max<std::size_t>(16, (std::size_t{128} << 20) / n);
			std::vector<double> ti, to;
			paired(
			    rounds, ti, to,
			    [&] {
				    data_mover_dsa_set_threshold(aut, SIZE_MAX);
				    return time_vdm(va, dst.data(), src.data(), n, reps);
			    },
			    [&] {
				    data_mover_dsa_set_threshold(aut, 0);
				    return time_vdm(va, dst.data(), src.data(), n, reps);
			    });
			const double r = bench::paired_ratio(ti, to);
			std::printf("%10zu %14.2f %14.2f %8.3f\n", n,
			            double(n * reps) / bench::median(ti) / 1e9,
			            double(n * reps) / bench::median(to) / 1e9, r);
			if (r >= 1.0 && pick == 0)
				pick = n;
			else if (r < 1.0)
				pick = 0;
		}
		data_mover_dsa_set_threshold(aut, saved);
		if (pick != 0)
			std::printf("  => offloading is at least as fast from %zu B on\n", pick);
		else
			std::printf("  => offloading never stayed ahead up to 16 MiB\n");
	} else {
		/* 1. AUTO 64 B ops/s vs sync */
		{
			const std::size_t reps = 200000;
			std::vector<double> ts, ta;
			paired(
			    rounds, ts, ta,
			    [&] { return time_vdm(vs, dst.data(), src.data(), 64, reps); },
			    [&] { return time_vdm(va, dst.data(), src.data(), 64, reps); });
			std::printf("auto 64 B: %.2f Mops/s, sync %.2f Mops/s\n",
			            reps / bench::median(ta) / 1e6, reps / bench::median(ts) / 1e6);
			ok &= bench::report_ratio("AUTO 64 B ops/s / sync mover",
			                          bench::paired_ratio(ts, ta), 0.8);
		}
		/* 2. AUTO 64 MiB vs the best of 1/2-thread memcpy */
		{
			data_mover_dsa_counters c0{};
			data_mover_dsa_get_counters(aut, &c0);
			std::vector<double> tb, ta;
			paired(
			    rounds, tb, ta,
			    [&] {
				    return std::min(
				        time_threads_memcpy(dst.data(), src.data(), big, 1),
				        time_threads_memcpy(dst.data(), src.data(), big, 2));
			    },
			    [&] { return time_vdm(va, dst.data(), src.data(), big, 1); });
			data_mover_dsa_counters c{};
			data_mover_dsa_get_counters(aut, &c);
			c.bytes_cpu -= c0.bytes_cpu;
			std::printf("auto 64 MiB: %.2f GB/s, best of 1/2-thread memcpy %.2f GB/s "
			            "(AUTO's bytes: %.0f%% by the caller, %.0f%% by the threads "
			            "mover, %.0f%% by DSA)\n",
			            big / bench::median(ta) / 1e9, big / bench::median(tb) / 1e9,
			            100.0 * double(c.bytes_cpu) / double(big) / rounds,
			            100.0 * double(c.bytes_threads) / double(big) / rounds,
			            100.0 * double(c.bytes_dsa) / double(big) / rounds);
			ok &= bench::report_ratio("AUTO 64 MiB / best of 1-2 thread memcpy",
			                          bench::paired_ratio(tb, ta), 0.9);
		}
		/* 3. SOFTWARE vs sync at several sizes */
		for (std::size_t n : {std::size_t{64}, std::size_t{4096}, std::size_t{65536},
		                      std::size_t{1} << 20, std::size_t{16} << 20}) {
			const std::size_t reps = reps_for(n);
			std::vector<double> ts, tw;
			paired(
			    rounds, ts, tw,
			    [&] { return time_vdm(vs, dst.data(), src.data(), n, reps); },
			    [&] { return time_vdm(vw, dst.data(), src.data(), n, reps); });
			char what[64];
			std::snprintf(what, sizeof(what), "SOFTWARE %zu B / sync mover", n);
			ok &= bench::report_ratio(what, bench::paired_ratio(ts, tw), 0.95);
		}
	}

	data_mover_dml_delete(aut);
	data_mover_dml_delete(sw);
	data_mover_sync_delete(sync);
	if (errors != 0) {
		std::fprintf(stderr, "bench_dsa: %zu operations failed\n", errors);
		return 1;
	}
	(void)ok;
	return 0;
}
