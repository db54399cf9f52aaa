/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * Work-queue discovery from sysfs, or the model (see dsa/discovery.hpp).
 */

#include "dsa/discovery.hpp"
#include "common/env.hpp"
#include "dsa/model_wq.hpp"

#include <algorithm>
#include <cstdlib>
#include <dirent.h>
#include <libminiasync/data_mover_dsa.h>
#include <sched.h>
#include <fstream>
#include <string>

namespace masync::dsa
{
namespace
{

std::string read_line(const std::string &path)
{
	std::ifstream f(path);
	std::string s;
	std::getline(f, s);
	return s;
}

std::uint64_t read_number(const std::string &path, int base)
{
	std::string s = read_line(path);
	return s.empty() ? 0 : std::strtoull(s.c_str(), nullptr, base);
}

} // namespace

std::vector<wq_info> discover_sysfs(const char *root)
{
	std::vector<wq_info> out;
	try {
		DIR *d = opendir(root);
		if (d == nullptr)
			return out;
		while (dirent *e = readdir(d)) {
			std::string name = e->d_name;
			if (name.rfind("wq", 0) != 0)
				continue;
			std::string base = std::string(root) + "/" + name + "/";
			if (read_line(base + "state") != "enabled" ||
			    read_line(base + "type") != "user")
				continue;
			auto dot = name.find('.');
			if (dot == std::string::npos)
				continue;
			std::string dev =
			    std::string(root) + "/dsa" + name.substr(2, dot - 2) + "/";
			if (read_line(dev + "state") != "enabled")
				continue;
			wq_info w;
			w.name = name;
			w.dev_path = "/dev/dsa/" + name;
			w.dedicated = read_line(base + "mode") == "dedicated";
			w.size = static_cast<unsigned>(read_number(base + "size", 10));
			w.max_xfer = read_number(base + "max_transfer_size", 10);
			w.max_batch =
			    static_cast<unsigned>(read_number(base + "max_batch_size", 10));
			w.gencap = read_number(dev + "gen_cap", 16);
			std::string numa = read_line(dev + "numa_node");
			w.numa_node = numa.empty() ? -1 : std::atoi(numa.c_str());
			if (w.size != 0 && w.max_xfer != 0)
				out.push_back(std::move(w));
		}
		closedir(d);
		std::sort(out.begin(), out.end(), [](const wq_info &a, const wq_info &b) {
			return a.dedicated != b.dedicated ? a.dedicated : a.name < b.name;
		});
	} catch (...) {
		out.clear();
	}
	return out;
}

std::vector<wq_info> candidates(const wq_selection &sel)
{
	std::vector<wq_info> all;
	if (model_mode mode; model_mode_from_env(&mode)) {
		all.push_back(model_wq_info(true));
		all.push_back(model_wq_info(false));
	} else {
		all = discover_sysfs();
	}
	std::vector<wq_info> out;
	if (sel.names.empty()) {
		out = std::move(all);
	} else {
		for (const std::string &n : sel.names)
			for (const wq_info &w : all)
				if (w.name == n)
					out.push_back(w);
	}
	int node = sel.numa_node;
	if (sel.numa_policy == DATA_MOVER_DSA_NUMA_PREFER_LOCAL) {
		unsigned cpu = 0, n = 0;
		node = getcpu(&cpu, &n) == 0 ? static_cast<int>(n) : -1;
	}
	if (sel.numa_policy == DATA_MOVER_DSA_NUMA_ONLY_NODE)
		std::erase_if(out, [&](const wq_info &w) { return w.numa_node != node; });
	else if (sel.numa_policy != DATA_MOVER_DSA_NUMA_ANY)
		std::stable_partition(out.begin(), out.end(),
		                      [&](const wq_info &w) { return w.numa_node == node; });
	return out;
}

std::unique_ptr<portal> open_first_usable(const wq_selection &sel)
{
	model_mode mode;
	const bool model = model_mode_from_env(&mode);
	for (const wq_info &w : candidates(sel)) {
		if (model)
			return std::make_unique<model_wq>(w, mode);
		const char *why = nullptr;
		if (auto p = open_hw_portal(w, &why))
			return p;
	}
	return nullptr;
}

} // namespace masync::dsa
