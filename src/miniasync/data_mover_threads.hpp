/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * miniasync/data_mover_threads.hpp -- the inside of the threads mover.
 *
 * What it is
 *   `struct data_mover_threads` starts with its `struct vdm` (so the handle
 *   and the vdm are the same address) and holds:
 *   - a pool of operation records (one per live future, taken by op_new,
 *     given back by op_delete; never allocated per operation);
 *   - a bounded lock-free MPMC queue of records waiting for a worker;
 *   - the workers, each with a futex word it sleeps on, and a bit mask of
 *     sleeping workers so that a submitter wakes exactly one sleeper, and
 *     only when there is one;
 *   - the back-pressure list: records whose op_start found the queue full,
 *     with the notifier to poke when a worker frees a slot.
 *
 * Life of one operation (see docs/threads_mover.md for the reasoning)
 *   op_new     record from the pool: state IDLE, one reference (the future's).
 *   op_start   copies the operation into the record; tiny operations
 *              (n <= inline_max) run right here on the caller's thread and
 *              the record goes straight to FINISHED; others are pushed on the
 *              queue (state QUEUED) and a sleeping worker, if any, is woken.
 *              A full queue leaves the future IDLE (op_start returns 1) and
 *              puts the record on the back-pressure list.
 *   worker     pops the record and runs it. An operation of at least
 *              2 * chunk bytes that can be split (not an overlapping
 *              memmove) is cut into chunks: the worker pushes "helper"
 *              entries for idle workers (each holding a reference) and every
 *              participant claims chunks with a fetch-and-add until none are
 *              left; the one that finishes the last chunk completes it.
 *   complete   state NOTIFYING (release: the data is published), then the
 *              notifier (waker call, or a store of 1 to the poll word), then
 *              FINISHED (release). op_check reports COMPLETE only at
 *              FINISHED, waiting out the short NOTIFYING window, so once a
 *              future is complete no worker touches its record or its waker
 *              any more.
 *   op_delete  fills the output and drops the future's reference; the record
 *              returns to the pool with the last reference.
 *
 * Thread safety and ordering
 *   Any number of threads may create and poll futures. Record fields are
 *   written by the polling thread before the push (release) and read by
 *   workers after the pop (acquire); completion is published by the release
 *   store of FINISHED/NOTIFYING and observed by op_check's acquire load.
 *   Sleeping and back-pressure use the "store, then load the other side's
 *   flag" pattern with seq_cst accesses on both sides (no fences: TSan
 *   understands these) so that no wake-up is lost.
 */
#ifndef MASYNC_MINIASYNC_DATA_MOVER_THREADS_HPP
#define MASYNC_MINIASYNC_DATA_MOVER_THREADS_HPP

#include "libminiasync/data_mover_threads.h"

#include "common/record_pool.hpp"
#include "common/vdm_op.hpp"
#include "miniasync/data_mover_threads_queue.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <thread>

namespace masync::detail
{

/* Where a record is in its life; see the header comment. */
enum threads_op_state : std::uint32_t {
	THREADS_OP_IDLE = 0,
	THREADS_OP_QUEUED = 1,
	THREADS_OP_NOTIFYING = 2,
	THREADS_OP_FINISHED = 3,
};

/* An operation as the workers need it: the operation core's flat form (common/vdm_op.hpp). */
using threads_op = masync::vdm_op::op;

/*
 * One operation record. The first cache line holds everything a worker
 * reads for an ordinary operation and the state it publishes, so that one
 * line travels to the worker and back per operation; the second holds what
 * only split operations, POLLER futures and back-pressure use.
 */
struct alignas(64) threads_record {
	threads_op op;
	/* Published by the worker, read by op_check. */
	std::atomic<std::uint32_t> state{THREADS_OP_IDLE};
	std::uint32_t notify = FUTURE_NOTIFIER_NONE; /* enum future_notifier_type */
	struct future_waker waker {
	};

