/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * tools/cmd_copy.cpp -- `masync copy SRC DST`: SRC's bytes into a libpmem2
 * mapping of DST, durably, with many futures in flight on a mover.
 */
#include "copy.hpp"
#include "mover.hpp"
#include "size.hpp"
#include "tool.hpp"

#include <cstdio>
#include <memory>
#include <new>

namespace masync::tool
{
namespace
{

struct copy_cli {
	copy_options o;
	std::string progress = "auto";
	bool quiet = false;
};

void print_report(const copy_cli &c, const copy_report &r);

int run_copy(copy_cli &c)
{
	if (c.o.threads != 0 && c.o.mover != "threads")
		throw usage_error("--threads applies to --mover threads only");
	c.o.progress_mode = c.quiet ? progress::mode::none : progress::parse(c.progress);
	copy_report r = copy_file(c.o);
	if (c.quiet)
		return 0;
	try {
		print_report(c, r);
	} catch (const std::bad_alloc &) {
		/* DST is complete: say so, whatever stopped the report. */
		std::fputs("masync copy: out of memory while printing the report; the copy is "
		           "complete and durable\n",
		           stderr);
		return 1;
	}
	return 0;
}

void print_report(const copy_cli &c, const copy_report &r)
{
	std::printf("copied %s (%llu bytes) from %s to %s in %s (%s)\n",
	            human_bytes(double(r.bytes)).c_str(), static_cast<unsigned long long>(r.bytes),
	            c.o.src.c_str(), c.o.dst.c_str(), human_seconds(r.seconds).c_str(),
	            human_rate(r.seconds > 0 ? double(r.bytes) / r.seconds : 0).c_str());
	if (r.bytes > 0 && !r.mapped) {
		std::printf("  %s\n", r.method.c_str());
		std::printf("  durable: %s, granularity %s\n", r.durability.c_str(),
		            r.granularity.c_str());
	} else if (r.bytes > 0) {
		std::printf("  %s, %llu %s of up to %s, at most %u in flight, %s\n",
		            r.method.c_str(), static_cast<unsigned long long>(r.futures),
		            r.futures == 1 ? "future" : "futures",
		            human_bytes(double(r.chunk)).c_str(), r.in_flight, r.mover.c_str());
		std::printf("  durable: %s, granularity %s\n", r.durability.c_str(),
		            r.granularity.c_str());
	} else {
		std::printf("  durable: %s\n", r.durability.c_str());
	}
	if (r.verified)
		std::printf("  verified: %s re-read and equal to the source (%s)\n",
		            c.o.dst.c_str(), human_seconds(r.verify_seconds).c_str());
}

} // namespace

command add_copy_command(CLI::App &app)
{
	auto c = std::make_shared<copy_cli>();
	CLI::App *sub = app.add_subcommand(
	    "copy", "Copy SRC into a libpmem2 mapping of DST (created, or resized to SRC's size) "
	            "with pmem2_memcpy_async futures; DST is durable when it reports success.");
	sub->add_option("SRC", c->o.src, "The file to copy")->required()->type_name("");
	sub->add_option("DST", c->o.dst, "The file to write (not a directory)")
	    ->required()
	    ->type_name("");
	sub->add_option("-m,--mover", c->o.mover,
	                "The data mover: default (libpmem2's own, on this thread), sync "
	                "(synchronous mover), threads (worker threads), dml (Intel DSA work "
	                "queues; fails without one) or auto (DSA mover: small chunks on the CPU, "
	                "large ones on DSA, or on worker threads without a queue)")
	    ->check(CLI::IsMember(mover::names()).description(""))
	    ->type_name("MOVER")
	    ->default_str(default_mover_name());
	count_option(sub->add_option("-t,--threads", c->o.threads,
	                             "Workers of the threads mover, 1 to 1024 (default: one "
	                             "per CPU; only with --mover threads)"),
	             1, 1024);
	size_option(sub->add_option("-c,--chunk", c->o.chunk,
	                            "Bytes per future or write, 4K to 1G, with a unit: 64K, "
	                            "4MiB ... (default: 16 MiB; rounded up to whole pages)"),
	            4096, std::uint64_t(1) << 30);
	count_option(sub->add_option("-j,--in-flight", c->o.in_flight,
	                             "Futures in flight, 1 to 65536 (default: 4 per worker, at "
	                             "least 4)"),
	             1, 65536);
	sub->add_option("--io", c->o.io,
	                "How DST is written: map (libpmem2 maps of DST, pmem2_memcpy_async "
	                "futures on the mover), write (the kernel copies: copy_file_range, then "
	                "fsync) or auto (map where DST is DAX, write where its granularity is "
	                "PAGE and a mapping buys nothing)")
	    ->check(CLI::IsMember({"auto", "map", "write"}).description(""))
	    ->type_name("HOW")
	    ->default_str("auto");
	sub->add_flag("--verify", c->o.verify,
	              "Read DST back (pread) after the copy and compare it with SRC");
	sub->add_option("--progress", c->progress,
	                "Progress on stderr: auto (a bar on a terminal, else a line a second), "
	                "bar, lines or none")
	    ->check(CLI::IsMember({"auto", "bar", "lines", "none"}).description(""))
	    ->type_name("WHEN")
	    ->default_str("auto");
	sub->add_flag("-q,--quiet", c->quiet, "No progress and no report; only errors");
	/*
	 * Beyond SRC's bytes into DST, a copy writes its verification buffer
	 * (copy_io.cpp's verify, 8 MiB); chunk and in-flight count bound what
	 * is mapped at once, not what is written.
	 */
	return {[c] { return run_copy(*c); },
	        [c] { return std::uint64_t(c->o.verify ? 8 << 20 : 0); }};
}

} // namespace masync::tool
