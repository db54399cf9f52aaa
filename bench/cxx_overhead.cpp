/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * bench/cxx_overhead.cpp -- what the C++ API costs over the C API.
 *
 * 64-byte memcpy operations, each created, waited for and its result
 * checked, through:
 *   C        vdm_memcpy + runtime_wait (one at a time), or
 *            vdm_memcpy x128 + runtime_wait_multiple (128 in flight)
 *   C busy   vdm_memcpy + FUTURE_BUSY_POLL
 *   C++ fut  mover.memcpy + runtime.wait / runtime.wait_all(span) + result()
 *   C++ poll mover.memcpy + poll() until ready + result()
 *   C++ coro co_await mover.memcpy(...) in a masync::task (sync_wait), or
 *            128 tasks on one event_loop (128 in flight)
 * on the synchronous mover and on the threads mover (2 workers, waker).
 * Each round runs every variant once (interleaved); the medians over the
 * rounds are reported, and for each C++ variant the median over the rounds
 * of its ratio to its C baseline measured in the same round (target >= 0.95).
 * Rounds alternate the order of the variants so that drifts cancel.
 *
 *   bench_cxx_overhead [ops_per_round=200000] [rounds=11]
 */
#include <masync/event_loop.hpp>
#include <masync/mover.hpp>
#include <masync/runtime.hpp>
#include <masync/task.hpp>

#include <libminiasync.h>

#include "harness.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

