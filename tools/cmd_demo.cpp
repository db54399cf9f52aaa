/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * tools/cmd_demo.cpp -- `masync demo [DIR]`: the project's main job in a few
 * seconds. Makes a sample file, copies it durably into a libpmem2 mapping
 * under /dev/shm (or DIR), verifies it, and says what happened at each step.
 */
#include "copy.hpp"
#include "machine.hpp"
#include "mover.hpp"
#include "size.hpp"
#include "tool.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <vector>

namespace fs = std::filesystem;

namespace masync::tool
{
namespace
{

/*
 * The largest sample: 1 TiB. Larger ones were refused only by the free-space
 * check (check_room); the bound keeps what any accepted --size may make the
 * demo write (twice the size) within write_limit.
 */
constexpr std::uint64_t max_demo_size = std::uint64_t(1) << 40;
static_assert(2 * max_demo_size + (std::uint64_t(1) << 20) <= write_limit);

struct demo_options {
	std::string dir = "/dev/shm";
	std::size_t size = std::size_t(64) << 20;
	std::string mover = default_mover_name();
	unsigned threads = 0;
	std::string io = "auto";
	bool keep = false;
};

/* Writes `size` pseudo-random bytes (splitmix64) to a new file at path. */
void make_sample(const std::string &path, std::size_t size)
{
	int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		fail_errno("cannot create the sample file " + path, errno);
	std::vector<std::uint64_t> buf((std::size_t(1) << 20) / sizeof(std::uint64_t));
	std::uint64_t x = 0x6d61737973636f70ULL; /* fixed: the same sample every run */
	std::size_t left = size;
	while (left > 0) {
		for (auto &w : buf) {
			std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
			z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
			z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
			w = z ^ (z >> 31);
		}
		std::size_t n = std::min(left, buf.size() * sizeof(std::uint64_t));
		const char *p = reinterpret_cast<const char *>(buf.data());
		std::size_t off = 0;
		while (off < n) {
			ssize_t w = write(fd, p + off, n - off);
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				int err = errno;
				close(fd);
				fail_errno("cannot write the sample file " + path, err);
			}
			off += std::size_t(w);
		}
		left -= n;
	}
	if (close(fd) != 0)
		fail_errno("cannot write the sample file " + path, errno);
}

/* MemAvailable of /proc/meminfo in bytes, or 0 when unknown. */
std::uint64_t memory_available()
{
	std::ifstream f("/proc/meminfo");
	std::string key;
	std::uint64_t kib = 0;
	std::string unit;
	while (f >> key >> kib >> unit)
		if (key == "MemAvailable:")
			return kib * 1024;
	return 0;
}

/*
 * Refuses a demo that does not fit: the sample and its copy need twice the
 * size free in dir, and on tmpfs (memory) no more than half the memory
 * still available, so that the demo never pushes the machine out of memory.
 */
void check_room(const std::string &dir, std::uint64_t size)
{
	const std::uint64_t need = size > UINT64_MAX / 2 ? UINT64_MAX : 2 * size;
	struct statvfs vfs;
	if (statvfs(dir.c_str(), &vfs) == 0 && vfs.f_blocks != 0) {
		std::uint64_t avail = std::uint64_t(vfs.f_bavail) * vfs.f_frsize;
		if (need > avail)
			throw failure(
			    "no space in " + dir + " for a demo of " + human_bytes(double(size)) +
			    ": the sample and its copy need " + human_bytes(double(need)) + ", " +
			    human_bytes(double(avail)) + " are free (choose a smaller --size)");
	}
	struct statfs sfs;
	if (statfs(dir.c_str(), &sfs) == 0 && sfs.f_type == TMPFS_MAGIC) {
		std::uint64_t mem = memory_available();
		if (mem != 0 && need > mem / 2)
			throw failure("a demo of " + human_bytes(double(size)) + " in " + dir +
			              " (tmpfs, i.e. memory) needs " + human_bytes(double(need)) +
			              ", more than half of the " + human_bytes(double(mem)) +
			              " of memory available (choose a smaller --size)");
	}
}

const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

int run_demo(const demo_options &o)
{
	if (o.threads != 0 && o.mover != "threads")
		throw usage_error("--threads applies to --mover threads only");
	check_room(o.dir, o.size);
	double t0 = now_seconds();
	std::printf("masync demo: a file copied durably into a persistent-memory mapping\n\n");

	/* 1. The machine and the place. */
	std::printf("1. This machine\n");
	std::string features;
	for (const auto &f : cpu_feature_list()) {
		if (f.first == "avx" || f.first == "sse2" || f.first == "clflush")
			continue;
		features += (features.empty() ? "" : ", ") + f.first + " " + yes_no(f.second);
	}
	std::printf("   CPU: %s\n", features.c_str());
	kernel_choice k = kernels();
	dsa_state dsa = dsa_status();
	std::printf("   memory kernels: %s, flush: %s; eADR: %s; Intel DSA: %s\n",
	            k.memcpy_kernel.c_str(), k.flush.c_str(), eadr_state(nd_regions()).c_str(),
	            dsa.blocked_by.empty()
	                ? (std::to_string(dsa.queues.size()) + " work queues").c_str()
	                : dsa.blocked_by.c_str());
	path_probe probe = probe_path(o.dir);
	if (probe.granularity.empty())
		throw failure("cannot use " + o.dir + ": " + probe.error);
	std::printf("   %s: %s, libpmem2 store granularity %s\n\n", o.dir.c_str(),
	            probe.filesystem.c_str(), probe.granularity.c_str());

	/* 2. A sample file. */
	std::string tmpl = (fs::path(o.dir) / "masync-demo-XXXXXX").string();
	if (mkdtemp(tmpl.data()) == nullptr)
		fail_errno("cannot create a directory in " + o.dir, errno);
	struct remover {
		std::string dir;
		bool keep;
		~remover()
		{
			if (!keep) {
				std::error_code ec;
				fs::remove_all(dir, ec);
			}
		}
	} rm{tmpl, o.keep};
	std::string sample = (fs::path(tmpl) / "sample.bin").string();
	std::string copy = (fs::path(tmpl) / "copy.bin").string();
	double s0 = now_seconds();
	make_sample(sample, o.size);
	std::printf("2. Made a sample file of %s of pseudo-random bytes (%s)\n   %s\n\n",
	            human_bytes(double(o.size)).c_str(), human_seconds(now_seconds() - s0).c_str(),
	            sample.c_str());

	/* 3. The durable copy, verified. */
	copy_options co;
	co.src = sample;
	co.dst = copy;
	co.mover = o.mover;
	co.threads = o.threads;
	co.io = o.io;
	co.verify = true;
	co.progress_mode = progress::mode::automatic;
	co.label = "demo copy";
	copy_report r = copy_file(co);
	std::printf("3. Copied it durably into a new file%s\n   %s\n",
	            r.mapped ? " through libpmem2 mappings" : "", copy.c_str());
	if (r.bytes > 0 && !r.mapped) {
		std::printf("   %s\n", r.method.c_str());
		std::printf("   durable: %s; then renamed over the destination\n",
		            r.durability.c_str());
	} else if (r.bytes > 0) {
		std::printf("   %s: %llu %s of up to %s, at most %u in flight, on the %s\n",
		            r.method.c_str(), static_cast<unsigned long long>(r.futures),
		            r.futures == 1 ? "future" : "futures",
		            human_bytes(double(r.chunk)).c_str(), r.in_flight, r.mover.c_str());
		std::printf("   durable when each future completed: %s\n", r.durability.c_str());
	}
	std::printf("   %s in %s (%s), counting open, allocation, mapping and persistence\n\n",
	            human_bytes(double(r.bytes)).c_str(), human_seconds(r.seconds).c_str(),
	            human_rate(r.seconds > 0 ? double(r.bytes) / r.seconds : 0).c_str());
	std::printf("4. Verified: read back with pread(2), byte for byte equal to the sample "
	            "(%s)\n\n",
	            human_seconds(r.verify_seconds).c_str());

	if (o.keep)
		std::printf("5. Kept the files in %s\n\n", tmpl.c_str());
	else
		std::printf("5. Removed %s (--keep keeps it)\n\n", tmpl.c_str());
	std::printf("Done in %s. Next: 'masync info %s', 'masync copy --help', "
	            "'masync bench --quick'.\n",
	            human_seconds(now_seconds() - t0).c_str(), o.dir.c_str());
	return 0;
}

} // namespace

