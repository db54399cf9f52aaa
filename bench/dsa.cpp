/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * bench/dsa.cpp -- the DSA mover (libminiasync-vdm-dml) against its
 * baselines, all measured in the same run, interleaved round by round; the
 * median over rounds of each round's ratio is printed.
 *
 *   1. AUTO, 64-byte memcpy, ops/s        vs the synchronous mover
 *                                          (target ratio >= 0.8)
 *   2. AUTO, 64 MiB memcpy                vs the better of memcpy on 1 thread
 *                                          and split over 2 threads
 *                                          (target >= 0.9)
 *   3. SOFTWARE memcpy at several sizes   vs the synchronous mover
 *                                          (target >= 0.95)
 * With no work queue (and no MASYNC_DSA_MODEL), AUTO's large copies go to
 * its internal threads mover. Figures with MASYNC_DSA_MODEL set measure the
 * model, not a device.
 *
 *   bench_dsa [rounds=7]
 */
#include <libminiasync-vdm-dml.h>
#include <libminiasync.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

namespace
{

using clk = std::chrono::steady_clock;
std::size_t errors = 0;

double seconds_since(clk::time_point t0)
{
	return std::chrono::duration<double>(clk::now() - t0).count();
}

/* Seconds for `reps` memcpy futures of n bytes on the vdm, one at a time. */
double time_vdm(struct vdm *v, char *dst, char *src, std::size_t n, std::size_t reps)
{
	auto t0 = clk::now();
	for (std::size_t i = 0; i < reps; ++i) {
		struct vdm_operation_future f = vdm_memcpy(v, dst, src, n, 0);
		FUTURE_BUSY_POLL(&f);
		errors += f.output.result != VDM_SUCCESS;
	}
	return seconds_since(t0);
}

double time_threads_memcpy(char *dst, const char *src, std::size_t n, unsigned nthreads)
{
	auto t0 = clk::now();
	std::vector<std::thread> ts;
	std::size_t part = n / nthreads;
	for (unsigned i = 0; i < nthreads; ++i) {
		std::size_t off = part * i, len = i + 1 == nthreads ? n - off : part;
		ts.emplace_back([=] { std::memcpy(dst + off, src + off, len); });
	}
	for (auto &t : ts)
		t.join();
	return seconds_since(t0);
}

double median(std::vector<double> v)
{
	std::sort(v.begin(), v.end());
	return v[v.size() / 2];
}

} // namespace

int main(int argc, char *argv[])
{
	int rounds = argc > 1 ? std::atoi(argv[1]) : 7;
	if (rounds < 1)
		rounds = 1;
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

	const std::size_t big = 64u << 20;
	std::vector<char> src(big, 'x'), dst(big, 0);

	/* 1. AUTO 64 B ops/s vs sync */
	{
		const std::size_t reps = 1000000;
		std::vector<double> ratio, a_ops, s_ops;
		for (int r = 0; r < rounds; ++r) {
			double ts = time_vdm(vs, dst.data(), src.data(), 64, reps);
			double ta = time_vdm(va, dst.data(), src.data(), 64, reps);
			s_ops.push_back(reps / ts);
			a_ops.push_back(reps / ta);
			ratio.push_back(ts / ta);
		}
		std::printf("auto 64B: %.2f Mops/s, sync %.2f Mops/s, ratio %.3f (target >= 0.8)\n",
		            median(a_ops) / 1e6, median(s_ops) / 1e6, median(ratio));
	}

	/* 2. AUTO 64 MiB vs best of 1/2-thread memcpy */
	{
		std::vector<double> ratio, ta_v, tb_v;
		for (int r = 0; r < rounds; ++r) {
			double t1 = time_threads_memcpy(dst.data(), src.data(), big, 1);
			double t2 = time_threads_memcpy(dst.data(), src.data(), big, 2);
			double ta = time_vdm(va, dst.data(), src.data(), big, 1);
			double tb = std::min(t1, t2);
			ta_v.push_back(ta);
			tb_v.push_back(tb);
			ratio.push_back(tb / ta);
		}
		std::printf(
		    "auto 64MiB: %.2f GB/s, best of 1/2-thread memcpy %.2f GB/s, ratio %.3f "
		    "(target >= 0.9)\n",
		    big / median(ta_v) / 1e9, big / median(tb_v) / 1e9, median(ratio));
	}

	/* 3. SOFTWARE vs sync at several sizes */
	for (std::size_t n : {std::size_t{64}, std::size_t{4096}, std::size_t{65536},
	                      std::size_t{1} << 20, std::size_t{16} << 20}) {
		std::size_t reps = std::max<std::size_t>(4, (std::size_t{256} << 20) / n);
		reps = std::min<std::size_t>(reps, 1000000);
		std::vector<double> ratio;
		for (int r = 0; r < rounds; ++r) {
			double ts = time_vdm(vs, dst.data(), src.data(), n, reps);
			double tw = time_vdm(vw, dst.data(), src.data(), n, reps);
			ratio.push_back(ts / tw);
		}
		std::printf("software %8zu B: ratio to sync %.3f (target >= 0.95)\n", n,
		            median(ratio));
	}

	data_mover_dml_delete(aut);
	data_mover_dml_delete(sw);
	data_mover_sync_delete(sync);
	if (errors != 0) {
		std::fprintf(stderr, "bench_dsa: %zu operations failed\n", errors);
		return 1;
	}
	return 0;
}
