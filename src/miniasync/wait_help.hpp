/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * miniasync/wait_help.hpp -- the runtime's mover-neutral "help while
 * waiting" hook: a thread waiting in runtime_wait may do work for a mover
 * instead of spinning or sleeping.
 *
 * What it is
 *   While the runtime polls its futures (one pass of runtime_wait or
 *   runtime_wait_multiple), it opens a window on its thread
 *   (wait_help_open). A mover whose op_start runs in that window may offer
 *   one job (wait_help_offer: a function and its argument), e.g. the threads
 *   mover offers to copy chunks of a large split operation alongside its
 *   workers. When the pass is over the runtime closes the window and, if a
 *   job was offered, runs it (wait_help_close_and_run) and polls again.
 *   The runtime knows nothing about the movers; a mover that offers nothing
 *   costs one thread-local load per op_start.
 *
 * Lifetime
 *   A window lives for one pass of one runtime call; an offered job is
 *   always run before the call goes on, so the mover's argument (holding
 *   whatever reference the mover took for it) never outlives the call. Only
 *   the first offer of a pass is taken (wait_help_offer returns false for
 *   the others, and outside a window).
 *
 * Thread safety
 *   Thread-local state only. constinit: no TLS initialisation check on any
 *   access, and nothing of it is exported.
 */
#ifndef MASYNC_MINIASYNC_WAIT_HELP_HPP
#define MASYNC_MINIASYNC_WAIT_HELP_HPP

namespace masync::detail
{

using wait_help_fn = void (*)(void *arg) noexcept;

struct wait_help_window {
	bool open = false;
	wait_help_fn fn = nullptr;
	void *arg = nullptr;
};

/* Defined in runtime.cpp. */
[[gnu::tls_model(
    "initial-exec")]] extern constinit thread_local wait_help_window this_thread_wait_help;

inline void wait_help_open() noexcept
{
	this_thread_wait_help.open = true;
}

/* Whether an offer made now would be taken (a window is open and free). */
inline bool wait_help_available() noexcept
{
	const wait_help_window &w = this_thread_wait_help;
	return w.open && w.fn == nullptr;
}

/* Offers one job for this pass; false (nothing recorded) if none is available. */
inline bool wait_help_offer(wait_help_fn fn, void *arg) noexcept
{
	wait_help_window &w = this_thread_wait_help;
	if (!w.open || w.fn != nullptr)
		return false;
	w.fn = fn;
	w.arg = arg;
	return true;
}

/* Closes the window and runs the offered job, if any; true if one ran. */
inline bool wait_help_close_and_run() noexcept
{
	wait_help_window &w = this_thread_wait_help;
	w.open = false;
	wait_help_fn fn = w.fn;
	if (fn == nullptr)
		return false;
	void *arg = w.arg;
	w.fn = nullptr;
	w.arg = nullptr;
	fn(arg);
	return true;
}

} // namespace masync::detail

#endif
