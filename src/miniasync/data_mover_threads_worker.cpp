/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * The threads mover's workers: the loop that pops records, runs them (split
 * into chunks when large), publishes completion and notifies; sleeping on a
 * futex when idle and being woken only when asleep; and the back-pressure
 * wake-up when a pop frees a queue slot.
 */

#include "miniasync/data_mover_threads.hpp"
#include "common/flush.hpp"
#include "common/futex.hpp"

#include <sched.h>

#include <chrono>

namespace masync::detail
{
namespace
{

std::uint64_t now_ns() noexcept
{
	return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
	                                      std::chrono::steady_clock::now().time_since_epoch())
	                                      .count());
}

threads_record *untag(threads_record *e) noexcept
{
	return reinterpret_cast<threads_record *>(reinterpret_cast<std::uintptr_t>(e) &
	                                          ~threads_helper_tag);
}

bool is_helper(threads_record *e) noexcept
{
	return (reinterpret_cast<std::uintptr_t>(e) & threads_helper_tag) != 0;
}

threads_record *as_helper(threads_record *rec) noexcept
{
	return reinterpret_cast<threads_record *>(reinterpret_cast<std::uintptr_t>(rec) |
	                                          threads_helper_tag);
}

/* Whether an operation may be cut into chunks run in parallel. */
bool splittable(const struct vdm_operation &op) noexcept
{
	if (op.type != VDM_OPERATION_MEMMOVE)
		return true;
	/* Parallel chunks of an overlapping move could read what another chunk wrote. */
	auto d = reinterpret_cast<std::uintptr_t>(op.data.memmove.dest);
	auto s = reinterpret_cast<std::uintptr_t>(op.data.memmove.src);
	std::size_t n = op.data.memmove.n;
	return d + n <= s || s + n <= d;
}

/* Claims and runs chunks of a split operation until none are left. */
void participate(data_mover_threads *m, threads_record *rec) noexcept
{
	const std::size_t chunk = m->config.chunk_size;
	const std::size_t size = threads_op_size(rec->op);
	const std::uint32_t nchunks = rec->nchunks;
	std::uint32_t did = 0;
	for (;;) {
		std::uint32_t k = rec->next_chunk.fetch_add(1, std::memory_order_relaxed);
		if (k >= nchunks)
			break;
		std::size_t off = std::size_t(k) * chunk;
		std::size_t len = size - off < chunk ? size - off : chunk;
		threads_run_range(m, rec->op, off, len);
		++did;
	}
	if (did == 0)
		return;
	/* Non-temporal stores and write-backs are ordered per CPU: fence our own. */
	if (threads_needs_fence(rec->op))
		store_fence();
	if (rec->done_chunks.fetch_add(did, std::memory_order_acq_rel) + did == nchunks)
		threads_complete(rec);
}

void run_split(data_mover_threads *m, threads_record *rec, std::size_t size) noexcept
{
	const std::size_t chunk = m->config.chunk_size;
	std::size_t nchunks = (size + chunk - 1) / chunk;
	rec->nchunks = static_cast<std::uint32_t>(nchunks);
	rec->next_chunk.store(0, std::memory_order_relaxed);
	rec->done_chunks.store(0, std::memory_order_relaxed);

	std::size_t helpers = nchunks - 1;
	if (helpers > m->nworkers - 1)
		helpers = m->nworkers - 1;
	/* Our own reference, and one per helper entry (taken back if it cannot be queued). */
	rec->refs.fetch_add(static_cast<std::uint32_t>(1 + helpers), std::memory_order_relaxed);
	std::size_t queued = 0;
	while (queued < helpers && m->queue->try_push(as_helper(rec)))
		++queued;
	if (queued < helpers)
		rec->refs.fetch_sub(static_cast<std::uint32_t>(helpers - queued),
		                    std::memory_order_relaxed);
	if (queued > 0)
		threads_wake_workers(m, queued);
	participate(m, rec);
	threads_drop_ref(m, rec);
}

void run(data_mover_threads *m, threads_record *entry) noexcept
{
	threads_record *rec = untag(entry);
	if (is_helper(entry)) {
		participate(m, rec);
		threads_drop_ref(m, rec);
		return;
	}
	std::size_t size = threads_op_size(rec->op);
	if (size >= 2 * m->config.chunk_size && m->nworkers > 1 && splittable(rec->op) &&
	    size / m->config.chunk_size < 0xffffffffu) {
		run_split(m, rec, size);
		return;
	}
	threads_run_range(m, rec->op, 0, size);
	if (threads_needs_fence(rec->op))
		store_fence();
	threads_complete(rec);
}

bool pop(data_mover_threads *m, threads_record **out) noexcept
{
	if (!m->queue->try_pop(out))
		return false;
	threads_room_freed(m);
	return true;
}

