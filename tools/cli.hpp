/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * tools/cli.hpp -- the masync command line: parsing it into a command, and
 * running that command with the tool's exit statuses and messages.
 *
 * parse_command_line() builds the CLI11 application of every subcommand
 * and parses argv. It runs no job: it reads the options into the chosen
 * command's state and checks them (sizes, counts, names; an existing
 * directory is stat'ed). Help, --version and usage errors are written to
 * `out` / `err` and end in exit_status. run_command() runs what was
 * parsed, mapping failures to messages on `err` and the exit status.
 * main() is the two in a row; the argument fuzzer (tests/fuzz/tool_args.cpp)
 * calls only the first, with string streams.
 *
 * Not thread-safe (CLI11 applications and the commands' state are not).
 */
#ifndef MASYNC_TOOLS_CLI_HPP
#define MASYNC_TOOLS_CLI_HPP

#include "tool.hpp"

#include <optional>
#include <ostream>
#include <string>

namespace masync::tool
{

struct parsed_line {
	/* Set when there is nothing to run: 0 after --help or --version, 2 on bad usage. */
	std::optional<int> exit_status;
	std::string name; /* the subcommand */
	command cmd;
};

parsed_line parse_command_line(int argc, const char *const *argv, std::ostream &out,
                               std::ostream &err);

int run_command(const parsed_line &p, std::ostream &err);

} // namespace masync::tool

#endif
