/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * The threads mover's vdm callbacks (op_new, op_start, op_check, op_delete):
 * everything that runs on the threads that create and poll futures, apart
 * from back-pressure (data_mover_threads_room.cpp).
 */

#include "common/prefetch.hpp"
#include "miniasync/data_mover_threads.hpp"
#include "miniasync/wait_help.hpp"

#include <sched.h>

namespace masync::detail
{

int threads_mover::has_property(void *future, enum future_property property)
{
	(void)future;
	return property == FUTURE_PROPERTY_ASYNC;
}

void *threads_mover::op_new(struct vdm *vdm, const enum vdm_operation_type type)
{
	(void)type;
	threads_mover *m = of(vdm);
	threads_record *rec = m->records_.acquire();
	if (rec == nullptr)
		return nullptr;
	/*
	 * Only the second line is written here. The first (operation, state,
	 * waker) was last written by a worker; op_start fills it, and asking
	 * for it now lets the transfer overlap whatever the caller does until
	 * the first poll (typically: create more futures).
	 */
	prefetch_for_write(rec);
	rec->refs.store(1, std::memory_order_relaxed);
	rec->poll_word = 0;
	rec->room_waited = false;
	rec->room_listed = false;
	rec->mover = m;
	return rec;
}

void threads_mover::set_notifier(threads_record *rec, struct future_notifier *n) noexcept
{
	enum future_notifier_type used = FUTURE_NOTIFIER_NONE;
	if (n != nullptr) {
		switch (config_.notifier) {
		case FUTURE_NOTIFIER_WAKER:
			if (n->waker.wake != nullptr) {
				rec->waker = n->waker;
				used = FUTURE_NOTIFIER_WAKER;
			}
			break;
		case FUTURE_NOTIFIER_POLLER:
			std::atomic_ref<std::uint64_t>(rec->poll_word)
			    .store(0, std::memory_order_relaxed);
			n->poller.ptr_to_monitor = &rec->poll_word;
			used = FUTURE_NOTIFIER_POLLER;
			break;
		case FUTURE_NOTIFIER_NONE:
			break;
		}
		n->notifier_used = used;
	}
	rec->notify = used;
}

int threads_mover::op_start(void *data, const struct vdm_operation *operation,
                            struct future_notifier *n)
{
	auto *rec = static_cast<threads_record *>(data);
	threads_mover *m = rec->mover;
	/* A rejected operation has n == 0: it completes inline with its result. */
	rec->result = static_cast<std::uint8_t>(vdm_op::flatten(*operation, rec->op));

	std::size_t size = rec->op.n;
	if (size <= m->config_.inline_max) {
		/* Tiny: cheaper to do now than to hand over (docs/threads_mover.md). */
		m->run_range(rec->op, 0, size);
		vdm_op::finish(rec->op);
		if (n != nullptr)
			n->notifier_used = FUTURE_NOTIFIER_NONE;
		rec->state.store(THREADS_OP_FINISHED, std::memory_order_release);
		return 0;
	}

	if (rec->room_waited) {
		/* Workers read the notifier of listed records under the lock. */
		std::lock_guard<std::mutex> guard(m->room_lock_);
		m->set_notifier(rec, n);
	} else {
		m->set_notifier(rec, n);
	}
	rec->state.store(THREADS_OP_QUEUED, std::memory_order_relaxed);
	if (!m->is_split(rec)) {
		if (!m->queue_.try_push(rec))
			return m->start_when_full(rec);
		m->submitted();
		return 0;
	}

	/*
	 * Split: references for the queue entry and, when this thread is a
	 * runtime that will help (wait_help.hpp), for its help; helper
	 * entries for the other workers right away, so that they all start
	 * together rather than one waking the next.
	 */
	m->split_init(rec);
	const bool helping = wait_help_available();
	rec->caller_helps = helping;
	const std::uint32_t refs = helping ? 2 : 1;
	rec->refs.fetch_add(refs, std::memory_order_relaxed);
	if (!m->queue_.try_push(rec)) {
		rec->refs.fetch_sub(refs, std::memory_order_relaxed);
		rec->caller_helps = false;
		return m->start_when_full(rec);
	}
	m->submitted();
	m->split_spread(rec);
	if (helping)
		(void)wait_help_offer(help_run, rec); /* available was checked above */
	return 0;
}

enum future_state threads_mover::op_check(void *data, const struct vdm_operation *operation)
{
	(void)operation;
	auto *rec = static_cast<threads_record *>(data);
	std::uint32_t s = rec->state.load(std::memory_order_acquire);
	if (s == THREADS_OP_FINISHED)
		return FUTURE_STATE_COMPLETE;
	if (s != THREADS_OP_NOTIFYING)
		return FUTURE_STATE_RUNNING;
	/*
	 * Done, and the worker is calling the notifier right now: wait for it
	 * to let go of the record (a few hundred nanoseconds unless it was
	 * preempted), so that nothing touches the record or the waker after
	 * the future completes.
	 */
	for (unsigned i = 0;; ++i) {
		if (rec->state.load(std::memory_order_acquire) == THREADS_OP_FINISHED)
			return FUTURE_STATE_COMPLETE;
		if (i < 1000)
			_FUTURE_SPIN_HINT();
		else
			sched_yield();
	}
}

void threads_mover::op_delete(void *data, const struct vdm_operation *operation,
                              struct vdm_operation_output *output)
{
	auto *rec = static_cast<threads_record *>(data);
	threads_mover *m = rec->mover;
	vdm_op::fill_output(*operation, static_cast<vdm_operation_result>(rec->result), *output);
	if (rec->room_waited) {
		/* A worker may still be inside this record's notifier: wait it out. */
		std::lock_guard<std::mutex> guard(m->room_lock_);
		m->room_unlink(rec);
	}
	if (rec->refs.load(std::memory_order_acquire) == 1)
		m->records_.release(rec); /* nobody else can take a reference any more */
	else
		m->drop_ref(rec);
}

} // namespace masync::detail
