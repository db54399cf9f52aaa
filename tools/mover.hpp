/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * tools/mover.hpp -- the data movers the tool offers (`--mover`), owned.
 *
 *   default  libpmem2's own mover of each map (no struct vdm here: vdm()
 *            is nullptr and the map provides one)
 *   sync     the synchronous mover (the polling thread does the work)
 *   threads  the threads mover with --threads workers (0: one per CPU)
 *
 * A mover is created once per run and outlives every future on it; the
 * threads mover's workers stop when it is destroyed. Thread-safe as the
 * movers are.
 */
#ifndef MASYNC_TOOLS_MOVER_HPP
#define MASYNC_TOOLS_MOVER_HPP

#include <memory>
#include <string>
#include <vector>

struct vdm;

namespace masync::tool
{

class mover
{
      public:
	/* The names --mover accepts. */
	static const std::vector<std::string> &names();

	/* Creates the named mover; throws failure when it cannot. */
	mover(const std::string &name, unsigned threads);
	~mover();
	mover(const mover &) = delete;
	mover &operator=(const mover &) = delete;

	const std::string &name() const { return name_; }
	/* The mover to give libpmem2 or vdm_*; nullptr for "default". */
	struct vdm *vdm() const { return vdm_; }
	/* "threads mover, 2 workers" and the like. */
	std::string description() const;
	/* Worker threads (0 unless threads). */
	unsigned threads() const { return threads_; }

      private:
	std::string name_;
	unsigned threads_ = 0;
	struct vdm *vdm_ = nullptr;
	void *owned_ = nullptr;
};

/* The mover the tool uses unless told: threads (default where it is missing). */
const char *default_mover_name();

/* Online CPUs (at least 1). */
unsigned cpu_count();

} // namespace masync::tool

#endif
