/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * masync/future.hpp -- typed, move-only owners of C miniasync futures.
 *
 * What it is
 *   masync::future<CF, Result> holds one C future of type CF (any structure
 *   made with the FUTURE macro: a `struct future base` followed by `data` and
 *   `output`, e.g. struct vdm_operation_future, struct pmem2_future, or a
 *   user-defined one) by value, inside the object: no heap allocation, no
 *   indirection. poll() runs one step (future_poll), ready() says whether it
 *   has completed, result() gives its typed result or throws masync::error.
 *   `Result` is a policy that turns the C output into the C++ result:
 *     using type = ...;                                  the result type
 *     static std::error_code error(const CF &) noexcept; {} when it succeeded
 *     static type value(CF &);                           the result
 *   The default policy (output_result<CF>) returns a copy of CF's output and
 *   never fails. Movers and compositions supply their own.
 *
 * Lifetime
 *   Move-only: copying would run the operation twice. Moving transfers the C
 *   future (copied bitwise, as the C API allows) and leaves the source empty
 *   (valid() == false). A future that is destroyed (or assigned to) before it
 *   has completed is first driven to completion by polling it without a
 *   notifier: the operation it stands for happens exactly once and its mover
 *   record is returned. Use release() to take the C future out instead.
 *   Whatever the C future points to (mover, buffers, map) must outlive it.
 *
 * Thread safety
 *   As for the C future: one thread at a time may use a given future object;
 *   different futures may be used concurrently. The object may be moved to,
 *   and polled on, another thread.
 *
 * Memory ordering
 *   That of the C future: once ready() returns true (or poll() returns
 *   state::complete), the operation's effects and output are visible to the
 *   calling thread.
 */
#ifndef MASYNC_FUTURE_HPP
#define MASYNC_FUTURE_HPP

#include <concepts>
#include <cstddef>
#include <system_error>
#include <thread>
#include <type_traits>
#include <utility>

#include <libminiasync/future.h>

#include "error.hpp"

namespace masync
{

/* The state of a future (the values of enum future_state). */
enum class state : int {
	idle = FUTURE_STATE_IDLE,
	complete = FUTURE_STATE_COMPLETE,
	running = FUTURE_STATE_RUNNING,
};

/*
 * A C future type: a structure starting with `struct future base`, followed
 * by `data` and `output` (what the FUTURE macro defines). The C++ layer's own
 * compositions (compose.hpp) have this shape too.
 */
template <class T>
concept c_future = std::is_class_v<T> && requires(T &f)
{
	{
		f.base
		} -> std::same_as<struct ::future &>;
	f.data;
	f.output;
};

/* The default result policy: a copy of the C future's output; never fails. */
template <class CF> struct output_result {
	using type = std::remove_cvref_t<decltype(std::declval<CF &>().output)>;
	static std::error_code error(const CF &) noexcept { return {}; }
	static type value(CF &f) noexcept(std::is_nothrow_copy_constructible_v<type>)
	{
		return f.output;
	}
};

/* A result policy for Result's requirements (see above). */
template <class P, class CF>
concept result_policy = requires(CF &f, const CF &cf)
{
	typename P::type;
	{
		P::error(cf)
	}
	noexcept->std::same_as<std::error_code>;
	P::value(f);
};

namespace detail
{

/* A pause hint for spin loops. */
inline void spin_hint() noexcept
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

/* Polls fut without a notifier until it completes (spin, then yield). */
inline void drive_to_completion(struct ::future *fut) noexcept
{
	for (unsigned i = 0; future_poll(fut, nullptr) != FUTURE_STATE_COMPLETE; ++i) {
		if (i < 64)
			spin_hint();
		else
			std::this_thread::yield();
	}
}

} // namespace detail

/*
 * Polls a child future for a parent that was given notifier `parent` (may be
 * NULL). `child` is the child's own notifier, kept by the caller across
 * polls: its kind (notifier_used) and poller word stay as the child set them
 * (a mover sets them on the poll that starts the operation only), its waker
 * is refreshed from the parent's on every poll.
 */
inline enum future_state poll_with(struct ::future *fut, struct ::future_notifier &child,
                                   const struct ::future_notifier *parent) noexcept
{
	if (parent == nullptr)
		return future_poll(fut, nullptr);
	child.waker = parent->waker;
	return future_poll(fut, &child);
}

/* An empty notifier: no waker, NONE used. */
inline struct ::future_notifier make_notifier(struct ::future_waker w = {nullptr, nullptr}) noexcept
{
	struct ::future_notifier n;
	n.waker = w;
	n.poller.ptr_to_monitor = nullptr;
	n.notifier_used = FUTURE_NOTIFIER_NONE;
	n.padding = 0;
	return n;
}

template <c_future CF, class Result = output_result<CF>>
requires result_policy<Result, CF>
class future
{
      public:
	using c_type = CF;
	using result_policy_type = Result;
	using result_type = typename Result::type;

	/* An empty future (valid() == false). */
	future() noexcept requires std::is_default_constructible_v<CF> : valid_(false)
	{
		disarm(fut_);
	}

