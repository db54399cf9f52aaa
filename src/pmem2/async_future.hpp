/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/async_future.hpp -- the inside of a pmem2_future, shared by the code
 * that makes one (async_future.cpp: pmem2_memcpy_async and friends) and the
 * code that drives it (async_chain.cpp). Include only after defining
 * PMEM2_USE_MINIASYNC.
 *
 * A pmem2_future is a chain of two entries:
 *   op   the mover's vdm_operation_future (or, when the arguments are bad, a
 *        COMPLETE one that never reached the mover);
 *   fin  our finalizer: a pmem2_persist_future whose data is {map, dest, len}
 *        and whose output word holds the plan decided at creation (what the
 *        mover may leave undone), a failure bit and the persistence
 *        checker's id of the operation.
 * op_done (op's map function) looks at the mover's result and marks the
 * finalizer failed if the operation did not run; finalize (fin's task) does
 * the planned work; fin_done (fin's map function) writes the chain's
 * output: the destination, or NULL on failure. A future on the map's
 * default mover runs as default_chain_task instead, which does the same in
 * one call.
 *
 * The plan (durability decision), for granularity G and mover M:
 *   M is the map's default mover: nothing. It runs the operation with the
 *     kernel flags G calls for (plan_for, granularity_fns.hpp) and is told
 *     VDM_F_MEM_DURABLE, so it also finishes what the caller's
 *     NODRAIN/NOFLUSH left out.
 *   PAGE: msync the range (the map's persist function); M is not asked to
 *     flush cache lines, which msync makes useless.
 *   CACHE_LINE: if M supports VDM_F_MEM_DURABLE it is asked for it and
 *     nothing is left to do; otherwise the finalizer persists the range
 *     (write-backs and a fence).
 *   BYTE: a store fence on the polling thread. A mover that stores on the
 *     polling thread (synchronous) is drained by it; an asynchronous one
 *     publishes completion with release/acquire, so its temporal stores are
 *     already visible, i.e. persistent at BYTE granularity, and it must have
 *     fenced its streaming stores before completing. Cache-line write-backs
 *     would be useless, so VDM_F_MEM_DURABLE is not asked for.
 *
 * Lifetime / thread safety: a future is driven by one thread at a time (the
 * futures' rule); everything here is stateless otherwise.
 */
#ifndef MASYNC_PMEM2_ASYNC_FUTURE_HPP
#define MASYNC_PMEM2_ASYNC_FUTURE_HPP

#include <libpmem2.h>

#include "common/persistence_checker.hpp"
#include "pmem2/map.hpp"

#include <cstddef>
#include <cstdint>

namespace masync::pmem2::async
{

/*
 * The finalizer's private word (pmem2_persist_future_output.unused): the
 * plan (bits 0-1), the failure bit (2), why it failed (bits 4-7), the kind
 * of operation (bits 8-9) and the persistence checker's id of the operation
 * (bits 16-63).
 */
enum : std::uint64_t {
	plan_none = 0,
	plan_fence = 1,
	plan_persist = 2,
	plan_mask = 3,
	fin_failed = 1u << 2,
	reason_shift = 4,
	reason_mask = 0xfu << reason_shift,
	kind_shift = 8,
	kind_mask = 3u << kind_shift,
	checker_id_shift = 16,
};

enum reason : std::uint64_t {
	no_reason,
	null_map,
	null_dest,
	null_src,
	out_of_map,
	no_record,
	mover_failed,
	persist_failed,
};

inline std::uint64_t failure(reason why)
{
	return fin_failed | (static_cast<std::uint64_t>(why) << reason_shift);
}

/* What went wrong, for pmem2_errormsg. */
const char *describe(reason why) noexcept;

/* The operation, with the values of its vdm operation type. */
enum class kind {
	memcpy = VDM_OPERATION_MEMCPY,
	memmove = VDM_OPERATION_MEMMOVE,
	memset = VDM_OPERATION_MEMSET
};

/* "pmem2_memcpy_async", "pmem2_memmove_async" or "pmem2_memset_async". */
inline const char *name_of(kind k) noexcept
{
	static constexpr const char *names[] = {"pmem2_memcpy_async", "pmem2_memmove_async",
	                                        "pmem2_memset_async"};
	const auto i = static_cast<unsigned>(k);
	return names[i < 3 ? i : 2];
}

inline std::uint64_t &word_of(struct future_context *fin_ctx)
{
	auto *out = static_cast<pmem2_persist_future_output *>(future_context_get_output(fin_ctx));
	return out->unused;
}

inline persistence_checker::operation checker_op(kind k, const struct pmem2_map *map,
                                                 const void *dest, std::size_t len)
{
	return {name_of(k),
	        map->addr,
	        map->content_length,
	        dest,
	        len,
	        static_cast<persistence_checker::granularity>(map->effective_granularity)};
}

/* The map function of the op entry: lhs is the mover's future, rhs the finalizer's. */
void op_done(struct future_context *lhs, struct future_context *rhs, void *arg);

/* The finalizer's task. */
enum future_state finalize(struct future_context *ctx, struct future_notifier *notifier);

/* The map function of the fin entry: rhs is the chain (pmem2_future) itself. */
void fin_done(struct future_context *lhs, struct future_context *rhs, void *arg);

/* The task of a pmem2_future on the map's default mover (async_chain.cpp). */
enum future_state default_chain_task(struct future_context *ctx, struct future_notifier *notifier);

} // namespace masync::pmem2::async

#endif
