/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * tools/main.cpp -- the masync tool's entry point: one subcommand per run.
 */
#include "cli.hpp"

#include <iostream>

int main(int argc, char **argv)
{
	using namespace masync::tool;
	parsed_line p = parse_command_line(argc, argv, std::cout, std::cerr);
	return run_command(p, std::cerr);
}
