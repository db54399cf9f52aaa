/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * tools/tool.hpp -- what the subcommands of the masync tool share: how a
 * subcommand registers itself, errors, sizes and times for people.
 *
 * Each subcommand (cmd_<name>.cpp) adds itself to the CLI11 application
 * with add_<name>_command(), which returns what main() runs when that
 * subcommand was chosen, and the bound on what its parsed options may make
 * it write (cli.hpp; the argument fuzzer holds every accepted command line
 * to write_limit). Exit status: 0 success, 1 failure (the reason is on
 * stderr), 2 bad usage (CLI11's errors and usage_error).
 *
 * Single-threaded except where a file says otherwise.
 */
#ifndef MASYNC_TOOLS_TOOL_HPP
#define MASYNC_TOOLS_TOOL_HPP

#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

namespace masync::tool
{

/* A subcommand with its options parsed (into the closures' own state). */
struct command {
	/* Runs the job; its exit status. */
	std::function<int()> run;
	/*
	 * The most bytes the parsed options may make the job write, in files and
	 * in memory, beyond the copy of the input files it was given (copy
	 * writes SRC's size into DST; nothing the options say adds to that
	 * but its buffers). Computed from the options alone; runs nothing.
	 */
	std::function<std::uint64_t()> write_bound;
};

/* No command line the tool accepts may make it write more than this. */
constexpr std::uint64_t write_limit = std::uint64_t(4) << 40; /* 4 TiB */

command add_copy_command(CLI::App &app);
command add_info_command(CLI::App &app);
command add_bench_command(CLI::App &app);
command add_demo_command(CLI::App &app);

/* A failure the user should read about: main() prints "masync: <what>" and exits 1. */
struct failure : std::runtime_error {
	using std::runtime_error::runtime_error;
};

/* Bad usage found after parsing (options that do not go together): main()
 * prints "masync <sub>: <what>" and a pointer to --help, and exits 2. */
struct usage_error : std::runtime_error {
	using std::runtime_error::runtime_error;
};

/* "<what>: <strerror(err)>" as a failure. */
[[noreturn]] void fail_errno(const std::string &what, int err);

/* 1536 -> "1.50 KiB", 3 -> "3 B". */
std::string human_bytes(double bytes);
/* bytes per second -> "2.31 GiB/s". */
std::string human_rate(double bytes_per_second);
/* seconds -> "812 ms", "3.20 s". */
std::string human_seconds(double seconds);

/* Seconds on the monotonic clock. */
double now_seconds();

} // namespace masync::tool

#endif
