/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * tools/bench_output.cpp -- what `masync bench` prints (bench.hpp): the
 * tables, the JSON cells and the gnuplot chart.
 */
#include "bench.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

extern char **environ;

namespace fs = std::filesystem;

namespace masync::tool
{

namespace
{

std::string size_label(std::size_t s)
{
	static const char *const u[] = {"B", "KiB", "MiB", "GiB"};
	int i = 0;
	while (s >= 1024 && s % 1024 == 0 && i < 3) {
		s /= 1024;
		++i;
	}
	return std::to_string(s) + " " + u[i];
}

} // namespace

void print_table(const std::vector<cell> &cells, const std::string &table, const std::string &op,
                 const std::string &title)
{
	std::vector<std::string> methods;
	std::vector<std::size_t> sizes;
	for (const auto &c : cells) {
		if (c.table != table || c.operation != op)
			continue;
		if (std::find(methods.begin(), methods.end(), c.method) == methods.end())
			methods.push_back(c.method);
		if (std::find(sizes.begin(), sizes.end(), c.size) == sizes.end())
			sizes.push_back(c.size);
	}
	if (methods.empty())
		return;
	std::printf("\n%s\n", title.c_str());
	std::printf("%-10s", "size");
	for (const auto &m : methods)
		std::printf("  %*s", int(std::max<std::size_t>(m.size(), 14)), m.c_str());
	std::printf("\n");
	for (std::size_t s : sizes) {
		std::printf("%-10s", size_label(s).c_str());
		for (const auto &m : methods) {
			int w = int(std::max<std::size_t>(m.size(), 14));
			for (const auto &c : cells) {
				if (c.table != table || c.operation != op || c.size != s ||
				    c.method != m)
					continue;
				char buf[64];
				if (m == methods.front())
					std::snprintf(buf, sizeof(buf), "%.2f", c.gib_s);
				else
					std::snprintf(buf, sizeof(buf), "%.2f (%.2fx)", c.gib_s,
					              c.ratio);
				std::printf("  %*s", w, buf);
			}
		}
		std::printf("\n");
	}
}

json cells_json(const std::vector<cell> &cells, const std::string &table)
{
	json a = json::array();
	for (const auto &c : cells) {
		if (c.table != table)
			continue;
		json j = json::object();
		j["operation"] = c.operation;
		j["size"] = static_cast<unsigned long>(c.size);
		j["method"] = c.method;
		j["in_flight"] = c.in_flight;
		j["gib_per_s"] = c.gib_s;
		j["ratio"] = c.ratio;
		a.push_back(j);
	}
	return a;
}

namespace
{

/* Runs a program (searched in PATH) with args; its exit status, or -1. */
int spawn_wait(const std::vector<std::string> &args, const std::string &stdout_file)
{
	std::vector<char *> argv;
	for (const auto &a : args)
		argv.push_back(const_cast<char *>(a.c_str()));
	argv.push_back(nullptr);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, stdout_file.c_str(),
	                                 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	pid_t pid;
	int err = posix_spawnp(&pid, argv[0], &fa, nullptr, argv.data(), environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err != 0) {
		errno = err;
		return -1;
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

} // namespace

void plot(const std::vector<cell> &cells, const std::string &png)
{
	std::vector<std::string> methods;
	for (const auto &c : cells)
		if (c.table == "movers" &&
		    std::find(methods.begin(), methods.end(), c.method) == methods.end())
			methods.push_back(c.method);

	std::string dir = (fs::temp_directory_path() / "masync-plot-XXXXXX").string();
	if (mkdtemp(dir.data()) == nullptr)
		fail_errno("cannot create a temporary directory for gnuplot", errno);
	struct remover {
		std::string d;
		~remover()
		{
			std::error_code ec;
			fs::remove_all(d, ec);
		}
	} rm{dir};

	std::string data = dir + "/data.txt", script = dir + "/plot.gp";
	{
		std::ofstream f(data);
		for (const auto &m : methods) {
			f << "# " << m << "\n";
			for (const auto &c : cells)
				if (c.table == "movers" && c.method == m)
					f << c.size << " " << c.gib_s << "\n";
			f << "\n\n";
		}
	}
	{
		std::ofstream f(script);
		f << "set terminal png size 960,600\n";
		f << "set output '" << png << "'\n";
		f << "set title 'masync bench: memcpy throughput against operation size'\n";
		f << "set xlabel 'operation size (bytes)'\nset ylabel 'GiB/s'\n";
		f << "set logscale x 2\nset grid\nset key top left\nset yrange [0:*]\n";
		f << "set format x '%.0b %BB'\n";
		f << "plot ";
		for (std::size_t i = 0; i < methods.size(); ++i)
			f << (i ? ", " : "") << "'" << data << "' index " << i
			  << " using 1:2 with linespoints lw 2 title '" << methods[i] << "'";
		f << "\n";
	}
	std::string log = dir + "/gnuplot.out";
	int st = spawn_wait({"gnuplot", script}, log);
	if (st < 0)
		throw failure(std::string("cannot run gnuplot (Debian package gnuplot-nox; "
		                          "scripts/setup installs it): ") +
		              std::strerror(errno));
	if (st != 0)
		throw failure("gnuplot failed (exit status " + std::to_string(st) + ") drawing " +
		              png);
	std::ifstream in(png, std::ios::binary);
	char sig[8] = {};
	in.read(sig, 8);
	if (!in || std::memcmp(sig, "\x89PNG\r\n\x1a\n", 8) != 0)
		throw failure("gnuplot did not write a PNG to " + png);
}

} // namespace masync::tool
