/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/async.cpp -- pmem2_config_set_vdm and the durable futures
 * pmem2_memcpy_async, pmem2_memmove_async, pmem2_memset_async.
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
 * output: the destination, or NULL on failure.
 *
 * The plan (durability decision), for granularity G and mover M:
 *   M is the map's default mover: nothing. It ran the map's own memory
 *     functions, which persist for G, and it is told VDM_F_MEM_DURABLE, so it
 *     also finishes what the caller's NODRAIN/NOFLUSH left out.
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
 */
#define PMEM2_USE_MINIASYNC 1 /* this file defines the async API */
#include "pmem2/async.hpp"

#include "common/flush.hpp"
#include "common/persistence_checker.hpp"
#include "pmem2/config.hpp"
#include "pmem2/default_mover.hpp"
#include "pmem2/errormsg.hpp"
#include "pmem2/export.hpp"

#include <cstdint>
#include <cstring>

namespace masync::pmem2
{
namespace
{

namespace checker = masync::persistence_checker;

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

std::uint64_t failure(reason why)
{
	return fin_failed | (static_cast<std::uint64_t>(why) << reason_shift);
}

const char *describe(reason why)
{
	switch (why) {
	case null_map:
		return "map is NULL";
	case null_dest:
		return "the destination is NULL";
	case null_src:
		return "the source is NULL";
	case out_of_map:
		return "the destination range is not inside the map";
	case no_record:
		return "the data mover had no free operation record (VDM_ERROR_OUT_OF_MEMORY)";
	case mover_failed:
		return "the data mover could not carry the operation out";
	case persist_failed:
		return "persisting the written data failed";
	case no_reason:
		break;
	}
	return "unknown failure";
}

enum class kind { memcpy, memmove, memset };

const char *name_of(kind k)
{
	switch (k) {
	case kind::memcpy:
		return "pmem2_memcpy_async";
	case kind::memmove:
		return "pmem2_memmove_async";
	case kind::memset:
		break;
	}
	return "pmem2_memset_async";
}

std::uint64_t &word_of(struct future_context *fin_ctx)
{
	auto *out = static_cast<pmem2_persist_future_output *>(future_context_get_output(fin_ctx));
	return out->unused;
}

checker::operation checker_op(kind k, const struct pmem2_map *map, const void *dest,
                              std::size_t len)
{
	return {
	    name_of(k), map->addr, map->content_length,
	    dest,       len,       static_cast<checker::granularity>(map->effective_granularity)};
}

/* The map function of the op entry: lhs is the mover's future, rhs the finalizer's. */
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

/* The finalizer's task. */
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

/* The map function of the fin entry: rhs is the chain (pmem2_future) itself. */
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

/*
 * Everything below fills the future in place, field by field: building the
 * parts as values and copying them in costs more than the rest of the call
 * (partial stores followed by wide loads defeat store forwarding).
 */

/* The finalizer entry: a persist future on [dest, dest + len) with its word. */
void init_finalizer(struct pmem2_future *fut, struct pmem2_map *map, void *dest, std::size_t len,
                    std::uint64_t word)
{
	auto *e = &fut->data.fin;
	e->map = fin_done;
	e->map_arg = nullptr;
	e->init = nullptr;
	e->init_arg = nullptr;
	e->flags = _FUTURE_CHAIN_ENTRY_FLAGS(e);
	auto *p = &e->fut.persist;
	p->data.map = map;
	p->data.ptr = dest;
	p->data.size = len;
	p->output.unused = word;
	FUTURE_INIT_EXT(p, finalize, nullptr);
}

/* The operation entry's chain fields. */
void init_op_entry(struct pmem2_future *fut)
{
	auto *e = &fut->data.op;
	e->map = op_done;
	e->map_arg = nullptr;
	e->init = nullptr;
	e->init_arg = nullptr;
	e->flags = _FUTURE_CHAIN_ENTRY_FLAGS(e);
}

/* A COMPLETE operation future that never reached a mover. */
void init_refused_op(struct vdm_operation_future *f, struct vdm *v, enum vdm_operation_type type)
{
	std::memset(f, 0, sizeof(*f));
	f->data.vdm = v;
	f->data.data = nullptr;
	f->data.operation.type = type;
	f->output.type = type;
	f->output.result = VDM_ERROR_JOB_CORRUPTED;
	FUTURE_INIT_COMPLETE(f);
}

/*
 * The mover's operation future, made as vdm_memcpy/vdm_memmove/vdm_memset
 * make it (same fields, same vdm_generic_operation), but in place.
 */
void init_vdm_op(struct vdm_operation_future *f, struct vdm *v, enum vdm_operation_type type,
                 void *dest, void *src, int c, std::size_t n, std::uint64_t flags)
{
	auto &op = f->data.operation;
	op.type = type;
	op.padding = 0;
	switch (type) {
	case VDM_OPERATION_MEMSET:
		op.data.memset.str = dest;
		op.data.memset.c = c;
		op.data.memset.n = n;
		op.data.memset.flags = flags;
		break;
	case VDM_OPERATION_MEMMOVE:
		op.data.memmove.dest = dest;
		op.data.memmove.src = src;
		op.data.memmove.n = n;
		op.data.memmove.flags = flags;
		break;
	default:
		op.data.memcpy.dest = dest;
		op.data.memcpy.src = src;
		op.data.memcpy.n = n;
		op.data.memcpy.flags = flags;
		break;
	}
	f->output.type = type;
	f->output.result = VDM_SUCCESS;
	f->output.output.memcpy.dest = nullptr;
	vdm_generic_operation(v, f);
}

bool inside(const struct pmem2_map *map, const void *dest, std::size_t len)
{
	auto b = reinterpret_cast<std::uintptr_t>(map->addr);
	auto d = reinterpret_cast<std::uintptr_t>(dest);
	return d >= b && d - b <= map->content_length && len <= map->content_length - (d - b);
}

struct request {
	kind k;
	struct pmem2_map *map;
	void *dest;
	const void *src;
	int c;
	std::size_t len;
	unsigned flags;
};

/* Why the request cannot run, or no_reason. */
reason refusal(const request &r)
{
	if (r.map == nullptr)
		return null_map;
	if (r.dest == nullptr)
		return null_dest;
	if (r.k != kind::memset && r.src == nullptr)
		return null_src;
	if (!inside(r.map, r.dest, r.len))
		return out_of_map;
	return no_reason;
}

/* The vdm flags to ask the mover for, and the finalizer's plan. */
void decide(const request &r, std::uint64_t *vflags, std::uint64_t *plan)
{
	struct vdm *v = r.map->vdm;
	if (r.map->vdm_owned) {
		*vflags = VDM_F_MEM_DURABLE | encode_pmem2_flags(r.flags);
		*plan = plan_none;
		return;
	}
	*vflags = 0;
	if ((r.flags & (PMEM2_F_MEM_NONTEMPORAL | PMEM2_F_MEM_WC)) &&
	    vdm_is_supported(v, VDM_F_NO_CACHE_HINT))
		*vflags |= VDM_F_NO_CACHE_HINT;
	switch (r.map->effective_granularity) {
	case PMEM2_GRANULARITY_PAGE:
		*plan = plan_persist;
		break;
	case PMEM2_GRANULARITY_CACHE_LINE:
		if (vdm_is_supported(v, VDM_F_MEM_DURABLE)) {
			*vflags |= VDM_F_MEM_DURABLE;
			*plan = plan_none;
		} else {
			*plan = plan_persist;
		}
		break;
	case PMEM2_GRANULARITY_BYTE:
	default:
		*plan = plan_fence;
		break;
	}
}

enum vdm_operation_type type_of(kind k)
{
	switch (k) {
	case kind::memcpy:
		return VDM_OPERATION_MEMCPY;
	case kind::memmove:
		return VDM_OPERATION_MEMMOVE;
	case kind::memset:
		break;
	}
	return VDM_OPERATION_MEMSET;
}

struct pmem2_future make_future(const request &r)
{
	err_clear();
	struct pmem2_future fut;
	struct vdm_operation_future *op = &fut.data.op.fut;
	std::uint64_t word = static_cast<std::uint64_t>(r.k) << kind_shift;

