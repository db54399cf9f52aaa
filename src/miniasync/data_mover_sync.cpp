/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * The synchronous data mover: every operation runs on the thread that polls
 * its future, inside op_start, so the future completes on its first poll.
 * Per-operation records come from a bounded lock-free pool (any order of
 * release); nothing is allocated, locked or system-called per operation.
 */

#include "miniasync/data_mover_sync.hpp"
#include "common/record_pool.hpp"
#include "common/vdm_op.hpp"
#include "common/vdm_table.hpp"
#include "miniasync/export.hpp"

#include <cerrno>
#include <cstring>
#include <new>
#include <type_traits>

struct data_mover_sync;

namespace
{

/* What one operation needs between op_new and op_delete. */
struct sync_record {
	data_mover_sync *owner = nullptr; /* op_delete gets no vdm: find the pool here */
	enum vdm_operation_result result = VDM_SUCCESS;
	bool done = false;
};

} // namespace

/* The mover; the struct vdm comes first: (struct vdm *)mover == &mover->base. */
struct data_mover_sync {
	struct vdm base;
	/*
	 * The pool lives in raw storage so that this structure stays
	 * standard-layout (record_pool itself need not be): that is what makes
	 * the address of `base` the address of the mover.
	 */
	alignas(masync::record_pool<sync_record>) unsigned char pool_storage[sizeof(
	    masync::record_pool<sync_record>)];

	masync::record_pool<sync_record> &pool() noexcept
	{
		return *std::launder(
		    reinterpret_cast<masync::record_pool<sync_record> *>(pool_storage));
	}

	explicit data_mover_sync(std::uint32_t capacity);
	~data_mover_sync();
	data_mover_sync(const data_mover_sync &) = delete;
	data_mover_sync &operator=(const data_mover_sync &) = delete;
};

namespace
{

data_mover_sync *mover_of(struct vdm *vdm) noexcept
{
	return reinterpret_cast<data_mover_sync *>(vdm);
}

void *sync_op_new(struct vdm *vdm, const enum vdm_operation_type type) noexcept
{
	(void)type;
	data_mover_sync *m = mover_of(vdm);
	sync_record *rec = m->pool().acquire();
	if (rec != nullptr) {
		rec->owner = m;
		rec->result = VDM_SUCCESS;
		rec->done = false;
	}
	return rec;
}

int sync_op_start(void *data, const struct vdm_operation *op, struct future_notifier *n) noexcept
{
	auto *rec = static_cast<sync_record *>(data);
	if (n != nullptr)
		n->notifier_used = FUTURE_NOTIFIER_NONE;
	masync::vdm_op::op o;
	rec->result = masync::vdm_op::flatten(*op, o);
	masync::vdm_op::run(o); /* a rejected operation runs nothing */
	rec->done = true;
	return 0;
}

enum future_state sync_op_check(void *data, const struct vdm_operation *op) noexcept
{
	(void)op;
	return static_cast<sync_record *>(data)->done ? FUTURE_STATE_COMPLETE
	                                              : FUTURE_STATE_RUNNING;
}

void sync_op_delete(void *data, const struct vdm_operation *op,
                    struct vdm_operation_output *output) noexcept
{
	auto *rec = static_cast<sync_record *>(data);
	masync::vdm_op::fill_output(*op, rec->result, *output);
	rec->owner->pool().release(rec);
}

/* Synchronous futures do their work on the polling thread: no property. */
int sync_has_property(void *future, enum future_property property) noexcept
{
	(void)future;
	(void)property;
	return 0;
}

} // namespace

data_mover_sync::data_mover_sync(std::uint32_t capacity)
{
	new (pool_storage) masync::record_pool<sync_record>(capacity);
	/* vdm_op honours both flags. */
	base = masync::vdm_table(
	    {sync_op_new, sync_op_delete, sync_op_start, sync_op_check, sync_has_property},
	    VDM_F_MEM_DURABLE | VDM_F_NO_CACHE_HINT);
}

data_mover_sync::~data_mover_sync()
{
	pool().~record_pool();
}

static_assert(std::is_standard_layout_v<data_mover_sync>,
              "the struct vdm must be at the mover's address");

namespace masync::detail
{

struct data_mover_sync *data_mover_sync_new_capacity(std::uint32_t capacity) noexcept
{
	if (capacity == 0 || capacity > record_pool<sync_record>::max_capacity) {
		errno = EINVAL;
		return nullptr;
	}
	try {
		return new data_mover_sync(capacity);
	} catch (const std::bad_alloc &) {
		errno = ENOMEM;
		return nullptr;
	}
}

} // namespace masync::detail

extern "C" {

MINIASYNC_EXPORT struct data_mover_sync *data_mover_sync_new(void)
{
	return masync::detail::data_mover_sync_new_capacity(
	    masync::detail::sync_mover_default_records);
}

MINIASYNC_EXPORT struct vdm *data_mover_sync_get_vdm(struct data_mover_sync *dms)
{
	return dms ? &dms->base : nullptr;
}

MINIASYNC_EXPORT void data_mover_sync_delete(struct data_mover_sync *dms)
{
	delete dms;
}

} /* extern "C" */
