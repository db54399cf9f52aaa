/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * Throughput of the threads mover against baselines measured in the same run:
 *
 *   tiny   64-byte memcpy, 128 futures in flight through runtime_wait_multiple:
 *          threads mover vs synchronous mover (target >= 0.20).
 *   4k     4 KiB memcpy, 128 futures in flight, run by the workers: threads
 *          mover vs a plain single-thread memcpy of the same blocks (>= 0.50).
 *   64m    one 64 MiB memcpy: threads mover vs the faster of a plain memcpy
 *          and a memcpy split over two threads (>= 0.95).
 *
 * Each figure is the median of several trials, baselines and mover
 * interleaved so that machine noise hits both. Usage:
 *   bench_threads_throughput [tiny|4k|64m ...] [--trials N] [--strict]
 * --strict makes the exit status non-zero when a target is missed.
 */

#include "threads_common.hpp"

#include <cstring>
#include <string>
#include <thread>

using namespace threads_bench;

namespace
{

int trials = 7;

constexpr int in_flight = 128;

/* ops/s of batches of `in_flight` memcpy futures of `size` bytes on `vdm`. */
double futures_rate(struct vdm *vdm, struct runtime *rt, std::size_t size, double seconds)
{
	std::vector<unsigned char> src(in_flight * size, 1), dst(in_flight * size, 0);
	std::vector<vdm_operation_future> futs(in_flight);
	std::vector<struct future *> ptrs(in_flight);
	for (int i = 0; i < in_flight; ++i)
		ptrs[i] = FUTURE_AS_RUNNABLE(&futs[i]);
	auto batch = [&] {
		for (int i = 0; i < in_flight; ++i)
			futs[i] =
			    vdm_memcpy(vdm, dst.data() + i * size, src.data() + i * size, size, 0);
		runtime_wait_multiple(rt, ptrs.data(), in_flight);
	};
	for (int i = 0; i < 20; ++i)
		batch();
	std::uint64_t ops = 0, start = now_ns(), limit = std::uint64_t(seconds * 1e9), t;
	do {
		for (int i = 0; i < 16; ++i)
			batch();
		ops += 16 * in_flight;
		t = now_ns() - start;
	} while (t < limit);
	return double(ops) / (double(t) / 1e9);
}

/* ops/s of a plain memcpy over the same blocks, one thread. */
double plain_rate(std::size_t size, double seconds)
{
	std::vector<unsigned char> src(in_flight * size, 1), dst(in_flight * size, 0);
	std::uint64_t ops = 0, start = now_ns(), limit = std::uint64_t(seconds * 1e9), t;
	do {
		for (int r = 0; r < 16; ++r) {
			for (int i = 0; i < in_flight; ++i)
				std::memcpy(dst.data() + i * size, src.data() + i * size, size);
			/* Keep the compiler from dropping the copies. */
			__asm__ __volatile__("" : : "r"(dst.data()) : "memory");
		}
		ops += 16 * in_flight;
		t = now_ns() - start;
	} while (t < limit);
	return double(ops) / (double(t) / 1e9);
}

bool bench_tiny()
{
	std::printf("tiny: 64-byte memcpy, %d futures in flight, runtime_wait_multiple\n",
	            in_flight);
	struct runtime *rt = runtime_new();
	struct data_mover_sync *dms = data_mover_sync_new();
	struct data_mover_threads *dmt = data_mover_threads_default();
	std::vector<double> sync_r, thr_r;
	for (int t = 0; t < trials; ++t) {
		sync_r.push_back(futures_rate(data_mover_sync_get_vdm(dms), rt, 64, 0.2));
		thr_r.push_back(futures_rate(data_mover_threads_get_vdm(dmt), rt, 64, 0.2));
	}
	double s = median(sync_r), th = median(thr_r);
	std::printf("  sync mover     %10.2f Mops/s\n", s / 1e6);
	std::printf("  threads mover  %10.2f Mops/s (data_mover_threads_default)\n", th / 1e6);
	bool ok = report_ratio("threads / sync (64 B)", th / s, 0.20);
	data_mover_threads_delete(dmt);
	data_mover_sync_delete(dms);
	runtime_delete(rt);
	return ok;
}

bool bench_4k()
{
	std::printf("4k: 4 KiB memcpy, %d futures in flight, executed by the workers\n", in_flight);
	struct runtime *rt = runtime_new();
	struct data_mover_threads *dmt1 = data_mover_threads_new(1, 1024, FUTURE_NOTIFIER_WAKER);
	struct data_mover_threads *dmt2 = data_mover_threads_default();
	std::vector<double> plain_r, thr1_r, thr2_r;
	for (int t = 0; t < trials; ++t) {
		plain_r.push_back(plain_rate(4096, 0.2));
		thr1_r.push_back(futures_rate(data_mover_threads_get_vdm(dmt1), rt, 4096, 0.2));
		thr2_r.push_back(futures_rate(data_mover_threads_get_vdm(dmt2), rt, 4096, 0.2));
	}
	double p = median(plain_r), t1 = median(thr1_r), t2 = median(thr2_r);
	auto gbs = [](double ops) { return ops * 4096 / 1e9; };
	std::printf("  plain memcpy, 1 thread      %8.2f Mops/s %7.2f GB/s\n", p / 1e6, gbs(p));
	std::printf("  threads mover, 1 worker     %8.2f Mops/s %7.2f GB/s\n", t1 / 1e6, gbs(t1));
	unsigned hw = std::thread::hardware_concurrency();
	std::printf("  threads mover, default (%u) %8.2f Mops/s %7.2f GB/s (workers: CPUs - 1)\n",
	            hw <= 1 ? 1 : hw - 1, t2 / 1e6, gbs(t2));
	report_ratio("threads (1 worker) / plain memcpy (4 KiB)", t1 / p, 0.50);
	bool ok = report_ratio("threads (default) / plain memcpy (4 KiB)", t2 / p, 0.50);
	data_mover_threads_delete(dmt1);
	data_mover_threads_delete(dmt2);
	runtime_delete(rt);
	return ok;
}

/* A memcpy split over two persistent threads (the caller does one half). */
class split_copier
{
      public:
	split_copier() : helper_([this] { loop(); }) {}
	~split_copier()
	{
		stop_.store(true);
		go_.fetch_add(1);
		helper_.join();
	}
	void copy(unsigned char *d, const unsigned char *s, std::size_t n)
	{
		std::size_t half = n / 2 & ~std::size_t(4095);
		d_ = d + half;
		s_ = s + half;
		n_ = n - half;
		done_.store(0, std::memory_order_relaxed);
		go_.fetch_add(1, std::memory_order_release);
		std::memcpy(d, s, half);
		while (done_.load(std::memory_order_acquire) == 0)
			__builtin_ia32_pause();
	}

