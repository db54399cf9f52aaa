/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * tools/cli.cpp -- parsing the command line and running the chosen command.
 */
#include "cli.hpp"

#include <masync/error.hpp>

#include <new>
#include <utility>
#include <vector>

namespace masync::tool
{
namespace
{

/* CLI11's usage errors, worded for a person, with a pointer to --help. */
std::string usage_failure(const CLI::App *app, const CLI::Error &e)
{
	std::string where = "masync";
	for (const CLI::App *sub : app->get_subcommands())
		where += " " + sub->get_name();
	return where + ": " + e.what() + "\nRun '" + where + " --help' for usage.\n";
}

parsed_line parse(int argc, const char *const *argv, std::ostream &out, std::ostream &err)
{
	parsed_line p;
	CLI::App app{"masync: copy files durably into persistent-memory mappings, inspect the "
	             "machine, measure it.",
	             "masync"};
	app.set_version_flag("--version", std::string("masync ") + MASYNC_VERSION);
	app.require_subcommand(1, 1);
	app.failure_message(usage_failure);
	app.footer("Run 'masync SUBCOMMAND --help' for a subcommand's options; 'man masync' for "
	           "the manual.");

	std::vector<std::pair<CLI::App *, command>> commands;
	for (auto adder :
	     {add_copy_command, add_info_command, add_bench_command, add_demo_command}) {
		command c = adder(app);
		commands.emplace_back(app.get_subcommands({}).back(), std::move(c));
	}

	/* An unknown first word is a mistyped subcommand, whatever CLI11 would call it. */
	if (argc > 1 && argv[1][0] != '-') {
		bool known = false;
		for (auto &c : commands)
			known = known || c.first->check_name(argv[1]);
		if (!known) {
			err << "masync: unknown subcommand '" << argv[1]
			    << "' (expected copy, info, bench or demo)\n"
			    << "Run 'masync --help' for usage.\n";
			p.exit_status = 2;
			return p;
		}
	}

	try {
		app.parse(argc, argv);
	} catch (const CLI::ParseError &e) {
		/* --help and --version exit 0; every usage error exits 2. */
		p.exit_status = app.exit(e, out, err) == 0 ? 0 : 2;
		return p;
	}
	for (auto &c : commands) {
		if (c.first->parsed()) {
			p.name = c.first->get_name();
			p.cmd = std::move(c.second);
			return p;
		}
	}
	p.exit_status = 2;
	return p;
}

} // namespace

parsed_line parse_command_line(int argc, const char *const *argv, std::ostream &out,
                               std::ostream &err)
{
	try {
		return parse(argc, argv, out, err);
	} catch (const std::bad_alloc &) {
		err << "masync: out of memory\n";
	} catch (const std::exception &e) {
		err << "masync: internal error: " << e.what() << "\n";
	}
	parsed_line p;
	p.exit_status = 1;
	return p;
}

int run_command(const parsed_line &p, std::ostream &err)
{
	if (p.exit_status)
		return *p.exit_status;
	const std::string where = "masync " + p.name;
	try {
		return p.cmd.run();
	} catch (const usage_error &e) {
		err << where << ": " << e.what() << "\nRun '" << where << " --help' for usage.\n";
		return 2;
	} catch (const failure &e) {
		err << where << ": " << e.what() << "\n";
	} catch (const masync::error &e) {
		/* A library call the tool did not expect to fail, with the library's words. */
		err << where << ": " << e.what() << "\n";
	} catch (const std::bad_alloc &) {
		err << where << ": out of memory\n";
	} catch (const std::exception &e) {
		err << where << ": internal error: " << e.what() << "\n";
	}
	return 1;
}

} // namespace masync::tool
