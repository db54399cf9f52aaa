/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * The threads mover's C entry points and its vdm callbacks (op_new, op_start,
 * op_check, op_delete): everything that runs on the threads that create and
 * poll futures. The workers' side is in data_mover_threads_worker.cpp, the
 * memory operations in data_mover_threads_ops.cpp.
 */

#include "miniasync/data_mover_threads.hpp"
#include "common/futex.hpp"
#include "miniasync/export.hpp"
#include "miniasync/threads_help.hpp"

#include <sched.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <new>
#include <system_error>
#include <type_traits>

using masync::detail::threads_record;

static_assert(std::is_standard_layout_v<data_mover_threads>,
              "the vdm must be at the mover's address");

namespace masync::detail
{
namespace
{

std::atomic<int> fail_thread_creation_at{-1};

/* Largest queue accepted; larger requests fail with EINVAL. */
constexpr std::size_t max_ring_size = std::size_t(1) << 24;
/* Largest worker count accepted; larger requests fail with EINVAL. */
constexpr std::size_t max_threads = 1024;

data_mover_threads *mover_of(struct vdm *vdm) noexcept
{
	return reinterpret_cast<data_mover_threads *>(vdm);
}

std::size_t env_size(const char *name, std::size_t fallback) noexcept
{
	const char *v = std::getenv(name);
	if (v == nullptr || *v == '\0')
		return fallback;
	char *end = nullptr;
	errno = 0;
	unsigned long long x = std::strtoull(v, &end, 0);
	if (errno != 0 || end == v || *end != '\0')
		return fallback;
	return static_cast<std::size_t>(x);
}

/* Asks for the cache line at p in a writable state (PREFETCHW; a no-op where unknown). */
inline void prefetch_for_write(const void *p) noexcept
{
#if defined(__x86_64__)
	__asm__ __volatile__("prefetchw %0" : : "m"(*static_cast<const char *>(p)));
#else
	__builtin_prefetch(p, 1, 3);
#endif
}

/* ---- the vdm callbacks ---- */

int has_property(void *future, enum future_property property)
{
	(void)future;
	return property == FUTURE_PROPERTY_ASYNC;
}

void *op_new(struct vdm *vdm, const enum vdm_operation_type type)
{
	(void)type;
	data_mover_threads *m = mover_of(vdm);
	threads_record *rec = m->records->acquire();
	if (rec == nullptr)
		return nullptr;
	/*
	 * Only the second line is written here. The first (operation, state,
	 * waker) was last written by a worker; op_start fills it, and asking
	 * for it now lets the transfer overlap whatever the caller does until
	 * the first poll (typically: create more futures).
	 */
	prefetch_for_write(rec);
	rec->refs.store(1, std::memory_order_relaxed);
	rec->poll_word = 0;
	rec->room_waited = false;
	rec->room_listed = false;
	rec->mover = m;
	return rec;
}

/* Tells the poller which notifier this operation will use and records it. */
void set_notifier(data_mover_threads *m, threads_record *rec, struct future_notifier *n) noexcept
{
	enum future_notifier_type used = FUTURE_NOTIFIER_NONE;
	if (n != nullptr) {
		switch (m->config.notifier) {
		case FUTURE_NOTIFIER_WAKER:
			if (n->waker.wake != nullptr) {
				rec->waker = n->waker;
				used = FUTURE_NOTIFIER_WAKER;
			}
			break;
		case FUTURE_NOTIFIER_POLLER:
			__atomic_store_n(&rec->poll_word, 0, __ATOMIC_RELAXED);
			n->poller.ptr_to_monitor = &rec->poll_word;
			used = FUTURE_NOTIFIER_POLLER;
			break;
		case FUTURE_NOTIFIER_NONE:
			break;
		}
		n->notifier_used = used;
	}
	rec->notify = used;
}

void room_unlink(data_mover_threads *m, threads_record *rec) noexcept
{
	if (!rec->room_listed)
		return;
	if (rec->room_prev)
		rec->room_prev->room_next = rec->room_next;
	else
		m->room_head = rec->room_next;
	if (rec->room_next)
		rec->room_next->room_prev = rec->room_prev;
	else
		m->room_tail = rec->room_prev;
	rec->room_next = rec->room_prev = nullptr;
	rec->room_listed = false;
	m->room_waiters.fetch_sub(1, std::memory_order_relaxed);
}

/*
 * The queue was full. Put the record on the waiting list (a worker pokes its
 * notifier after its next pop), then try once more: a slot may have been
 * freed between the failed push and the registration, and the worker that
 * freed it may not have seen us (seq_cst on both sides).
 */
int start_when_full(data_mover_threads *m, threads_record *rec, struct future_notifier *n)
{
	if (rec->notify == FUTURE_NOTIFIER_NONE) {
		/* Nobody to tell: the poller polls again on its own. */
		rec->state.store(THREADS_OP_IDLE, std::memory_order_relaxed);
		return 1;
	}
	{
		std::lock_guard<std::mutex> guard(*m->room_lock);
		rec->room_waited = true;
		if (!rec->room_listed) {
			rec->room_listed = true;
			rec->room_next = nullptr;
			rec->room_prev = m->room_tail;
			if (m->room_tail)
				m->room_tail->room_next = rec;
			else
				m->room_head = rec;
			m->room_tail = rec;
			m->room_waiters.fetch_add(1, std::memory_order_seq_cst);
		}
		/* A POLLER record's word may have been set by an earlier wake: re-arm it. */
		if (rec->notify == FUTURE_NOTIFIER_POLLER)
			__atomic_store_n(&rec->poll_word, 0, __ATOMIC_RELAXED);
	}
	/* A split operation's queue entry holds a reference (see threads_split_spread). */
	const bool split = threads_is_split(m, rec);
	if (split)
		rec->refs.fetch_add(1, std::memory_order_relaxed);
	/* The retry reads the cells with seq_cst loads: see threads_room_freed. */
	if (m->queue->try_push(rec)) {
		{
			std::lock_guard<std::mutex> guard(*m->room_lock);
			room_unlink(m, rec);
		}
		threads_submitted(m);
		return 0;
	}
	(void)n;
	if (split)
		rec->refs.fetch_sub(1, std::memory_order_relaxed);
	rec->state.store(THREADS_OP_IDLE, std::memory_order_relaxed);
	return 1;
}

int op_start(void *data, const struct vdm_operation *operation, struct future_notifier *n)
{
	auto *rec = static_cast<threads_record *>(data);
	data_mover_threads *m = rec->mover;
	/* A rejected operation has n == 0: it completes inline with its result. */
	rec->result = static_cast<std::uint8_t>(masync::vdm_op::flatten(*operation, rec->op));

	std::size_t size = rec->op.n;
	if (size <= m->config.inline_max) {
		/* Tiny: cheaper to do now than to hand over (docs/threads_mover.md). */
		threads_run_range(m, rec->op, 0, size);
		masync::vdm_op::finish(rec->op);
		if (n != nullptr)
			n->notifier_used = FUTURE_NOTIFIER_NONE;
		rec->state.store(THREADS_OP_FINISHED, std::memory_order_release);
		return 0;
	}

	if (rec->room_waited) {
		/* Workers read the notifier of listed records under the lock. */
		std::lock_guard<std::mutex> guard(*m->room_lock);
		set_notifier(m, rec, n);
	} else {
		set_notifier(m, rec, n);
	}
	rec->state.store(THREADS_OP_QUEUED, std::memory_order_relaxed);
	if (!threads_is_split(m, rec)) {
		if (!m->queue->try_push(rec))
			return start_when_full(m, rec, n);
		threads_submitted(m);
		return 0;
	}

	/*
	 * Split: references for the queue entry and, when this thread is a
	 * runtime that will help (threads_help.hpp), for its help; helper
	 * entries for the other workers right away, so that they all start
	 * together rather than one waking the next.
	 */
	threads_split_init(m, rec);
	help_window &help = this_thread_help;
	const bool helping = help.open && help.rec == nullptr;
	rec->caller_helps = helping;
	const std::uint32_t refs = helping ? 2 : 1;
	rec->refs.fetch_add(refs, std::memory_order_relaxed);
	if (!m->queue->try_push(rec)) {
		rec->refs.fetch_sub(refs, std::memory_order_relaxed);
		rec->caller_helps = false;
		return start_when_full(m, rec, n);
	}
	threads_submitted(m);
	threads_split_spread(m, rec);
	if (helping) {
		help.mover = m;
		help.rec = rec;
	}
	return 0;
}

enum future_state op_check(void *data, const struct vdm_operation *operation)
{
	(void)operation;
	auto *rec = static_cast<threads_record *>(data);
	std::uint32_t s = rec->state.load(std::memory_order_acquire);
	if (s == THREADS_OP_FINISHED)
		return FUTURE_STATE_COMPLETE;
	if (s != THREADS_OP_NOTIFYING)
		return FUTURE_STATE_RUNNING;
	/*
	 * Done, and the worker is calling the notifier right now: wait for it
	 * to let go of the record (a few hundred nanoseconds unless it was
	 * preempted), so that nothing touches the record or the waker after
	 * the future completes.
	 */
	for (unsigned i = 0;; ++i) {
		if (rec->state.load(std::memory_order_acquire) == THREADS_OP_FINISHED)
			return FUTURE_STATE_COMPLETE;
		if (i < 1000)
			_FUTURE_SPIN_HINT();
		else
			sched_yield();
	}
}

void op_delete(void *data, const struct vdm_operation *operation,
               struct vdm_operation_output *output)
{
	auto *rec = static_cast<threads_record *>(data);
	data_mover_threads *m = rec->mover;
	masync::vdm_op::fill_output(*operation, static_cast<vdm_operation_result>(rec->result),
	                            *output);
	if (rec->room_waited) {
		/* A worker may still be inside this record's notifier: wait it out. */
		std::lock_guard<std::mutex> guard(*m->room_lock);
		room_unlink(m, rec);
	}
	if (rec->refs.load(std::memory_order_acquire) == 1)
		m->records->release(rec); /* nobody else can take a reference any more */
	else
		threads_drop_ref(m, rec);
}

void destroy(data_mover_threads *m) noexcept
{
	delete m->room_lock;
	delete[] m->sleeping;
	delete[] m->workers;
	delete m->queue;
	delete m->records;
	delete m;
}

void stop_workers(data_mover_threads *m, std::size_t started) noexcept
{
	m->stopping.store(true, std::memory_order_seq_cst);
	for (std::size_t w = 0; w < m->sleeping_words; ++w)
		m->sleeping[w].store(0, std::memory_order_seq_cst);
	for (std::size_t i = 0; i < started; ++i) {
		m->workers[i].word.store(0, std::memory_order_seq_cst);
		futex_wake(&m->workers[i].word, 1);
	}
	for (std::size_t i = 0; i < started; ++i)
		m->workers[i].thread.join();
}

} // namespace

threads_config threads_default_config()
{
	threads_config c;
	c.inline_max = env_size("MASYNC_THREADS_INLINE_MAX", 1024);
	c.chunk_size = env_size("MASYNC_THREADS_CHUNK", std::size_t(256) << 10);
	if (c.chunk_size < 4096)
		c.chunk_size = 4096;
	c.spin_ns = static_cast<std::uint32_t>(env_size("MASYNC_THREADS_SPIN_NS", 50000));
	std::size_t chain = env_size("MASYNC_THREADS_COALESCE", c.coalesce_chain);
	c.coalesce_chain = static_cast<std::uint32_t>(chain == 0 ? 1 : chain > 1024 ? 1024 : chain);
	std::size_t records = env_size("MASYNC_THREADS_RECORDS", 16384);
	c.records = static_cast<std::uint32_t>(records > record_pool<threads_record>::max_capacity
	                                           ? record_pool<threads_record>::max_capacity
	                                           : records);
	c.spinners = 0; /* chosen from the worker count in threads_mover_create */
	return c;
}

void threads_test_fail_thread_creation_at(int n) noexcept
{
	fail_thread_creation_at.store(n, std::memory_order_relaxed);
}

const threads_config &threads_mover_config(const data_mover_threads *m) noexcept
{
	return m->config;
}

data_mover_threads *threads_mover_create(const threads_config &config) noexcept
{
	if (config.nthreads == 0 || config.nthreads > max_threads || config.ring_size == 0 ||
	    config.ring_size > max_ring_size) {
		errno = EINVAL;
		return nullptr;
	}
	/* Read as an integer: a C caller may pass any int, which is no valid C++ enum value. */
	int notifier;
	static_assert(sizeof(notifier) == sizeof(config.notifier));
	std::memcpy(&notifier, &config.notifier, sizeof(notifier));
	if (notifier != FUTURE_NOTIFIER_NONE && notifier != FUTURE_NOTIFIER_WAKER &&
	    notifier != FUTURE_NOTIFIER_POLLER) {
		errno = EINVAL;
		return nullptr;
	}

	data_mover_threads *m = new (std::nothrow) data_mover_threads{};
	if (m == nullptr) {
		errno = ENOMEM;
		return nullptr;
	}
	m->config = config;
	std::size_t ring = 2;
	while (ring < config.ring_size)
		ring <<= 1;
	m->config.ring_size = ring;
	if (m->config.chunk_size < 4096)
		m->config.chunk_size = 4096;
	if (m->config.cpus == 0)
		m->config.cpus = std::thread::hardware_concurrency();
	if (m->config.spinners == 0) /* half the workers, at least one, spin when idle */
		m->config.spinners = static_cast<std::uint32_t>((config.nthreads + 1) / 2);

	m->base.op_new = op_new;
	m->base.op_delete = op_delete;
	m->base.op_start = op_start;
	m->base.op_check = op_check;
	m->base.capabilities = VDM_F_MEM_DURABLE | VDM_F_NO_CACHE_HINT;
	m->base.has_property = has_property;

	m->nworkers = config.nthreads;
	m->sleeping_words = (config.nthreads + 63) / 64;
	try {
		m->records = new record_pool<threads_record>(config.records);
		m->queue = new mpmc_queue<threads_record *>(ring);
		m->workers = new threads_worker[m->nworkers];
		m->sleeping = new std::atomic<std::uint64_t>[m->sleeping_words];
		m->room_lock = new std::mutex;
	} catch (const std::bad_alloc &) {
		destroy(m);
		errno = ENOMEM;
		return nullptr;
	}
	for (std::size_t w = 0; w < m->sleeping_words; ++w)
		m->sleeping[w].store(0, std::memory_order_relaxed);

	for (std::size_t i = 0; i < m->nworkers; ++i) {
		int fail_at = fail_thread_creation_at.load(std::memory_order_relaxed);
		int err = 0;
		if (fail_at >= 0 && i >= static_cast<std::size_t>(fail_at)) {
			err = EAGAIN;
		} else {
			try {
				m->workers[i].thread = std::thread(threads_worker_main, m, i);
			} catch (const std::system_error &e) {
				err = e.code().value() ? e.code().value() : EAGAIN;
			} catch (...) {
				err = ENOMEM;
			}
		}
		if (err != 0) {
			stop_workers(m, i);
			destroy(m);
			errno = err;
			return nullptr;
		}
	}
	return m;
}

/*
 * The durable slot is written first: a worker that loads the new function
 * (acquire) also sees its slot, one that still loads the old function
 * compares it with a slot that is either nullptr or the new function, and at
 * worst writes its range back once more.
 */
template <typename Fn>
int set_fn(std::atomic<Fn> &slot, std::atomic<Fn> &durable_slot, Fn fn, unsigned fn_flags)
{
	durable_slot.store((fn_flags & DATA_MOVER_THREADS_FN_DURABLE) ? fn : nullptr,
	                   std::memory_order_relaxed);
	slot.store(fn, std::memory_order_release);
	return 0;
}

bool bad_fn_call(const data_mover_threads *dmt, unsigned fn_flags)
{
	return dmt == nullptr || (fn_flags & ~DATA_MOVER_THREADS_FN_VALID_FLAGS) != 0;
}

} // namespace masync::detail

