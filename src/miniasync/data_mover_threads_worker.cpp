/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * The threads mover's workers: the loop that pops records, runs them (split
 * into chunks when large), publishes completion and notifies; sleeping on a
 * futex when idle and being woken only when asleep; and the back-pressure
 * wake-up when a pop frees a queue slot.
 */

#include "miniasync/data_mover_threads.hpp"
#include "common/futex.hpp"
#include "miniasync/threads_help.hpp"

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

void run_split(data_mover_threads *m, threads_record *rec) noexcept
{
	/* The queue entry's reference was taken when it was pushed (op_start). */
	threads_split_spread(m, rec);
	threads_participate(m, rec);
	threads_drop_ref(m, rec);
}

void prefetch_for_write(const void *p) noexcept
{
#if defined(__x86_64__)
	__asm__ __volatile__("prefetchw %0" : : "m"(*static_cast<const char *>(p)));
#else
	__builtin_prefetch(p, 1, 3);
#endif
}

bool same_waker(const threads_record *a, const threads_record *b) noexcept
{
	return a->notify == FUTURE_NOTIFIER_WAKER && b->notify == FUTURE_NOTIFIER_WAKER &&
	       a->waker.wake == b->waker.wake && a->waker.data == b->waker.data;
}

bool pop(data_mover_threads *m, threads_record **out) noexcept;

/*
 * Runs one queue entry. Returns an entry popped ahead that the caller must
 * run next, or nullptr.
 *
 * Wake coalescing: after an ordinary operation whose notifier is a waker,
 * the worker pops the next entry before it completes the first. If that
 * one is small, ordinary and has the very same waker, the first completes
 * without calling it: the call made when the second completes (a few
 * microseconds later at most) covers both, and until then the second's
 * record keeps the waker alive. This halves, and in a run of small
 * operations of one waiting thread divides by up to coalesce_chain, the
 * waker calls and the polling passes they trigger.
 */
threads_record *run(data_mover_threads *m, threads_record *entry) noexcept
{
	threads_record *rec = untag(entry);
	if (is_helper(entry)) {
		threads_participate(m, rec);
		threads_drop_ref(m, rec);
		return nullptr;
	}
	if (threads_is_split(m, rec)) {
		run_split(m, rec);
		return nullptr;
	}
	for (unsigned chain = 1;; ++chain) {
		/* Fetch the next entry's record while we copy: it is likely ours next. */
		if (threads_record *ahead = m->queue->peek(nullptr))
			prefetch_for_write(untag(ahead));
		threads_run_range(m, rec->op, 0, rec->op.n);
		masync::vdm_op::finish(rec->op);
		threads_record *next = nullptr;
		if (rec->notify == FUTURE_NOTIFIER_WAKER && chain < m->config.coalesce_chain &&
		    pop(m, &next)) {
			if (!is_helper(next) && next->op.n <= m->config.coalesce_max &&
			    !threads_is_split(m, next) && same_waker(rec, next)) {
				threads_complete_silently(rec);
				rec = next;
				continue;
			}
		}
		threads_complete(rec);
		return next;
	}
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

/* Takes one of the spinning places (config.spinners) if one is free. */
bool become_spinner(data_mover_threads *m) noexcept
{
	std::uint32_t n = m->spinners.load(std::memory_order_relaxed);
	while (n < m->config.spinners)
		if (m->spinners.compare_exchange_weak(n, n + 1, std::memory_order_seq_cst,
		                                      std::memory_order_relaxed))
			return true;
	return false;
}

/* Sleeps until a submitter (or delete) wakes this worker. */
void sleep(data_mover_threads *m, std::size_t index) noexcept
{
	threads_worker &w = m->workers[index];
	std::atomic<std::uint64_t> &mask = m->sleeping[index / 64];
	const std::uint64_t bit = std::uint64_t(1) << (index % 64);

	/*
	 * All seq_cst: either a submitter's push (a seq_cst CAS on the queue's
	 * tail) comes before our bit in the single total order, and the
	 * maybe_nonempty() check below sees it, or its later seq_cst load of
	 * the mask sees our bit. The same holds for the stop flag and data_mover_threads_delete.
	 */
	w.word.store(1, std::memory_order_seq_cst);
	mask.fetch_or(bit, std::memory_order_seq_cst);
	if (m->queue->maybe_nonempty() || m->stopping.load(std::memory_order_seq_cst)) {
		/* Work arrived (or we are told to stop) while we were getting ready. */
		mask.fetch_and(~bit, std::memory_order_relaxed);
		w.word.store(0, std::memory_order_relaxed);
		return;
	}
	while (w.word.load(std::memory_order_acquire) != 0)
		futex_wait(&w.word, 1);
}

} // namespace

[[gnu::tls_model("initial-exec")]] thread_local help_window this_thread_help;

bool threads_is_split(const data_mover_threads *m, const threads_record *rec) noexcept
{
	std::size_t size = rec->op.n;
	/* Also with one worker: a waiting runtime_wait may help (threads_help.hpp). */
	return size >= 2 * m->config.chunk_size && threads_splittable(rec->op) &&
	       size / m->config.chunk_size < 0xffffffffu;
}

/* Whether the operation calls a function set with data_mover_threads_set_*_fn. */
bool uses_custom_fn(const data_mover_threads *m, const threads_op &op) noexcept
{
	switch (op.type) {
	case VDM_OPERATION_MEMCPY:
		return m->op_memcpy.load(std::memory_order_relaxed) != nullptr;
	case VDM_OPERATION_MEMMOVE:
		return m->op_memmove.load(std::memory_order_relaxed) != nullptr;
	case VDM_OPERATION_MEMSET:
		return m->op_memset.load(std::memory_order_relaxed) != nullptr;
	default:
		return false;
	}
}

