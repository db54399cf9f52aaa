/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * The threads mover's back-pressure: an op_start that finds the queue full
 * leaves its future IDLE (op_start returns 1) and lists the record; the
 * worker that frees a slot next pokes the notifiers of the listed records,
 * whose futures then start again. The list is guarded by room_lock_; its
 * length is mirrored in room_waiters_ so that the workers' check after every
 * pop is one load while nobody waits.
 */

#include "miniasync/data_mover_threads.hpp"

namespace masync::detail
{

void threads_mover::room_unlink(threads_record *rec) noexcept
{
	if (!rec->room_listed)
		return;
	if (rec->room_prev)
		rec->room_prev->room_next = rec->room_next;
	else
		room_head_ = rec->room_next;
	if (rec->room_next)
		rec->room_next->room_prev = rec->room_prev;
	else
		room_tail_ = rec->room_prev;
	rec->room_next = rec->room_prev = nullptr;
	rec->room_listed = false;
	room_waiters_.fetch_sub(1, std::memory_order_relaxed);
}

/*
 * The queue was full. Put the record on the waiting list (a worker pokes its
 * notifier after its next pop), then try once more: a slot may have been
 * freed between the failed push and the registration, and the worker that
 * freed it may not have seen us (seq_cst on both sides).
 */
int threads_mover::start_when_full(threads_record *rec) noexcept
{
	if (rec->notify == FUTURE_NOTIFIER_NONE) {
		/* Nobody to tell: the poller polls again on its own. */
		rec->state.store(THREADS_OP_IDLE, std::memory_order_relaxed);
		return 1;
	}
	{
		std::lock_guard<std::mutex> guard(room_lock_);
		rec->room_waited = true;
		if (!rec->room_listed) {
			rec->room_listed = true;
			rec->room_next = nullptr;
			rec->room_prev = room_tail_;
			if (room_tail_)
				room_tail_->room_next = rec;
			else
				room_head_ = rec;
			room_tail_ = rec;
			room_waiters_.fetch_add(1, std::memory_order_seq_cst);
		}
		/* A POLLER record's word may have been set by an earlier wake: re-arm it. */
		if (rec->notify == FUTURE_NOTIFIER_POLLER)
			std::atomic_ref<std::uint64_t>(rec->poll_word)
			    .store(0, std::memory_order_relaxed);
	}
	/* A split operation's queue entry holds a reference (see split_spread). */
	const bool split = is_split(rec);
	if (split)
		rec->refs.fetch_add(1, std::memory_order_relaxed);
	/* The retry reads the cells with seq_cst loads: see room_freed. */
	if (queue_.try_push(rec)) {
		{
			std::lock_guard<std::mutex> guard(room_lock_);
			room_unlink(rec);
		}
		submitted();
		return 0;
	}
	if (split)
		rec->refs.fetch_sub(1, std::memory_order_relaxed);
	rec->state.store(THREADS_OP_IDLE, std::memory_order_relaxed);
	return 1;
}

void threads_mover::room_freed() noexcept
{
	/*
	 * The pop freed its cell with a seq_cst store; start_when_full counts
	 * itself in room_waiters_ (seq_cst) before it retries its push (seq_cst
	 * loads of the cells): either we see the waiter or it sees the slot.
	 */
	if (room_waiters_.load(std::memory_order_seq_cst) == 0)
		return;
	std::lock_guard<std::mutex> guard(room_lock_);
	struct future_waker last {
	};
	threads_record *rec = room_head_;
	while (rec != nullptr) {
		threads_record *next = rec->room_next;
		if (rec->notify == FUTURE_NOTIFIER_POLLER) {
			std::atomic_ref<std::uint64_t>(rec->poll_word)
			    .store(1, std::memory_order_release);
		} else if (rec->notify == FUTURE_NOTIFIER_WAKER) {
			/* Futures of one runtime pass are listed together: wake it once. */
			if (rec->waker.wake != last.wake || rec->waker.data != last.data) {
				last = rec->waker;
				last.wake(last.data);
			}
		}
		rec->room_next = rec->room_prev = nullptr;
		rec->room_listed = false;
		rec = next;
	}
	room_head_ = room_tail_ = nullptr;
	room_waiters_.store(0, std::memory_order_relaxed);
}

} // namespace masync::detail