	init_op_entry(&fut);
	if (reason why = refusal(r); why != no_reason) {
		fail(-EINVAL, "%s: %s", name_of(r.k), describe(why));
		init_refused_op(op, r.map ? r.map->vdm : nullptr, type_of(r.k));
		word |= failure(why);
	} else {
		std::uint64_t vflags, plan;
		decide(r, &vflags, &plan);
		init_vdm_op(op, r.map->vdm, type_of(r.k), r.dest, const_cast<void *>(r.src), r.c,
		            r.len, vflags);
		if (op->output.result != VDM_SUCCESS) {
			reason cause =
			    op->output.result == VDM_ERROR_OUT_OF_MEMORY ? no_record : mover_failed;
			fail(-ENOMEM, "%s: %s", name_of(r.k), describe(cause));
			word |= failure(cause);
		} else {
			auto id = checker::op_begin(checker_op(r.k, r.map, r.dest, r.len));
			word |= plan | (id << checker_id_shift);
		}
	}
	init_finalizer(&fut, r.map, r.dest, r.len, word);
	fut.output.dest = nullptr;
	if (!(word & fin_failed) && r.map->vdm_owned)
		FUTURE_INIT_EXT(&fut, default_chain_task, future_chain_has_property);
	else
		FUTURE_CHAIN_INIT(&fut);
	return fut;
}

} // namespace

int async_map_init(struct pmem2_map *map, const struct pmem2_config *cfg) noexcept
{
	if (cfg != nullptr && cfg->vdm != nullptr) {
		map->vdm = cfg->vdm;
		map->vdm_owned = false;
		return 0;
	}
	map->vdm = default_mover_new(map);
	if (map->vdm == nullptr) {
		map->vdm_owned = false;
		return fail(-ENOMEM, "out of memory creating the map's default data mover");
	}
	map->vdm_owned = true;
	return 0;
}

void async_map_fini(struct pmem2_map *map) noexcept
{
	if (map->vdm_owned)
		default_mover_delete(map->vdm);
	map->vdm = nullptr;
	map->vdm_owned = false;
}

void report_failed_persist(const struct pmem2_map *map, int errnum) noexcept
{
	set_errno_message(errnum, "persisting to the map at %p (PAGE granularity) failed",
	                  map->addr);
}

} // namespace masync::pmem2

using namespace masync::pmem2;

PMEM2_EXPORT int pmem2_config_set_vdm(struct pmem2_config *cfg, struct vdm *vdm)
{
	err_clear();
	if (cfg == nullptr)
		return fail(-EINVAL, "pmem2_config_set_vdm: cfg is NULL");
	cfg->vdm = vdm;
	return 0;
}

PMEM2_EXPORT struct pmem2_future pmem2_memcpy_async(struct pmem2_map *map, void *pmemdest,
                                                    const void *src, size_t len, unsigned flags)
{
	return make_future({kind::memcpy, map, pmemdest, src, 0, len, flags});
}

PMEM2_EXPORT struct pmem2_future pmem2_memmove_async(struct pmem2_map *map, void *pmemdest,
                                                     const void *src, size_t len, unsigned flags)
{
	return make_future({kind::memmove, map, pmemdest, src, 0, len, flags});
}

PMEM2_EXPORT struct pmem2_future pmem2_memset_async(struct pmem2_map *map, void *str, int c,
                                                    size_t n, unsigned flags)
{
	return make_future({kind::memset, map, str, nullptr, c, n, flags});
}
