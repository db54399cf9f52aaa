/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * tools/machine.hpp -- what this machine gives masync: CPU features, the
 * memory kernels and flush instruction chosen, eADR (the persistence domain
 * of the NVDIMM regions), Intel DSA devices and work queues (through the
 * DSA mover's own discovery, so that what is listed is what the mover would
 * use), and the store granularity libpmem2 gives a path. Used by `info` (all of it) and `demo` (a
 * summary).
 *
 * Every function reads the system afresh (sysfs, CPUID) and is safe to call
 * from any thread; probe_path creates and removes a temporary file when
 * given a directory; dsa_status opens (and closes) each work queue it lists.
 */
#ifndef MASYNC_TOOLS_MACHINE_HPP
#define MASYNC_TOOLS_MACHINE_HPP

#include "json.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace masync::tool
{

/* The CPU features that matter to masync, as (name, present) in a fixed order. */
std::vector<std::pair<std::string, bool>> cpu_feature_list();

/* The memory kernels and flush instruction masync uses on this CPU. */
struct kernel_choice {
	std::string memcpy_kernel;    /* "avx512f", "avx", "sse2", "generic" */
	std::string flush;            /* "clwb", "clflushopt", "clflush", "none" */
	bool movnt = false;           /* non-temporal stores available and allowed */
	std::size_t nt_threshold = 0; /* non-temporal stores from this size on */
};
kernel_choice kernels();

struct nd_region {
	std::string name;               /* region0 ... */
	std::string persistence_domain; /* cpu_cache (eADR), memory_controller (ADR), none */
};
std::vector<nd_region> nd_regions();
/* "yes" (every region's domain is cpu_cache), "no", or "unknown (no NVDIMM regions)". */
std::string eadr_state(const std::vector<nd_region> &regions);

/* An Intel DSA device under /sys/bus/dsa/devices. */
struct dsa_device {
	std::string name;  /* dsa0 ... */
	std::string state; /* enabled, disabled ... */
	int work_queues = 0;
	int enabled_work_queues = 0;
	int engines = 0;
};

/* A work queue the DSA mover's discovery (src/dsa) reports, and whether it can be used. */
struct dsa_queue {
	std::string name; /* wq0.0, or model/wq0.0 */
	bool dedicated = true;
	unsigned size = 0; /* entries */
	std::uint64_t max_transfer = 0;
	unsigned max_batch = 0;
	int numa_node = -1;
	bool model = false;
	std::string blocked_by; /* why the mover cannot open it; "" when it can */
};

/* What DSA this process has, as the DSA mover sees it. */
struct dsa_state {
	std::vector<dsa_device> devices;
	std::vector<dsa_queue> queues; /* enabled user work queues, or the model's two */
	std::string model;             /* MASYNC_DSA_MODEL when it selects the model, else "" */
	/* Why --mover dml cannot run ("" when a queue is usable): no device, ... */
	std::string blocked_by;
};
dsa_state dsa_status();

/* What libpmem2 gives a file (or a temporary file in a directory). */
struct path_probe {
	std::string path;
	bool directory = false;  /* probed with a temporary file */
	std::string filesystem;  /* tmpfs, ext4, xfs ... or the magic number */
	std::string granularity; /* BYTE, CACHE_LINE, PAGE, or "" on error */
	std::string error;       /* why there is no granularity */
};
path_probe probe_path(const std::string &path);

/* A machine summary for JSON: cpu, kernels, eadr, dsa. */
json machine_json();

} // namespace masync::tool

#endif
