/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * tests/cxx/helpers.hpp -- user-defined C futures for the C++ API's tests,
 * built with the FUTURE macros exactly as a C user would:
 *   countdown_future  completes after `polls` polls; notifies nobody (NONE)
 *   event_future      completes when an `event` is signalled from any thread;
 *                     uses the poller's waker (WAKER), or a POLLER word
 */
#ifndef MASYNC_TESTS_CXX_HELPERS_HPP
#define MASYNC_TESTS_CXX_HELPERS_HPP

#include <atomic>
#include <cstdint>

#include <libminiasync/future.h>

struct countdown_data {
	int polls; /* polls left before completion */
	int total; /* polls seen */
};
struct countdown_output {
	int value;
};
FUTURE(countdown_future, struct countdown_data, struct countdown_output);

static inline enum future_state countdown_task(struct future_context *ctx,
                                               struct future_notifier *n)
{
	auto *d = static_cast<countdown_data *>(future_context_get_data(ctx));
	auto *o = static_cast<countdown_output *>(future_context_get_output(ctx));
	if (n)
		n->notifier_used = FUTURE_NOTIFIER_NONE;
	d->total++;
	if (--d->polls > 0)
		return FUTURE_STATE_RUNNING;
	o->value = d->total;
	return FUTURE_STATE_COMPLETE;
}

static inline countdown_future make_countdown(int polls)
{
	countdown_future f;
	f.data.polls = polls;
	f.data.total = 0;
	f.output.value = -1;
	FUTURE_INIT(&f, countdown_task);
	return f;
}

/* Something that happens on another thread; wakes whoever polled. */
struct event {
	std::atomic<int> done{0};
	std::atomic<int> has_waker{0};
	struct future_waker waker {
	};
	std::uint64_t word = 0; /* POLLER word */
	std::atomic<int> polls{0};
	bool use_poller = false;

	void signal()
	{
		done.store(1, std::memory_order_seq_cst);
		if (use_poller)
			__atomic_store_n(&word, 1, __ATOMIC_RELEASE);
		else if (has_waker.load(std::memory_order_seq_cst))
			waker.wake(waker.data);
	}
};

struct event_data {
	event *ev;
};
struct event_output {
	int polls;
};
FUTURE(event_future, struct event_data, struct event_output);

static inline enum future_state event_task(struct future_context *ctx, struct future_notifier *n)
{
	auto *d = static_cast<event_data *>(future_context_get_data(ctx));
	auto *o = static_cast<event_output *>(future_context_get_output(ctx));
	event *ev = d->ev;
	int polls = ev->polls.fetch_add(1) + 1;
	if (ev->done.load(std::memory_order_seq_cst)) {
		o->polls = polls;
		return FUTURE_STATE_COMPLETE;
	}
	if (n && ev->use_poller) {
		n->notifier_used = FUTURE_NOTIFIER_POLLER;
		n->poller.ptr_to_monitor = &ev->word;
	} else if (n && !ev->has_waker.load(std::memory_order_relaxed)) {
		ev->waker = n->waker;
		ev->has_waker.store(1, std::memory_order_seq_cst);
		n->notifier_used = FUTURE_NOTIFIER_WAKER;
	} else if (n) {
		n->notifier_used = FUTURE_NOTIFIER_WAKER;
	}
	if (ev->done.load(std::memory_order_seq_cst)) {
		o->polls = polls;
		return FUTURE_STATE_COMPLETE;
	}
	return FUTURE_STATE_RUNNING;
}

static inline event_future make_event_future(event &ev)
{
	event_future f;
	f.data.ev = &ev;
	f.output.polls = 0;
	FUTURE_INIT(&f, event_task);
	return f;
}

#endif
