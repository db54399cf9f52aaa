/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * miniasync/data_mover_threads.hpp -- the inside of the threads mover.
 *
 * What it is
 *   One class, `threads_mover`, whose members are listed at its declaration
 *   below; its member functions live in files along its seams:
 *     data_mover_threads.cpp            creation, deletion, the C entry points
 *     data_mover_threads_submit.cpp     the vdm callbacks (polling threads)
 *     data_mover_threads_worker.cpp     the workers' loop, coalesced wakes
 *     data_mover_threads_split.cpp      large operations cut into chunks
 *     data_mover_threads_room.cpp       back-pressure (a full queue)
 *     data_mover_threads_wake.cpp       sleeping workers, completion, notifiers
 *     data_mover_threads_ops.cpp        the memory work (operation core)
 *     data_mover_threads_queue.hpp      the submission queue
 *   The C handle `struct data_mover_threads` is the mover's first member:
 *   its `struct vdm` (so handle and vdm share an address) and a pointer back
 *   to the mover. The mover holds:
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
#include <memory>
#include <mutex>
#include <thread>

namespace masync::detail
{

class threads_mover;

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
	/* The POLLER word (std::atomic_ref: the runtime reads it as a plain uint64_t). */
	std::uint64_t poll_word = 0;
	threads_mover *mover = nullptr;
	/* Back-pressure: set once the record went through the waiting list. */
	bool room_waited = false;
	/* On the waiting list (guarded by the mover's room_lock). */
	bool room_listed = false;
	/* Split operations: set by whoever queued the helper entries (once). */
	std::atomic<bool> spread{false};
	/* Split operations: the polling thread takes part (wait_help.hpp). */
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

} // namespace masync::detail

/* The C handle: first member of its threads_mover. Standard layout, its vdm first. */
struct data_mover_threads {
	struct vdm base;
	masync::detail::threads_mover *mover;
};

namespace masync::detail
{

class threads_mover
{
      public:
	/* Allocates everything but starts no thread; throws std::bad_alloc. */
	explicit threads_mover(const threads_config &config);
	/* Stops the workers (they drain the queue first) and frees everything. */
	~threads_mover();
	threads_mover(const threads_mover &) = delete;
	threads_mover &operator=(const threads_mover &) = delete;

	/* Starts the workers; 0, or an errno value (the started ones are stopped). */
	int start_workers() noexcept;

	static threads_mover *of(struct vdm *vdm) noexcept
	{
		return reinterpret_cast<data_mover_threads *>(vdm)->mover;
	}
	data_mover_threads *handle() noexcept { return &handle_; }
	const threads_config &config() const noexcept { return config_; }

	/* data_mover_threads_set_*_fn(_flags); see set_fn in data_mover_threads.cpp. */
	void set_memcpy(memcpy_fn fn, unsigned fn_flags) noexcept;
	void set_memmove(memmove_fn fn, unsigned fn_flags) noexcept;
	void set_memset(memset_fn fn, unsigned fn_flags) noexcept;

      private:
	/* ---- the vdm callbacks (data_mover_threads_submit.cpp) ---- */
	static void *op_new(struct vdm *vdm, enum vdm_operation_type type);
	static int op_start(void *data, const struct vdm_operation *operation,
	                    struct future_notifier *n);
	static enum future_state op_check(void *data, const struct vdm_operation *operation);
	static void op_delete(void *data, const struct vdm_operation *operation,
	                      struct vdm_operation_output *output);
	static int has_property(void *future, enum future_property property);
	/* Tells the poller which notifier this operation will use and records it. */
	void set_notifier(threads_record *rec, struct future_notifier *n) noexcept;

	/* ---- back-pressure (data_mover_threads_room.cpp) ---- */
	/* op_start found the queue full: list the record, retry once; op_start's result. */
	int start_when_full(threads_record *rec) noexcept;
	/* Takes a record off the waiting list (caller holds room_lock). */
	void room_unlink(threads_record *rec) noexcept;
	/* Called by a worker after every pop: wakes the back-pressure waiters, if any. */
	void room_freed() noexcept;

