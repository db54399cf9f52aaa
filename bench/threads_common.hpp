/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * Helpers of the threads mover benchmarks beside the shared harness
 * (harness.hpp: clocks, medians, percentiles, result lines): CPU time and
 * context switches, a page-faulted buffer, and a custom future driven by a
 * waker that another thread calls. Single-threaded helpers except
 * wake_slot, whose fields are atomics shared by the poller and the firer.
 */
#ifndef MASYNC_BENCH_THREADS_COMMON_HPP
#define MASYNC_BENCH_THREADS_COMMON_HPP

#include "harness.hpp"

#include "libminiasync.h"

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace threads_bench
{

using bench::median;
using bench::now_ns;
using bench::percentile;
using bench::report_max;
using bench::report_ratio;

/* CPU time (user + system) of the process, or of the calling thread. */
inline std::uint64_t cpu_ns(int who = RUSAGE_SELF)
{
	struct rusage ru {
	};
	getrusage(who, &ru);
	auto tv = [](const timeval &t) {
		return std::uint64_t(t.tv_sec) * 1000000000u + std::uint64_t(t.tv_usec) * 1000u;
	};
	return tv(ru.ru_utime) + tv(ru.ru_stime);
}

/* Involuntary context switches of the calling thread (preemptions). */
inline long preemptions()
{
	struct rusage ru {
	};
	getrusage(RUSAGE_THREAD, &ru);
	return ru.ru_nivcsw;
}

/* Voluntary context switches of the calling thread (sleeps). */
inline long sleeps()
{
	struct rusage ru {
	};
	getrusage(RUSAGE_THREAD, &ru);
	return ru.ru_nvcsw;
}

/* A buffer whose pages are already faulted in. */
inline std::vector<unsigned char> buffer(std::size_t n, unsigned char fill)
{
	std::vector<unsigned char> v(n, fill);
	return v;
}

/*
 * A future that completes once `fired` is set; while waiting it hands its
 * waker to whoever will fire it (`waker`, `armed`).
 */
struct wake_slot {
	std::atomic<int> fired{0};
	std::atomic<int> armed{0};
	std::atomic<std::uint64_t> armed_at{0}; /* when the future first armed the waker */
	std::atomic<future_waker_wake_fn> wake{nullptr};
	std::atomic<void *> data{nullptr};

	void reset()
	{
		fired.store(0, std::memory_order_relaxed);
		armed.store(0, std::memory_order_relaxed);
	}
	/* Called by the firing thread once armed. */
	void fire()
	{
		fired.store(1, std::memory_order_release);
		wake.load(std::memory_order_acquire)(data.load(std::memory_order_acquire));
	}
};

struct wake_future_data {
	wake_slot *slot;
};
struct wake_future_output {
	int unused;
};
FUTURE(wake_future, struct wake_future_data, struct wake_future_output);

inline enum future_state wake_future_task(struct future_context *ctx, struct future_notifier *n)
{
	auto *d = static_cast<wake_future_data *>(future_context_get_data(ctx));
	wake_slot *s = d->slot;
	if (s->fired.load(std::memory_order_acquire))
		return FUTURE_STATE_COMPLETE;
	if (n != nullptr) {
		n->notifier_used = FUTURE_NOTIFIER_WAKER;
		s->data.store(n->waker.data, std::memory_order_relaxed);
		s->wake.store(n->waker.wake, std::memory_order_release);
		if (!s->armed.load(std::memory_order_relaxed))
			s->armed_at.store(now_ns(), std::memory_order_relaxed);
		s->armed.store(1, std::memory_order_release);
	}
	/* Fired while we were arming: complete now (the wake is not needed). */
	return s->fired.load(std::memory_order_acquire) ? FUTURE_STATE_COMPLETE
	                                                : FUTURE_STATE_RUNNING;
}

inline struct wake_future make_wake_future(wake_slot *s)
{
	struct wake_future f;
	f.data.slot = s;
	f.output.unused = 0;
	FUTURE_INIT(&f, wake_future_task);
	return f;
}

} // namespace threads_bench

#endif
