/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/default_mover.cpp -- a map's own data mover (see default_mover.hpp).
 */
#include "pmem2/default_mover.hpp"

#include "common/record_pool.hpp"
#include "pmem2/async.hpp"
#include "pmem2/map.hpp"

#include <mutex>
#include <new>
#include <unordered_map>

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
	std::uint64_t id; /* unique in the process, never reused */
	record_pool<op_record> records;

	default_mover(struct pmem2_map *m, std::uint32_t capacity);
};

default_mover *mover_of(struct vdm *v)
{
	return reinterpret_cast<default_mover *>(v);
}

/*
 * Live movers by id, so that a thread that exits holding a cached record
 * (below) can give it back if its mover still exists. Taken only when a
 * mover is created or deleted and when such a thread exits. Never
 * destroyed: threads may exit during static destruction.
 */
struct live_movers {
	std::mutex lock;
	std::unordered_map<std::uint64_t, default_mover *> by_id;
	std::uint64_t next_id = 1;
	std::atomic<std::uint64_t> deletions{0}; /* movers deleted so far */
};

live_movers &movers()
{
	static auto *m = new live_movers;
	return *m;
}

/*
 * Each thread keeps the record of its last completed operation instead of
 * returning it to the pool, and reuses it for its next operation on the same
 * mover: a thread issuing operations one after another then executes no
 * locked instruction for its records (one right after the copy would wait
 * for its streaming stores and write-backs to drain). A cached record counts
 * as in use for the pool; at most one per thread.
 */
struct record_cache {
	std::uint64_t mover_id; /* 0: empty */
	op_record *record;
	std::uint64_t deletions; /* movers deleted when mover_id was last known alive */
	bool reaper_armed;       /* this thread's record_reaper exists */
};

/*
 * Trivially destructible (no guard on access) and initial-exec (one
 * %fs-relative load, no __tls_get_addr call, also in the shared library).
 */
[[gnu::tls_model("initial-exec")]] thread_local record_cache cache;

/* Gives the kept record back when its thread exits, if its mover still exists. */
struct record_reaper {
	~record_reaper()
	{
		if (cache.mover_id == 0)
			return;
		auto &live = movers();
		std::lock_guard guard(live.lock);
		auto it = live.by_id.find(cache.mover_id);
		if (it != live.by_id.end())
			it->second->records.release(cache.record);
		cache.mover_id = 0;
	}
};

thread_local record_reaper reaper;

void *op_new(struct vdm *v, const enum vdm_operation_type type)
{
	(void)type; /* all four operations are supported */
	auto *m = mover_of(v);
	op_record *r;
	if (cache.mover_id == m->id) {
		r = cache.record;
		cache.mover_id = 0;
	} else {
		r = m->records.acquire();
		if (r == nullptr)
			return nullptr;
	}
	r->owner = m;
	r->result = VDM_SUCCESS;
	return r;
}

/* Empties the cache if it holds a record of a mover deleted since it was filled. */
void drop_dead_cached_record()
{
	auto &live = movers();
	auto now = live.deletions.load(std::memory_order_acquire);
	if (now == cache.deletions)
		return;
	std::lock_guard guard(live.lock);
	if (live.by_id.find(cache.mover_id) == live.by_id.end())
		cache.mover_id = 0; /* its record was freed with its mover */
	cache.deletions = now;
}

/* Gives a record back: to this thread's cache if it is free, else to the pool. */
void put_record(op_record *r)
{
	default_mover *m = r->owner;
	if (cache.mover_id != 0 && cache.mover_id != m->id)
		drop_dead_cached_record();
	if (cache.mover_id == 0) {
		if (!cache.reaper_armed) {
			(void)&reaper; /* constructs it: its destructor runs at thread exit */
			cache.reaper_armed = true;
		}
		cache.record = r;
		cache.mover_id = m->id;
		cache.deletions = movers().deletions.load(std::memory_order_acquire);
	} else {
		m->records.release(r);
	}
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
	put_record(r);
}

default_mover::default_mover(struct pmem2_map *m, std::uint32_t capacity)
    : map(m), id(0), records(capacity)
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
		auto *m = new default_mover(map, capacity);
		auto &live = movers();
		std::lock_guard guard(live.lock);
		m->id = live.next_id++;
		try {
			live.by_id.emplace(m->id, m);
		} catch (...) {
			delete m;
			return nullptr;
		}
		return &m->base;
	} catch (const std::bad_alloc &) {
		return nullptr;
	}
}

void default_mover_delete(struct vdm *vdm) noexcept
{
	if (vdm == nullptr)
		return;
	auto *m = mover_of(vdm);
	{
		auto &live = movers();
		std::lock_guard guard(live.lock);
		live.by_id.erase(m->id);
		live.deletions.fetch_add(1, std::memory_order_release);
	}
	/* A record cached by this thread dies with the mover; others never match its id. */
	if (cache.mover_id == m->id)
		cache.mover_id = 0;
	delete m;
}

} // namespace masync::pmem2