      private:
	void loop()
	{
		unsigned seen = 0;
		for (;;) {
			while (go_.load(std::memory_order_acquire) == seen)
				__builtin_ia32_pause();
			seen++;
			if (stop_.load())
				return;
			std::memcpy(d_, s_, n_);
			done_.store(1, std::memory_order_release);
		}
	}
	std::atomic<unsigned> go_{0};
	std::atomic<int> done_{0};
	std::atomic<bool> stop_{false};
	unsigned char *d_ = nullptr;
	const unsigned char *s_ = nullptr;
	std::size_t n_ = 0;
	std::thread helper_;
};

bool bench_64m()
{
	constexpr std::size_t n = std::size_t(64) << 20;
	std::printf("64m: one 64 MiB memcpy\n");
	auto src = buffer(n, 3), dst = buffer(n, 0);
	struct runtime *rt = runtime_new();
	struct data_mover_threads *dmt = data_mover_threads_default();
	struct vdm *vdm = data_mover_threads_get_vdm(dmt);
	std::vector<double> plain_t, split_t, thr_t;
	for (int t = 0; t < trials + 1; ++t) {
		std::uint64_t a = now_ns();
		std::memcpy(dst.data(), src.data(), n);
		std::uint64_t b = now_ns();
		{
			split_copier sc;
			std::uint64_t c = now_ns();
			sc.copy(dst.data(), src.data(), n);
			std::uint64_t d = now_ns();
			if (t > 0)
				split_t.push_back(double(d - c));
		}
		std::uint64_t e = now_ns();
		auto f = vdm_memcpy(vdm, dst.data(), src.data(), n, 0);
		runtime_wait(rt, FUTURE_AS_RUNNABLE(&f));
		std::uint64_t g = now_ns();
		if (t > 0) { /* the first round warms everything up */
			plain_t.push_back(double(b - a));
			thr_t.push_back(double(g - e));
		}
	}
	double p = median(plain_t), s = median(split_t), th = median(thr_t);
	auto gbs = [](double ns) { return double(n) / ns; };
	std::printf("  plain memcpy      %8.2f ms %7.2f GB/s\n", p / 1e6, gbs(p));
	std::printf("  2-thread split    %8.2f ms %7.2f GB/s\n", s / 1e6, gbs(s));
	std::printf("  threads mover     %8.2f ms %7.2f GB/s (data_mover_threads_default)\n",
	            th / 1e6, gbs(th));
	bool ok =
	    report_ratio("threads / best of (plain, split) (64 MiB)", std::min(p, s) / th, 0.95);
	data_mover_threads_delete(dmt);
	runtime_delete(rt);
	return ok;
}

} // namespace

int main(int argc, char **argv)
{
	bool strict = false;
	std::vector<std::string> which;
	CLI::App app{"Throughput of the threads mover against sync and plain memcpy"};
	app.add_flag("--strict", strict, "exit 1 when a target is missed");
	app.add_option("--trials", trials, "trials per figure (medians)")
	    ->capture_default_str()
	    ->check(CLI::Range(1, 100000));
	app.add_option("which", which, "benchmarks to run (default: all)")
	    ->check(CLI::IsMember({"tiny", "4k", "64m"}));
	if (int rc = bench::parse_args(app, argc, argv); rc >= 0)
		return rc;
	if (which.empty())
		which = {"tiny", "4k", "64m"};
	std::printf("bench_threads_throughput: %u CPUs, %d trials per figure (medians)\n",
	            std::thread::hardware_concurrency(), trials);
	bool ok = true;
	for (auto &w : which) {
		if (w == "tiny")
			ok &= bench_tiny();
		else if (w == "4k")
			ok &= bench_4k();
		else if (w == "64m")
			ok &= bench_64m();
		else {
			std::fprintf(stderr, "unknown benchmark '%s' (tiny, 4k, 64m)\n", w.c_str());
			return 2;
		}
	}
	std::printf("bench_threads_throughput: %s\n",
	            ok ? "all targets met" : "some targets missed");
	return strict && !ok ? 1 : 0;
}
