/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * The threads mover's workers: the loop that pops entries and runs them
 * (split operations through data_mover_threads_split.cpp), coalescing the
 * wakes of consecutive small operations of one waiting thread, spinning a
 * while when idle and then sleeping (data_mover_threads_wake.cpp).
 */

#include "common/clock.hpp"
#include "common/prefetch.hpp"
#include "miniasync/data_mover_threads.hpp"

#include <sched.h>

namespace masync::detail
{
namespace
{

constexpr std::uintptr_t tag_bit = 1; /* threads_mover::helper_tag */

threads_record *untag(threads_record *e) noexcept
{
	return reinterpret_cast<threads_record *>(reinterpret_cast<std::uintptr_t>(e) & ~tag_bit);
}

bool is_helper(threads_record *e) noexcept
{
	return (reinterpret_cast<std::uintptr_t>(e) & tag_bit) != 0;
}

bool same_waker(const threads_record *a, const threads_record *b) noexcept
{
	return a->notify == FUTURE_NOTIFIER_WAKER && b->notify == FUTURE_NOTIFIER_WAKER &&
	       a->waker.wake == b->waker.wake && a->waker.data == b->waker.data;
}

} // namespace

/*
 * Wake coalescing: after an ordinary operation whose notifier is a waker,
 * the worker pops the next entry before it completes the first. If that
 * one is small, ordinary and has the very same waker, the first completes
 * without calling it: the call made when the second completes (a few
 * microseconds later at most) covers both, and until then the second's
 * record keeps the waker alive. This halves, and in a run of small
 * operations of one waiting thread divides by up to coalesce_chain, the
 * waker calls and the polling passes they trigger.
 */
threads_record *threads_mover::run(threads_record *entry) noexcept
{
	static_assert(helper_tag == tag_bit);
	threads_record *rec = untag(entry);
	if (is_helper(entry)) {
		participate(rec);
		drop_ref(rec);
		return nullptr;
	}
	if (is_split(rec)) {
		/* The queue entry's reference was taken when it was pushed (op_start). */
		split_spread(rec);
		participate(rec);
		drop_ref(rec);
		return nullptr;
	}
	for (unsigned chain = 1;; ++chain) {
		/* Fetch the next entry's record while we copy: it is likely ours next. */
		if (threads_record *ahead = queue_.peek(nullptr))
			prefetch_for_write(untag(ahead));
		run_range(rec->op, 0, rec->op.n);
		vdm_op::finish(rec->op);
		threads_record *next = nullptr;
		if (rec->notify == FUTURE_NOTIFIER_WAKER && chain < config_.coalesce_chain &&
		    pop(&next)) {
			if (!is_helper(next) && next->op.n <= config_.coalesce_max &&
			    !is_split(next) && same_waker(rec, next)) {
				complete_silently(rec);
				rec = next;
				continue;
			}
		}
		complete(rec);
		return next;
	}
}

bool threads_mover::pop(threads_record **out) noexcept
{
	if (!queue_.try_pop(out))
		return false;
	room_freed();
	return true;
}

bool threads_mover::spin_for_work(threads_record **out) noexcept
{
	const std::uint64_t budget = config_.spin_ns;
	if (budget == 0)
		return false;
	const std::uint64_t start = now_ns();
	for (unsigned i = 1;; ++i) {
		if (!queue_.empty() && pop(out))
			return true;
		if (stopping_.load(std::memory_order_relaxed))
			return false;
		_FUTURE_SPIN_HINT();
		if ((i & 63) == 0) {
			if (now_ns() - start >= budget)
				return false;
			/* Let a submitting thread run on an oversubscribed machine. */
			if ((i & 1023) == 0)
				sched_yield();
		}
	}
}

bool threads_mover::become_spinner() noexcept
{
	std::uint32_t n = spinners_.load(std::memory_order_relaxed);
	while (n < config_.spinners)
		if (spinners_.compare_exchange_weak(n, n + 1, std::memory_order_seq_cst,
		                                    std::memory_order_relaxed))
			return true;
	return false;
}

void threads_mover::worker_main(std::size_t index) noexcept
{
	threads_record *e = nullptr;
	bool was_idle = false;
	for (;;) {
		bool got = pop(&e);
		if (!got && become_spinner()) {
			got = spin_for_work(&e);
			spinners_.fetch_sub(1, std::memory_order_seq_cst);
			was_idle = true;
		}
		if (got) {
			/*
			 * Going from idle to busy with more work queued and nobody
			 * watching the queue: bring one more worker in (each one
			 * woken this way does the same, so a backlog ramps up).
			 */
			if (was_idle && !queue_.empty() &&
			    spinners_.load(std::memory_order_seq_cst) == 0)
				wake_workers(1);
			was_idle = false;
			while (e != nullptr)
				e = run(e);
			continue;
		}
		if (stopping_.load(std::memory_order_acquire)) {
			/* Drain whatever is still queued, then leave. */
			if (pop(&e)) {
				while (e != nullptr)
					e = run(e);
				continue;
			}
			return;
		}
		sleep(index);
		was_idle = true;
	}
}

} // namespace masync::detail
