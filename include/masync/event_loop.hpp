/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * masync/event_loop.hpp -- runs many coroutines on one thread, sleeping
 * when none can progress.
 *
 * What it is
 *   An event_loop resumes coroutines (masync::task, see task.hpp) on the
 *   thread that calls run(). A task that awaits a future which cannot
 *   complete at once is parked on the loop's waiting list with the future
 *   and the future's own notifier. Each pass of the loop resumes every ready
 *   coroutine, then polls every parked future once; the coroutines of
 *   futures that completed become ready.
 *
 * Sleeping (never a busy wait)
 *   When a pass makes no progress the loop spins a few passes (a wake-up
 *   from sleep costs tens of microseconds), then:
 *   - if every parked future uses a waker (FUTURE_NOTIFIER_WAKER), it sleeps
 *     on a futex until one of them calls the loop's waker. The sleep is
 *     race-free: the loop announces it is about to sleep, reads the wake
 *     counter, polls once more and sleeps only if the counter is unchanged;
 *     a waker increments the counter and issues the futex wake only when the
 *     loop announced it sleeps (no system call per wake otherwise);
 *   - if some parked future notifies nobody (NONE) or uses a POLLER word,
 *     it cannot wake the loop: the loop sleeps with a time-out that doubles
 *     from 1 us up to 1 ms between passes (wakers still cut the sleep
 *     short), so such futures complete promptly and an idle loop costs
 *     little CPU.
 *
 * Cost
 *   Parking, resuming and polling use intrusive lists whose nodes live in the
 *   coroutine frames (in the awaiters): the loop allocates nothing. Coroutine
 *   frames themselves are allocated by the compiler, as for any coroutine;
 *   they are the user's, one per task, not one per operation.
 *
 * Lifetime
 *   Not movable: the futures hold the loop's address in their wakers. A
 *   future must not call its waker once it has been seen complete (the
 *   movers of this project report completion to op_check only after their
 *   waker call has returned; see docs/cpp.md, "Wakers and lifetimes"), so
 *   the loop may be destroyed as soon as its futures have completed.
 *   Destroying the loop destroys the tasks spawned on it that have not
 *   finished (destroying their futures finishes the operations first).
 *
 * Thread safety
 *   One thread runs a loop and is the only one that may spawn tasks on it or
 *   call run(); the loop's waker may be called from any thread. Different
 *   loops may run on different threads.
 *
 * Memory ordering
 *   The waker's increment of the wake counter is sequentially consistent
 *   with the loop's announcement that it sleeps; what a future publishes
 *   before waking is seen through the future's own acquire (its poll).
 */
#ifndef MASYNC_EVENT_LOOP_HPP
#define MASYNC_EVENT_LOOP_HPP

#include <atomic>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <exception>
#include <utility>

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <libminiasync/future.h>

#include "error.hpp"
#include "future.hpp"

namespace masync
{

class event_loop;

namespace detail
{

/* A node of an intrusive doubly-linked list (no allocation). */
struct list_node {
	list_node *prev = nullptr;
	list_node *next = nullptr;
	bool linked() const noexcept { return prev != nullptr; }
};

/* A circular intrusive list with a sentinel. */
class ilist
{
      public:
	ilist() noexcept { head_.prev = head_.next = &head_; }
	ilist(const ilist &) = delete;
	ilist &operator=(const ilist &) = delete;

	bool empty() const noexcept { return head_.next == &head_; }
	list_node *front() const noexcept { return empty() ? nullptr : head_.next; }
	list_node *end() noexcept { return &head_; }

	void push_back(list_node &n) noexcept
	{
		n.prev = head_.prev;
		n.next = &head_;
		head_.prev->next = &n;
		head_.prev = &n;
	}
	static void erase(list_node &n) noexcept
	{
		n.prev->next = n.next;
		n.next->prev = n.prev;
		n.prev = n.next = nullptr;
	}

      private:
	list_node head_;
};

/* A coroutine the loop can resume: ready-queue membership. */
struct ready_node : list_node {
	std::coroutine_handle<> handle;
};

/* A coroutine parked on a future: waiting-list membership. */
struct wait_node : ready_node {
	struct ::future *fut = nullptr;
	struct ::future_notifier note {
	};
	event_loop *loop = nullptr;
};

inline long futex(std::atomic<std::uint32_t> *word, int op, std::uint32_t val,
                  const struct timespec *timeout) noexcept
{
	static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t));
	return syscall(SYS_futex, reinterpret_cast<std::uint32_t *>(word), op, val, timeout,
	               nullptr, 0);
}

} // namespace detail

class event_loop
{
      public:
	event_loop() noexcept = default;
	event_loop(const event_loop &) = delete;
	event_loop &operator=(const event_loop &) = delete;

	/* Destroys the spawned tasks that have not finished. */
	~event_loop()
	{
		while (detail::list_node *n = detached_.front()) {
			auto *r = static_cast<detail::ready_node *>(n);
			detail::ilist::erase(*n);
			if (r->handle)
				r->handle.destroy();
		}
	}

	/*
	 * Starts a task on this loop, detached: the loop owns it and destroys it
	 * when it finishes. An exception that escapes a detached task is kept
	 * (the first one) and rethrown by run(). The task type provides
	 * start_detached(event_loop &) (masync::task does).
	 */
	template <class Task> void spawn(Task &&t) { std::forward<Task>(t).start_detached(*this); }