	/* Takes ownership of a C future (any state). */
	explicit future(CF &&f) noexcept(std::is_nothrow_move_constructible_v<CF>)
	    : fut_(std::move(f)), valid_(true)
	{
	}
	explicit future(const CF &f) noexcept(std::is_nothrow_copy_constructible_v<CF>)
	    : fut_(f), valid_(true)
	{
	}

	/*
	 * Takes ownership of the C future `make()` returns, built in place (no
	 * copy of the C future: e.g. future(std::in_place, [&] { return
	 * vdm_memcpy(...); })).
	 */
	template <class Make>
	requires std::is_same_v<std::invoke_result_t<Make>, CF> future(std::in_place_t, Make &&make)
	noexcept(noexcept(make())) : fut_(std::forward<Make>(make)()), valid_(true) {}

	future(const future &) = delete;
	future &operator=(const future &) = delete;

	future(future &&o) noexcept(std::is_nothrow_move_constructible_v<CF>)
	    : fut_(std::move(o.fut_)), valid_(std::exchange(o.valid_, false))
	{
		disarm(o.fut_);
	}

	future &operator=(future &&o) noexcept(std::is_nothrow_move_assignable_v<CF>)
	{
		if (this != &o) {
			finish();
			fut_ = std::move(o.fut_);
			valid_ = std::exchange(o.valid_, false);
			disarm(o.fut_);
		}
		return *this;
	}

	~future() { finish(); }

	/* False for a default-constructed or moved-from future. */
	bool valid() const noexcept { return valid_; }

	/*
	 * Runs one step (future_poll) with an optional notifier; returns the new
	 * state. On an empty future: does nothing and returns state::complete.
	 */
	state poll(struct ::future_notifier *notifier = nullptr) noexcept
	{
		return static_cast<state>(future_poll(&fut_.base, notifier));
	}

	/* True once the future has completed (its result can be read). */
	bool ready() const noexcept
	{
		return valid_ && fut_.base.context.state == FUTURE_STATE_COMPLETE;
	}

	/* The state of the C future. */
	state current_state() const noexcept { return static_cast<state>(fut_.base.context.state); }

	/*
	 * The result of a completed future. Throws masync::error: with the C
	 * code when the operation failed, errc::not_ready before completion,
	 * errc::no_future when empty.
	 */
	result_type result()
	{
		check_ready();
		if constexpr (requires { Result::rethrow(fut_); })
			Result::rethrow(fut_); /* a policy may keep an exception */
		if (std::error_code ec = Result::error(fut_))
			throw_error(ec, "masync future");
		return Result::value(fut_);
	}

	/*
	 * The result, with failures reported through `ec` instead (the result
	 * is then value-initialized). Never throws unless the policy's value()
	 * does.
	 */
	result_type
	result(std::error_code &ec) noexcept(noexcept(Result::value(std::declval<CF &>())))
	{
		if (!valid_)
			ec = errc::no_future;
		else if (fut_.base.context.state != FUTURE_STATE_COMPLETE)
			ec = errc::not_ready;
		else
			ec = Result::error(fut_);
		if (ec) {
			if constexpr (std::is_void_v<result_type>)
				return;
			else
				return result_type{};
		}
		return Result::value(fut_);
	}

	/* The error of a completed future ({} on success or when not complete). */
	std::error_code error() const noexcept
	{
		if (!ready())
			return {};
		return Result::error(fut_);
	}

	/* The C future, for the C API (runtime_wait, chains). */
	CF &c_future() noexcept { return fut_; }
	const CF &c_future() const noexcept { return fut_; }

	/* FUTURE_AS_RUNNABLE: the `struct ::future *` of the C future. */
	struct ::future *runnable() noexcept { return &fut_.base; }

	/* Gives up ownership: returns the C future and leaves this empty. */
	CF release() noexcept(std::is_nothrow_move_constructible_v<CF>)
	{
		valid_ = false;
		CF out(std::move(fut_));
		disarm(fut_);
		return out;
	}

      private:
	void check_ready() const
	{
		if (!valid_)
			throw_error(errc::no_future, "masync future");
		if (fut_.base.context.state != FUTURE_STATE_COMPLETE)
			throw_error(errc::not_ready, "masync future");
	}

	void finish() noexcept
	{
		if (valid_ && fut_.base.context.state != FUTURE_STATE_COMPLETE)
			detail::drive_to_completion(&fut_.base);
	}

	/* Marks a moved-from C future COMPLETE so that polling it is a no-op. */
	static void disarm(CF &f) noexcept { f.base.context.state = FUTURE_STATE_COMPLETE; }

	CF fut_{};
	bool valid_;
};

namespace detail
{

template <class T> struct is_masync_future : std::false_type {
};
template <class CF, class R> struct is_masync_future<masync::future<CF, R>> : std::true_type {
};

} // namespace detail

/* A masync::future of any kind. */
template <class T>
concept masync_future = detail::is_masync_future<std::remove_cvref_t<T>>::value;

/* Anything that can be waited for or awaited: a masync future or a C future. */
template <class T>
concept pollable = masync_future<T> || c_future<std::remove_cvref_t<T>>;

/* The `struct ::future *` of a masync future or a C future. */
template <class F> struct ::future *as_runnable(F &f) noexcept
{
	if constexpr (masync_future<F>)
		return f.runnable();
	else
		return &f.base;
}

} // namespace masync

#endif /* MASYNC_FUTURE_HPP */