command add_demo_command(CLI::App &app)
{
	auto o = std::make_shared<demo_options>();
	CLI::App *sub = app.add_subcommand(
	    "demo", "Make a sample file, copy it durably into a libpmem2 mapping under /dev/shm "
	            "(or DIR), verify it and explain each step.");
	sub->add_option("DIR", o->dir, "Where to make the files (removed afterwards)")
	    ->check(CLI::ExistingDirectory.description(""))
	    ->type_name("")
	    ->default_str("/dev/shm");
	size_option(sub->add_option("-s,--size", o->size,
	                            "Size of the sample file, 1 byte to 1T, with a unit: 1M, "
	                            "256MiB ... (default: 64 MiB; DIR needs twice that free)"),
	            1, max_demo_size);
	sub->add_option("-m,--mover", o->mover,
	                "The data mover: default, sync, threads, dml or auto (as for copy)")
	    ->check(CLI::IsMember(mover::names()).description(""))
	    ->type_name("MOVER")
	    ->default_str(default_mover_name());
	count_option(sub->add_option("-t,--threads", o->threads,
	                             "Workers of the threads mover, 1 to 1024 (default: one "
	                             "per CPU; only with --mover threads)"),
	             1, 1024);
	sub->add_option("--io", o->io, "How the copy is written: auto, map or write (as for copy)")
	    ->check(CLI::IsMember({"auto", "map", "write"}).description(""))
	    ->type_name("HOW")
	    ->default_str("auto");
	sub->add_flag("-k,--keep", o->keep, "Keep the sample and the copy");
	/* The sample and its copy, and the sample's write buffer (make_sample). */
	return {[o] { return run_demo(*o); },
	        [o] { return 2 * std::uint64_t(o->size) + (std::uint64_t(1) << 20); }};
}

} // namespace masync::tool
