/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * tools/cmd_info.cpp -- `masync info [PATH] [--json]`: what this machine
 * gives masync, and the granularity libpmem2 gives PATH.
 */
#include "machine.hpp"
#include "tool.hpp"

#include <libminiasync.h>
#include <libpmem2.h>

#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>

#include <cstdio>
#include <iostream>
#include <memory>

namespace masync::tool
{
namespace
{

struct info_options {
	std::string path;
	bool json_output = false;
};

const char *display_name(const std::string &f)
{
	static const std::pair<const char *, const char *> names[] = {
	    {"avx512f", "AVX-512F"}, {"avx2", "AVX2"},           {"avx", "AVX"},
	    {"sse2", "SSE2"},        {"clwb", "CLWB"},           {"clflushopt", "CLFLUSHOPT"},
	    {"clflush", "CLFLUSH"},  {"movdir64b", "MOVDIR64B"}, {"enqcmd", "ENQCMD"},
	    {"waitpkg", "WAITPKG"}};
	for (const auto &n : names)
		if (f == n.first)
			return n.second;
	return f.c_str();
}

const char *granularity_meaning(const std::string &g)
{
	if (g == "BYTE")
		return "stores are durable once fenced (eADR or equivalent)";
	if (g == "CACHE_LINE")
		return "durable after cache-line flushes and a fence";
	if (g == "PAGE")
		return "durable after msync (page cache or no DAX)";
	return "";
}

json path_json(const path_probe &p)
{
	json j = json::object();
	j["path"] = p.path;
	j["probed_with_temporary_file"] = p.directory;
	j["filesystem"] = p.filesystem.empty() ? json() : json(p.filesystem);
	j["granularity"] = p.granularity.empty() ? json() : json(p.granularity);
	if (!p.error.empty())
		j["error"] = p.error;
	return j;
}

/* Where a library's code in this process comes from. */
struct loaded_library {
	std::string name;    /* libpmem2, libminiasync */
	std::string path;    /* the object the symbol resolved to */
	bool static_linked;  /* inside the program itself */
	bool masyncs;        /* masync's implementation, not PMDK's */
	std::string summary; /* for people */
};

/*
 * The object that holds `fn` (dladdr): the program itself when the
 * library was linked statically (as this tool is), else the shared object
 * the dynamic linker chose. A shared object is masync's when it has a
 * symbol only masync's build exports (`marker`).
 */
loaded_library locate(const char *name, const void *fn, const char *marker)
{
	loaded_library l{name, "", false, false, ""};
	Dl_info di{};
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	std::string exe = n > 0 ? std::string(self, std::size_t(n)) : "";
	if (dladdr(fn, &di) == 0 || di.dli_fname == nullptr) {
		l.summary = "unknown (dladdr found no object)";
		return l;
	}
	char real[PATH_MAX];
	l.path = realpath(di.dli_fname, real) ? real : di.dli_fname;
	if (l.path == exe || di.dli_fname[0] == '\0') {
		l.path = exe;
		l.static_linked = true;
		l.masyncs = true;
		l.summary = std::string("masync ") + MASYNC_VERSION +
		            ", linked statically into this program (" + exe + ")";
		return l;
	}
	void *h = dlopen(di.dli_fname, RTLD_NOW | RTLD_NOLOAD);
	l.masyncs = h != nullptr && dlsym(h, marker) != nullptr;
	if (h != nullptr)
		dlclose(h);
	l.summary =
	    l.path + (l.masyncs ? " (masync's)" : " (not masync's: another implementation)");
	return l;
}

std::vector<loaded_library> libraries()
{
	return {locate("libpmem2", reinterpret_cast<const void *>(&pmem2_map_new),
	               "pmem2_memcpy_async"),
	        locate("libminiasync", reinterpret_cast<const void *>(&runtime_new),
	               "data_mover_threads_new")};
}

/* Devices, work queues, and what --mover dml would meet. */
void print_dsa(const dsa_state &dsa)
{
	std::printf("Intel DSA (--mover dml, auto)\n");
	if (!dsa.model.empty())
		std::printf("  %-12s MASYNC_DSA_MODEL=%s: the software model replaces every "
		            "device\n",
		            "model", dsa.model.c_str());
	else if (dsa.devices.empty())
		std::printf("  %-12s %s\n", "devices", "none");
	for (const auto &d : dsa.devices)
		std::printf("  %-12s %s, %d of %d work queues enabled, %d engines\n",
		            d.name.c_str(), d.state.c_str(), d.enabled_work_queues, d.work_queues,
		            d.engines);
	for (const auto &q : dsa.queues) {
		std::printf("  %-12s %s, %u entries, max transfer %s, batch %u", q.name.c_str(),
		            q.dedicated ? "dedicated" : "shared", q.size,
		            human_bytes(double(q.max_transfer)).c_str(), q.max_batch);
		if (q.numa_node >= 0)
			std::printf(", NUMA node %d", q.numa_node);
		std::printf(": %s\n", q.blocked_by.empty() ? (q.model ? "usable (model)" : "usable")
		                                           : ("blocked: " + q.blocked_by).c_str());
	}
	if (dsa.blocked_by.empty())
		std::printf("  %-12s usable\n", "--mover dml");
	else
		std::printf("  %-12s blocked: %s (auto runs on the CPU and worker threads)\n",
		            "--mover dml", dsa.blocked_by.c_str());
}

int run_info(const info_options &o)
{
	path_probe probe;
	if (!o.path.empty())
		probe = probe_path(o.path);

	if (o.json_output) {
		json j = machine_json();
		json libs = json::object();
		for (const auto &l : libraries()) {
			json e = json::object();
			e["path"] = l.path;
			e["linked"] = l.static_linked ? "static" : "shared";
			e["masync"] = l.masyncs;
			libs[l.name] = e;
		}
		j["libraries"] = libs;
		if (!o.path.empty())
			j["path"] = path_json(probe);
		std::cout << dump_json(j) << "\n";
		return probe.granularity.empty() && !o.path.empty() ? 1 : 0;
	}

	std::printf("Libraries\n");
	for (const auto &l : libraries())
		std::printf("  %-12s %s\n", l.name.c_str(), l.summary.c_str());

	std::printf("CPU features\n");
	for (const auto &f : cpu_feature_list())
		std::printf("  %-12s %s\n", display_name(f.first), f.second ? "yes" : "no");

	kernel_choice k = kernels();
	std::printf("Memory kernels (PMEM_AVX512F, PMEM_AVX, PMEM_NO_CLWB ... change them)\n");
	std::printf("  %-12s %s\n", "memcpy", k.memcpy_kernel.c_str());
	std::printf("  %-12s %s\n", "flush", k.flush.c_str());
	if (k.movnt)
		std::printf("  %-12s from %zu bytes\n", "non-temporal", k.nt_threshold);
	else
		std::printf("  %-12s %s\n", "non-temporal", "off");

	auto regions = nd_regions();
	std::printf("Persistence\n");
	std::printf("  %-12s %s\n", "eADR", eadr_state(regions).c_str());
	for (const auto &r : regions)
		std::printf("  %-12s persistence_domain %s\n", r.name.c_str(),
		            r.persistence_domain.c_str());

	print_dsa(dsa_status());

	if (o.path.empty())
		return 0;
	std::printf("Path %s%s\n", probe.path.c_str(),
	            probe.directory ? " (probed with a temporary file)" : "");
	if (!probe.filesystem.empty())
		std::printf("  %-12s %s\n", "filesystem", probe.filesystem.c_str());
	if (!probe.granularity.empty()) {
		std::printf("  %-12s %s: %s\n", "granularity", probe.granularity.c_str(),
		            granularity_meaning(probe.granularity));
		return 0;
	}
	std::fflush(stdout);
	std::fprintf(stderr, "masync info: %s: %s\n", probe.path.c_str(), probe.error.c_str());
	return 1;
}

} // namespace

command add_info_command(CLI::App &app)
{
	auto o = std::make_shared<info_options>();
	CLI::App *sub = app.add_subcommand(
	    "info",
	    "Show the CPU features, memory kernels, flush instruction, eADR, DSA devices and "
	    "work queues (and what blocks their use) masync finds, and the store granularity "
	    "libpmem2 gives PATH.");
	sub->add_option("PATH", o->path,
	                "A file, or a directory (probed with a temporary file), whose libpmem2 "
	                "store granularity to report")
	    ->type_name("");
	sub->add_flag("--json", o->json_output, "Print one JSON object on stdout instead");
	/* The probe file of a directory PATH (machine.cpp's probe_directory). */
	return {[o] { return run_info(*o); },
	        [o] { return std::uint64_t(o->path.empty() ? 0 : 4096); }};
}

} // namespace masync::tool