/* Polls the queue for up to spin_ns; true with an entry in *out if one came. */
bool spin_for_work(data_mover_threads *m, threads_record **out) noexcept
{
	const std::uint64_t budget = m->config.spin_ns;
	if (budget == 0)
		return false;
	const std::uint64_t start = now_ns();
	for (unsigned i = 1;; ++i) {
		if (!m->queue->empty() && pop(m, out))
			return true;
		if (m->stopping.load(std::memory_order_relaxed))
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

/* Sleeps until a submitter (or delete) wakes this worker. */
void sleep(data_mover_threads *m, std::size_t index) noexcept
{
	threads_worker &w = m->workers[index];
	std::atomic<std::uint64_t> &mask = m->sleeping[index / 64];
	const std::uint64_t bit = std::uint64_t(1) << (index % 64);

	/* seq_cst: ordered before the stop flag check against data_mover_threads_delete. */
	w.word.store(1, std::memory_order_seq_cst);
	mask.fetch_or(bit, std::memory_order_seq_cst);
	/* Pairs with the fence in threads_wake_workers: we see its push or it sees our bit. */
	std::atomic_thread_fence(std::memory_order_seq_cst);
	if (!m->queue->empty() || m->stopping.load(std::memory_order_seq_cst)) {
		/* Work arrived (or we are told to stop) while we were getting ready. */
		mask.fetch_and(~bit, std::memory_order_relaxed);
		w.word.store(0, std::memory_order_relaxed);
		return;
	}
	while (w.word.load(std::memory_order_acquire) != 0)
		futex_wait(&w.word, 1);
}

} // namespace

void threads_complete(threads_record *rec) noexcept
{
	switch (rec->notify) {
	case FUTURE_NOTIFIER_WAKER: {
		struct future_waker waker = rec->waker;
		rec->state.store(THREADS_OP_NOTIFYING, std::memory_order_release);
		waker.wake(waker.data);
		break;
	}
	case FUTURE_NOTIFIER_POLLER:
		rec->state.store(THREADS_OP_NOTIFYING, std::memory_order_release);
		__atomic_store_n(&rec->poll_word, 1, __ATOMIC_RELEASE);
		break;
	case FUTURE_NOTIFIER_NONE:
		break;
	}
	rec->state.store(THREADS_OP_FINISHED, std::memory_order_release);
	/* The record may be reused from here on. */
}

void threads_drop_ref(data_mover_threads *m, threads_record *rec) noexcept
{
	if (rec->refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
		m->records->release(rec);
}

std::size_t threads_wake_workers(data_mover_threads *m, std::size_t count) noexcept
{
	/* Pairs with the fence in sleep(): either it sees our push or we see its bit. */
	std::atomic_thread_fence(std::memory_order_seq_cst);
	std::size_t woken = 0;
	for (std::size_t wi = 0; wi < m->sleeping_words && woken < count; ++wi) {
		std::atomic<std::uint64_t> &mask = m->sleeping[wi];
		std::uint64_t bits = mask.load(std::memory_order_relaxed);
		while (bits != 0 && woken < count) {
			std::uint64_t bit = bits & (~bits + 1);
			if (!mask.compare_exchange_weak(bits, bits & ~bit,
			                                std::memory_order_acq_rel,
			                                std::memory_order_relaxed))
				continue;
			std::size_t index =
			    wi * 64 + static_cast<std::size_t>(__builtin_ctzll(bit));
			threads_worker &w = m->workers[index];
			w.word.store(0, std::memory_order_release);
			futex_wake(&w.word, 1);
			++woken;
			bits &= ~bit;
		}
	}
	return woken;
}

void threads_room_freed(data_mover_threads *m) noexcept
{
	/* Pairs with the fence in start_when_full. */
	std::atomic_thread_fence(std::memory_order_seq_cst);
	if (m->room_waiters.load(std::memory_order_relaxed) == 0)
		return;
	std::lock_guard<std::mutex> guard(*m->room_lock);
	struct future_waker last {
	};
	threads_record *rec = m->room_head;
	while (rec != nullptr) {
		threads_record *next = rec->room_next;
		if (rec->notify == FUTURE_NOTIFIER_POLLER) {
			__atomic_store_n(&rec->poll_word, 1, __ATOMIC_RELEASE);
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
	m->room_head = m->room_tail = nullptr;
	m->room_waiters.store(0, std::memory_order_relaxed);
}

void threads_worker_main(data_mover_threads *m, std::size_t index) noexcept
{
	threads_record *e = nullptr;
	for (;;) {
		if (pop(m, &e) || spin_for_work(m, &e)) {
			run(m, e);
			continue;
		}
		if (m->stopping.load(std::memory_order_acquire)) {
			/* Drain whatever is still queued, then leave. */
			if (pop(m, &e)) {
				run(m, e);
				continue;
			}
			return;
		}
		sleep(m, index);
	}
}

} // namespace masync::detail
