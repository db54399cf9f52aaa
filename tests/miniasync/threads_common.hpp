/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * Helpers shared by the threads mover tests: a gate that custom memory
 * functions can block on (to hold workers still deterministically), a
 * counting waker, and polling loops that need no runtime.
 */
#ifndef MASYNC_TESTS_THREADS_COMMON_HPP
#define MASYNC_TESTS_THREADS_COMMON_HPP

#include "libminiasync/data_mover_threads.h"
#include "miniasync/data_mover_threads.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

namespace threads_test
{

/* A one-shot gate: wait() blocks until open(). */
class gate
{
      public:
	void open()
	{
		std::lock_guard<std::mutex> g(m_);
		open_ = true;
		cv_.notify_all();
	}
	void wait()
	{
		std::unique_lock<std::mutex> g(m_);
		cv_.wait(g, [this] { return open_; });
	}

      private:
	std::mutex m_;
	std::condition_variable cv_;
	bool open_ = false;
};

/* Spins (yielding) until pred() holds; a test that waits forever is killed by ctest. */
template <typename Pred> void wait_until(Pred pred)
{
	while (!pred())
		std::this_thread::yield();
}

/* A waker that counts its calls. */
struct counting_waker {
	std::atomic<int> calls{0};
	static void wake(void *data)
	{
		static_cast<counting_waker *>(data)->calls.fetch_add(1, std::memory_order_acq_rel);
	}
	struct future_notifier notifier()
	{
		struct future_notifier n {
		};
		n.waker.data = this;
		n.waker.wake = wake;
		n.notifier_used = FUTURE_NOTIFIER_NONE;
		return n;
	}
};

/* Polls with a notifier until the future completes. */
inline void poll_until_complete(struct vdm_operation_future *f, struct future_notifier *n)
{
	while (future_poll(FUTURE_AS_RUNNABLE(f), n) != FUTURE_STATE_COMPLETE)
		std::this_thread::yield();
}

/* A mover built from the full configuration (tunables as in production unless changed). */
inline data_mover_threads *make_mover(std::size_t nthreads, std::size_t ring,
                                      enum future_notifier_type notifier,
                                      std::uint32_t records = 16384,
                                      std::size_t inline_max = ~std::size_t(0))
{
	masync::detail::threads_config c = masync::detail::threads_default_config();
	c.nthreads = nthreads;
	c.ring_size = ring;
	c.notifier = notifier;
	c.records = records;
	if (inline_max != ~std::size_t(0))
		c.inline_max = inline_max;
	return masync::detail::threads_mover_create(c);
}

} // namespace threads_test

#endif