namespace
{

constexpr std::size_t op_size = 64;
constexpr std::size_t in_flight = 128;

struct buffers {
	alignas(64) char src[in_flight][op_size];
	alignas(64) char dst[in_flight][op_size];
};

std::size_t errors = 0; /* results checked, so nothing is optimized away */

/* ---- C API ---- */

void c_one_at_a_time(struct vdm *v, struct runtime *rt, buffers &b, std::size_t n)
{
	for (std::size_t i = 0; i < n; ++i) {
		std::size_t k = i % in_flight;
		struct vdm_operation_future f = vdm_memcpy(v, b.dst[k], b.src[k], op_size, 0);
		runtime_wait(rt, FUTURE_AS_RUNNABLE(&f));
		errors += f.output.result != VDM_SUCCESS;
	}
}

void c_busy_poll(struct vdm *v, struct runtime *, buffers &b, std::size_t n)
{
	for (std::size_t i = 0; i < n; ++i) {
		std::size_t k = i % in_flight;
		struct vdm_operation_future f = vdm_memcpy(v, b.dst[k], b.src[k], op_size, 0);
		FUTURE_BUSY_POLL(&f);
		errors += f.output.result != VDM_SUCCESS;
	}
}

void c_many(struct vdm *v, struct runtime *rt, buffers &b, std::size_t n)
{
	std::array<struct vdm_operation_future, in_flight> fs;
	std::array<struct future *, in_flight> ptrs;
	for (std::size_t i = 0; i < n; i += in_flight) {
		for (std::size_t k = 0; k < in_flight; ++k) {
			fs[k] = vdm_memcpy(v, b.dst[k], b.src[k], op_size, 0);
			ptrs[k] = FUTURE_AS_RUNNABLE(&fs[k]);
		}
		runtime_wait_multiple(rt, ptrs.data(), in_flight);
		for (auto &f : fs)
			errors += f.output.result != VDM_SUCCESS;
	}
}

/* ---- C++ API ---- */

template <class Mover>
void cxx_one_at_a_time(const Mover &m, const masync::runtime &rt, buffers &b, std::size_t n)
{
	for (std::size_t i = 0; i < n; ++i) {
		std::size_t k = i % in_flight;
		masync::vdm_future f = m.memcpy(b.dst[k], b.src[k], op_size);
		rt.wait(f);
		errors += f.result() != b.dst[k];
	}
}

template <class Mover>
void cxx_poll(const Mover &m, const masync::runtime &, buffers &b, std::size_t n)
{
	for (std::size_t i = 0; i < n; ++i) {
		std::size_t k = i % in_flight;
		masync::vdm_future f = m.memcpy(b.dst[k], b.src[k], op_size);
		while (f.poll() != masync::state::complete)
			masync::detail::spin_hint();
		errors += f.result() != b.dst[k];
	}
}

template <class Mover>
void cxx_many(const Mover &m, const masync::runtime &rt, buffers &b, std::size_t n)
{
	std::array<masync::vdm_future, in_flight> fs;
	for (std::size_t i = 0; i < n; i += in_flight) {
		for (std::size_t k = 0; k < in_flight; ++k)
			fs[k] = m.memcpy(b.dst[k], b.src[k], op_size);
		rt.wait_all(std::span(fs));
		for (std::size_t k = 0; k < in_flight; ++k)
			errors += fs[k].result() != b.dst[k];
	}
}

template <class Mover>
masync::task<std::size_t> copy_loop(const Mover &m, buffers &b, std::size_t first, std::size_t step,
                                    std::size_t n)
{
	std::size_t bad = 0;
	for (std::size_t i = first; i < n; i += step) {
		std::size_t k = i % in_flight;
		void *d = co_await m.memcpy(b.dst[k], b.src[k], op_size);
		bad += d != b.dst[k];
	}
	co_return bad;
}

template <class Mover>
void cxx_coro_one(const Mover &m, const masync::runtime &, buffers &b, std::size_t n)
{
	errors += masync::sync_wait(copy_loop(m, b, 0, 1, n));
}

template <class Mover>
masync::task<> copy_task(const Mover &m, buffers &b, std::size_t first, std::size_t n)
{
	errors += co_await copy_loop(m, b, first, in_flight, n);
}

template <class Mover>
void cxx_coro_many(const Mover &m, const masync::runtime &, buffers &b, std::size_t n)
{
	masync::event_loop loop;
	for (std::size_t t = 0; t < in_flight; ++t)
		loop.spawn(copy_task(m, b, t, n));
	loop.run();
}

using bench::median;

struct variant {
	std::string name;
	std::string baseline; /* name of the C variant it is compared with ("" for C) */
	std::function<void(std::size_t)> run;
	std::vector<double> ops_per_s;
};

template <class Mover>
void bench_mover(const char *title, const Mover &m, std::size_t n, unsigned rounds)
{
	masync::runtime rt;
	static buffers b;
	struct vdm *v = m.get_vdm();
	std::vector<variant> vs;
	auto c = [&](const char *name,
	             void (*fn)(struct vdm *, struct runtime *, buffers &, std::size_t)) {
		vs.push_back({name, "", [=, &rt](std::size_t k) { fn(v, rt.native(), b, k); }, {}});
	};
	auto cxx = [&](const char *name, const char *base,
	               void (*fn)(const Mover &, const masync::runtime &, buffers &, std::size_t)) {
		vs.push_back({name, base, [=, &m, &rt](std::size_t k) { fn(m, rt, b, k); }, {}});
	};
	c("C  vdm_memcpy + runtime_wait", c_one_at_a_time);
	c("C  vdm_memcpy + FUTURE_BUSY_POLL", c_busy_poll);
	c("C  128 x vdm_memcpy + runtime_wait_multiple", c_many);
	cxx("C++ memcpy + runtime.wait", "C  vdm_memcpy + runtime_wait", cxx_one_at_a_time<Mover>);
	cxx("C++ memcpy + poll()", "C  vdm_memcpy + FUTURE_BUSY_POLL", cxx_poll<Mover>);
	cxx("C++ 128 x memcpy + runtime.wait_all", "C  128 x vdm_memcpy + runtime_wait_multiple",
	    cxx_many<Mover>);
	cxx("C++ co_await memcpy (1 task)", "C  vdm_memcpy + runtime_wait", cxx_coro_one<Mover>);
	cxx("C++ co_await memcpy (1 task) vs a C spin loop", "C  vdm_memcpy + FUTURE_BUSY_POLL",
	    cxx_coro_one<Mover>);
	cxx("C++ co_await memcpy (128 tasks, event_loop)",
	    "C  128 x vdm_memcpy + runtime_wait_multiple", cxx_coro_many<Mover>);

	for (auto &x : vs) /* warm-up */
		x.run(n / 10);
	/* interleaved rounds, in alternating order so that drifts cancel */
	for (unsigned r = 0; r < rounds; ++r) {
		for (std::size_t j = 0; j < vs.size(); ++j) {
			variant &x = vs[r % 2 ? vs.size() - 1 - j : j];
			auto t0 = std::chrono::steady_clock::now();
			x.run(n);
			auto t1 = std::chrono::steady_clock::now();
			x.ops_per_s.push_back(n / std::chrono::duration<double>(t1 - t0).count());
		}
	}
	std::printf("\n== %s: %zu-byte memcpy, %zu ops per round, %u rounds\n", title, op_size, n,
	            rounds);
	std::printf("  %-48s %8s  %s\n", "", "median", "ratio to C: median of per-round ratios");
	for (auto &x : vs) {
		double med = median(x.ops_per_s);
		if (x.baseline.empty()) {
			std::printf("  %-48s %8.2f Mops/s\n", x.name.c_str(), med / 1e6);
			continue;
		}
		std::vector<double> ratios;
		for (auto &y : vs)
			if (y.name == x.baseline)
				for (unsigned r = 0; r < rounds; ++r)
					ratios.push_back(x.ops_per_s[r] / y.ops_per_s[r]);
		double ratio = median(ratios);
		std::printf("  %-48s %8.2f Mops/s  %.3f  %s\n", x.name.c_str(), med / 1e6, ratio,
		            ratio >= 0.95 ? "ok (>= 0.95)" : "BELOW 0.95");
	}
}

} // namespace

int main(int argc, char **argv)
{
	std::size_t n = 200000;
	unsigned rounds = 11;
	CLI::App app{"Overhead of the C++ API over the C API: 64-byte memcpy operations"};
	app.add_option("ops", n, "operations per round and variant")
	    ->capture_default_str()
	    ->check(CLI::Range(1, 1000000000));
	app.add_option("rounds", rounds, "interleaved rounds")
	    ->capture_default_str()
	    ->check(CLI::Range(1, 100000));
	if (int rc = bench::parse_args(app, argc, argv); rc >= 0)
		return rc;
	n = (n + in_flight - 1) / in_flight * in_flight;

	masync::sync_mover sync;
	bench_mover("synchronous mover", sync, n, rounds);
	masync::threads_mover threads(
	    masync::threads_mover_options{.threads = 2, .notifier = masync::notifier::waker});
	bench_mover("threads mover (2 workers, waker)", threads, n, rounds);
	if (errors != 0) {
		std::printf("errors: %zu\n", errors);
		return 1;
	}
	return 0;
}
