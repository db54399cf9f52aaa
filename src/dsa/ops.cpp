/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * The DSA mover's vdm callbacks: where each operation runs (CPU inline, DSA,
 * the threads mover) and how its output is filled. States: dsa/mover.hpp.
 *
 * Policy
 *   SOFTWARE  CPU inline.
 *   HARDWARE  DSA; a refused first submission makes op_start return nonzero
 *             (the future stays IDLE and is started again at its next poll).
 *   AUTO      n < threshold: CPU inline; else DSA when the mover has a
 *             queue (refused -> CPU), else the threads mover (no record
 *             there -> CPU).
 */

#include "dsa/mover.hpp"

#include <cstring>
#include <type_traits>

namespace masync::dsa
{
namespace
{

mover_impl &impl_of(struct vdm *vdm) noexcept
{
	static_assert(std::is_standard_layout_v<data_mover_dml>);
	return *reinterpret_cast<data_mover_dml *>(vdm)->impl;
}

void finish_cpu(mover_impl &m, dml_record &r, const op_args &a) noexcept
{
	cpu_run(a, 0, a.n);
	counters::add(m.count.bytes_cpu, a.n);
	r.state = rec_state::done;
}

/* Hands the operation to the threads mover; false when it had no record. */
bool start_threads(mover_impl &m, dml_record &r, const op_args &a) noexcept
{
	switch (a.type) {
	case VDM_OPERATION_MEMCPY:
		r.tfut = vdm_memcpy(m.threads_vdm, a.dst, const_cast<char *>(a.src), a.n, a.flags);
		break;
	case VDM_OPERATION_MEMMOVE:
		r.tfut = vdm_memmove(m.threads_vdm, a.dst, const_cast<char *>(a.src), a.n, a.flags);
		break;
	case VDM_OPERATION_MEMSET:
		r.tfut = vdm_memset(m.threads_vdm, a.dst, a.c, a.n, a.flags);
		break;
	default:
		r.tfut = vdm_flush(m.threads_vdm, a.dst, a.n, a.flags);
		break;
	}
	if (r.tfut.base.context.state == FUTURE_STATE_COMPLETE)
		return false; /* created complete: the threads mover had no record */
	r.state = rec_state::threads;
	counters::add(m.count.bytes_threads, a.n);
	return true;
}

} // namespace

void *dml_op_new(struct vdm *vdm, enum vdm_operation_type type) noexcept
{
	(void)type;
	mover_impl &m = impl_of(vdm);
	dml_record *r = m.pool.acquire();
	if (r != nullptr) {
		r->owner = &m;
		r->done = 0;
		r->chunk = 0;
		r->faults = 0;
		r->state = rec_state::idle;
		r->result = VDM_SUCCESS;
	}
	return r;
}

int dml_op_start(void *data, const struct vdm_operation *op, struct future_notifier *n) noexcept
{
	if (n != nullptr)
		n->notifier_used = FUTURE_NOTIFIER_NONE;
	auto &r = *static_cast<dml_record *>(data);
	mover_impl &m = *r.owner;
	const op_args a = args_of(*op);
	if (a.type < 0) {
		r.result = VDM_ERROR_JOB_CORRUPTED;
		r.state = rec_state::done;
		return 0;
	}
	if (a.n == 0) {
		r.state = rec_state::done;
		return 0;
	}
	switch (m.type) {
	case DATA_MOVER_DML_HARDWARE:
		if (hw_start(m, r, a) == hw_start_result::refused)
			return 1; /* back-pressure: started again at the next poll */
		return 0;
	case DATA_MOVER_DML_AUTO:
		if (a.n < m.threshold.load(std::memory_order_relaxed))
			break;
		if (m.wq) {
			if (hw_start(m, r, a) == hw_start_result::refused) {
				counters::add(m.count.fallback_refused, 1);
				break;
			}
			return 0;
		}
		if (m.threads_vdm != nullptr && start_threads(m, r, a))
			return 0;
		break;
	default:
		break;
	}
	finish_cpu(m, r, a);
	return 0;
}

enum future_state dml_op_check(void *data, const struct vdm_operation *op) noexcept
{
	auto &r = *static_cast<dml_record *>(data);
	switch (r.state) {
	case rec_state::done:
		return FUTURE_STATE_COMPLETE;
	case rec_state::threads:
		if (future_poll(FUTURE_AS_RUNNABLE(&r.tfut), nullptr) != FUTURE_STATE_COMPLETE)
			return FUTURE_STATE_RUNNING;
		r.result = r.tfut.output.result;
		r.state = rec_state::done;
		return FUTURE_STATE_COMPLETE;
	case rec_state::hw:
	case rec_state::hw_retry:
		return hw_check(*r.owner, r, args_of(*op)) ? FUTURE_STATE_COMPLETE
		                                           : FUTURE_STATE_RUNNING;
	default:
		return FUTURE_STATE_RUNNING;
	}
}

void dml_op_delete(void *data, const struct vdm_operation *op,
                   struct vdm_operation_output *output) noexcept
{
	auto &r = *static_cast<dml_record *>(data);
	fill_output(*op, r.result, *output);
	r.owner->pool.release(&r);
}

} // namespace masync::dsa
