/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * tools/bench.hpp -- what `masync bench` (cmd_bench.cpp) is made of: its
 * options, the measuring harness (bench_run.cpp: interleaved rounds of
 * methods, medians, ratios to the first method of a row; buffers and the
 * batch of futures every mover method waits for) and the outputs
 * (bench_output.cpp: tables, JSON, the gnuplot chart).
 *
 * A cell is the median of interleaved rounds (every method of a row
 * measured once per round, in turn); its ratio is to the row's first
 * method, measured in the same run. Single-threaded (the movers' workers
 * aside).
 */
#ifndef MASYNC_TOOLS_BENCH_HPP
#define MASYNC_TOOLS_BENCH_HPP

#include "json.hpp"
#include "tool.hpp"

#include <masync/runtime.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

namespace masync::tool
{

struct bench_options {
	bool quick = false;
	bool json_output = false;
	std::string plot;
	std::string dir = "/dev/shm";
	std::vector<std::size_t> sizes;
	double seconds = 0; /* per cell and round; 0: 0.2 (0.03 with --quick) */
	unsigned rounds = 0;
	unsigned threads = 0;
};

/* One method of a row: does a batch of work, returns the bytes it moved. */
struct method {
	std::string name;
	std::function<std::uint64_t()> batch;
	unsigned in_flight = 1;
};

struct cell {
	std::string table; /* movers | pmem2 */
	std::string operation;
	std::size_t size = 0;
	std::string method;
	unsigned in_flight = 1;
	double gib_s = 0;
	double ratio = 0; /* to the row's baseline (the first method) */
};

/* Interleaved rounds over the methods; one cell per method. */
void run_row(std::vector<cell> &out, const std::string &table, const std::string &op,
             std::size_t size, const std::vector<method> &methods, const bench_options &o);

/* The region the operations of a table cycle through (at least the largest size). */
std::size_t bench_region(const bench_options &o);

/* Anonymous memory, prefaulted, released at scope exit. */
struct buffer {
	char *p = nullptr;
	std::size_t len = 0;
	explicit buffer(std::size_t n);
	~buffer();
	buffer(const buffer &) = delete;
	buffer &operator=(const buffer &) = delete;
};

/* Operations in flight for a size: enough to hide per-operation costs. */
unsigned depth_for(std::size_t size);

/* Cycles through the slots of a region, one operation at a time. */
struct cursor {
	std::size_t size, slots, next = 0;
	cursor(std::size_t s, std::size_t region);
	std::size_t take()
	{
		std::size_t off = (next % slots) * size;
		++next;
		return off;
	}
};

/*
 * `depth` futures made by make(offset) at the cursor's next offsets, waited
 * for together; the bytes they moved. Throws failure naming `what` when one
 * failed.
 */
template <class Make>
std::uint64_t wait_batch(const masync::runtime &rt, cursor &cur, unsigned depth, Make &&make,
                         const char *what)
{
	using fut = std::invoke_result_t<Make &, std::size_t>;
	std::vector<fut> futs;
	futs.reserve(depth);
	for (unsigned i = 0; i < depth; ++i)
		futs.push_back(make(cur.take()));
	rt.wait_all(std::span<fut>(futs));
	for (auto &f : futs) {
		if (std::error_code ec = f.error())
			throw failure(std::string(what) +
			              " failed during the benchmark: " + ec.message());
	}
	return std::uint64_t(depth) * cur.size;
}

/* The table of one (table, operation), for people, on stdout. */
void print_table(const std::vector<cell> &cells, const std::string &table, const std::string &op,
                 const std::string &title);
/* The cells of a table as a JSON array. */
json cells_json(const std::vector<cell> &cells, const std::string &table);
/* Throughput against size, one line per mover, drawn by gnuplot into png. */
void plot(const std::vector<cell> &cells, const std::string &png);

} // namespace masync::tool

#endif
