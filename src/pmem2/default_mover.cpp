/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/default_mover.cpp -- a map's own data mover (see default_mover.hpp):
 * the operation core (common/vdm_op.hpp) validates, runs and reports each
 * operation, with the kernel flags the map's granularity chooses
 * (plan_for, granularity_fns.hpp).
 */
#include "pmem2/default_mover.hpp"

#include "pmem2/async.hpp"
#include "pmem2/granularity_fns.hpp"
#include "pmem2/map.hpp"
#include "common/vdm_op.hpp"
#include "common/vdm_table.hpp"

#include <new>

namespace masync::pmem2
{

namespace
{

struct default_mover {
	struct vdm base; /* first: the vdm pointer is the mover pointer */
	struct pmem2_map *map;
};

default_mover *mover_of(struct vdm *v)
{
	return reinterpret_cast<default_mover *>(v);
}

/*
 * The outcome of the operation this thread ran last. vdm_operation_impl
 * calls op_start, op_check and op_delete of this mover one after the other
 * in one poll on one thread (op_start does all the work, op_check reports
 * COMPLETE at once), so the outcome goes from op_start to op_delete here
 * and no per-operation record exists: the mover can never run out of them.
 * (No initial-exec TLS in libpmem2: see errormsg.cpp.)
 */
thread_local vdm_operation_result last_result = VDM_SUCCESS;

void *op_new(struct vdm *v, const enum vdm_operation_type type)
{
	(void)type; /* all four operations are supported */
	return v;   /* any non-NULL pointer: nothing to allocate */
}

/* The caller's PMEM2_F_MEM_* flags for an operation, from its vdm flags. */
unsigned pmem2_flags_of(std::uint64_t flags)
{
	auto f = static_cast<unsigned>(flags >> 32) & PMEM2_F_MEM_VALID_FLAGS;
	if ((flags & VDM_F_NO_CACHE_HINT) && !(f & PMEM2_F_MEM_TEMPORAL))
		f |= PMEM2_F_MEM_NONTEMPORAL;
	return f;
}

int op_start(void *data, const struct vdm_operation *op, struct future_notifier *n)
{
	if (n != nullptr)
		n->notifier_used = FUTURE_NOTIFIER_NONE;
	last_result = default_mover_run(mover_of(static_cast<struct vdm *>(data))->map, op);
	return 0;
}

enum future_state op_check(void *data, const struct vdm_operation *op)
{
	(void)data;
	(void)op;
	return FUTURE_STATE_COMPLETE; /* op_start did all the work */
}

void op_delete(void *data, const struct vdm_operation *op, struct vdm_operation_output *output)
{
	(void)data;
	default_mover_output(op, last_result, output);
}

} // namespace

/* The PMEM2_F_MEM_* bits the async API carries in the high 32 bits (encode_pmem2_flags). */
constexpr std::uint64_t pmem2_flag_bits = encode_pmem2_flags(~0u);

vdm_operation_result default_mover_run(struct pmem2_map *map,
                                       const struct vdm_operation *op) noexcept
{
	vdm_op::op o;
	vdm_operation_result r = vdm_op::flatten(*op, o, pmem2_flag_bits);
	if (r != VDM_SUCCESS)
		return r;
	const bool durable = o.flags & VDM_F_MEM_DURABLE;
	bool ok;
	if (o.type == VDM_OPERATION_FLUSH) {
		ok = call_checked(map, [&] { map->flush_fn(o.dst, o.n); });
		if (ok && durable)
			map->drain_fn();
	} else {
		const mem_plan p =
		    plan_for(map->effective_granularity, o.n, pmem2_flags_of(o.flags), durable);
		vdm_op::run_kernel(o, 0, o.n, p.kflags);
		ok = !p.persist || persist_checked(map, o.dst, o.n);
	}
	return ok ? VDM_SUCCESS : VDM_ERROR_JOB_CORRUPTED;
}

void default_mover_output(const struct vdm_operation *op, vdm_operation_result result,
                          struct vdm_operation_output *output) noexcept
{
	vdm_op::fill_output(*op, result, *output);
}

struct vdm *default_mover_new(struct pmem2_map *map) noexcept
{
	auto *m = new (std::nothrow) default_mover{};
	if (m == nullptr)
		return nullptr;
	m->map = map;
	/* no has_property: it runs on the polling thread, not FUTURE_PROPERTY_ASYNC */
	m->base =
	    masync::vdm_table({op_new, op_delete, op_start, op_check, nullptr}, VDM_F_MEM_DURABLE);
	return &m->base;
}

void default_mover_delete(struct vdm *vdm) noexcept
{
	delete mover_of(vdm);
}

} // namespace masync::pmem2
