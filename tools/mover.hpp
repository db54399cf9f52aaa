/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * tools/mover.hpp -- the data movers the tool offers (`--mover`), owned
 * through the C++ API (masync/mover.hpp, masync/dsa_mover.hpp).
 *
 *   default  libpmem2's own mover of each map (no struct vdm here: vdm()
 *            is nullptr and the map provides one)
 *   sync     the synchronous mover (the polling thread does the work)
 *   threads  the threads mover with --threads workers (0: one per CPU)
 *   dml      the DSA mover, HARDWARE: every operation on a DSA work queue;
 *            a failure (no usable queue) when there is none
 *   auto     the DSA mover, AUTO: small operations on the CPU, large ones
 *            on DSA, or on worker threads when there is no work queue
 *
 * A mover is created once per run and outlives every future on it; the
 * workers stop when it is destroyed. Thread-safe as the movers are.
 */
#ifndef MASYNC_TOOLS_MOVER_HPP
#define MASYNC_TOOLS_MOVER_HPP

#include <masync/dsa_mover.hpp>
#include <masync/mover.hpp>

#include <string>
#include <variant>
#include <vector>

namespace masync::tool
{

class mover
{
      public:
	/* The names --mover accepts. */
	static const std::vector<std::string> &names();

	/* Creates the named mover; throws failure when it cannot. */
	mover(const std::string &name, unsigned threads);

	const std::string &name() const { return name_; }
	/* The mover to give libpmem2 or vdm_*; nullptr for "default". */
	struct vdm *vdm() const;
	/* "threads mover, 2 workers" and the like. */
	std::string description() const;
	/* Worker threads (0 unless threads). */
	unsigned threads() const { return threads_; }

      private:
	std::string name_;
	unsigned threads_ = 0;
	std::variant<std::monostate, masync::sync_mover, masync::threads_mover, masync::dsa_mover>
	    m_;
};

/* The mover the tool uses unless told. */
inline const char *default_mover_name()
{
	return "threads";
}

/* Online CPUs (at least 1). */
unsigned cpu_count();

} // namespace masync::tool

#endif
