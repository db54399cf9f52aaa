/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * miniasync/threads_help.hpp -- a thread waiting in runtime_wait lends a
 * hand with the large operation it is waiting for.
 *
 * What it is
 *   While the runtime polls (runtime_wait, runtime_wait_multiple), it opens
 *   a help window on its thread. A threads-mover operation large enough to
 *   be split into chunks that starts in that window (its op_start runs on
 *   the polling thread) is remembered in the window, with a reference on its
 *   record. Once the pass is over, the runtime calls threads_help_run(): the
 *   thread claims and copies chunks of that operation alongside the workers
 *   until none are left, instead of spinning or sleeping while they work.
 *   The operation then starts with no wake-up latency, and the waiting
 *   thread is usually awake when it completes.
 *
 * Lifetime
 *   The window lives only for one pass of one runtime call; the remembered
 *   operation is always either helped or released before the call goes on,
 *   so nothing outlives the runtime call (and a mover cannot be deleted
 *   while a thread is waiting for one of its futures anyway). Only the
 *   first split operation of a pass is remembered.
 *
 * Thread safety
 *   Thread-local; the chunks themselves are claimed with the same atomic
 *   counter the workers use (data_mover_threads.hpp).
 */
#ifndef MASYNC_MINIASYNC_THREADS_HELP_HPP
#define MASYNC_MINIASYNC_THREADS_HELP_HPP

struct data_mover_threads;

namespace masync::detail
{

struct threads_record;

struct help_window {
	bool open = false;
	data_mover_threads *mover = nullptr;
	threads_record *rec = nullptr;
};

[[gnu::tls_model("initial-exec")]] extern thread_local help_window this_thread_help;

inline void help_window_open() noexcept
{
	this_thread_help.open = true;
}

/* Closes the window; true if an operation waits for this thread's help. */
inline bool help_window_close() noexcept
{
	this_thread_help.open = false;
	return this_thread_help.rec != nullptr;
}

/* Copies chunks of the remembered operation until none are left, then forgets it. */
void threads_help_run() noexcept;

} // namespace masync::detail

#endif
