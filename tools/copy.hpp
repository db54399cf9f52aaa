/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * tools/copy.hpp -- copying a file durably into a libpmem2 mapping of
 * another: the engine of `masync copy` and `masync demo`.
 *
 * copy_file() opens SRC, creates DST (or resizes it to SRC's size), checks
 * the free space, allocates DST's blocks ahead of the copy where the file
 * system preallocates (not tmpfs; so that a full device is an error
 * message, not a SIGBUS) and copies SRC into DST in chunks: each chunk is a
 * libpmem2 map of DST's range and a mapping of SRC's, copied by one
 * pmem2_memcpy_async future, started at once, with up to `in_flight` in
 * flight on the chosen mover, and unmapped as soon as it completes. Every
 * chunk is made durable as libpmem2 requires for the map's granularity
 * before it counts as done, and a new DST's directory entry is synced: when
 * copy_file returns, DST holds SRC's bytes durably and has its size. On any failure it throws
 * `failure`; a DST it created is removed, an existing DST is reported as incomplete. Nothing is
 * claimed for data that was not written.
 *
 * A bus error while copying (SRC truncated under us, a full tmpfs, the
 * device failing) ends the process with a message and exit status 1 (a signal handler).
 * Not thread-safe: one copy at a time per process.
 */
#ifndef MASYNC_TOOLS_COPY_HPP
#define MASYNC_TOOLS_COPY_HPP

#include "mover.hpp"
#include "progress.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace masync::tool
{

struct copy_options {
	std::string src;
	std::string dst;
	std::string mover = default_mover_name(); /* default | sync | threads | dml | auto */
	unsigned threads = 0;                     /* threads mover workers; 0: one per CPU */
	std::size_t chunk = 0;   /* bytes per future (rounded up to whole pages); 0: automatic */
	unsigned in_flight = 0;  /* futures in flight; 0: automatic */
	std::string io = "auto"; /* auto | map | write */
	bool verify = false;     /* re-read DST with pread and compare */
	progress::mode progress_mode = progress::mode::automatic;
	std::string label = "copy";
};

struct copy_report {
	std::uint64_t bytes = 0;
	double seconds = 0;        /* from opening SRC to DST durable */
	double verify_seconds = 0; /* --verify */
	bool verified = false;
	bool created = false;    /* DST did not exist */
	std::string granularity; /* of DST's map; "" when nothing was mapped (size 0) */
	std::string mover;       /* description */
	std::string method;      /* how the chunks were copied */
	std::string durability;  /* what made them durable */
	bool mapped = false;     /* copied through libpmem2 maps (else the kernel copied) */
	std::size_t chunk = 0;
	unsigned in_flight = 0;    /* the most futures that were in flight at once */
	std::uint64_t futures = 0; /* futures, or copy calls when not mapped */
};

copy_report copy_file(const copy_options &o);

/* The default chunk size and number of futures in flight for a mover. */
std::size_t default_chunk(const std::string &mover);
unsigned default_in_flight(const std::string &mover, unsigned threads);

} // namespace masync::tool

#endif
