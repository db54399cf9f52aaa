/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * tools/tool.hpp -- what the subcommands of the masync tool share: how a
 * subcommand registers itself, errors, sizes and times for people.
 *
 * Each subcommand (cmd_<name>.cpp) adds itself to the CLI11 application
 * with add_<name>_command(), which returns the function main() runs when
 * that subcommand was chosen. Exit status: 0 success, 1 failure (the
 * reason is on stderr), 2 bad usage (main() maps CLI11's errors to 2).
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

using command_fn = std::function<int()>;

command_fn add_copy_command(CLI::App &app);
command_fn add_info_command(CLI::App &app);
command_fn add_bench_command(CLI::App &app);
command_fn add_demo_command(CLI::App &app);

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

/* Whether the tool was built with the libraries a feature needs. */
constexpr bool have_miniasync = MASYNC_TOOL_HAVE_MINIASYNC;
constexpr bool have_pmem2 = MASYNC_TOOL_HAVE_PMEM2;
constexpr bool have_async = MASYNC_TOOL_HAVE_ASYNC;

} // namespace masync::tool

#endif
