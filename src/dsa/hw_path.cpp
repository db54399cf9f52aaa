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
 *
 * Batches (batch size >= 2 and a queue that takes them). Each thread (its
 * counter slot, dsa/counters.hpp) has at most one open batch per mover; an
 * operation started on the device path joins it (state hw_batch, bstate
 * pending) instead of being submitted. The batch is sent when it is full,
 * or when one of its members is checked by the thread that opened it,
 * except the check that follows op_start in the same poll (vdm futures
 * check right after starting): so the operations started in one pass of a
 * runtime over its futures go out together. A batch that ends up with one
 * member is sent as that plain descriptor, never as a batch of one.
 * A member checked by another thread leaves the batch (CAS pending ->
 * direct) and is submitted on its own, so nothing waits for a thread that
 * may never poll again. The sender claims each member with CAS pending ->
 * sent; that word is the only record field two threads write. An open
 * batch may still list a member that left it, completed and was reused for
 * a new operation pending in another batch: whichever sender claims it
 * first sends its current descriptor, exactly once. A refused
 * batch hands each member back (b_refused) to continue alone. A sent
 * batch's slot is reused once the device has written its completion
 * record (the device reads the list until then). On a dedicated queue each
 * member takes one of the queue's in-flight credits (conservative: the
 * batch holds one entry).
 *
 * Wait mode UMWAIT (WAITPKG CPUs only): a check that finds the record
 * empty monitors its line and waits up to about 2000 TSC cycles in C0.2
 * for the device's write, then reads it again.
 */

#include "dsa/mover.hpp"
#include "common/cpu.hpp"

#include <x86intrin.h>

