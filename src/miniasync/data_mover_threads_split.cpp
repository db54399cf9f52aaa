/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * The threads mover's large operations: an operation of at least
 * 2 * chunk_size bytes that can be split (not an overlapping memmove) is cut
 * into chunks that the worker popping it, the workers popping its helper
 * entries and -- when it waits in the runtime -- the polling thread claim
 * with a fetch-and-add until none are left; the participant that finishes
 * the last chunk completes the operation. Every participant holds a
 * reference on the record while it takes part.
 */

#include "miniasync/data_mover_threads.hpp"

namespace masync::detail
{

bool threads_mover::is_split(const threads_record *rec) const noexcept
{
	std::size_t size = rec->op.n;
	/* Also with one worker: a waiting runtime_wait may help (wait_help.hpp). */
	return size >= 2 * config_.chunk_size && threads_splittable(rec->op) &&
	       size / config_.chunk_size < 0xffffffffu;
}

void threads_mover::split_init(threads_record *rec) const noexcept
{
	/*
	 * Our own kernels cost nothing per call, so chunks stay small (the
	 * measured config.chunk_size) for the best balance. A custom function
	 * may have a fixed cost per call (libpmem2's PAGE-granularity functions
	 * make one msync each), so its operation is cut into about four chunks
	 * per participant (workers and a helping runtime) instead.
	 */
	std::size_t chunk = config_.chunk_size;
	if (uses_custom_fn(rec->op)) {
		std::size_t per = rec->op.n / (4 * (nworkers_ + 1));
		per = (per + 4095) & ~std::size_t(4095);
		if (per > chunk)
			chunk = per;
	}
	rec->chunk = chunk;
	rec->nchunks = static_cast<std::uint32_t>((rec->op.n + chunk - 1) / chunk);
	rec->next_chunk.store(0, std::memory_order_relaxed);
	rec->done_chunks.store(0, std::memory_order_relaxed);
	rec->spread.store(false, std::memory_order_relaxed);
	rec->caller_helps = false;
}

void threads_mover::split_spread(threads_record *rec) noexcept
{
	if (rec->spread.exchange(true, std::memory_order_acq_rel))
		return;
	/*
	 * Participants: the worker that pops the entry, one per helper entry,
	 * and the polling thread when it helps. No more of them than CPUs: on
	 * an oversubscribed machine a participant preempted in the middle of
	 * a chunk holds up the whole operation's completion.
	 */
	std::size_t helpers = rec->nchunks - 1;
	if (helpers > nworkers_ - 1)
		helpers = nworkers_ - 1;
	if (std::size_t cpus = config_.cpus; cpus != 0) {
		std::size_t others = cpus - 1 - (rec->caller_helps && cpus > 1 ? 1 : 0);
		if (helpers > others)
			helpers = others;
	}
	/* One reference per helper entry (taken back if it cannot be queued). */
	rec->refs.fetch_add(static_cast<std::uint32_t>(helpers), std::memory_order_relaxed);
	auto *helper =
	    reinterpret_cast<threads_record *>(reinterpret_cast<std::uintptr_t>(rec) | helper_tag);
	std::size_t queued = 0;
	while (queued < helpers && queue_.try_push(helper))
		++queued;
	if (queued < helpers)
		rec->refs.fetch_sub(static_cast<std::uint32_t>(helpers - queued),
		                    std::memory_order_relaxed);
	if (queued > 0)
		wake_workers(queued);
}

void threads_mover::participate(threads_record *rec) noexcept
{
	const std::size_t chunk = rec->chunk;
	const std::size_t size = rec->op.n;
	const std::uint32_t nchunks = rec->nchunks;
	std::uint32_t did = 0;
	for (;;) {
		std::uint32_t k = rec->next_chunk.fetch_add(1, std::memory_order_relaxed);
		if (k >= nchunks)
			break;
		std::size_t off = std::size_t(k) * chunk;
		std::size_t len = size - off < chunk ? size - off : chunk;
		run_range(rec->op, off, len);
		++did;
	}
	if (did == 0)
		return;
	/* Non-temporal stores and write-backs are ordered per CPU: fence our own. */
	vdm_op::finish(rec->op);
	if (rec->done_chunks.fetch_add(did, std::memory_order_acq_rel) + did == nchunks)
		complete(rec);
}

void threads_mover::help_run(void *arg) noexcept
{
	auto *rec = static_cast<threads_record *>(arg);
	threads_mover *m = rec->mover;
	m->participate(rec);
	m->drop_ref(rec); /* the reference op_start took for this help */
}

} // namespace masync::detail
