/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * tools/cmd_bench.cpp -- `masync bench`: the standard measurements.
 *
 *   movers:  memcpy of one size at a time, many operations in flight, on the
 *            synchronous mover, the threads mover and the DSA mover (AUTO;
 *            and HARDWARE where a work queue is usable, e.g. the model under
 *            MASYNC_DSA_MODEL), against plain memcpy on one thread (the
 *            baseline, measured in the same run).
 *   pmem2:   libpmem2's memory operations on a map of a file in --dir
 *            (default /dev/shm), against plain memcpy/memset followed by
 *            the map's persist function (the same durability), and
 *            pmem2_memcpy_async on the default and threads movers.
 *
 * The harness and the outputs: bench.hpp. --json prints one JSON object and
 * nothing else on stdout; --plot draws throughput against size, one line
 * per mover, with gnuplot.
 */
#include "bench.hpp"
#include "machine.hpp"
#include "mover.hpp"
#include "size.hpp"
#include "tool.hpp"

#include <masync/dsa_mover.hpp>
#include <masync/mover.hpp>
#include <masync/pmem2.hpp>
#include <masync/runtime.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <vector>

namespace fs = std::filesystem;

namespace masync::tool
{
namespace
{

namespace pm = masync::pmem2;

void bench_movers(std::vector<cell> &out, const bench_options &o)
{
	const std::size_t region = bench_region(o);
	buffer src(region), dst(region);
	mover sync("sync", 0);
	mover threads("threads", o.threads);
	mover dsa_auto("auto", 0);
	/* HARDWARE only where a work queue is usable (a device, or the model). */
	std::optional<mover> dsa_hw;
	if (dsa_status().blocked_by.empty())
		dsa_hw.emplace("dml", 0);
	masync::runtime rt;
	for (std::size_t size : o.sizes) {
		unsigned depth = depth_for(size);
		auto cur = std::make_shared<cursor>(size, region);
		std::vector<method> methods;
		methods.push_back({"memcpy",
		                   [&, cur, depth] {
			                   for (unsigned i = 0; i < depth; ++i) {
				                   std::size_t off = cur->take();
				                   std::memcpy(dst.p + off, src.p + off, size);
			                   }
			                   return std::uint64_t(depth) * size;
		                   },
		                   1});
		auto on = [&, cur, depth](const mover &m) {
			return [&, cur, depth, v = masync::mover_ref(m.vdm())] {
				return wait_batch(
				    rt, *cur, depth,
				    [&](std::size_t off) {
					    return v.memcpy(dst.p + off, src.p + off, cur->size);
				    },
				    "a mover");
			};
		};
		methods.push_back({"sync mover", on(sync), depth});
		methods.push_back({"threads mover (" + std::to_string(threads.threads()) + ")",
		                   on(threads), depth});
		methods.push_back({"DSA mover auto", on(dsa_auto), depth});
		if (dsa_hw)
			methods.push_back({"DSA mover dml", on(*dsa_hw), depth});
		run_row(out, "movers", "memcpy", size, methods, o);
	}
}

/* A map of the benchmark file, optionally on a given mover. */
pm::map bench_map(int fd, struct vdm *vdm)
{
	try {
		pm::source src = pm::source::from_fd(fd);
		pm::config cfg;
		cfg.set_required_store_granularity(pm::granularity::page);
		if (vdm != nullptr)
			cfg.set_vdm(vdm);
		return pm::map(cfg, src);
	} catch (const masync::error &e) {
		throw failure(std::string("libpmem2: cannot map the benchmark file: ") + e.what());
	}
}

std::string bench_pmem2(std::vector<cell> &out, const bench_options &o)
{
	const std::size_t region = bench_region(o);
	std::string tmpl = (fs::path(o.dir) / ".masync-bench-XXXXXX").string();
	int fd = mkstemp(tmpl.data());
	if (fd < 0)
		fail_errno("cannot create a benchmark file in " + o.dir, errno);
	unlink(tmpl.c_str());
	struct fd_owner {
		int fd;
		~fd_owner() { close(fd); }
	} fd_guard{fd};
	if (ftruncate(fd, off_t(region)) != 0 || fallocate(fd, 0, 0, off_t(region)) != 0)
		fail_errno("cannot make a " + human_bytes(double(region)) + " benchmark file in " +
		               o.dir,
		           errno);

	buffer src(region);
	const pm::map m = bench_map(fd, nullptr);
	char *d = static_cast<char *>(m.address());
	std::memset(d, 0, region); /* fault the map in */
	std::string gran = pm::granularity_name(m.store_granularity());

	mover threads("threads", o.threads);
	const pm::map mt = bench_map(fd, threads.vdm());
	char *dt = static_cast<char *>(mt.address());
	masync::runtime rt;

	for (std::size_t size : o.sizes) {
		unsigned depth = depth_for(size);
		auto cur = std::make_shared<cursor>(size, region);
		auto loop = [cur, depth, size](auto &&fn) {
			for (unsigned i = 0; i < depth; ++i)
				fn(cur->take());
			return std::uint64_t(depth) * size;
		};
		auto async_on = [&, cur, depth](const pm::map &map, char *base) {
			return [&, cur, depth, base] {
				return wait_batch(
				    rt, *cur, depth,
				    [&](std::size_t off) {
					    return map.memcpy_async(base + off, src.p + off,
					                            cur->size);
				    },
				    "pmem2_memcpy_async");
			};
		};
		std::vector<method> cp;
		cp.push_back({"memcpy + persist", [=, &src, &m] {
			              return loop([&](std::size_t off) {
				              std::memcpy(d + off, src.p + off, size);
				              m.persist(d + off, size);
			              });
		              }});
		cp.push_back({"memcpy_fn", [=, &src, &m] {
			              return loop([&](std::size_t off) {
				              m.memcpy(d + off, src.p + off, size);
			              });
		              }});
		cp.push_back({"memcpy_fn NONTEMPORAL", [=, &src, &m] {
			              return loop([&](std::size_t off) {
				              m.memcpy(d + off, src.p + off, size,
				                       PMEM2_F_MEM_NONTEMPORAL);
			              });
		              }});
		cp.push_back({"memcpy_fn TEMPORAL", [=, &src, &m] {
			              return loop([&](std::size_t off) {
				              m.memcpy(d + off, src.p + off, size,
				                       PMEM2_F_MEM_TEMPORAL);
			              });
		              }});
		cp.push_back({"memcpy_async default mover", async_on(m, d), depth});
		cp.push_back(
		    {"memcpy_async threads mover (" + std::to_string(threads.threads()) + ")",
		     async_on(mt, dt), depth});
		run_row(out, "pmem2", "memcpy", size, cp, o);

		std::vector<method> set;
		set.push_back({"memset + persist", [=, &m] {
			               return loop([&](std::size_t off) {
				               std::memset(d + off, 0x33, size);
				               m.persist(d + off, size);
			               });
		               }});
		set.push_back({"memset_fn", [=, &m] {
			               return loop(
			                   [&](std::size_t off) { m.memset(d + off, 0x33, size); });
		               }});
		run_row(out, "pmem2", "memset", size, set, o);
	}
	return gran;
}

int run_bench(bench_options o)
{
	if (o.sizes.empty()) {
		if (o.quick)
			o.sizes = {std::size_t(4) << 10, std::size_t(64) << 10,
			           std::size_t(2) << 20};
		else
			o.sizes = {std::size_t(256), std::size_t(4) << 10, std::size_t(64) << 10,
			           std::size_t(2) << 20, std::size_t(64) << 20};
	}
	if (o.seconds <= 0)
		o.seconds = o.quick ? 0.03 : 0.2;
	if (o.rounds == 0)
		o.rounds = o.quick ? 3 : 5;
	if (!o.plot.empty() && fs::path(o.plot).extension() != ".png")
		throw failure("--plot needs a file name ending in .png");

	double t0 = now_seconds();
	std::vector<cell> cells;
	bench_movers(cells, o);
	std::string gran;
	gran = bench_pmem2(cells, o);
	double elapsed = now_seconds() - t0;
	if (!o.plot.empty())
		plot(cells, o.plot);

	if (o.json_output) {
		json j = json::object();
		j["machine"] = machine_json();
		json &cfg = j["config"];
		cfg["quick"] = o.quick;
		cfg["seconds_per_cell"] = o.seconds;
		cfg["rounds"] = o.rounds;
		cfg["threads"] = o.threads ? o.threads : cpu_count();
		cfg["dir"] = o.dir;
		cfg["elapsed_seconds"] = elapsed;
		j["movers"] = cells_json(cells, "movers");
		json &p = j["pmem2"];
		p["available"] = true;
		p["granularity"] = gran.empty() ? json() : json(gran);
		p["results"] = cells_json(cells, "pmem2");
		if (!o.plot.empty())
			j["plot"] = o.plot;
		std::cout << dump_json(j) << "\n";
		return 0;
	}

	std::printf("masync bench%s: GiB/s, median of %u interleaved rounds of %s per cell; "
	            "(ratio) to the first column\n",
	            o.quick ? " --quick" : "", o.rounds, human_seconds(o.seconds).c_str());
	print_table(cells, "movers", "memcpy",
	            "Movers against plain memcpy on one thread (many operations in flight)");
	print_table(cells, "pmem2", "memcpy",
	            "libpmem2 memcpy on a map of a file in " + o.dir + " (granularity " + gran +
	                ")");
	print_table(cells, "pmem2", "memset",
	            "libpmem2 memset on a map of a file in " + o.dir + " (granularity " + gran +
	                ")");
	if (!o.plot.empty())
		std::printf("\nPlot: %s\n", o.plot.c_str());
	std::printf("\n%s elapsed\n", human_seconds(elapsed).c_str());
	return 0;
}

} // namespace

command add_bench_command(CLI::App &app)
{
	auto o = std::make_shared<bench_options>();
	CLI::App *sub = app.add_subcommand(
	    "bench", "Measure the movers (sync, threads, the DSA mover) against plain memcpy and "
	             "libpmem2's memory operations; print a table, JSON or a plot.");
	sub->add_flag("--quick", o->quick, "Fewer sizes and shorter cells: under a minute");
	sub->add_flag("--json", o->json_output, "Print one JSON object on stdout and nothing else");
	sub->add_option("--plot", o->plot,
	                "Also draw throughput against size, one line per mover, into FILE.png "
	                "(needs gnuplot)")
	    ->type_name("FILE.png");
	sub->add_option("--dir", o->dir, "Where to make the libpmem2 benchmark file")
	    ->check(CLI::ExistingDirectory.description(""))
	    ->type_name("DIR")
	    ->default_str("/dev/shm");
	size_option(sub->add_option("--sizes", o->sizes,
	                            "Operation sizes, 1 byte to 1G each, with units: 4K,64K,2M ...")
	                ->delimiter(','),
	            1, std::uint64_t(1) << 30);
	sub->add_option("--time", o->seconds,
	                "Seconds per cell and round, 0.0001 to 60 (default 0.2, 0.03 with --quick)")
	    ->check(CLI::Range(0.0001, 60.0).description(""))
	    ->type_name("SECONDS");
	count_option(sub->add_option("--rounds", o->rounds,
	                             "Interleaved rounds per cell, 1 to 1000 (default 5, 3 with "
	                             "--quick)"),
	             1, 1000);
	count_option(sub->add_option("-t,--threads", o->threads,
	                             "Workers of the threads mover, 1 to 1024 (default: one per "
	                             "CPU)"),
	             1, 1024);
	/*
	 * Two anonymous buffers of the region and a benchmark file of it in
	 * --dir; the region is at least the largest size (at most 1 GiB).
	 */
	return {[o] { return run_bench(*o); },
	        [o] {
		        std::size_t region = std::size_t(64) << 20;
		        for (std::size_t s : o->sizes)
			        region = std::max(region, s);
		        return 3 * std::uint64_t(region);
	        }};
}

} // namespace masync::tool
