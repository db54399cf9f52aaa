/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * masync/runtime.hpp -- an RAII owner of a miniasync runtime, and waiting.
 *
 * What it is
 *   masync::runtime owns a `struct runtime` (runtime_new/runtime_delete) and
 *   waits for futures with it: any masync::future, or any C future (a
 *   structure made with the FUTURE macro, see c_future in future.hpp).
 *     wait(f)            runtime_wait on one future
 *     wait(f1, f2, ...)  runtime_wait_multiple on a fixed number of futures
 *                        (the pointer array is on the stack)
 *     wait_all(span)     every future of a span, in slices of 256 (the pointer
 *                        array is on the stack): at most 256 are in flight at
 *                        a time; an event_loop has no such limit
 *   Waiting never allocates. The runtime sleeps when no future can progress
 *   and is woken by their wakers (see libminiasync/runtime.h).
 *   Waiting returns once the futures are complete; read their results with
 *   result(), which throws on failure.
 *
 * Lifetime
 *   Move-only. The futures waited for must stay alive during the wait. The
 *   runtime must not be destroyed while a wait on it is in progress.
 *
 * Thread safety
 *   Several threads may wait on one runtime at once, each on its own
 *   futures (as the C runtime allows).
 *
 * Memory ordering
 *   When a wait returns, what the futures published before completing is
 *   visible to the caller.
 */
#ifndef MASYNC_RUNTIME_HPP
#define MASYNC_RUNTIME_HPP

#include <cerrno>
#include <cstddef>
#include <span>
#include <system_error>
#include <type_traits>
#include <utility>

#include <libminiasync/future.h>
#include <libminiasync/runtime.h>

#include "error.hpp"
#include "future.hpp"

namespace masync
{

class runtime
{
      public:
	/* Throws masync::error (errno) when the runtime cannot be created. */
	runtime() : rt_(runtime_new())
	{
		if (rt_ == nullptr)
			throw_error(make_errno_error_code(errno), "runtime_new");
	}
	/* Reports failure through ec (the runtime is then empty). */
	explicit runtime(std::error_code &ec) noexcept : rt_(runtime_new())
	{
		ec = rt_ ? std::error_code{} : make_errno_error_code(errno);
	}
	/* Takes ownership of an existing runtime. */
	explicit runtime(struct ::runtime *rt) noexcept : rt_(rt) {}

	runtime(const runtime &) = delete;
	runtime &operator=(const runtime &) = delete;
	runtime(runtime &&o) noexcept : rt_(std::exchange(o.rt_, nullptr)) {}
	runtime &operator=(runtime &&o) noexcept
	{
		if (this != &o)
			runtime_delete(std::exchange(rt_, std::exchange(o.rt_, nullptr)));
		return *this;
	}
	~runtime() { runtime_delete(rt_); }

	explicit operator bool() const noexcept { return rt_ != nullptr; }
	struct ::runtime *native() const noexcept { return rt_; }
	struct ::runtime *release() noexcept { return std::exchange(rt_, nullptr); }

	/* Waits until f has completed. */
	template <pollable F> void wait(F &f) const noexcept { runtime_wait(rt_, as_runnable(f)); }

	/* Waits until every one of the futures has completed (runtime_wait_multiple). */
	template <pollable... F>
	requires(sizeof...(F) >= 2) void wait(F &...fs) const noexcept
	{
		struct ::future *futs[] = {as_runnable(fs)...};
		runtime_wait_multiple(rt_, futs, sizeof...(F));
	}

	/*
	 * Waits until every future of the range has completed, 256 at a time
	 * (one runtime_wait_multiple per slice of 256, in order).
	 */
	template <class F, std::size_t E>
	requires pollable<F>
	void wait_all(std::span<F, E> fs) const noexcept
	{
		constexpr std::size_t slice = 256;
		struct ::future *futs[slice];
		std::size_t done = 0;
		while (done < fs.size()) {
			std::size_t n = 0;
			for (; n < slice && done + n < fs.size(); ++n)
				futs[n] = as_runnable(fs[done + n]);
			runtime_wait_multiple(rt_, futs, n);
			done += n;
		}
	}

      private:
	struct ::runtime *rt_;
};

} // namespace masync

#endif /* MASYNC_RUNTIME_HPP */