using namespace masync::detail;

extern "C" {

MINIASYNC_EXPORT struct data_mover_threads *
data_mover_threads_new(size_t nthreads, size_t ringbuf_size,
                       enum future_notifier_type desired_notifier)
{
	threads_config c = threads_default_config();
	c.nthreads = nthreads;
	c.ring_size = ringbuf_size;
	std::memcpy(&c.notifier, &desired_notifier, sizeof(c.notifier));
	return threads_mover_create(c);
}

MINIASYNC_EXPORT struct data_mover_threads *data_mover_threads_default(void)
{
	threads_config c = threads_default_config();
	/*
	 * One CPU is left to the thread that creates and polls the futures: on
	 * a 2-CPU machine a second worker only competes with it (4 KiB copies
	 * in flight ran at 0.26 x a plain memcpy with two workers, 0.63 x with
	 * one; docs/threads_mover.md). A thread waiting in runtime_wait copies
	 * chunks of a large operation itself, so one big copy still uses every
	 * CPU.
	 */
	unsigned hw = std::thread::hardware_concurrency();
	c.nthreads = hw <= 1 ? 1 : hw - 1;
	c.ring_size = 1024;
	c.notifier = FUTURE_NOTIFIER_WAKER;
	return threads_mover_create(c);
}

MINIASYNC_EXPORT struct vdm *data_mover_threads_get_vdm(struct data_mover_threads *dmt)
{
	return &dmt->base;
}

MINIASYNC_EXPORT void data_mover_threads_delete(struct data_mover_threads *dmt)
{
	if (dmt == nullptr)
		return;
	/* The workers drain the queue before they exit (they leave only when it is empty). */
	stop_workers(dmt, dmt->nworkers);
	destroy(dmt);
}

MINIASYNC_EXPORT void data_mover_threads_set_memcpy_fn(struct data_mover_threads *dmt,
                                                       memcpy_fn op_memcpy)
{
	if (dmt != nullptr)
		set_fn(dmt->op_memcpy, dmt->durable_memcpy, op_memcpy, 0);
}

MINIASYNC_EXPORT void data_mover_threads_set_memmove_fn(struct data_mover_threads *dmt,
                                                        memmove_fn op_memmove)
{
	if (dmt != nullptr)
		set_fn(dmt->op_memmove, dmt->durable_memmove, op_memmove, 0);
}

MINIASYNC_EXPORT void data_mover_threads_set_memset_fn(struct data_mover_threads *dmt,
                                                       memset_fn op_memset)
{
	if (dmt != nullptr)
		set_fn(dmt->op_memset, dmt->durable_memset, op_memset, 0);
}

MINIASYNC_EXPORT int data_mover_threads_set_memcpy_fn_flags(struct data_mover_threads *dmt,
                                                            memcpy_fn op_memcpy, unsigned fn_flags)
{
	if (bad_fn_call(dmt, fn_flags))
		return EINVAL;
	return set_fn(dmt->op_memcpy, dmt->durable_memcpy, op_memcpy, fn_flags);
}

MINIASYNC_EXPORT int data_mover_threads_set_memmove_fn_flags(struct data_mover_threads *dmt,
                                                             memmove_fn op_memmove,
                                                             unsigned fn_flags)
{
	if (bad_fn_call(dmt, fn_flags))
		return EINVAL;
	return set_fn(dmt->op_memmove, dmt->durable_memmove, op_memmove, fn_flags);
}

MINIASYNC_EXPORT int data_mover_threads_set_memset_fn_flags(struct data_mover_threads *dmt,
                                                            memset_fn op_memset, unsigned fn_flags)
{
	if (bad_fn_call(dmt, fn_flags))
		return EINVAL;
	return set_fn(dmt->op_memset, dmt->durable_memset, op_memset, fn_flags);
}

} // extern "C"