	/* ---- second line ---- */
	/* The future's reference, plus one per participant of a split operation. */
	alignas(64) std::atomic<std::uint32_t> refs{0};
	/* Split operations: next chunk to claim, chunks finished, chunk count. */
	std::atomic<std::uint32_t> next_chunk{0};
	std::atomic<std::uint32_t> done_chunks{0};
	std::uint32_t nchunks = 0;
	std::size_t chunk = 0; /* bytes per chunk (the last one may be shorter) */
	/* The POLLER word (accessed with __atomic builtins: the runtime reads it as uint64_t). */
	std::uint64_t poll_word = 0;
	data_mover_threads *mover = nullptr;
	/* Back-pressure: set once the record went through the waiting list. */
	bool room_waited = false;
	/* On the waiting list (guarded by the mover's room_lock). */
	bool room_listed = false;
	/* Split operations: set by whoever queued the helper entries (once). */
	std::atomic<bool> spread{false};
	/* Split operations: the polling thread takes part (threads_help.hpp). */
	bool caller_helps = false;
	/* vdm_op::flatten's verdict (enum vdm_operation_result), for op_delete. */
	std::uint8_t result = VDM_SUCCESS;
	threads_record *room_next = nullptr;
	threads_record *room_prev = nullptr;
};

static_assert(sizeof(threads_op) == 40);
static_assert(sizeof(threads_record) == 128);

struct alignas(64) threads_worker {
	/* 1 while the worker sleeps (or is about to); a waker stores 0, then futex-wakes. */
	std::atomic<std::uint32_t> word{0};
	std::thread thread;
};

/* Everything data_mover_threads_new takes, plus the tunables (see threads_default_config). */
struct threads_config {
	std::size_t nthreads = 0;
	std::size_t ring_size = 0;
	enum future_notifier_type notifier = FUTURE_NOTIFIER_WAKER;
	std::uint32_t records = 16384;    /* operation records (live futures) */
	std::size_t inline_max = 0;       /* run operations of at most this many bytes inline */
	std::size_t chunk_size = 0;       /* split unit for large operations */
	std::uint32_t spin_ns = 0;        /* how long an idle worker polls before sleeping */
	std::uint32_t coalesce_chain = 8; /* operations one waker call may cover */
	std::size_t coalesce_max = 65536; /* largest operation whose wake is deferred */
	std::uint32_t spinners = 0;       /* idle workers spinning at once (0: half of them) */
	std::uint32_t cpus = 0;           /* CPUs of the machine (0: unknown), set at creation */
};

/*
 * The tunables as measured (docs/threads_mover.md), overridden by the
 * environment variables MASYNC_THREADS_INLINE_MAX, MASYNC_THREADS_CHUNK,
 * MASYNC_THREADS_SPIN_NS and MASYNC_THREADS_RECORDS when set.
 */
threads_config threads_default_config();

/*
 * Creates a mover from a full configuration: the C entry points and the
 * tests use it. NULL with errno set on failure (see data_mover_threads_new(3)).
 */
data_mover_threads *threads_mover_create(const threads_config &config) noexcept;

/*
 * Test hook: when >= 0, creating worker number `n` (0-based) and later ones
 * fails as if the system had no threads left. -1 (the default) disables it.
 */
void threads_test_fail_thread_creation_at(int n) noexcept;

/* The configuration a mover runs with (after rounding), for tests. */
const threads_config &threads_mover_config(const data_mover_threads *m) noexcept;

/* Whether an operation may be cut into chunks run in parallel (not an overlapping move). */
inline bool threads_splittable(const threads_op &op) noexcept
{
	if (op.type != VDM_OPERATION_MEMMOVE)
		return true;
	/* Parallel chunks of an overlapping move could read what another chunk wrote. */
	auto d = reinterpret_cast<std::uintptr_t>(op.dst);
	auto s = reinterpret_cast<std::uintptr_t>(op.src);
	return d + op.n <= s || s + op.n <= d;
}

/*
 * Split operations: an operation of at least 2 * chunk_size bytes that can
 * be split runs as chunks claimed by every
 * participant. op_start prepares it (threads_split_init), takes a reference
 * for the queue entry, pushes it and queues helper entries for the other
 * workers (threads_split_spread; the worker that pops the entry does this
 * instead when op_start could not, e.g. after back-pressure).
 */
bool threads_is_split(const data_mover_threads *m, const threads_record *rec) noexcept;
void threads_split_init(const data_mover_threads *m, threads_record *rec) noexcept;
void threads_split_spread(data_mover_threads *m, threads_record *rec) noexcept;

/* Claims and runs chunks of a split operation until none are left. */
void threads_participate(data_mover_threads *m, threads_record *rec) noexcept;

/* Runs one record popped from the queue (a worker's job); defined in the worker file. */
void threads_worker_main(data_mover_threads *m, std::size_t index) noexcept;

/* After a push by a submitter: wakes a sleeping worker unless one is spinning. */
void threads_submitted(data_mover_threads *m) noexcept;

/* Wakes up to `count` sleeping workers; returns how many it woke. */
std::size_t threads_wake_workers(data_mover_threads *m, std::size_t count) noexcept;

/* Executes [offset, offset + len) of `op` with the mover's functions (vdm_op::run_range, no fence).
 */
void threads_run_range(const data_mover_threads *m, const threads_op &op, std::size_t offset,
                       std::size_t len) noexcept;

/* Publishes completion and notifies (see the header comment). */
void threads_complete(threads_record *rec) noexcept;

/* Publishes completion without notifying (the next completion's wake covers it). */
void threads_complete_silently(threads_record *rec) noexcept;

/* Drops one reference; the last one returns the record to the pool. */
void threads_drop_ref(data_mover_threads *m, threads_record *rec) noexcept;

/* Called by a worker after every pop: wakes the back-pressure waiters, if any. */
void threads_room_freed(data_mover_threads *m) noexcept;

/* Queue entries are record pointers; the low bit marks a helper entry. */
inline constexpr std::uintptr_t threads_helper_tag = 1;

} // namespace masync::detail

