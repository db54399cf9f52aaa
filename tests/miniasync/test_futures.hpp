/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * Futures the miniasync tests share:
 *   count_future  completes on its N-th poll, logs each poll, uses no notifier;
 *   flag_future   completes once its flag is set (from any thread), and
 *                 announces the notifier it was told to use (NONE, WAKER
 *                 or POLLER), keeping the waker it was given.
 */
#ifndef MASYNC_TESTS_MINIASYNC_TEST_FUTURES_HPP
#define MASYNC_TESTS_MINIASYNC_TEST_FUTURES_HPP

#include "libminiasync.h"

#include <atomic>
#include <cstdint>
#include <mutex>
#include <vector>

namespace test
{

/* A log of which future was polled, in order (ids chosen by the test). */
struct poll_log {
	std::mutex lock;
	std::vector<int> ids;
	void add(int id)
	{
		std::lock_guard<std::mutex> g(lock);
		ids.push_back(id);
	}
};

struct count_data {
	int id;
	int polls_needed;
	int polls;
	int async; /* answer of the property function for ASYNC */
	poll_log *log;
};
struct count_output {
	int done;
};
FUTURE(count_future, struct count_data, struct count_output);

inline enum future_state count_task(struct future_context *ctx, struct future_notifier *n)
{
	auto *d = static_cast<count_data *>(future_context_get_data(ctx));
	if (n != nullptr)
		n->notifier_used = FUTURE_NOTIFIER_NONE;
	if (d->log != nullptr)
		d->log->add(d->id);
	if (++d->polls < d->polls_needed)
		return FUTURE_STATE_RUNNING;
	static_cast<count_output *>(future_context_get_output(ctx))->done = 1;
	return FUTURE_STATE_COMPLETE;
}

inline int count_property(void *future, enum future_property property)
{
	auto *f = static_cast<count_future *>(future);
	return property == FUTURE_PROPERTY_ASYNC && f->data.async;
}

inline count_future make_count(int id, int polls_needed, bool async = false,
                               poll_log *log = nullptr)
{
	count_future f;
	f.data = count_data{id, polls_needed, 0, async ? 1 : 0, log};
	f.output.done = 0;
	FUTURE_INIT_EXT(&f, count_task, count_property);
	return f;
}

/* State shared between a flag_future and the threads that complete it. */
struct flag_state {
	std::atomic<int> flag{0};           /* set to complete the future */
	std::atomic<std::uint64_t> word{0}; /* the POLLER word */
	std::atomic<int> polls{0};
	std::atomic<future_waker_wake_fn> wake{nullptr}; /* the last waker received */
	std::atomic<void *> wake_data{nullptr};
	std::atomic<int> wake_calls_in_poll{0}; /* wake the caller from inside the next N polls */

	/* Completes the future and notifies the way it said it would. */
	void complete(enum future_notifier_type how)
	{
		flag.store(1, std::memory_order_release);
		if (how == FUTURE_NOTIFIER_POLLER)
			__atomic_store_n(reinterpret_cast<std::uint64_t *>(&word), 1,
			                 __ATOMIC_RELEASE);
		else if (how == FUTURE_NOTIFIER_WAKER)
			call_waker();
	}
	void call_waker()
	{
		/* The function is published (release) after its data: read it first. */
		future_waker_wake_fn fn = wake.load(std::memory_order_acquire);
		void *data = wake_data.load(std::memory_order_relaxed);
		if (fn != nullptr)
			fn(data);
	}
};

struct flag_data {
	flag_state *state;
	enum future_notifier_type use;
	int async;
};
struct flag_output {
	int done;
};
FUTURE(flag_future, struct flag_data, struct flag_output);

inline enum future_state flag_task(struct future_context *ctx, struct future_notifier *n)
{
	auto *d = static_cast<flag_data *>(future_context_get_data(ctx));
	flag_state *s = d->state;
	s->polls.fetch_add(1, std::memory_order_relaxed);
	if (s->flag.load(std::memory_order_acquire)) {
		static_cast<flag_output *>(future_context_get_output(ctx))->done = 1;
		return FUTURE_STATE_COMPLETE;
	}
	if (n != nullptr) {
		n->notifier_used = d->use;
		if (d->use == FUTURE_NOTIFIER_WAKER) {
			s->wake_data.store(n->waker.data, std::memory_order_relaxed);
			s->wake.store(n->waker.wake, std::memory_order_release);
		} else if (d->use == FUTURE_NOTIFIER_POLLER) {
			n->poller.ptr_to_monitor = reinterpret_cast<std::uint64_t *>(&s->word);
		}
	}
	int k = s->wake_calls_in_poll.load(std::memory_order_relaxed);
	if (k > 0) {
		/* A wake before the runtime even finished its pass. */
		s->wake_calls_in_poll.store(k - 1, std::memory_order_relaxed);
		if (k == 1)
			s->flag.store(1, std::memory_order_release);
		if (n != nullptr)
			n->waker.wake(n->waker.data);
	}
	return FUTURE_STATE_RUNNING;
}

inline int flag_property(void *future, enum future_property property)
{
	auto *f = static_cast<flag_future *>(future);
	return property == FUTURE_PROPERTY_ASYNC && f->data.async;
}

inline flag_future make_flag(flag_state *s, enum future_notifier_type use, bool async = true)
{
	flag_future f;
	f.data = flag_data{s, use, async ? 1 : 0};
	f.output.done = 0;
	FUTURE_INIT_EXT(&f, flag_task, flag_property);
	return f;
}

} // namespace test

#endif