void threads_split_init(const data_mover_threads *m, threads_record *rec) noexcept
{
	/*
	 * Our own kernels cost nothing per call, so chunks stay small (the
	 * measured config.chunk_size) for the best balance. A custom function
	 * may have a fixed cost per call (libpmem2's PAGE-granularity functions
	 * make one msync each), so its operation is cut into about four chunks
	 * per participant (workers and a helping runtime) instead.
	 */
	std::size_t chunk = m->config.chunk_size;
	if (uses_custom_fn(m, rec->op)) {
		std::size_t per = rec->op.n / (4 * (m->nworkers + 1));
		per = (per + 4095) & ~std::size_t(4095);
		if (per > chunk)
			chunk = per;
	}
	rec->chunk = chunk;
	rec->nchunks = static_cast<std::uint32_t>((rec->op.n + chunk - 1) / chunk);
	rec->next_chunk.store(0, std::memory_order_relaxed);
	rec->done_chunks.store(0, std::memory_order_relaxed);
	rec->spread.store(false, std::memory_order_relaxed);
	rec->caller_helps = false;
}

void threads_split_spread(data_mover_threads *m, threads_record *rec) noexcept
{
	if (rec->spread.exchange(true, std::memory_order_acq_rel))
		return;
	/*
	 * Participants: the worker that pops the entry, one per helper entry,
	 * and the polling thread when it helps. No more of them than CPUs: on
	 * an oversubscribed machine a participant preempted in the middle of
	 * a chunk holds up the whole operation's completion.
	 */
	std::size_t helpers = rec->nchunks - 1;
	if (helpers > m->nworkers - 1)
		helpers = m->nworkers - 1;
	if (std::size_t cpus = m->config.cpus; cpus != 0) {
		std::size_t others = cpus - 1 - (rec->caller_helps && cpus > 1 ? 1 : 0);
		if (helpers > others)
			helpers = others;
	}
	/* One reference per helper entry (taken back if it cannot be queued). */
	rec->refs.fetch_add(static_cast<std::uint32_t>(helpers), std::memory_order_relaxed);
	std::size_t queued = 0;
	while (queued < helpers && m->queue->try_push(as_helper(rec)))
		++queued;
	if (queued < helpers)
		rec->refs.fetch_sub(static_cast<std::uint32_t>(helpers - queued),
		                    std::memory_order_relaxed);
	if (queued > 0)
		threads_wake_workers(m, queued);
}

void threads_participate(data_mover_threads *m, threads_record *rec) noexcept
{
	const std::size_t chunk = rec->chunk;
	const std::size_t size = rec->op.n;
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
	masync::vdm_op::finish(rec->op);
	if (rec->done_chunks.fetch_add(did, std::memory_order_acq_rel) + did == nchunks)
		threads_complete(rec);
}

void threads_help_run() noexcept
{
	help_window &h = this_thread_help;
	if (h.rec == nullptr)
		return;
	threads_participate(h.mover, h.rec);
	threads_drop_ref(h.mover, h.rec);
	h.rec = nullptr;
	h.mover = nullptr;
}

void threads_complete_silently(threads_record *rec) noexcept
{
	rec->state.store(THREADS_OP_FINISHED, std::memory_order_release);
}

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
	/* seq_cst load after the seq_cst push: pairs with sleep() (see there). */
	std::size_t woken = 0;
	for (std::size_t wi = 0; wi < m->sleeping_words && woken < count; ++wi) {
		std::atomic<std::uint64_t> &mask = m->sleeping[wi];
		std::uint64_t bits = mask.load(std::memory_order_seq_cst);
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
	/*
	 * The pop freed its cell with a seq_cst store; start_when_full counts
	 * itself in room_waiters (seq_cst) before it retries its push (seq_cst
	 * loads of the cells): either we see the waiter or it sees the slot.
	 */
	if (m->room_waiters.load(std::memory_order_seq_cst) == 0)
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

void threads_submitted(data_mover_threads *m) noexcept
{
	/*
	 * A spinning worker will find the entry (it re-checks the queue after
	 * it stops spinning: seq_cst on both sides), so only wake a sleeper
	 * when nobody spins. While the workers are busy, nobody sleeps and no
	 * system call is made.
	 */
	if (m->spinners.load(std::memory_order_seq_cst) == 0)
		threads_wake_workers(m, 1);
}

void threads_worker_main(data_mover_threads *m, std::size_t index) noexcept
{
	threads_record *e = nullptr;
	bool was_idle = false;
	for (;;) {
		bool got = pop(m, &e);
		if (!got && become_spinner(m)) {
			got = spin_for_work(m, &e);
			m->spinners.fetch_sub(1, std::memory_order_seq_cst);
			was_idle = true;
		}
		if (got) {
			/*
			 * Going from idle to busy with more work queued and nobody
			 * watching the queue: bring one more worker in (each one
			 * woken this way does the same, so a backlog ramps up).
			 */
			if (was_idle && !m->queue->empty() &&
			    m->spinners.load(std::memory_order_seq_cst) == 0)
				threads_wake_workers(m, 1);
			was_idle = false;
			while (e != nullptr)
				e = run(m, e);
			continue;
		}
		if (m->stopping.load(std::memory_order_acquire)) {
			/* Drain whatever is still queued, then leave. */
			if (pop(m, &e)) {
				while (e != nullptr)
					e = run(m, e);
				continue;
			}
			return;
		}
		sleep(m, index);
		was_idle = true;
	}
}

} // namespace masync::detail
