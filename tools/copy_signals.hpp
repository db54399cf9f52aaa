/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * tools/copy_signals.hpp -- what signals do while a copy runs.
 *
 * The copy goes into a temporary file beside DST, renamed over DST only
 * once it is durable. While a signal_guard lives, SIGINT, SIGTERM and
 * SIGHUP remove the temporary file, say so on stderr and exit 128 + the
 * signal; a bus error (SRC truncated under us, a full tmpfs, a failing
 * device) does the same with exit status 1. Between committing() and
 * committed() (the rename and the directory's sync) a signal is only
 * recorded, and acted on once DST is complete. The handlers use only
 * async-signal-safe calls (unlink, write, _exit); their messages are made
 * when the guard is made. The old handlers come back when it is destroyed.
 *
 * One guard at a time per process (the handlers' state is global).
 */
#ifndef MASYNC_TOOLS_COPY_SIGNALS_HPP
#define MASYNC_TOOLS_COPY_SIGNALS_HPP

#include <signal.h>

#include <string>

namespace masync::tool
{

class signal_guard
{
      public:
	/* Handlers for one copy into `tmp`, whose destination is `dst`. */
	signal_guard(const std::string &tmp, const std::string &dst, bool existed,
	             const std::string &label);
	~signal_guard();
	signal_guard(const signal_guard &) = delete;
	signal_guard &operator=(const signal_guard &) = delete;

	/* The rename is next: signals wait until committed(). */
	void committing();
	/* DST is complete: a signal that came meanwhile ends the run now. */
	void committed(const std::string &dst, const std::string &label);

      private:
	struct sigaction old_[3]{};
	struct sigaction old_bus_ {
	};
};

} // namespace masync::tool

#endif