/* The mover. Standard layout, with its vdm first (data_mover_threads_get_vdm). */
struct data_mover_threads {
	struct vdm base;
	masync::detail::threads_config config;
	std::atomic<memcpy_fn> op_memcpy;
	std::atomic<memmove_fn> op_memmove;
	std::atomic<memset_fn> op_memset;
	/*
	 * The custom functions set with DATA_MOVER_THREADS_FN_DURABLE (they
	 * make their writes durable themselves, data_mover_threads_set_*_fn_flags): with
	 * VDM_F_MEM_DURABLE, the range is not written back after them. Only ever
	 * hold such a function (or nullptr), so comparing the function an
	 * operation calls with them needs no ordering with the setters.
	 */
	std::atomic<memcpy_fn> durable_memcpy;
	std::atomic<memmove_fn> durable_memmove;
	std::atomic<memset_fn> durable_memset;

	masync::record_pool<masync::detail::threads_record> *records;
	masync::detail::mpmc_queue<masync::detail::threads_record *> *queue;

	masync::detail::threads_worker *workers;
	std::size_t nworkers;
	/* One bit per sleeping worker (64 per word); a waker claims a bit by clearing it. */
	std::atomic<std::uint64_t> *sleeping;
	std::size_t sleeping_words;

	alignas(64) std::atomic<bool> stopping;
	/* Idle workers polling the queue right now (at most config.spinners). */
	alignas(64) std::atomic<std::uint32_t> spinners;

	/* Back-pressure: records waiting for a free queue slot. */
	alignas(64) std::atomic<std::uint32_t> room_waiters;
	std::mutex *room_lock;
	masync::detail::threads_record *room_head;
	masync::detail::threads_record *room_tail;
};

#endif
