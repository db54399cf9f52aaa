/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/async_chain.cpp -- driving a pmem2_future (async_future.hpp): the
 * map functions of its two entries, the finalizer's task, and the one-call
 * task of a future on the map's default mover.
 */
#define PMEM2_USE_MINIASYNC 1 /* this file implements the async API */
#include "pmem2/async_future.hpp"

#include "common/flush.hpp"
#include "pmem2/async.hpp"
#include "pmem2/default_mover.hpp"
#include "pmem2/errormsg.hpp"

namespace masync::pmem2::async
{

namespace checker = masync::persistence_checker;

const char *describe(reason why) noexcept
{
	static constexpr const char *what[] = {
	    "unknown failure",
	    "map is NULL",
	    "the destination is NULL",
	    "the source is NULL",
	    "the destination range is not inside the map",
	    "the data mover had no free operation record (VDM_ERROR_OUT_OF_MEMORY)",
	    "the data mover could not carry the operation out",
	    "persisting the written data failed",
	};
	return why < sizeof(what) / sizeof(what[0]) ? what[why] : what[0];
}

void op_done(struct future_context *lhs, struct future_context *rhs, void *arg)
{
	(void)arg;
	auto *out = static_cast<vdm_operation_output *>(future_context_get_output(lhs));
	if (out->result == VDM_SUCCESS)
		return;
	std::uint64_t &w = word_of(rhs);
	if (!(w & fin_failed))
		w |= failure(out->result == VDM_ERROR_OUT_OF_MEMORY ? no_record : mover_failed);
}

enum future_state finalize(struct future_context *ctx, struct future_notifier *notifier)
{
	if (notifier != nullptr)
		notifier->notifier_used = FUTURE_NOTIFIER_NONE;
	auto *d = static_cast<pmem2_persist_future_data *>(future_context_get_data(ctx));
	std::uint64_t &w = word_of(ctx);
	if (w & fin_failed)
		return FUTURE_STATE_COMPLETE; /* nothing was written: nothing to persist */
	switch (w & plan_mask) {
	case plan_fence:
		store_fence();
		break;
	case plan_persist:
		if (!persist_checked(d->map, d->ptr, d->size))
			w |= failure(persist_failed); /* with the message already set */
		break;
	default:
		break;
	}
	return FUTURE_STATE_COMPLETE;
}

void fin_done(struct future_context *lhs, struct future_context *rhs, void *arg)
{
	(void)arg;
	auto *d = static_cast<pmem2_persist_future_data *>(future_context_get_data(lhs));
	std::uint64_t w = word_of(lhs);
	bool ok = !(w & fin_failed);
	if (ok) {
		auto k = static_cast<kind>((w & kind_mask) >> kind_shift);
		checker::op_complete(w >> checker_id_shift, checker_op(k, d->map, d->ptr, d->size));
	}
	auto why = static_cast<reason>((w & reason_mask) >> reason_shift);
	if (!ok && why != persist_failed) {
		/* The thread seeing the failure learns why, too. */
		fail(-EIO, "asynchronous operation on %p (%zu bytes) failed: %s", d->ptr, d->size,
		     describe(why));
	}
	auto *out = static_cast<pmem2_future_output *>(future_context_get_output(rhs));
	out->dest = ok ? d->ptr : nullptr;
}

/*
 * The task of a pmem2_future whose operation runs on the map's default mover
 * (the common case): what async_chain_impl would do through the vdm
 * callbacks, the two entries and their map functions, done in one call with
 * no indirection. The entries end up exactly as the generic chain leaves
 * them (outputs, states, PROCESSED flags), so the future looks the same to
 * anyone who inspects it. Should an entry already have been driven on its
 * own, the generic chain takes over.
 */
enum future_state default_chain_task(struct future_context *ctx, struct future_notifier *notifier)
{
	auto *d = static_cast<pmem2_future_data *>(future_context_get_data(ctx));
	auto *op_entry = reinterpret_cast<struct future_chain_entry *>(&d->op);
	auto *fin_entry = reinterpret_cast<struct future_chain_entry *>(&d->fin);
	struct vdm_operation_future *op = &d->op.fut;
	struct pmem2_persist_future *fin = &d->fin.fut.persist;
	if (FUTURE_CHAIN_ENTRY_IS_PROCESSED(op_entry) ||
	    op->base.context.state != FUTURE_STATE_IDLE)
		return async_chain_impl(ctx, notifier);
	if (notifier != nullptr)
		notifier->notifier_used = FUTURE_NOTIFIER_NONE;

	/*
	 * What success leaves in the future is stored before the operation
	 * runs, so that nothing but the copy and its closing fence lies
	 * between the call and the return (bench_pmem2_async, 64 KiB at
	 * CACHE_LINE: 1.017-1.021 with the stores after the copy, 1.008-1.011
	 * with them before; why is not settled: 320 bytes of plain stores
	 * after memcpy_fn cost nothing in a separate test). Nobody else may
	 * look at the future while this poll runs, so the order is not
	 * observable.
	 */
	const struct vdm_operation *o = &op->data.operation;
	default_mover_output(o, VDM_SUCCESS, &op->output);
	op->base.context.state = FUTURE_STATE_COMPLETE;
	op_entry->flags |= FUTURE_CHAIN_FLAG_ENTRY_PROCESSED;
	fin->base.context.state = FUTURE_STATE_COMPLETE;
	fin_entry->flags |= FUTURE_CHAIN_FLAG_ENTRY_PROCESSED;

	auto result = default_mover_run(fin->data.map, o);
	if (result != VDM_SUCCESS) {
		default_mover_output(o, result, &op->output);
		op_done(&op->base.context, &fin->base.context, nullptr);
	}
	if ((word_of(&fin->base.context) & plan_mask) != plan_none)
		finalize(&fin->base.context, nullptr); /* a user mover's plan: never here today */
	fin_done(&fin->base.context, ctx, nullptr);
	return FUTURE_STATE_COMPLETE;
}

} // namespace masync::pmem2::async
