/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/async_future.cpp -- pmem2_memcpy_async, pmem2_memmove_async and
 * pmem2_memset_async: checking the request, deciding what the mover is
 * asked for and what the finalizer keeps for afterwards, and filling the
 * pmem2_future (async_future.hpp) in place.
 */
#define PMEM2_USE_MINIASYNC 1 /* this file implements the async API */
#include "pmem2/async_future.hpp"

#include "pmem2/async.hpp"
#include "pmem2/default_mover.hpp"
#include "pmem2/errormsg.hpp"
#include "pmem2/export.hpp"

#include <cstring>

namespace masync::pmem2::async
{
namespace
{

namespace checker = masync::persistence_checker;

/*
 * Everything below fills the future in place, field by field: building the
 * parts as values and copying them in costs more than the rest of the call
 * (partial stores followed by wide loads defeat store forwarding).
 */

/* An entry's chain fields: its map function, no init. */
template <typename Entry> void init_entry(Entry *e, future_map_fn map)
{
	e->map = map;
	e->map_arg = nullptr;
	e->init = nullptr;
	e->init_arg = nullptr;
	e->flags = _FUTURE_CHAIN_ENTRY_FLAGS(e);
}

/* The finalizer entry: a persist future on [dest, dest + len) with its word. */
void init_finalizer(struct pmem2_future *fut, struct pmem2_map *map, void *dest, std::size_t len,
                    std::uint64_t word)
{
	auto *e = &fut->data.fin;
	init_entry(e, fin_done);
	auto *p = &e->fut.persist;
	p->data.map = map;
	p->data.ptr = dest;
	p->data.size = len;
	p->output.unused = word;
	FUTURE_INIT_EXT(p, finalize, nullptr);
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

/* The fields of a memcpy or memmove operation (same names in both). */
template <typename Data>
void put_copy(Data &d, void *dest, void *src, std::size_t n, std::uint64_t flags)
{
	d.dest = dest;
	d.src = src;
	d.n = n;
	d.flags = flags;
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
		put_copy(op.data.memmove, dest, src, n, flags);
		break;
	default:
		put_copy(op.data.memcpy, dest, src, n, flags);
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
	return static_cast<enum vdm_operation_type>(k);
}

struct pmem2_future make_future(const request &r)
{
	err_clear();
	struct pmem2_future fut;
	struct vdm_operation_future *op = &fut.data.op.fut;
	std::uint64_t word = static_cast<std::uint64_t>(r.k) << kind_shift;

	init_entry(&fut.data.op, op_done);
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
} // namespace masync::pmem2::async

using masync::pmem2::async::kind;
using masync::pmem2::async::make_future;

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
