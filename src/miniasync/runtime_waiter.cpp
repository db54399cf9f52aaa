/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

#include "miniasync/runtime_waiter.hpp"
#include "common/futex.hpp"

#include <mutex>
#include <new>

namespace masync::detail
{
namespace
{

/*
 * Every waiter ever made, and those free for reuse. Waiters are never freed:
 * a late waker call must always find valid memory. The lock is taken only
 * when a thread waits for the first time and when it exits.
 */
struct registry {
	std::mutex lock;
	waiter *all = nullptr;
	waiter *free = nullptr;
	waiter shared; /* used when no waiter can be allocated */
};

registry &the_registry() noexcept
{
	/* Never destroyed: threads may exit (and wakers fire) during process exit. */
	static registry *r = new registry;
	return *r;
}

waiter *get_waiter() noexcept
{
	registry &r = the_registry();
	std::lock_guard<std::mutex> guard(r.lock);
	waiter *w = r.free;
	if (w != nullptr) {
		r.free = w->next_free;
		w->next_free = nullptr;
		w->forget_arrivals();
		return w;
	}
	w = new (std::nothrow) waiter;
	if (w == nullptr)
		return &r.shared;
	w->next_all = r.all;
	r.all = w;
	return w;
}

void put_waiter(waiter *w) noexcept
{
	registry &r = the_registry();
	if (w == &r.shared)
		return;
	std::lock_guard<std::mutex> guard(r.lock);
	w->next_free = r.free;
	r.free = w;
}

/* Gives the thread's waiter back when the thread exits. */
struct thread_waiter {
	waiter *w = nullptr;
	~thread_waiter()
	{
		if (w != nullptr)
			put_waiter(w);
		w = nullptr;
	}
};

thread_local thread_waiter this_thread;

} // namespace

void waiter_wake(void *data) noexcept
{
	auto *w = static_cast<waiter *>(data);
	w->seq.fetch_add(1, std::memory_order_seq_cst);
	if (w->sleeping.load(std::memory_order_seq_cst) != 0)
		futex_wake_all(&w->seq);
}

waiter *this_thread_waiter() noexcept
{
	waiter *w = this_thread.w;
	if (w == nullptr) {
		w = get_waiter();
		this_thread.w = w;
	}
	return w;
}

} // namespace masync::detail
