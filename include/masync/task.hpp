/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * masync/task.hpp -- coroutines: masync::task<T>, co_await on futures,
 * sync_wait.
 *
 * What it is
 *   task<T> is a lazy coroutine returning T (or void). Inside a task:
 *     co_await f       for any masync future (mover operations, when_all,
 *                      then, pmem2 operations) -> f.result(), which throws
 *                      masync::error on failure;
 *     co_await cf      for any C miniasync future (a structure made with the
 *                      FUTURE macro, user-defined ones included; also
 *                      rvalues) -> a copy of its output;
 *     co_await t       for another task<U> -> its result (or its exception).
 *   Other awaitables are passed through untouched, but a task must only
 *   suspend on things its event loop can see (the above).
 *   Awaiting a future polls it once at once: an operation that completes on
 *   its first poll (the synchronous mover) resumes the task without
 *   suspending it. Otherwise the task is parked on its event loop with the
 *   future and resumed when the future completes (see event_loop.hpp).
 *
 *   Running tasks:
 *     sync_wait(t)              runs t (and anything it spawns) on a fresh
 *                               event loop on this thread; returns its result
 *     sync_wait(loop, t)        the same on an existing loop
 *     loop.spawn(t); loop.run() detached tasks (see event_loop.hpp)
 *   A task started by co_await runs on its awaiter's loop.
 *
 * Cost
 *   The future being awaited stays where it is (in the coroutine frame); the
 *   awaiter, which holds the loop's list node and the future's notifier,
 *   lives in the frame too. No allocation per operation. The frame of each
 *   task is allocated by the compiler (operator new), once per task call.
 *   Resuming a task from a task uses symmetric transfer (no stack growth).
 *
 * Lifetime
 *   task<T> owns its coroutine frame (move-only); destroying an unfinished
 *   task destroys the frame, and with it the futures it awaits (which are
 *   finished first, see future.hpp). What a task awaits and refers to must
 *   outlive its use, as for any coroutine (beware of reference parameters).
 *   T may not be a reference type.
 *
 * Thread safety
 *   A task runs on the thread of its loop. Tasks of different loops on
 *   different threads are independent.
 *
 * Memory ordering
 *   That of the awaited futures: when a co_await resumes, the future's
 *   effects are visible to the task.
 */
#ifndef MASYNC_TASK_HPP
#define MASYNC_TASK_HPP

#include <coroutine>
#include <exception>
#include <type_traits>
#include <utility>
#include <variant>

#include <libminiasync/future.h>

#include "error.hpp"
#include "event_loop.hpp"
#include "future.hpp"

namespace masync
{

template <class T = void> class task;

namespace detail
{

/* What every task promise has, whatever its T. */
struct promise_base {
	event_loop *loop = nullptr;
	std::coroutine_handle<> continuation;
	ready_node self;  /* ready-queue membership (start) */
	ready_node owner; /* the loop's detached list (detached tasks) */
	bool detached = false;
	bool done = false;

