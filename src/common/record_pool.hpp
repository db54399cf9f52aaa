/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * common/record_pool.hpp -- a bounded, lock-free pool of fixed-size records.
 *
 * What it is
 *   `record_pool<T>` owns `capacity` default-constructed T, allocated once at
 *   construction. acquire() hands out a free record (nullptr when none is
 *   left); release() returns one. Records are returned in any order, and a
 *   record held for a long time never blocks the reuse of others. Movers use
 *   it for their per-operation records: no allocation per operation.
 *
 * Cost
 *   One compare-and-swap on a shared word per acquire and per release
 *   (a Treiber stack of indices with an ABA tag).
 *
 * Lifetime
 *   Records live as long as the pool; the pool must outlive every record
 *   handed out. The constructor throws std::bad_alloc when it cannot
 *   allocate (callers at the C boundary turn that into NULL + ENOMEM).
 *
 * Thread safety and ordering
 *   acquire() and release() may be called from any number of threads at
 *   once. release() has release semantics and acquire() acquire semantics:
 *   what a thread wrote into a record before releasing it is visible to the
 *   thread that acquires it next.
 */
#ifndef MASYNC_COMMON_RECORD_POOL_HPP
#define MASYNC_COMMON_RECORD_POOL_HPP

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace masync
{

template <typename T> class record_pool
{
      public:
	/* Largest capacity supported (indices are 32-bit). */
	static constexpr std::uint32_t max_capacity = 1u << 30;

	explicit record_pool(std::uint32_t capacity)
	    : slots_(std::make_unique<slot[]>(capacity)), capacity_(capacity)
	{
		for (std::uint32_t i = 0; i < capacity; ++i)
			slots_[i].next.store(i + 1 < capacity ? i + 2 : 0,
			                     std::memory_order_relaxed);
		head_.store(capacity ? 1 : 0, std::memory_order_release);
	}

	record_pool(const record_pool &) = delete;
	record_pool &operator=(const record_pool &) = delete;

	/* A free record, or nullptr when all are in use. */
	T *acquire() noexcept
	{
		std::uint64_t head = head_.load(std::memory_order_acquire);
		for (;;) {
			std::uint32_t index = static_cast<std::uint32_t>(head);
			if (index == 0)
				return nullptr;
			std::uint32_t next = slots_[index - 1].next.load(std::memory_order_relaxed);
			std::uint64_t desired = ((head >> 32) + 1) << 32 | next;
			if (head_.compare_exchange_weak(head, desired, std::memory_order_acquire,
			                                std::memory_order_acquire))
				return &slots_[index - 1].value;
		}
	}

	/* Returns a record obtained from acquire() of this pool. */
	void release(T *record) noexcept
	{
		auto offset =
		    reinterpret_cast<char *>(record) - reinterpret_cast<char *>(&slots_[0].value);
		std::uint32_t index = static_cast<std::uint32_t>(offset / sizeof(slot)) + 1;
		slot *s = &slots_[index - 1];
		std::uint64_t head = head_.load(std::memory_order_relaxed);
		for (;;) {
			s->next.store(static_cast<std::uint32_t>(head), std::memory_order_relaxed);
			std::uint64_t desired = ((head >> 32) + 1) << 32 | index;
			if (head_.compare_exchange_weak(head, desired, std::memory_order_release,
			                                std::memory_order_relaxed))
				return;
		}
	}

	/* True when `record` points at a record of this pool. */
	bool owns(const T *record) const noexcept
	{
		auto p = reinterpret_cast<const char *>(record);
		auto first = reinterpret_cast<const char *>(slots_.get());
		return p >= first && p < first + sizeof(slot) * capacity_;
	}

	std::uint32_t capacity() const noexcept { return capacity_; }

      private:
	struct slot {
		T value{};
		std::atomic<std::uint32_t> next{0}; /* 1-based index of the next free slot */
	};

	std::unique_ptr<slot[]> slots_;
	std::uint32_t capacity_;
	/* (tag << 32) | 1-based index of the first free slot; index 0 = empty. */
	alignas(64) std::atomic<std::uint64_t> head_{0};
};

} // namespace masync

#endif
