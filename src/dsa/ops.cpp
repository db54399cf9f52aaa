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
 *             queue (refused -> CPU), else the threads mover with the
 *             caller's help (start_threads: the caller copies its share in
 *             op_start) (no record in the threads mover -> all on the CPU).
 * The inline path is the synchronous mover's (flatten, run, fill the
 * output) plus one per-thread counter update (dsa/counters.hpp).
 */

#include "dsa/mover.hpp"
#include "common/vdm_op.hpp"

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

/* The operation is splittable between the caller and the threads mover. */
bool splittable(const op_args &a) noexcept
{
	return a.type != VDM_OPERATION_MEMMOVE || !(a.src < a.dst + a.n && a.dst < a.src + a.n);
}

/* Starts [off, off + len) of the operation on the threads mover (r.tfut). */
bool threads_part(mover_impl &m, dml_record &r, const op_args &a, std::size_t off,
                  std::size_t len) noexcept
{
	char *dst = a.dst + off;
	char *src = const_cast<char *>(a.src) + off;
	struct vdm_operation_future &f = r.tfut;
	switch (a.type) {
	case VDM_OPERATION_MEMCPY:
		f = vdm_memcpy(m.threads_vdm, dst, src, len, a.flags);
		break;
	case VDM_OPERATION_MEMMOVE:
		f = vdm_memmove(m.threads_vdm, dst, src, len, a.flags);
		break;
	case VDM_OPERATION_MEMSET:
		f = vdm_memset(m.threads_vdm, dst, a.c, len, a.flags);
		break;
	default:
		f = vdm_flush(m.threads_vdm, dst, len, a.flags);
		break;
	}
	if (f.base.context.state == FUTURE_STATE_COMPLETE)
		return false; /* created complete: the threads mover had no record */
	m.count.add(c_bytes_threads, len);
	(void)future_poll(FUTURE_AS_RUNNABLE(&f), nullptr); /* the workers start */
	return true;
}

/* Polls the threads mover's part; true once it is done (its result taken). */
bool threads_done(dml_record &r) noexcept
{
	if (future_poll(FUTURE_AS_RUNNABLE(&r.tfut), nullptr) != FUTURE_STATE_COMPLETE)
		return false;
	r.result = r.tfut.output.result;
	return true;
}

/*
 * Runs the operation on the threads mover with the caller's help; false
 * when the threads mover had no record (nothing was done).
 *
 * A splittable operation is cut once: the threads mover takes the first
 * n - n / (workers + 1) bytes (4 KiB aligned), its workers start, and the
 * caller copies the rest itself, then leaves the threads mover's part to
 * op_check. (Handing the threads mover shrinking pieces from the front
 * while the caller worked from the back balanced the bytes better but ran
 * at 0.62-0.97 x the baseline against 0.96-1.08 x for this single cut, in
 * interleaved runs of bench_dsa on the loaded 2-CPU machine: each piece
 * costs a hand-over the worker pays for.) On a loaded machine a worker that
 * runs late makes the caller wait for its part.
 */
bool start_threads(mover_impl &m, dml_record &r, const op_args &a) noexcept
{
	const std::size_t mine =
	    splittable(a) ? (a.n / (m.workers + 1)) & ~std::size_t{4095} : std::size_t{0};
	if (!threads_part(m, r, a, 0, a.n - mine))
		return false;
	r.state = rec_state::threads;
	if (mine != 0) {
		cpu_run(a, a.n - mine, mine);
		m.count.add(c_bytes_cpu, mine);
	}
	if (threads_done(r))
		r.state = rec_state::done;
	return true;
}

} // namespace

void *dml_op_new(struct vdm *vdm, enum vdm_operation_type type) noexcept
{
	(void)type;
	mover_impl &m = impl_of(vdm);
	unsigned s = this_thread_counter_slot;
	if (s == 0) [[unlikely]]
		s = counter_slot_of_this_thread() + 1;
	dml_record *r;
	if (s <= counter_slots && m.cache[s - 1].head != nullptr) {
		record_cache &c = m.cache[s - 1];
		r = c.head;
		c.head = r->next_free;
		--c.count;
	} else {
		r = m.pool.acquire();
	}
	if (r != nullptr) {
		r->owner = &m;
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
	vdm_op::op o;
	r.result = vdm_op::flatten(*op, o); /* a rejected operation has n == 0 */
	/* The inline CPU path: what the synchronous mover does, plus one count. */
	if (m.type == DATA_MOVER_DML_SOFTWARE || o.n == 0 ||
	    (m.type == DATA_MOVER_DML_AUTO && o.n < m.threshold.load(std::memory_order_relaxed))) {
		vdm_op::run(o);
		if (o.n != 0)
			m.count.add(c_bytes_cpu, o.n);
		r.state = rec_state::done;
		return 0;
	}
	const op_args a = args_of(o);
	if (m.type == DATA_MOVER_DML_HARDWARE) {
		if (hw_start(m, r, a) == hw_start_result::refused)
			return 1; /* back-pressure: started again at the next poll */
		return 0;
	}
	/* AUTO, at or above the threshold */
	if (m.wq) {
		if (hw_start(m, r, a) != hw_start_result::refused)
			return 0;
		m.count.add(c_fallback_refused, 1);
	} else if (m.threads_vdm != nullptr && start_threads(m, r, a)) {
		return 0;
	}
	cpu_run(a, 0, a.n);
	m.count.add(c_bytes_cpu, a.n);
	r.state = rec_state::done;
	return 0;
}

enum future_state dml_op_check(void *data, const struct vdm_operation *op) noexcept
{
	auto &r = *static_cast<dml_record *>(data);
	switch (r.state) {
	case rec_state::done:
		return FUTURE_STATE_COMPLETE;
	case rec_state::threads:
		if (!threads_done(r))
			return FUTURE_STATE_RUNNING;
		r.state = rec_state::done;
		return FUTURE_STATE_COMPLETE;
	case rec_state::hw:
	case rec_state::hw_retry:
	case rec_state::hw_batch:
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
	vdm_op::fill_output(*op, r.result, *output);
	mover_impl &m = *r.owner;
	const unsigned s = this_thread_counter_slot;
	if (s != 0 && s <= counter_slots && m.cache[s - 1].count < cached_records) {
		record_cache &c = m.cache[s - 1];
		r.next_free = c.head;
		c.head = &r;
		++c.count;
		return;
	}
	m.pool.release(&r);
}

} // namespace masync::dsa
