/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * Thread slots of the DSA mover's counters (see dsa/counters.hpp): a
 * process-wide bit mask of slots in use; a thread takes the lowest free bit
 * at its first count and clears it at exit.
 */

#include "dsa/counters.hpp"

namespace masync::dsa
{

constinit thread_local unsigned this_thread_counter_slot = 0;

namespace
{

std::atomic<std::uint64_t> slots_in_use{0};
static_assert(counter_slots == 64, "one bit per slot in a 64-bit mask");

/* Gives the slot back when its thread exits. */
struct slot_owner {
	unsigned slot = counter_slots;
	~slot_owner()
	{
		if (slot < counter_slots)
			slots_in_use.fetch_and(~(std::uint64_t{1} << slot),
			                       std::memory_order_release);
		this_thread_counter_slot = counter_slots + 1; /* later counts: shared block */
	}
};

} // namespace

unsigned counter_slot_of_this_thread() noexcept
{
	static thread_local slot_owner owner;
	std::uint64_t used = slots_in_use.load(std::memory_order_relaxed);
	unsigned slot = counter_slots;
	while (~used != 0) {
		unsigned bit = static_cast<unsigned>(__builtin_ctzll(~used));
		if (slots_in_use.compare_exchange_weak(used, used | (std::uint64_t{1} << bit),
		                                       std::memory_order_acquire,
		                                       std::memory_order_relaxed)) {
			slot = bit;
			break;
		}
	}
	owner.slot = slot;
	this_thread_counter_slot = slot + 1;
	return slot;
}

} // namespace masync::dsa