namespace masync::dsa
{

bool test_skip_write_back = false;

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

/* Takes `k` in-flight credits of a dedicated queue; false when it is full. */
bool take_credits(mover_impl &m, unsigned k) noexcept
{
	const wq_info &wq = m.wq->info();
	if (!wq.dedicated)
		return true;
	if (m.inflight.fetch_add(k, std::memory_order_acquire) + k > wq.size) {
		m.inflight.fetch_sub(k, std::memory_order_relaxed);
		return false;
	}
	return true;
}

void give_credits(mover_impl &m, unsigned k) noexcept
{
	if (m.wq->info().dedicated)
		m.inflight.fetch_sub(k, std::memory_order_release);
}

/* Submits a built descriptor holding `k` credits' worth of work. */
submit_result submit_desc(mover_impl &m, const dsa_hw_desc &d, unsigned k) noexcept
{
	if (!take_credits(m, k)) {
		m.count.add(c_refused, 1);
		return submit_result::refused;
	}
	submit_result s = m.wq->submit(d);
	if (s == submit_result::accepted) {
		m.count.add(c_submissions, k);
		return s;
	}
	give_credits(m, k);
	if (s == submit_result::refused)
		m.count.add(c_refused, 1);
	return s;
}

/* Submits the descriptor for the rest of the operation. */
submit_result submit_next(mover_impl &m, dml_record &r, const op_args &a) noexcept
{
	build(m.wq->info(), r, a);
	return submit_desc(m, r.desc, 1);
}

void fail(mover_impl &m, dml_record &r, std::uint8_t status) noexcept
{
	m.count.add(c_errors, 1);
	m.count.set_last_error(status);
	r.result = VDM_ERROR_JOB_CORRUPTED;
	r.state = rec_state::done;
}

void finish(mover_impl &m, dml_record &r, const op_args &a) noexcept
{
	if (r.done < a.n) {
		cpu_run(a, r.done, a.n - r.done);
		m.count.add(c_bytes_cpu, a.n - r.done);
		r.done = a.n;
	}
	if ((a.flags & VDM_F_MEM_DURABLE) && a.type != VDM_OPERATION_FLUSH && !test_skip_write_back)
		cpu_write_back(a.dst, a.n);
	r.state = rec_state::done;
}

/* What a refused submission means for the record. */
void on_refused(mover_impl &m, dml_record &r, const op_args &a) noexcept
{
	if (m.type == DATA_MOVER_DML_HARDWARE) {
		r.state = rec_state::hw_retry;
		return;
	}
	m.count.add(c_fallback_refused, 1);
	finish(m, r, a);
}

/* Submits the remainder (its descriptor rebuilt). */
void continue_op(mover_impl &m, dml_record &r, const op_args &a) noexcept
{
	switch (submit_next(m, r, a)) {
	case submit_result::accepted:
		r.state = rec_state::hw;
		return;
	case submit_result::refused:
		on_refused(m, r, a);
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

/* ---- batches ---- */

/* A slot to fill: free, or sent and finished by the device. nullptr: none. */
batch_slot *take_slot(mover_impl &m) noexcept
{
	for (unsigned i = 0; i < batch_slots; ++i) {
		batch_slot &b = m.batches[i];
		std::uint8_t st = b.state.load(std::memory_order_acquire);
		if (st == bs_sent && load_status(b.comp) == DSA_COMP_NONE)
			continue; /* the device may still read its list */
		if (st == bs_filling)
			continue;
		if (b.state.compare_exchange_strong(st, bs_filling, std::memory_order_acquire)) {
			b.count = 0;
			return &b;
		}
	}
	return nullptr;
}

/* Sends the open batch b of this thread's slot s (its opener). */
void send_batch(mover_impl &m, unsigned s, batch_slot &b) noexcept
{
	m.open_batch[s] = nullptr;
	dml_record *mine[max_batch_members];
	unsigned k = 0;
	for (unsigned i = 0; i < b.count; ++i) {
		dml_record *r = b.members[i];
		std::uint8_t want = b_pending;
		if (r->bstate.compare_exchange_strong(want, b_sent, std::memory_order_acq_rel))
			mine[k++] = r; /* else it left the batch (b_direct) */
	}
	if (k == 0) {
		b.state.store(bs_free, std::memory_order_release);
		return;
	}
	if (k == 1) {
		/* never a batch of one */
		b.state.store(bs_free, std::memory_order_release);
		submit_result res = submit_desc(m, mine[0]->desc, 1);
		if (res != submit_result::accepted)
			mine[0]->bstate.store(res == submit_result::refused ? b_refused : b_error,
			                      std::memory_order_release);
		return;
	}
	for (unsigned i = 0; i < k; ++i)
		b.list[i] = mine[i]->desc;
	b.desc = dsa_hw_desc{};
	b.desc.opcode = DSA_OPCODE_BATCH;
	b.desc.flags = IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR;
	b.desc.desc_list_addr = addr(b.list);
	b.desc.desc_count = k;
	b.desc.completion_addr = addr(&b.comp);
	clear_record(b.comp);
	submit_result res = submit_desc(m, b.desc, k);
	if (res == submit_result::accepted) {
		m.count.add(c_batches, 1);
		m.count.add(c_batched_ops, k);
		b.state.store(bs_sent, std::memory_order_release);
		return;
	}
	b.state.store(bs_free, std::memory_order_release);
	const std::uint8_t back = res == submit_result::refused ? b_refused : b_error;
	for (unsigned i = 0; i < k; ++i)
		mine[i]->bstate.store(back, std::memory_order_release);
}

/* Adds the built descriptor of r to this thread's open batch; false: none to join. */
bool join_batch(mover_impl &m, dml_record &r, unsigned size) noexcept
{
	unsigned s = this_thread_counter_slot;
	if (s == 0)
		s = counter_slot_of_this_thread() + 1;
	if (s > counter_slots)
		return false; /* no slot of its own: no batch */
	batch_slot *b = m.open_batch[s - 1];
	if (b == nullptr) {
		b = take_slot(m);
		if (b == nullptr)
			return false;
		m.open_batch[s - 1] = b;
	}
	r.batch = b;
	r.fresh = true;
	/* release: a sender that claims r (even through a stale entry of an older
	 * batch, once r was reused) sees the descriptor built above */
	r.bstate.store(b_pending, std::memory_order_release);
	r.state = rec_state::hw_batch;
	b->members[b->count++] = &r;
	if (b->count >= size)
		send_batch(m, s - 1, *b);
	return true;
}

/* A check of a batch member; true when it now behaves as an ordinary record. */
bool batch_check(mover_impl &m, dml_record &r, const op_args &a) noexcept
{
	std::uint8_t st = r.bstate.load(std::memory_order_acquire);
	if (st == b_pending) {
		if (r.fresh) {
			r.fresh = false;
			return false; /* the check of the poll that started it */
		}
		const unsigned s = this_thread_counter_slot;
		if (s != 0 && s <= counter_slots && m.open_batch[s - 1] == r.batch) {
			send_batch(m, s - 1, *r.batch);
			st = r.bstate.load(std::memory_order_acquire);
		} else if (r.bstate.compare_exchange_strong(st, b_direct,
		                                            std::memory_order_acq_rel)) {
			switch (submit_desc(m, r.desc, 1)) {
			case submit_result::accepted:
				r.state = rec_state::hw;
				return true;
			case submit_result::refused:
				on_refused(m, r, a);
				return true;
			default:
				fail(m, r, 0);
				return true;
			}
		}
	}
	r.fresh = false;
	switch (st) {
	case b_sent:
		r.state = rec_state::hw;
		return true;
	case b_refused:
		r.state = rec_state::hw;
		on_refused(m, r, a);
		return true;
	case b_error:
		fail(m, r, 0);
		return true;
	default:
		return false;
	}
}

/* The record's status byte, waiting briefly with UMWAIT when asked to. */
std::uint8_t wait_status(mover_impl &m, dml_record &r) noexcept;

} // namespace

hw_start_result hw_start(mover_impl &m, dml_record &r, const op_args &a) noexcept
{
	if (!m.wq || !m.wq->usable()) {
		cpu_run(a, 0, a.n);
		m.count.add(c_bytes_cpu, a.n);
		r.state = rec_state::done;
		return hw_start_result::on_cpu;
	}
	if (a.type == VDM_OPERATION_MEMMOVE && overlaps(a) &&
	    !(m.wq->info().gencap & gencap_overlap_copy)) {
		m.count.add(c_fallback_overlap, 1);
		cpu_run(a, 0, a.n);
		m.count.add(c_bytes_cpu, a.n);
		r.state = rec_state::done;
		return hw_start_result::on_cpu;
	}
	r.done = 0;
	r.faults = 0;
	const unsigned bsize = m.batch_size.load(std::memory_order_relaxed);
	if (bsize >= 2 && a.n <= m.wq->info().max_xfer) {
		build(m.wq->info(), r, a);
		if (join_batch(m, r, bsize))
			return hw_start_result::started;
		/* no batch to join: alone, as below */
	}
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
	if (r.state == rec_state::hw_batch) {
		if (!batch_check(m, r, a))
			return false;
		if (r.state != rec_state::hw)
			return r.state == rec_state::done;
	}
	if (r.state == rec_state::hw_retry) {
		continue_op(m, r, a);
		return r.state == rec_state::done;
	}
	const std::uint8_t raw = wait_status(m, r);
	if (raw == DSA_COMP_NONE)
		return false;
	give_credits(m, 1);
	const std::uint8_t st = raw & DSA_COMP_STATUS_MASK;
	if (st == DSA_COMP_SUCCESS) {
		m.count.add(c_completions, 1);
		m.count.add(c_bytes_dsa, r.chunk);
		r.done += r.chunk;
	} else if (st == DSA_COMP_PAGE_FAULT_NOBOF) {
		std::size_t bc = r.comp.bytes_completed;
		if (bc > r.chunk) {
			fail(m, r, raw);
			return true;
		}
		m.count.add(c_page_faults, 1);
		m.count.add(c_bytes_dsa, bc);
		r.done += bc;
		if (++r.faults > max_faults) {
			m.count.add(c_fallback_fault, 1);
			finish(m, r, a);
			return true;
		}
		touch(r.comp.fault_addr, raw & DSA_COMP_STATUS_WRITE);
		m.count.add(c_resubmissions, 1);
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

namespace
{

[[gnu::target("waitpkg")]] std::uint8_t umwait_status(const dsa_completion_record &cr) noexcept
{
	_umonitor(const_cast<std::uint8_t *>(&cr.status));
	std::uint8_t st = load_status(cr);
	if (st != DSA_COMP_NONE)
		return st;
	(void)_umwait(0 /* C0.2 */, __rdtsc() + 2000);
	return load_status(cr);
}

std::uint8_t wait_status(mover_impl &m, dml_record &r) noexcept
{
	std::uint8_t st = load_status(r.comp);
	if (st != DSA_COMP_NONE ||
	    m.wait_mode.load(std::memory_order_relaxed) != DATA_MOVER_DSA_WAIT_UMWAIT)
		return st;
	return umwait_status(r.comp); /* the mover allows UMWAIT only where WAITPKG exists */
}

} // namespace

} // namespace masync::dsa
