/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * dsa/counters.hpp -- the DSA mover's counters, cheap enough for the inline
 * CPU path: no read-modify-write instruction per operation.
 *
 * What it is
 *   Each mover holds one block of counters per "thread slot". A thread
 *   takes a process-wide slot number (0..slots-1) the first time it counts
 *   anything and gives it back when it exits, so at any moment a slot is
 *   used by at most one live thread: its counters are updated with a
 *   relaxed load and a relaxed store (no lock prefix). A thread that finds
 *   every slot taken uses the last, shared block, updated with relaxed
 *   fetch_add. Reading sums every block (relaxed loads).
 *
 * Lifetime
 *   The blocks live in the mover; a slot number lives as long as its thread
 *   (its release, at thread exit, happens-before the next thread's acquire).
 *
 * Thread safety and ordering
 *   add() from any thread; snapshot() from any thread, consistent per field
 *   only (a field may lag a concurrent update). No ordering is implied with
 *   the data the counted operations moved.
 */
#ifndef MASYNC_DSA_COUNTERS_HPP
#define MASYNC_DSA_COUNTERS_HPP

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace masync::dsa
{

enum counter : unsigned {
	c_submissions,
	c_completions,
	c_bytes_dsa,
	c_bytes_cpu,
	c_bytes_threads,
	c_refused,
	c_page_faults,
	c_resubmissions,
	c_fallback_refused,
	c_fallback_fault,
	c_fallback_overlap,
	c_errors,
	c_batches,
	c_batched_ops,
	c_count
};

/* Thread slots with their own (RMW-free) block; one more block is shared. */
inline constexpr unsigned counter_slots = 64;

/* This thread's slot number; counter_slots when all are taken. */
unsigned counter_slot_of_this_thread() noexcept;

[[gnu::tls_model("initial-exec")]] extern constinit thread_local unsigned this_thread_counter_slot;

class counters
{
      public:
	void add(counter id, std::uint64_t v) noexcept
	{
		unsigned s = this_thread_counter_slot;
		if (s == 0) [[unlikely]]
			s = counter_slot_of_this_thread() + 1;
		std::atomic<std::uint64_t> &c = blocks_[s - 1].v[id];
		if (s <= counter_slots)
			c.store(c.load(std::memory_order_relaxed) + v, std::memory_order_relaxed);
		else
			c.fetch_add(v, std::memory_order_relaxed);
	}
	std::uint64_t get(counter id) const noexcept
	{
		std::uint64_t sum = 0;
		for (const block &b : blocks_)
			sum += b.v[id].load(std::memory_order_relaxed);
		return sum;
	}
	void set_last_error(std::uint64_t status) noexcept
	{
		last_error_.store(status, std::memory_order_relaxed);
	}
	std::uint64_t last_error() const noexcept
	{
		return last_error_.load(std::memory_order_relaxed);
	}

      private:
	struct alignas(64) block {
		std::atomic<std::uint64_t> v[c_count]{};
	};
	block blocks_[counter_slots + 1];
	std::atomic<std::uint64_t> last_error_{0};
};

} // namespace masync::dsa

#endif
