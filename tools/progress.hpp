/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * tools/progress.hpp -- progress of a long operation, on stderr.
 *
 * On a terminal (isatty(stderr)) a bar redrawn in place, at most ten times
 * a second: percentage, bytes done, throughput and time left. Otherwise a
 * plain line every `interval` seconds (default 1 s), so that logs stay
 * readable. Mode none prints nothing. update() costs one clock read when
 * nothing is due. Not thread-safe: one thread reports.
 */
#ifndef MASYNC_TOOLS_PROGRESS_HPP
#define MASYNC_TOOLS_PROGRESS_HPP

#include <cstdint>
#include <string>

namespace masync::tool
{

class progress
{
      public:
	enum class mode { automatic, bar, lines, none };

	progress(std::string label, std::uint64_t total, mode m, double interval = 1.0);
	~progress();
	progress(const progress &) = delete;
	progress &operator=(const progress &) = delete;

	/* `done` bytes of `total` are finished. */
	void update(std::uint64_t done);
	/* Clears the bar (a terminal) so that the final report starts on a clean line. */
	void finish();

	/* Parses "auto", "bar", "lines" or "none". */
	static mode parse(const std::string &name);

      private:
	void draw(std::uint64_t done, double now);

	std::string label_;
	std::uint64_t total_;
	mode mode_;
	double interval_;
	double start_;
	double last_;
	bool drawn_ = false;
};

} // namespace masync::tool

#endif
