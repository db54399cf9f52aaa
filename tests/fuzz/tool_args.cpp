/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * tests/fuzz/tool_args.cpp -- fuzzes the masync tool's command line: the
 * argument parser of every subcommand (tools/cli.hpp) and the size parser
 * (tools/size.hpp).
 *
 * Input: a first byte 0x01 selects the size parser: 8 bytes of minimum,
 * 8 of maximum (little-endian), then the text. Any other input is a
 * command line, one argument per line ('\n'), after argv[0] "masync".
 *
 * Oracle, command lines: parse_command_line never crashes, leaks or runs
 * into UB; it ends in 0 (help, version), 2 (bad usage) or a command, never
 * 1 (an internal error); a parsed command has a run function, and what its
 * options may make it write (command::write_bound) is within
 * masync::tool::write_limit. The parse runs no job: the command's run is
 * never called here, and a parse that returns a command has printed
 * nothing (help and version print, and end in 0).
 * Oracle, sizes: an accepted size lies in [min, max] and below 2^63, its
 * decimal form parses to the same value; a refused one says why.
 * Single-threaded.
 */
#include "cli.hpp"
#include "size.hpp"

#include "fuzz/fuzz_input.hpp"

#include <algorithm>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

namespace
{

void fuzz_size(fuzz::Input &in, const std::uint8_t *rest, std::size_t n)
{
	std::uint64_t min = in.u64(), max = in.u64();
	std::string text(reinterpret_cast<const char *>(rest), n);
	std::string why;
	auto v = masync::tool::parse_size(text, min, max, why);
	if (!v) {
		if (why.empty())
			fuzz::fail("a refused size without a reason");
		return;
	}
	if (*v < min || *v > max)
		fuzz::fail("an accepted size outside [min, max]", long(*v), long(max));
	if (*v > std::uint64_t(INT64_MAX))
		fuzz::fail("an accepted size of 2^63 or more", long(*v));
	std::string why2;
	auto again = masync::tool::parse_size(std::to_string(*v), min, max, why2);
	if (!again || *again != *v)
		fuzz::fail("an accepted size does not parse back from its decimal form", long(*v));
}

void fuzz_command_line(const std::uint8_t *data, std::size_t size)
{
	std::vector<std::string> args{"masync"};
	std::string cur;
	for (std::size_t i = 0; i < size; ++i) {
		if (data[i] == '\n') {
			args.push_back(cur);
			cur.clear();
		} else {
			cur += char(data[i]);
		}
	}
	if (!cur.empty())
		args.push_back(cur);
	std::vector<const char *> argv;
	for (const auto &a : args)
		argv.push_back(a.c_str());
	argv.push_back(nullptr);

	std::ostringstream out, err;
	masync::tool::parsed_line p =
	    masync::tool::parse_command_line(int(args.size()), argv.data(), out, err);
	if (p.exit_status) {
		if (*p.exit_status != 0 && *p.exit_status != 2)
			fuzz::fail("the parser ended in an internal error", *p.exit_status);
		if (*p.exit_status == 2 && err.str().empty())
			fuzz::fail("a usage error without a message");
		return;
	}
	if (p.name.empty() || !p.cmd.run || !p.cmd.write_bound)
		fuzz::fail("a parsed command without a name, a run or a write bound");
	if (!out.str().empty() || !err.str().empty())
		fuzz::fail("a parse that returned a command printed something");
	std::uint64_t bound = p.cmd.write_bound();
	if (bound > masync::tool::write_limit)
		fuzz::fail("accepted options may make the tool write more than write_limit",
		           long(bound >> 20), long(masync::tool::write_limit >> 20));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	if (size > 4096)
		return 0; /* command lines are short; longer inputs only slow the search */
	if (size > 0 && data[0] == 0x01) {
		fuzz::Input in(data + 1, size - 1);
		std::size_t skip = std::min<std::size_t>(size - 1, 16);
		fuzz_size(in, data + 1 + skip, size - 1 - skip);
		return 0;
	}
	fuzz_command_line(data, size);
	return 0;
}
