/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * miniasync/data_mover_threads_queue.hpp -- the threads mover's submission
 * queue: a bounded, lock-free, multi-producer multi-consumer FIFO of
 * pointers.
 *
 * What it is
 *   A ring of `capacity` cells (a power of two, at least 2). Each cell
 *   carries a sequence number that tells producers and consumers whose turn
 *   it is (the scheme of D. Vyukov's bounded MPMC queue): a producer claims a
 *   position with one compare-and-swap on the tail counter, writes the value
 *   and publishes it by advancing the cell's sequence; a consumer does the
 *   same on the head counter. try_push() fails when the ring is full,
 *   try_pop() when it is empty; neither ever blocks or allocates.
 *
 * Cost
 *   One CAS on a shared counter and two accesses to one cell per push or pop.
 *   The two counters live on separate cache lines, and so does each cell
 *   (a ring of 1024 entries takes 64 KiB).
 *
 * Lifetime
 *   The ring is allocated at construction (std::bad_alloc on failure) and
 *   freed with the queue. Values are trivially copyable (pointers here).
 *
 * Thread safety and ordering
 *   Any number of threads may push and pop at once. A push has release
 *   semantics and the pop that takes its value acquire semantics: what the
 *   producer wrote before try_push() is visible to the consumer after
 *   try_pop(). For the callers' store-then-load handshakes (the mover's
 *   sleeping workers and back-pressure waiters), without fences:
 *   - a push claims its position with a seq_cst CAS on the tail, and
 *     maybe_nonempty() reads tail and head with seq_cst loads: "I pushed,
 *     now I look at your flag" against "I set my flag, now I look at the
 *     queue";
 *   - a pop frees its cell with a seq_cst store, and try_push() reads the
 *     cells with seq_cst loads: "I freed a slot" against "I registered as
 *     waiting, now I try again".
 *   (On x86 the freeing store is an XCHG; loads are plain.)
 *   A failed try_push()/try_pop() is exact only in the absence of concurrent
 *   operations: it may report full/empty while another thread is midway
 *   through a pop/push of the cell concerned.
 */
#ifndef MASYNC_MINIASYNC_DATA_MOVER_THREADS_QUEUE_HPP
#define MASYNC_MINIASYNC_DATA_MOVER_THREADS_QUEUE_HPP

#include "common/prefetch.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <type_traits>

namespace masync::detail
{

template <typename T> class alignas(64) mpmc_queue
{
	static_assert(std::is_trivially_copyable_v<T>);

      public:
	/* `capacity` must be a power of two, at least 2. */
	explicit mpmc_queue(std::size_t capacity)
	    : cells_(std::make_unique<cell[]>(capacity)), mask_(capacity - 1)
	{
		for (std::size_t i = 0; i < capacity; ++i)
			cells_[i].seq.store(i, std::memory_order_relaxed);
	}

	mpmc_queue(const mpmc_queue &) = delete;
	mpmc_queue &operator=(const mpmc_queue &) = delete;

	bool try_push(T value) noexcept
	{
		std::size_t pos = tail_.load(std::memory_order_relaxed);
		for (;;) {
			cell &c = cells_[pos & mask_];
			std::size_t seq = c.seq.load(std::memory_order_seq_cst);
			auto diff = static_cast<std::ptrdiff_t>(seq - pos);
			if (diff == 0) {
				/* seq_cst: the "I pushed" half of the callers' handshakes. */
				if (tail_.compare_exchange_weak(pos, pos + 1,
				                                std::memory_order_seq_cst,
				                                std::memory_order_relaxed)) {
					c.value.store(value, std::memory_order_relaxed);
					c.seq.store(pos + 1, std::memory_order_release);
					/* Have the next cell ready for the next push. */
					masync::prefetch_for_write(&cells_[(pos + 1) & mask_]);
					return true;
				}
			} else if (diff < 0) {
				return false; /* the cell still holds a value from a lap ago */
			} else {
				pos = tail_.load(std::memory_order_relaxed);
			}
		}
	}

	bool try_pop(T *out) noexcept
	{
		std::size_t pos = head_.load(std::memory_order_relaxed);
		for (;;) {
			cell &c = cells_[pos & mask_];
			std::size_t seq = c.seq.load(std::memory_order_seq_cst);
			auto diff = static_cast<std::ptrdiff_t>(seq - (pos + 1));
			if (diff == 0) {
				if (head_.compare_exchange_weak(pos, pos + 1,
				                                std::memory_order_relaxed)) {
					*out = c.value.load(std::memory_order_relaxed);
					c.seq.store(pos + mask_ + 1, std::memory_order_seq_cst);
					return true;
				}
			} else if (diff < 0) {
				return false; /* nothing published in this cell yet */
			} else {
				pos = head_.load(std::memory_order_relaxed);
			}
		}
	}

	/*
	 * False when an entry was claimed by a push that the pops have not
	 * reached yet (it may not be published yet: the caller retries its
	 * pop). seq_cst loads: the "did anyone push" half of the handshakes.
	 */
	bool maybe_nonempty() const noexcept
	{
		return tail_.load(std::memory_order_seq_cst) !=
		       head_.load(std::memory_order_seq_cst);
	}

	/*
	 * The value a pop would return next, or `none` when none is published
	 * yet. Only a hint (another consumer may take it first): consumers use
	 * it to prefetch what they will need next.
	 */
	T peek(T none) const noexcept
	{
		std::size_t pos = head_.load(std::memory_order_relaxed);
		const cell &c = cells_[pos & mask_];
		if (c.seq.load(std::memory_order_acquire) != pos + 1)
			return none;
		return c.value.load(std::memory_order_relaxed);
	}

	/* True when nothing was queued at the time of the call (a hint under concurrency). */
	bool empty() const noexcept
	{
		std::size_t pos = head_.load(std::memory_order_acquire);
		const cell &c = cells_[pos & mask_];
		return static_cast<std::ptrdiff_t>(c.seq.load(std::memory_order_seq_cst) -
		                                   (pos + 1)) < 0;
	}

	std::size_t capacity() const noexcept { return mask_ + 1; }

      private:
	/* One cell per cache line: a producer filling one cell does not disturb a consumer
	 * reading the one before. */
	struct alignas(64) cell {
		std::atomic<std::size_t> seq{0};
		std::atomic<T> value{}; /* relaxed: ordered by seq */
	};

	std::unique_ptr<cell[]> cells_;
	std::size_t mask_;
	alignas(64) std::atomic<std::size_t> tail_{0};
	alignas(64) std::atomic<std::size_t> head_{0};
};

} // namespace masync::detail

#endif