	promise_base() = default;
	promise_base(const promise_base &) = delete;
	promise_base &operator=(const promise_base &) = delete;
	~promise_base()
	{
		event_loop::unlink(self);
		event_loop::unlink(owner);
	}
};

/* Parks a coroutine on a future until it completes. */
template <class F> struct future_awaiter : wait_node {
	F &f;
	promise_base &p;

	future_awaiter(F &future, promise_base &pr) noexcept : f(future), p(pr)
	{
		this->fut = as_runnable(f);
	}
	future_awaiter(const future_awaiter &) = delete;
	future_awaiter &operator=(const future_awaiter &) = delete;
	~future_awaiter() { event_loop::unlink(*this); }

	/*
	 * The first poll happens here, so that an operation that completes at
	 * once (the synchronous mover) costs no suspension at all.
	 */
	bool await_ready() noexcept
	{
		return fut->context.state == FUTURE_STATE_COMPLETE || p.loop->first_poll(*this);
	}
	void await_suspend(std::coroutine_handle<> h) noexcept
	{
		handle = h;
		p.loop->park(*this);
	}
	decltype(auto) await_resume()
	{
		if constexpr (masync_future<F>)
			return f.result();
		else
			return std::remove_cvref_t<decltype(f.output)>(f.output);
	}
};

/* Starts a child task; resumes the parent when it finishes (symmetric transfer). */
template <class P> struct task_awaiter {
	std::coroutine_handle<P> child;

	bool await_ready() const noexcept { return !child || child.done(); }
	template <class Q>
	std::coroutine_handle<> await_suspend(std::coroutine_handle<Q> parent) noexcept
	{
		child.promise().continuation = parent;
		child.promise().loop = parent.promise().loop;
		return child;
	}
	decltype(auto) await_resume()
	{
		if (!child)
			throw_error(errc::no_future, "masync task");
		return child.promise().result();
	}
};

struct final_awaiter {
	bool await_ready() const noexcept { return false; }
	template <class P>
	std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) noexcept
	{
		promise_base &p = h.promise();
		p.done = true;
		if (p.continuation)
			return p.continuation;
		if (p.detached) {
			p.loop->finished(p.owner, h.promise().exception());
			h.destroy();
		}
		return std::noop_coroutine();
	}
	void await_resume() const noexcept {}
};

template <class Derived, class T> struct promise_common : promise_base {
	task<T> get_return_object() noexcept
	{
		return task<T>(
		    std::coroutine_handle<Derived>::from_promise(static_cast<Derived &>(*this)));
	}
	std::suspend_always initial_suspend() const noexcept { return {}; }
	final_awaiter final_suspend() const noexcept { return {}; }

	/* co_await on a masync future or a C future: park on the loop. */
	template <class F>
	requires pollable<F> future_awaiter<std::remove_reference_t<F>> await_transform(F &&f)
	noexcept { return {f, *this}; }
	/* co_await on a task. */
	template <class U>
	task_awaiter<typename task<U>::promise_type> await_transform(task<U> &t) noexcept
	{
		return {t.handle()};
	}
	template <class U>
	task_awaiter<typename task<U>::promise_type> await_transform(task<U> &&t) noexcept
	{
		return {t.handle()};
	}
	/* anything else: unchanged */
	template <class A>
	requires(!pollable<A>) A && await_transform(A &&a)
	noexcept { return std::forward<A>(a); }
};

template <class T> struct promise final : promise_common<promise<T>, T> {
	std::variant<std::monostate, T, std::exception_ptr> value;

	template <class U>
	requires std::is_convertible_v<U &&, T>
	void return_value(U &&v) noexcept(std::is_nothrow_constructible_v<T, U &&>)
	{
		value.template emplace<1>(std::forward<U>(v));
	}
	void unhandled_exception() noexcept { value.template emplace<2>(std::current_exception()); }
	std::exception_ptr exception() const noexcept
	{
		return value.index() == 2 ? std::get<2>(value) : nullptr;
	}
	T result()
	{
		if (value.index() == 2)
			std::rethrow_exception(std::get<2>(value));
		if (value.index() != 1)
			throw_error(errc::no_result, "masync task");
		return std::move(std::get<1>(value));
	}
};

template <> struct promise<void> final : promise_common<promise<void>, void> {
	std::exception_ptr error;

	void return_void() const noexcept {}
	void unhandled_exception() noexcept { error = std::current_exception(); }
	std::exception_ptr exception() const noexcept { return error; }
	void result()
	{
		if (error)
			std::rethrow_exception(error);
	}
};

} // namespace detail

template <class T> class [[nodiscard]] task
{
	static_assert(!std::is_reference_v<T>, "masync::task<T&> is not supported");

      public:
	using promise_type = detail::promise<T>;
	using value_type = T;

	task() noexcept = default;
	explicit task(std::coroutine_handle<promise_type> h) noexcept : h_(h) {}
	task(const task &) = delete;
	task &operator=(const task &) = delete;
	task(task &&o) noexcept : h_(std::exchange(o.h_, nullptr)) {}
	task &operator=(task &&o) noexcept
	{
		if (this != &o) {
			if (h_)
				h_.destroy();
			h_ = std::exchange(o.h_, nullptr);
		}
		return *this;
	}
	~task()
	{
		if (h_)
			h_.destroy();
	}

	/* False for a default-constructed, moved-from or detached task. */
	bool valid() const noexcept { return static_cast<bool>(h_); }
	/* True once the coroutine has finished (returned or thrown). */
	bool done() const noexcept { return h_ && h_.promise().done; }

	std::coroutine_handle<promise_type> handle() const noexcept { return h_; }

	/* Used by event_loop::spawn: the loop takes the frame over. */
	void start_detached(event_loop &loop) &&
	{
		if (!h_)
			throw_error(errc::no_future, "masync task");
		promise_type &p = h_.promise();
		p.loop = &loop;
		p.detached = true;
		p.owner.handle = h_;
		p.self.handle = h_;
		loop.adopt(p.owner);
		loop.post(p.self);
		h_ = nullptr;
	}

	/* Used by sync_wait: starts the task on `loop`, attached (this still owns it). */
	void start_on(event_loop &loop) &
	{
		if (!h_)
			throw_error(errc::no_future, "masync task");
		promise_type &p = h_.promise();
		p.loop = &loop;
		p.self.handle = h_;
		loop.post(p.self);
	}

	/* The result of a finished task (rethrows its exception). */
	decltype(auto) result()
	{
		if (!done())
			throw_error(h_ ? errc::not_ready : errc::no_future, "masync task");
		return h_.promise().result();
	}

      private:
	std::coroutine_handle<promise_type> h_;
};

/* Runs t on `loop` (on this thread) until it finishes; returns its result. */
template <class T> T sync_wait(event_loop &loop, task<T> t)
{
	t.start_on(loop);
	loop.run_until([&] { return t.done(); });
	return t.result();
}

/* Runs t on a fresh event loop on this thread until it finishes; returns its result. */
template <class T> T sync_wait(task<T> t)
{
	event_loop loop;
	return sync_wait(loop, std::move(t));
}

} // namespace masync

#endif /* MASYNC_TASK_HPP */
