/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * The measurements behind the threads mover's tunables
 * (docs/threads_mover.md). Each mode sweeps one tunable on movers built
 * with the internal configuration and prints a table:
 *
 *   chunk    split unit for large operations: GB/s of one 8 MiB and one
 *            64 MiB memcpy for chunk sizes 64 KiB .. 16 MiB (and unsplit);
 *   spin     idle-worker spin budget: round trip of one 4 KiB memcpy issued
 *            after a pause of 0/20/100/500 us (p50/p99), and the CPU the
 *            process burns per operation;
 *   inline   operation size up to which running on the caller beats
 *            handing over: ops/s with and without inlining, 128 in flight;
 *   cost     wall and CPU time per 4 KiB operation, 128 in flight, and
 *            context switches (where the time goes).
 *
 *   bench_threads_tune [chunk|spin|inline|cost ...]
 */

#include "threads_common.hpp"
#include "miniasync/data_mover_threads.hpp"

#include <string>
#include <thread>

using namespace threads_bench;
using masync::detail::threads_config;

namespace
{

data_mover_threads *make(std::size_t nthreads, const threads_config &base)
{
	threads_config c = base;
	c.nthreads = nthreads;
	c.ring_size = 1024;
	c.notifier = FUTURE_NOTIFIER_WAKER;
	return masync::detail::threads_mover_create(c);
}

void tune_chunk()
{
	std::printf("chunk: one memcpy on a %u-worker mover, GB/s (median of 7)\n",
	            std::thread::hardware_concurrency());
	struct runtime *rt = runtime_new();
	const std::size_t sizes[] = {std::size_t(8) << 20, std::size_t(64) << 20};
	auto src = buffer(sizes[1], 1), dst = buffer(sizes[1], 0);
	std::printf("  %-12s %12s %12s\n", "chunk", "8 MiB", "64 MiB");
	std::vector<std::size_t> chunks = {
	    std::size_t(64) << 10,  std::size_t(128) << 10, std::size_t(256) << 10,
	    std::size_t(512) << 10, std::size_t(1) << 20,   std::size_t(2) << 20,
	    std::size_t(4) << 20,   std::size_t(16) << 20,  std::size_t(1) << 40};
	for (std::size_t chunk : chunks) {
		threads_config c = masync::detail::threads_default_config();
		c.chunk_size = chunk;
		data_mover_threads *m = make(std::thread::hardware_concurrency(), c);
		struct vdm *vdm = data_mover_threads_get_vdm(m);
		double gbs[2];
		for (int s = 0; s < 2; ++s) {
			std::vector<double> t;
			for (int i = 0; i < 8; ++i) {
				std::uint64_t a = now_ns();
				auto f = vdm_memcpy(vdm, dst.data(), src.data(), sizes[s], 0);
				runtime_wait(rt, FUTURE_AS_RUNNABLE(&f));
				if (i > 0)
					t.push_back(double(now_ns() - a));
			}
			gbs[s] = double(sizes[s]) / median(t);
		}
		if (chunk >= (std::size_t(1) << 40))
			std::printf("  %-12s %12.2f %12.2f\n", "unsplit", gbs[0], gbs[1]);
		else
			std::printf("  %9zu KiB %12.2f %12.2f\n", chunk >> 10, gbs[0], gbs[1]);
		data_mover_threads_delete(m);
	}
	std::vector<double> t;
	for (int i = 0; i < 8; ++i) {
		std::uint64_t a = now_ns();
		std::memcpy(dst.data(), src.data(), sizes[1]);
		if (i > 0)
			t.push_back(double(now_ns() - a));
	}
	std::printf("  %-12s %12s %12.2f\n", "plain memcpy", "", double(sizes[1]) / median(t));
	runtime_delete(rt);
}

void tune_spin()
{
	std::printf("spin: round trip of one 4 KiB memcpy after a pause; CPU per operation\n");
	std::printf("  %-10s %-8s %10s %10s %12s\n", "spin (us)", "pause", "p50 (us)", "p99 (us)",
	            "CPU/op (us)");
	struct runtime *rt = runtime_new();
	auto src = buffer(4096, 1), dst = buffer(4096, 0);
	for (std::uint32_t spin : {0u, 5000u, 20000u, 50000u, 100000u, 200000u}) {
		threads_config c = masync::detail::threads_default_config();
		c.spin_ns = spin;
		data_mover_threads *m = make(std::thread::hardware_concurrency(), c);
		struct vdm *vdm = data_mover_threads_get_vdm(m);
		for (std::uint64_t pause_us : {0u, 20u, 100u, 500u}) {
			const int n = pause_us >= 500 ? 1000 : 4000;
			std::vector<std::uint64_t> lat;
			std::uint64_t cpu0 = cpu_ns();
			for (int i = 0; i < n; ++i) {
				if (pause_us) {
					std::uint64_t until = now_ns() + pause_us * 1000;
					/* Sleep for most of the pause, like an application
					 * thinking. */
					if (pause_us >= 100)
						std::this_thread::sleep_for(
						    std::chrono::microseconds(pause_us - 60));
					while (now_ns() < until)
						;
				}
				std::uint64_t a = now_ns();
				auto f = vdm_memcpy(vdm, dst.data(), src.data(), 4096, 0);
				runtime_wait(rt, FUTURE_AS_RUNNABLE(&f));
				lat.push_back(now_ns() - a);
			}
			double cpu = double(cpu_ns() - cpu0) / n / 1000.0;
			std::printf("  %-10u %-8s %10.2f %10.2f %12.2f\n", spin / 1000,
			            (std::to_string(pause_us) + "us").c_str(),
			            percentile(lat, 50) / 1000, percentile(lat, 99) / 1000, cpu);
		}
		data_mover_threads_delete(m);
	}
	std::printf("  (CPU/op includes the caller's own pause when it spins: compare rows)\n");
	runtime_delete(rt);
}

double rate(struct vdm *vdm, struct runtime *rt, std::size_t size)
{
	constexpr int k = 128;
	std::vector<unsigned char> src(k * size + 1, 1), dst(k * size + 1, 0);
	std::vector<vdm_operation_future> futs(k);
	std::vector<struct future *> ptrs(k);
	for (int i = 0; i < k; ++i)
		ptrs[i] = FUTURE_AS_RUNNABLE(&futs[i]);
	std::uint64_t ops = 0, start = now_ns(), t;
	do {
		for (int i = 0; i < k; ++i)
			futs[i] =
			    vdm_memcpy(vdm, dst.data() + i * size, src.data() + i * size, size, 0);
		runtime_wait_multiple(rt, ptrs.data(), k);
		ops += k;
		t = now_ns() - start;
	} while (t < 200'000'000);
	return double(ops) / (double(t) / 1e9);
}

void tune_inline()
{
	std::printf("inline: Mops/s of memcpy futures, 128 in flight, inline vs handed over\n");
	std::printf("  %-8s %12s %12s\n", "size", "inline", "workers");
	struct runtime *rt = runtime_new();
	threads_config on = masync::detail::threads_default_config(), off = on;
	on.inline_max = ~std::size_t(0);
	off.inline_max = 0;
	data_mover_threads *mon = make(std::thread::hardware_concurrency(), on);
	data_mover_threads *moff = make(std::thread::hardware_concurrency(), off);
	for (std::size_t size : {16, 64, 256, 512, 1024, 2048, 4096, 16384}) {
		std::vector<double> a, b;
		for (int i = 0; i < 3; ++i) {
			a.push_back(rate(data_mover_threads_get_vdm(mon), rt, size));
			b.push_back(rate(data_mover_threads_get_vdm(moff), rt, size));
		}
		std::printf("  %-8zu %12.2f %12.2f\n", size, median(a) / 1e6, median(b) / 1e6);
	}
	data_mover_threads_delete(mon);
	data_mover_threads_delete(moff);
	runtime_delete(rt);
}

void tune_cost()
{
	std::printf("cost: 4 KiB memcpy, 128 in flight, per operation\n");
	struct runtime *rt = runtime_new();
	for (std::size_t workers : {std::size_t(1), std::size_t(2)}) {
		threads_config c = masync::detail::threads_default_config();
		data_mover_threads *m = make(workers, c);
		struct rusage r0 {
		}, r1{};
		getrusage(RUSAGE_SELF, &r0);
		std::uint64_t cpu0 = cpu_ns(), w0 = now_ns();
		double ops = rate(data_mover_threads_get_vdm(m), rt, 4096) * 0.2;
		std::uint64_t wall = now_ns() - w0, cpu = cpu_ns() - cpu0;
		getrusage(RUSAGE_SELF, &r1);
		std::printf(
		    "  %zu worker(s): wall %.3f us/op, CPU %.3f us/op, %.1f vol + %.1f invol "
		    "switches per 1000 ops\n",
		    workers, double(wall) / ops / 1000, double(cpu) / ops / 1000,
		    double(r1.ru_nvcsw - r0.ru_nvcsw) / ops * 1000,
		    double(r1.ru_nivcsw - r0.ru_nivcsw) / ops * 1000);
		data_mover_threads_delete(m);
	}
	runtime_delete(rt);
}

} // namespace

int main(int argc, char **argv)
{
	std::vector<std::string> which;
	CLI::App app{"Tuning tables of the threads mover's internal configuration"};
	app.add_option("which", which, "tables to print (default: all)")
	    ->check(CLI::IsMember({"chunk", "spin", "inline", "cost"}));
	if (int rc = bench::parse_args(app, argc, argv); rc >= 0)
		return rc;
	if (which.empty())
		which = {"chunk", "spin", "inline", "cost"};
	for (auto &w : which) {
		if (w == "chunk")
			tune_chunk();
		else if (w == "spin")
			tune_spin();
		else if (w == "inline")
			tune_inline();
		else if (w == "cost")
			tune_cost();
		else {
			std::fprintf(stderr, "unknown mode '%s' (chunk, spin, inline, cost)\n",
			             w.c_str());
			return 2;
		}
	}
	return 0;
}
