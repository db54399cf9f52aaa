/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * The DSA mover's hardware path: descriptors for one operation, submitted
 * one at a time (split at the queue's max transfer size), their completion
 * records checked, partial completions resumed, errors reported.
 *
 *   memcpy/memmove -> MEMMOVE, memset -> MEMFILL (byte repeated 8 times),
 *   flush -> CFLUSH; flags CRAV | RCR, CC when the caller wants the data
 *   cached (no VDM_F_NO_CACHE_HINT, no VDM_F_MEM_DURABLE) and GENCAP has
 *   cache control; never block-on-fault, never the destination steering
 *   tag. An overlapping memmove goes to the CPU unless GENCAP allows overlap.
 *   VDM_F_MEM_DURABLE: the CPU writes the destination back and fences after
 *   the device is done (destination readback is not relied on: unverified).
 *
 * Completion: status == DSA_COMP_SUCCESS -> next chunk or done;
 * DSA_COMP_PAGE_FAULT_NOBOF -> the completed prefix counts, the faulting
 * page is touched (written for a write fault, read otherwise) and the
 * remainder resubmitted, at most max_faults times per operation, then the
 * CPU finishes it; any other status -> VDM_ERROR_JOB_CORRUPTED.
 * A refused resubmission: HARDWARE retries at the next check, AUTO finishes
 * on the CPU.
 */

#include "dsa/mover.hpp"

namespace masync::dsa
{
namespace
{

constexpr unsigned max_faults = 16;

bool overlaps(const op_args &a) noexcept
{
	return a.src < a.dst + a.n && a.dst < a.src + a.n;
}

std::uint64_t addr(const void *p) noexcept
{
	return reinterpret_cast<std::uintptr_t>(p);
}

void build(const wq_info &wq, dml_record &r, const op_args &a) noexcept
{
	dsa_hw_desc &d = r.desc;
	d = dsa_hw_desc{};
	const std::size_t left = a.n - r.done;
	r.chunk = left < wq.max_xfer ? left : static_cast<std::size_t>(wq.max_xfer);
	std::uint32_t flags = IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR;
	if (!(a.flags & (VDM_F_NO_CACHE_HINT | VDM_F_MEM_DURABLE)) &&
	    (wq.gencap & gencap_cache_control_mem))
		flags |= IDXD_OP_FLAG_CC;
	d.completion_addr = addr(&r.comp);
	d.dst_addr = addr(a.dst + r.done);
	d.xfer_size = static_cast<std::uint32_t>(r.chunk);
	switch (a.type) {
	case VDM_OPERATION_MEMCPY:
	case VDM_OPERATION_MEMMOVE:
		d.opcode = DSA_OPCODE_MEMMOVE;
		d.src_addr = addr(a.src + r.done);
		break;
	case VDM_OPERATION_MEMSET:
		d.opcode = DSA_OPCODE_MEMFILL;
		d.pattern = 0x0101010101010101ull * static_cast<unsigned char>(a.c);
		break;
	default:
		d.opcode = DSA_OPCODE_CFLUSH;
		flags &= ~IDXD_OP_FLAG_CC;
		break;
	}
	d.flags = flags;
	clear_record(r.comp);
}

/* Submits the descriptor for the rest of the operation. */
submit_result submit_next(mover_impl &m, dml_record &r, const op_args &a) noexcept
{
	const wq_info &wq = m.wq->info();
	if (wq.dedicated && m.inflight.fetch_add(1, std::memory_order_acquire) >= wq.size) {
		m.inflight.fetch_sub(1, std::memory_order_relaxed);
		counters::add(m.count.refused, 1);
		return submit_result::refused;
	}
	build(wq, r, a);
	submit_result s = m.wq->submit(r.desc);
	if (s == submit_result::accepted) {
		counters::add(m.count.submissions, 1);
		return s;
	}
	if (wq.dedicated)
		m.inflight.fetch_sub(1, std::memory_order_relaxed);
	if (s == submit_result::refused)
		counters::add(m.count.refused, 1);
	return s;
}

void fail(mover_impl &m, dml_record &r, std::uint8_t status) noexcept
{
	counters::add(m.count.errors, 1);
	m.count.last_error_status.store(status, std::memory_order_relaxed);
	r.result = VDM_ERROR_JOB_CORRUPTED;
	r.state = rec_state::done;
}

void finish(mover_impl &m, dml_record &r, const op_args &a) noexcept
{
	if (r.done < a.n) {
		cpu_run(a, r.done, a.n - r.done);
		counters::add(m.count.bytes_cpu, a.n - r.done);
		r.done = a.n;
	}
	if ((a.flags & VDM_F_MEM_DURABLE) && a.type != VDM_OPERATION_FLUSH)
		cpu_write_back(a.dst, a.n);
	r.state = rec_state::done;
}

/* Submits the remainder; false when the record is done (CPU or error). */
void continue_op(mover_impl &m, dml_record &r, const op_args &a) noexcept
{
	switch (submit_next(m, r, a)) {
	case submit_result::accepted:
		r.state = rec_state::hw;
		return;
	case submit_result::refused:
		if (m.type == DATA_MOVER_DML_HARDWARE) {
			r.state = rec_state::hw_retry;
			return;
		}
		counters::add(m.count.fallback_refused, 1);
		finish(m, r, a);
		return;
	case submit_result::error:
		fail(m, r, 0);
		return;
	}
}

void touch(std::uint64_t fault_addr, bool write) noexcept
{
	auto *p = reinterpret_cast<volatile char *>(static_cast<std::uintptr_t>(fault_addr));
	char v = *p;
	if (write)
		*p = v; /* the byte lies in the part of the destination still to be written */
}

} // namespace

hw_start_result hw_start(mover_impl &m, dml_record &r, const op_args &a) noexcept
{
	if (!m.wq || !m.wq->usable()) {
		cpu_run(a, 0, a.n);
		counters::add(m.count.bytes_cpu, a.n);
		r.state = rec_state::done;
		return hw_start_result::on_cpu;
	}
	if (a.type == VDM_OPERATION_MEMMOVE && overlaps(a) &&
	    !(m.wq->info().gencap & gencap_overlap_copy)) {
		counters::add(m.count.fallback_overlap, 1);
		cpu_run(a, 0, a.n);
		counters::add(m.count.bytes_cpu, a.n);
		r.state = rec_state::done;
		return hw_start_result::on_cpu;
	}
	r.done = 0;
	r.faults = 0;
	switch (submit_next(m, r, a)) {
	case submit_result::accepted:
		r.state = rec_state::hw;
		return hw_start_result::started;
	case submit_result::refused:
		return hw_start_result::refused;
	case submit_result::error:
	default:
		fail(m, r, 0);
		return hw_start_result::on_cpu;
	}
}

bool hw_check(mover_impl &m, dml_record &r, const op_args &a) noexcept
{
	if (r.state == rec_state::hw_retry) {
		continue_op(m, r, a);
		return r.state == rec_state::done;
	}
	const std::uint8_t raw = load_status(r.comp);
	if (raw == DSA_COMP_NONE)
		return false;
	if (m.wq->info().dedicated)
		m.inflight.fetch_sub(1, std::memory_order_release);
	const std::uint8_t st = raw & DSA_COMP_STATUS_MASK;
	if (st == DSA_COMP_SUCCESS) {
		counters::add(m.count.completions, 1);
		counters::add(m.count.bytes_dsa, r.chunk);
		r.done += r.chunk;
	} else if (st == DSA_COMP_PAGE_FAULT_NOBOF) {
		std::size_t bc = r.comp.bytes_completed;
		if (bc > r.chunk) {
			fail(m, r, raw);
			return true;
		}
		counters::add(m.count.page_faults, 1);
		counters::add(m.count.bytes_dsa, bc);
		r.done += bc;
		if (++r.faults > max_faults) {
			counters::add(m.count.fallback_fault, 1);
			finish(m, r, a);
			return true;
		}
		touch(r.comp.fault_addr, raw & DSA_COMP_STATUS_WRITE);
		counters::add(m.count.resubmissions, 1);
	} else {
		fail(m, r, raw);
		return true;
	}
	if (r.done >= a.n) {
		finish(m, r, a);
		return true;
	}
	continue_op(m, r, a);
	return r.state == rec_state::done;
}

} // namespace masync::dsa