	/*
	 * ---- large operations (data_mover_threads_split.cpp) ----
	 * An operation of at least 2 * chunk_size bytes that can be split runs
	 * as chunks claimed by every participant. op_start prepares it
	 * (split_init), takes a reference for the queue entry, pushes it and
	 * queues helper entries for the other workers (split_spread; the worker
	 * that pops the entry does this instead when op_start could not, e.g.
	 * after back-pressure).
	 */
	bool is_split(const threads_record *rec) const noexcept;
	void split_init(threads_record *rec) const noexcept;
	void split_spread(threads_record *rec) noexcept;
	/* Claims and runs chunks of a split operation until none are left. */
	void participate(threads_record *rec) noexcept;
	/*
	 * The job a split operation offers a thread waiting in the runtime
	 * (wait_help.hpp): arg is the record; participates, then drops the
	 * reference op_start took for the help.
	 */
	static void help_run(void *arg) noexcept;

	/* ---- the workers (data_mover_threads_worker.cpp) ---- */
	void worker_main(std::size_t index) noexcept;
	/* Runs one queue entry; returns an entry popped ahead to run next, or nullptr. */
	threads_record *run(threads_record *entry) noexcept;
	bool pop(threads_record **out) noexcept;
	/* Polls the queue for up to spin_ns; true with an entry in *out if one came. */
	bool spin_for_work(threads_record **out) noexcept;
	/* Takes one of the spinning places (config.spinners) if one is free. */
	bool become_spinner() noexcept;

	/* ---- sleeping workers, completion (data_mover_threads_wake.cpp) ---- */
	/* Sleeps until a submitter (or the destructor) wakes worker `index`. */
	void sleep(std::size_t index) noexcept;
	/* After a push by a submitter: wakes a sleeping worker unless one is spinning. */
	void submitted() noexcept;
	/* Wakes up to `count` sleeping workers; returns how many it woke. */
	std::size_t wake_workers(std::size_t count) noexcept;
	/* Publishes completion and notifies (see the header comment). */
	static void complete(threads_record *rec) noexcept;
	/* Publishes completion without notifying (the next completion's wake covers it). */
	static void complete_silently(threads_record *rec) noexcept;
	/* Drops one reference; the last one returns the record to the pool. */
	void drop_ref(threads_record *rec) noexcept;
	/* Stops and joins the first `started` workers. */
	void stop_workers(std::size_t started) noexcept;

	/* ---- the memory work (data_mover_threads_ops.cpp) ---- */
	/* [offset, offset + len) of `op` with the mover's functions (vdm_op::run_range, no fence).
	 */
	void run_range(const threads_op &op, std::size_t offset, std::size_t len) const noexcept;
	/* Whether the operation calls a function set with data_mover_threads_set_*_fn. */
	bool uses_custom_fn(const threads_op &op) const noexcept;

	/* Queue entries are record pointers; the low bit marks a helper entry. */
	static constexpr std::uintptr_t helper_tag = 1;

	data_mover_threads handle_; /* first: see of() */
	threads_config config_;
	std::atomic<memcpy_fn> op_memcpy_{nullptr};
	std::atomic<memmove_fn> op_memmove_{nullptr};
	std::atomic<memset_fn> op_memset_{nullptr};
	/*
	 * The custom functions set with DATA_MOVER_THREADS_FN_DURABLE (they
	 * make their writes durable themselves, data_mover_threads_set_*_fn_flags): with
	 * VDM_F_MEM_DURABLE, the range is not written back after them. Only ever
	 * hold such a function (or nullptr), so comparing the function an
	 * operation calls with them needs no ordering with the setters.
	 */
	std::atomic<memcpy_fn> durable_memcpy_{nullptr};
	std::atomic<memmove_fn> durable_memmove_{nullptr};
	std::atomic<memset_fn> durable_memset_{nullptr};

	record_pool<threads_record> records_;
	mpmc_queue<threads_record *> queue_;

	std::size_t nworkers_;
	std::unique_ptr<threads_worker[]> workers_;
	std::size_t started_ = 0; /* workers running */
	/* One bit per sleeping worker (64 per word); a waker claims a bit by clearing it. */
	std::size_t sleeping_words_;
	std::unique_ptr<std::atomic<std::uint64_t>[]> sleeping_;

	alignas(64) std::atomic<bool> stopping_{false};
	/* Idle workers polling the queue right now (at most config.spinners). */
	alignas(64) std::atomic<std::uint32_t> spinners_{0};

	/* Back-pressure: records waiting for a free queue slot. */
	alignas(64) std::atomic<std::uint32_t> room_waiters_{0};
	std::mutex room_lock_;
	threads_record *room_head_ = nullptr;
	threads_record *room_tail_ = nullptr;
};

} // namespace masync::detail

#endif
