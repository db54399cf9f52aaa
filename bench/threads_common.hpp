/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * Helpers of the threads mover benchmarks: clocks, percentiles, CPU time,
 * a page-faulted buffer, result lines with a target, and a custom future
 * driven by a waker that another thread calls.
 */
#ifndef MASYNC_BENCH_THREADS_COMMON_HPP
#define MASYNC_BENCH_THREADS_COMMON_HPP

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

inline std::uint64_t now_ns()
{
	return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
	                                      std::chrono::steady_clock::now().time_since_epoch())
	                                      .count());
}

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

inline double percentile(std::vector<std::uint64_t> v, double p)
{
	if (v.empty())
		return 0;
	std::sort(v.begin(), v.end());
	std::size_t i = static_cast<std::size_t>(p / 100.0 * double(v.size() - 1) + 0.5);
	return double(v[std::min(i, v.size() - 1)]);
}

inline double median(std::vector<double> v)
{
	std::sort(v.begin(), v.end());
	return v.empty() ? 0 : v[v.size() / 2];
}

/* A buffer whose pages are already faulted in. */
inline std::vector<unsigned char> buffer(std::size_t n, unsigned char fill)
{
	std::vector<unsigned char> v(n, fill);
	return v;
}

/* Prints one acceptance line; returns whether it met the target. */
inline bool report_ratio(const char *what, double ratio, double target)
{
	bool ok = ratio >= target;
	std::printf("  => %-52s ratio %.3f (target >= %.2f): %s\n", what, ratio, target,
	            ok ? "PASS" : "FAIL");
	return ok;
}

inline bool report_max(const char *what, double value, double limit, const char *unit)
{
	bool ok = value <= limit;
	std::printf("  => %-52s %.2f %s (target <= %.2f %s): %s\n", what, value, unit, limit, unit,
	            ok ? "PASS" : "FAIL");
	return ok;
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
