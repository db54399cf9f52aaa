/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * tools/main.cpp -- the masync tool's entry point: one subcommand per run.
 */
#include "tool.hpp"

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <utility>
#include <vector>

namespace masync::tool
{

void fail_errno(const std::string &what, int err)
{
	throw failure(what + ": " + std::strerror(err));
}

std::string human_bytes(double bytes)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
	int u = 0;
	while (std::fabs(bytes) >= 1024.0 && u < 6) {
		bytes /= 1024.0;
		++u;
	}
	char buf[32];
	if (u == 0)
		std::snprintf(buf, sizeof(buf), "%.0f B", bytes);
	else
		std::snprintf(buf, sizeof(buf), "%.2f %s", bytes, units[u]);
	return buf;
}

std::string human_rate(double bytes_per_second)
{
	return human_bytes(bytes_per_second) + "/s";
}

std::string human_seconds(double seconds)
{
	char buf[32];
	if (seconds < 1e-3)
		std::snprintf(buf, sizeof(buf), "%.0f us", seconds * 1e6);
	else if (seconds < 1.0)
		std::snprintf(buf, sizeof(buf), "%.0f ms", seconds * 1e3);
	else
		std::snprintf(buf, sizeof(buf), "%.2f s", seconds);
	return buf;
}

double now_seconds()
{
	using clock = std::chrono::steady_clock;
	return std::chrono::duration<double>(clock::now().time_since_epoch()).count();
}

} // namespace masync::tool

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

} // namespace

int main(int argc, char **argv)
{
	using namespace masync::tool;

	CLI::App app{"masync: copy files durably into persistent-memory mappings, inspect the "
	             "machine, measure it.",
	             "masync"};
	app.set_version_flag("--version", std::string("masync ") + MASYNC_VERSION);
	app.require_subcommand(1, 1);
	app.failure_message(usage_failure);
	app.footer("Run 'masync SUBCOMMAND --help' for a subcommand's options; 'man masync' for "
	           "the manual.");

	std::vector<std::pair<CLI::App *, command_fn>> commands;
	auto add = [&](command_fn (*adder)(CLI::App &)) {
		command_fn fn = adder(app);
		commands.emplace_back(app.get_subcommands({}).back(), std::move(fn));
	};
	add(add_copy_command);
	add(add_info_command);
	add(add_bench_command);
	add(add_demo_command);

	/* An unknown first word is a mistyped subcommand, whatever CLI11 would call it. */
	if (argc > 1 && argv[1][0] != '-') {
		bool known = false;
		for (auto &c : commands)
			known = known || c.first->check_name(argv[1]);
		if (!known) {
			std::cerr << "masync: unknown subcommand '" << argv[1]
			          << "' (expected copy, info, bench or demo)\n"
			          << "Run 'masync --help' for usage.\n";
			return 2;
		}
	}

	try {
		app.parse(argc, argv);
	} catch (const CLI::ParseError &e) {
		/* --help and --version exit 0; every usage error exits 2. */
		return app.exit(e) == 0 ? 0 : 2;
	}

	for (auto &c : commands) {
		if (!c.first->parsed())
			continue;
		try {
			return c.second();
		} catch (const usage_error &e) {
			std::cerr << "masync " << c.first->get_name() << ": " << e.what()
			          << "\nRun 'masync " << c.first->get_name()
			          << " --help' for usage.\n";
			return 2;
		} catch (const failure &e) {
			std::cerr << "masync " << c.first->get_name() << ": " << e.what() << "\n";
			return 1;
		} catch (const std::exception &e) {
			std::cerr << "masync " << c.first->get_name()
			          << ": internal error: " << e.what() << "\n";
			return 1;
		}
	}
	return 2;
}