	/*
	 * Runs until every spawned task has finished; then rethrows the first
	 * exception that escaped a detached task, if any. Throws
	 * masync::error(errc::stuck_loop) when tasks remain but none is ready or
	 * parked on a future (they await something the loop cannot see).
	 */
	void run()
	{
		run_until([this] { return live_ == 0; });
		if (first_exception_)
			std::rethrow_exception(std::exchange(first_exception_, nullptr));
	}

	/* Runs until done() returns true (checked after each batch of resumptions). */
	template <class Done> void run_until(Done &&done)
	{
		unsigned idle = 0;
		long backoff_ns = 1000;
		for (;;) {
			resume_ready();
			if (done())
				return;
			if (waiting_.empty())
				throw_error(errc::stuck_loop, "masync event_loop");
			if (poll_waiting()) {
				idle = 0;
				backoff_ns = 1000;
				continue;
			}
			if (++idle < spin_passes) {
				detail::spin_hint();
				continue;
			}
			if (all_wakers_) {
				sleep_until_woken();
			} else {
				sleep_for(backoff_ns);
				if (backoff_ns < max_backoff_ns)
					backoff_ns *= 2;
			}
		}
	}

	/* The loop's waker (what parked futures call; any thread). */
	struct ::future_waker waker() noexcept { return {this, &event_loop::wake}; }

	/*
	 * Whether the loop has announced that it is about to sleep or sleeps
	 * (a diagnostic, for tests; any thread).
	 */
	bool sleeping() const noexcept { return sleeping_.load(std::memory_order_seq_cst); }

	/* Number of detached tasks that have not finished. */
	std::size_t tasks() const noexcept { return live_; }

	/* ---- for task implementations (task.hpp) ---- */

	/* Queues a coroutine to be resumed on the next pass. */
	void post(detail::ready_node &n) noexcept { ready_.push_back(n); }

	/*
	 * Polls n.fut for the first time, with n.note (the loop's waker);
	 * returns whether it completed. If not, the coroutine calls park(n).
	 */
	bool first_poll(detail::wait_node &n) noexcept
	{
		n.note = make_notifier(waker());
		return future_poll(n.fut, &n.note) == FUTURE_STATE_COMPLETE;
	}

	/* Parks n (already polled once): the loop polls it from now on. */
	void park(detail::wait_node &n) noexcept { waiting_.push_back(n); }

	/* Removes a node from whichever list holds it (frame destroyed early). */
	static void unlink(detail::list_node &n) noexcept
	{
		if (n.linked())
			detail::ilist::erase(n);
	}

	/* Registers a detached task (its node holds its handle). */
	void adopt(detail::ready_node &n) noexcept
	{
		detached_.push_back(n);
		++live_;
	}

	/* Called by a detached task that has finished, before it is destroyed. */
	void finished(detail::ready_node &n, std::exception_ptr e) noexcept
	{
		unlink(n);
		--live_;
		if (e && !first_exception_)
			first_exception_ = std::move(e);
	}

      private:
	static constexpr unsigned spin_passes = 64;
	static constexpr long max_backoff_ns = 1000000;

	static void wake(void *data) noexcept
	{
		auto *self = static_cast<event_loop *>(data);
		self->epoch_.fetch_add(1, std::memory_order_seq_cst);
		if (self->sleeping_.load(std::memory_order_seq_cst))
			detail::futex(&self->epoch_, FUTEX_WAKE_PRIVATE, 1, nullptr);
	}

	void resume_ready()
	{
		while (detail::list_node *n = ready_.front()) {
			detail::ilist::erase(*n);
			static_cast<detail::ready_node *>(n)->handle.resume();
		}
	}

	/* Polls every parked future once; returns whether any completed. */
	bool poll_waiting() noexcept
	{
		bool progress = false;
		bool wakers = true;
		detail::list_node *end = waiting_.end();
		for (detail::list_node *p = end->next; p != end;) {
			auto *n = static_cast<detail::wait_node *>(p);
			p = p->next;
			if (future_poll(n->fut, &n->note) == FUTURE_STATE_COMPLETE) {
				detail::ilist::erase(*n);
				ready_.push_back(*n);
				progress = true;
			} else if (n->note.notifier_used != FUTURE_NOTIFIER_WAKER) {
				wakers = false;
			}
		}
		all_wakers_ = wakers;
		return progress;
	}

	void sleep_until_woken() noexcept
	{
		sleeping_.store(true, std::memory_order_seq_cst);
		std::uint32_t e = epoch_.load(std::memory_order_seq_cst);
		if (!poll_waiting() && all_wakers_)
			detail::futex(&epoch_, FUTEX_WAIT_PRIVATE, e, nullptr);
		sleeping_.store(false, std::memory_order_relaxed);
	}

	void sleep_for(long ns) noexcept
	{
		sleeping_.store(true, std::memory_order_seq_cst);
		std::uint32_t e = epoch_.load(std::memory_order_seq_cst);
		struct timespec ts = {0, ns};
		detail::futex(&epoch_, FUTEX_WAIT_PRIVATE, e, &ts);
		sleeping_.store(false, std::memory_order_relaxed);
	}

	detail::ilist ready_;
	detail::ilist waiting_;
	detail::ilist detached_;
	std::size_t live_ = 0;
	bool all_wakers_ = false;
	std::exception_ptr first_exception_;
	std::atomic<std::uint32_t> epoch_{0};
	std::atomic<bool> sleeping_{false};
};

} // namespace masync

#endif /* MASYNC_EVENT_LOOP_HPP */
