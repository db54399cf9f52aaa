/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * The threads mover's wake-ups, both ways: idle workers sleeping on a futex
 * and the submitters that wake exactly one of them, and only when one
 * sleeps and none spins; and the completion of an operation, which
 * publishes its result and pokes the future's notifier.
 */

#include "common/futex.hpp"
#include "miniasync/data_mover_threads.hpp"

namespace masync::detail
{

void threads_mover::sleep(std::size_t index) noexcept
{
	threads_worker &w = workers_[index];
	std::atomic<std::uint64_t> &mask = sleeping_[index / 64];
	const std::uint64_t bit = std::uint64_t(1) << (index % 64);

	/*
	 * All seq_cst: either a submitter's push (a seq_cst CAS on the queue's
	 * tail) comes before our bit in the single total order, and the
	 * maybe_nonempty() check below sees it, or its later seq_cst load of
	 * the mask sees our bit. The same holds for the stop flag and the
	 * destructor.
	 */
	w.word.store(1, std::memory_order_seq_cst);
	mask.fetch_or(bit, std::memory_order_seq_cst);
	if (queue_.maybe_nonempty() || stopping_.load(std::memory_order_seq_cst)) {
		/* Work arrived (or we are told to stop) while we were getting ready. */
		mask.fetch_and(~bit, std::memory_order_relaxed);
		w.word.store(0, std::memory_order_relaxed);
		return;
	}
	while (w.word.load(std::memory_order_acquire) != 0)
		futex_wait(&w.word, 1);
}

void threads_mover::submitted() noexcept
{
	/*
	 * A spinning worker will find the entry (it re-checks the queue after
	 * it stops spinning: seq_cst on both sides), so only wake a sleeper
	 * when nobody spins. While the workers are busy, nobody sleeps and no
	 * system call is made.
	 */
	if (spinners_.load(std::memory_order_seq_cst) == 0)
		wake_workers(1);
}

std::size_t threads_mover::wake_workers(std::size_t count) noexcept
{
	/* seq_cst load after the seq_cst push: pairs with sleep() (see there). */
	std::size_t woken = 0;
	for (std::size_t wi = 0; wi < sleeping_words_ && woken < count; ++wi) {
		std::atomic<std::uint64_t> &mask = sleeping_[wi];
		std::uint64_t bits = mask.load(std::memory_order_seq_cst);
		while (bits != 0 && woken < count) {
			std::uint64_t bit = bits & (~bits + 1);
			if (!mask.compare_exchange_weak(bits, bits & ~bit,
			                                std::memory_order_acq_rel,
			                                std::memory_order_relaxed))
				continue;
			std::size_t index =
			    wi * 64 + static_cast<std::size_t>(__builtin_ctzll(bit));
			threads_worker &w = workers_[index];
			w.word.store(0, std::memory_order_release);
			futex_wake(&w.word, 1);
			++woken;
			bits &= ~bit;
		}
	}
	return woken;
}

void threads_mover::stop_workers(std::size_t started) noexcept
{
	stopping_.store(true, std::memory_order_seq_cst);
	for (std::size_t w = 0; w < sleeping_words_; ++w)
		sleeping_[w].store(0, std::memory_order_seq_cst);
	for (std::size_t i = 0; i < started; ++i) {
		workers_[i].word.store(0, std::memory_order_seq_cst);
		futex_wake(&workers_[i].word, 1);
	}
	for (std::size_t i = 0; i < started; ++i)
		if (workers_[i].thread.joinable())
			workers_[i].thread.join();
}

void threads_mover::complete_silently(threads_record *rec) noexcept
{
	rec->state.store(THREADS_OP_FINISHED, std::memory_order_release);
}

void threads_mover::complete(threads_record *rec) noexcept
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
		std::atomic_ref<std::uint64_t>(rec->poll_word).store(1, std::memory_order_release);
		break;
	case FUTURE_NOTIFIER_NONE:
		break;
	}
	rec->state.store(THREADS_OP_FINISHED, std::memory_order_release);
	/* The record may be reused from here on. */
}

void threads_mover::drop_ref(threads_record *rec) noexcept
{
	if (rec->refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
		records_.release(rec);
}

} // namespace masync::detail
