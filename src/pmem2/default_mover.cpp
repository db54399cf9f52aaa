/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/default_mover.cpp -- a map's own data mover (see default_mover.hpp).
 */
#include "pmem2/default_mover.hpp"

#include "common/record_pool.hpp"
#include "pmem2/async.hpp"
#include "pmem2/map.hpp"

#include <new>

namespace masync::pmem2
{

std::atomic<std::uint32_t> default_mover_records_override{0};

namespace
{

struct default_mover;

/* One operation in flight: its outcome, between op_start and op_delete. */
struct op_record {
	default_mover *owner = nullptr;
	vdm_operation_result result = VDM_SUCCESS;
};

struct default_mover {
	struct vdm base; /* first: the vdm pointer is the mover pointer */
	struct pmem2_map *map;
	record_pool<op_record> records;

	default_mover(struct pmem2_map *m, std::uint32_t capacity);
};

default_mover *mover_of(struct vdm *v)
{
	return reinterpret_cast<default_mover *>(v);
}

void *op_new(struct vdm *v, const enum vdm_operation_type type)
{
	(void)type; /* all four operations are supported */
	auto *m = mover_of(v);
	op_record *r = m->records.acquire();
	if (r != nullptr) {
		r->owner = m;
		r->result = VDM_SUCCESS;
	}
	return r;
}

/* The caller's PMEM2_F_MEM_* flags for an operation, from its vdm flags. */
unsigned pmem2_flags_of(std::uint64_t flags)
{
	auto f = static_cast<unsigned>(flags >> 32) & PMEM2_F_MEM_VALID_FLAGS;
	if ((flags & VDM_F_NO_CACHE_HINT) && !(f & PMEM2_F_MEM_TEMPORAL))
		f |= PMEM2_F_MEM_NONTEMPORAL;
	return f;
}

/*
 * After a map function ran with flags f on [p, p + n): with
 * VDM_F_MEM_DURABLE, persist what f told it to leave unpersisted.
 */
bool complete_durability(struct pmem2_map *map, std::uint64_t flags, unsigned f, const void *p,
                         std::size_t n)
{
	if (!(flags & VDM_F_MEM_DURABLE))
		return true;
	if (f & PMEM2_F_MEM_NOFLUSH)
		return persist_checked(map, p, n);
	if (f & PMEM2_F_MEM_NODRAIN)
		map->drain_fn();
	return true;
}

vdm_operation_result run(struct pmem2_map *map, const struct vdm_operation *op)
{
	bool ok = true;
	switch (op->type) {
	case VDM_OPERATION_MEMCPY: {
		const auto &d = op->data.memcpy;
		unsigned f = pmem2_flags_of(d.flags);
		ok = call_checked(map, [&] { map->memcpy_fn(d.dest, d.src, d.n, f); }) &&
		     complete_durability(map, d.flags, f, d.dest, d.n);
		break;
	}
	case VDM_OPERATION_MEMMOVE: {
		const auto &d = op->data.memmove;
		unsigned f = pmem2_flags_of(d.flags);
		ok = call_checked(map, [&] { map->memmove_fn(d.dest, d.src, d.n, f); }) &&
		     complete_durability(map, d.flags, f, d.dest, d.n);
		break;
	}
	case VDM_OPERATION_MEMSET: {
		const auto &d = op->data.memset;
		unsigned f = pmem2_flags_of(d.flags);
		ok = call_checked(map, [&] { map->memset_fn(d.str, d.c, d.n, f); }) &&
		     complete_durability(map, d.flags, f, d.str, d.n);
		break;
	}
	case VDM_OPERATION_FLUSH: {
		const auto &d = op->data.flush;
		ok = call_checked(map, [&] { map->flush_fn(d.dest, d.n); });
		if (ok && (d.flags & VDM_F_MEM_DURABLE))
			map->drain_fn();
		break;
	}
	default:
		return VDM_ERROR_JOB_CORRUPTED;
	}
	return ok ? VDM_SUCCESS : VDM_ERROR_JOB_CORRUPTED;
}

int op_start(void *data, const struct vdm_operation *op, struct future_notifier *n)
{
	auto *r = static_cast<op_record *>(data);
	if (n != nullptr)
		n->notifier_used = FUTURE_NOTIFIER_NONE;
	r->result = run(r->owner->map, op);
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
	auto *r = static_cast<op_record *>(data);
	bool ok = r->result == VDM_SUCCESS;
	output->type = op->type;
	output->result = r->result;
	switch (op->type) {
	case VDM_OPERATION_MEMCPY:
		output->output.memcpy.dest = ok ? op->data.memcpy.dest : nullptr;
		break;
	case VDM_OPERATION_MEMMOVE:
		output->output.memmove.dest = ok ? op->data.memmove.dest : nullptr;
		break;
	case VDM_OPERATION_MEMSET:
		output->output.memset.str = ok ? op->data.memset.str : nullptr;
		break;
	case VDM_OPERATION_FLUSH:
		output->output.flush.unused = 0;
		break;
	}
	r->owner->records.release(r);
}

default_mover::default_mover(struct pmem2_map *m, std::uint32_t capacity)
    : map(m), records(capacity)
{
	base.op_new = op_new;
	base.op_delete = op_delete;
	base.op_start = op_start;
	base.op_check = op_check;
	base.capabilities = VDM_F_MEM_DURABLE;
	base.has_property = nullptr; /* runs on the polling thread: not FUTURE_PROPERTY_ASYNC */
}

} // namespace

struct vdm *default_mover_new(struct pmem2_map *map) noexcept
{
	std::uint32_t capacity = default_mover_records_override.load(std::memory_order_relaxed);
	if (capacity == 0)
		capacity = default_mover_records;
	try {
		return &(new default_mover(map, capacity))->base;
	} catch (const std::bad_alloc &) {
		return nullptr;
	}
}

void default_mover_delete(struct vdm *vdm) noexcept
{
	delete mover_of(vdm);
}

} // namespace masync::pmem2
