/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * tools/cmd_bench.cpp -- `masync bench`: the standard measurements.
 *
 *   movers:  memcpy of one size at a time, many operations in flight, on the
 *            synchronous and the threads mover, against plain memcpy on one
 *            thread (the baseline, measured in the same run).
 *   pmem2:   libpmem2's memory operations on a map of a file in --dir
 *            (default /dev/shm), against plain memcpy/memset followed by
 *            the map's persist function (the same durability), and, with
 *            the async API, pmem2_memcpy_async on the default and threads
 *            movers.
 *
 * Each cell is the median of interleaved rounds (every method measured once
 * per round, in turn). --json prints one JSON object and nothing else on
 * stdout; --plot draws throughput against size, one line per mover, with
 * gnuplot.
 */
#include "machine.hpp"
#include "mover.hpp"
#include "size.hpp"
#include "tool.hpp"

#if MASYNC_TOOL_HAVE_ASYNC
#define PMEM2_USE_MINIASYNC 1
#endif
#if MASYNC_TOOL_HAVE_MINIASYNC
#include <libminiasync.h>
#endif
#if MASYNC_TOOL_HAVE_PMEM2
#include <libpmem2.h>
#endif

#include <fcntl.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <vector>

extern char **environ;

namespace fs = std::filesystem;

namespace masync::tool
{
namespace
{

struct bench_options {
	bool quick = false;
	bool json_output = false;
	std::string plot;
	std::string dir = "/dev/shm";
	std::vector<std::size_t> sizes;
	double seconds = 0; /* per cell and round; 0: 0.2 (0.03 with --quick) */
	unsigned rounds = 0;
	unsigned threads = 0;
};

/* One method of a table: does a batch of work, returns the bytes it moved. */
struct method {
	std::string name;
	std::function<std::uint64_t()> batch;
	unsigned in_flight = 1;
};

struct cell {
	std::string table; /* movers | pmem2 */
	std::string operation;
	std::size_t size = 0;
	std::string method;
	unsigned in_flight = 1;
	double gib_s = 0;
	double ratio = 0; /* to the table's baseline (the first method) */
};

constexpr double gib = 1024.0 * 1024.0 * 1024.0;

double median(std::vector<double> v)
{
	std::sort(v.begin(), v.end());
	std::size_t n = v.size();
	return n == 0 ? 0 : (n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2);
}

/* Runs batches until `seconds` have passed; bytes per second. */
double measure(const method &m, double seconds)
{
	m.batch(); /* warm-up: page faults, mover start-up */
	std::uint64_t bytes = 0;
	double t0 = now_seconds(), t;
	do {
		bytes += m.batch();
		t = now_seconds();
	} while (t - t0 < seconds);
	return double(bytes) / (t - t0);
}

/* Interleaved rounds over the methods; one cell per method. */
void run_row(std::vector<cell> &out, const std::string &table, const std::string &op,
             std::size_t size, const std::vector<method> &methods, const bench_options &o)
{
	/* One progress line per row on stderr (stdout stays the table or the JSON). */
	static unsigned row = 0;
	const unsigned rows = unsigned(o.sizes.size()) * 3; /* movers, pmem2 memcpy, memset */
	std::fprintf(stderr, "masync bench: [%u/%u] %s %s, %s: %zu methods, %u rounds\n", ++row,
	             rows, table.c_str(), op.c_str(), human_bytes(double(size)).c_str(),
	             methods.size(), o.rounds);
	std::vector<std::vector<double>> samples(methods.size());
	for (unsigned r = 0; r < o.rounds; ++r)
		for (std::size_t i = 0; i < methods.size(); ++i)
			samples[i].push_back(measure(methods[i], o.seconds));
	double base = median(samples[0]);
	for (std::size_t i = 0; i < methods.size(); ++i) {
		cell c;
		c.table = table;
		c.operation = op;
		c.size = size;
		c.method = methods[i].name;
		c.in_flight = methods[i].in_flight;
		c.gib_s = median(samples[i]) / gib;
		c.ratio = base > 0 ? median(samples[i]) / base : 0;
		out.push_back(c);
	}
}

/* Anonymous memory, prefaulted, released at scope exit. */
struct buffer {
	char *p = nullptr;
	std::size_t len = 0;
	explicit buffer(std::size_t n) : len(n)
	{
		void *a = mmap(nullptr, n, PROT_READ | PROT_WRITE,
		               MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (a == MAP_FAILED)
			fail_errno("cannot allocate " + human_bytes(double(n)), errno);
		p = static_cast<char *>(a);
		std::memset(p, 0x5a, n);
	}
	~buffer() { munmap(p, len); }
	buffer(const buffer &) = delete;
	buffer &operator=(const buffer &) = delete;
};

/* Operations in flight for a size: enough to hide per-operation costs. */
unsigned depth_for(std::size_t size)
{
	if (size <= (std::size_t(64) << 10))
		return 64;
	if (size <= (std::size_t(2) << 20))
		return 8;
	return 2;
}

/* Cycles through the slots of a region, one operation at a time. */
struct cursor {
	std::size_t size, slots, next = 0;
	cursor(std::size_t s, std::size_t region)
	    : size(s), slots(std::max<std::size_t>(1, region / s))
	{
	}
	std::size_t take()
	{
		std::size_t off = (next % slots) * size;
		++next;
		return off;
	}
};

#if MASYNC_TOOL_HAVE_MINIASYNC
/* `depth` vdm memcpy futures, waited for together. */
std::uint64_t vdm_batch(struct vdm *vdm, struct runtime *rt, char *dst, char *src, cursor &cur,
                        unsigned depth)
{
	std::vector<vdm_operation_future> futs(depth);
	std::vector<struct future *> ptrs(depth);
	for (unsigned i = 0; i < depth; ++i) {
		std::size_t off = cur.take();
		futs[i] = vdm_memcpy(vdm, dst + off, src + off, cur.size, 0);
		ptrs[i] = FUTURE_AS_RUNNABLE(&futs[i]);
	}
	runtime_wait_multiple(rt, ptrs.data(), depth);
	for (auto &f : futs)
		if (FUTURE_OUTPUT(&f)->result != VDM_SUCCESS)
			throw failure("a mover failed an operation during the benchmark");
	return std::uint64_t(depth) * cur.size;
}
#endif

void bench_movers(std::vector<cell> &out, const bench_options &o)
{
	std::size_t biggest = *std::max_element(o.sizes.begin(), o.sizes.end());
	std::size_t region = std::max(biggest, std::size_t(o.quick ? 16 : 64) << 20);
	buffer src(region), dst(region);
#if MASYNC_TOOL_HAVE_MINIASYNC
	mover sync("sync", 0);
	mover threads("threads", o.threads);
	struct runtime *rt = runtime_new();
	if (rt == nullptr)
		fail_errno("cannot create a runtime", errno);
	struct rt_owner {
		struct runtime *p;
		~rt_owner() { runtime_delete(p); }
	} rt_guard{rt};
#endif
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
#if MASYNC_TOOL_HAVE_MINIASYNC
		methods.push_back({"sync mover",
		                   [&, cur, depth] {
			                   return vdm_batch(sync.vdm(), rt, dst.p, src.p, *cur,
			                                    depth);
		                   },
		                   depth});
		methods.push_back({"threads mover (" + std::to_string(threads.threads()) + ")",
		                   [&, cur, depth] {
			                   return vdm_batch(threads.vdm(), rt, dst.p, src.p, *cur,
			                                    depth);
		                   },
		                   depth});
#endif
		run_row(out, "movers", "memcpy", size, methods, o);
	}
}

#if MASYNC_TOOL_HAVE_PMEM2
/* A map of an unlinked temporary file in dir, optionally on a given mover. */
struct bench_map {
	int fd = -1;
	struct pmem2_source *src = nullptr;
	struct pmem2_config *cfg = nullptr;
	struct pmem2_map *map = nullptr;

	bench_map(int file, struct vdm *vdm) : fd(file)
	{
		if (pmem2_source_from_fd(&src, fd) != 0 || pmem2_config_new(&cfg) != 0 ||
		    pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_PAGE) != 0)
			throw failure(std::string("libpmem2: ") + pmem2_errormsg());
#if MASYNC_TOOL_HAVE_ASYNC
		if (vdm != nullptr && pmem2_config_set_vdm(cfg, vdm) != 0)
			throw failure(std::string("libpmem2: ") + pmem2_errormsg());
#else
		(void)vdm;
#endif
		if (pmem2_map_new(&map, cfg, src) != 0)
			throw failure(std::string("libpmem2: cannot map the benchmark file: ") +
			              pmem2_errormsg());
	}
	~bench_map()
	{
		if (map)
			pmem2_map_delete(&map);
		if (cfg)
			pmem2_config_delete(&cfg);
		if (src)
			pmem2_source_delete(&src);
	}
	bench_map(const bench_map &) = delete;
	bench_map &operator=(const bench_map &) = delete;
	char *addr() const
	{
		return static_cast<char *>(pmem2_map_get_address(map));
	}
};

const char *granularity_name(enum pmem2_granularity g)
{
	switch (g) {
	case PMEM2_GRANULARITY_BYTE:
		return "BYTE";
	case PMEM2_GRANULARITY_CACHE_LINE:
		return "CACHE_LINE";
	case PMEM2_GRANULARITY_PAGE:
		return "PAGE";
	}
	return "?";
}

std::string bench_pmem2(std::vector<cell> &out, const bench_options &o)
{
	std::size_t biggest = *std::max_element(o.sizes.begin(), o.sizes.end());
	std::size_t region = std::max(biggest, std::size_t(o.quick ? 16 : 64) << 20);
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
	bench_map m(fd, nullptr);
	std::memset(m.addr(), 0, region); /* fault the map in */
	auto memcpy_fn = pmem2_get_memcpy_fn(m.map);
	auto memset_fn = pmem2_get_memset_fn(m.map);
	auto persist_fn = pmem2_get_persist_fn(m.map);
	char *d = m.addr();
	std::string gran = granularity_name(pmem2_map_get_store_granularity(m.map));

#if MASYNC_TOOL_HAVE_ASYNC
	mover threads("threads", o.threads);
	bench_map mt(fd, threads.vdm());
	char *dt = mt.addr();
	struct pmem2_map *map_default = m.map, *map_threads = mt.map;
	struct runtime *rt = runtime_new();
	if (rt == nullptr)
		fail_errno("cannot create a runtime", errno);
	struct rt_owner {
		struct runtime *p;
		~rt_owner() { runtime_delete(p); }
	} rt_guard{rt};
	auto async_batch = [rt](struct pmem2_map *map, char *base, const char *s, cursor &cur,
	                        unsigned depth) {
		std::vector<pmem2_future> futs(depth);
		std::vector<struct future *> ptrs(depth);
		for (unsigned i = 0; i < depth; ++i) {
			std::size_t off = cur.take();
			futs[i] = pmem2_memcpy_async(map, base + off, s + off, cur.size, 0);
			ptrs[i] = FUTURE_AS_RUNNABLE(&futs[i]);
		}
		runtime_wait_multiple(rt, ptrs.data(), depth);
		for (auto &f : futs)
			if (FUTURE_OUTPUT(&f)->dest == nullptr)
				throw failure(std::string("pmem2_memcpy_async failed: ") +
				              pmem2_errormsg());
		return std::uint64_t(depth) * cur.size;
	};
#endif

	for (std::size_t size : o.sizes) {
		unsigned depth = depth_for(size);
		auto cur = std::make_shared<cursor>(size, region);
		auto loop = [cur, depth, size](auto &&fn) {
			for (unsigned i = 0; i < depth; ++i)
				fn(cur->take());
			return std::uint64_t(depth) * size;
		};
		std::vector<method> cp;
		cp.push_back({"memcpy + persist", [=, &src] {
			              return loop([&](std::size_t off) {
				              std::memcpy(d + off, src.p + off, size);
				              persist_fn(d + off, size);
			              });
		              }});
		cp.push_back({"memcpy_fn", [=, &src] {
			              return loop([&](std::size_t off) {
				              memcpy_fn(d + off, src.p + off, size, 0);
			              });
		              }});
		cp.push_back({"memcpy_fn NONTEMPORAL", [=, &src] {
			              return loop([&](std::size_t off) {
				              memcpy_fn(d + off, src.p + off, size,
				                        PMEM2_F_MEM_NONTEMPORAL);
			              });
		              }});
		cp.push_back({"memcpy_fn TEMPORAL", [=, &src] {
			              return loop([&](std::size_t off) {
				              memcpy_fn(d + off, src.p + off, size,
				                        PMEM2_F_MEM_TEMPORAL);
			              });
		              }});
#if MASYNC_TOOL_HAVE_ASYNC
		cp.push_back({"memcpy_async default mover",
		              [=, &src] { return async_batch(map_default, d, src.p, *cur, depth); },
		              depth});
		cp.push_back(
		    {"memcpy_async threads mover (" + std::to_string(threads.threads()) + ")",
		     [=, &src] { return async_batch(map_threads, dt, src.p, *cur, depth); },
		     depth});
#endif
		run_row(out, "pmem2", "memcpy", size, cp, o);

		std::vector<method> set;
		set.push_back({"memset + persist", [=] {
			               return loop([&](std::size_t off) {
				               std::memset(d + off, 0x33, size);
				               persist_fn(d + off, size);
			               });
		               }});
		set.push_back({"memset_fn", [=] {
			               return loop([&](std::size_t off) {
				               memset_fn(d + off, 0x33, size, 0);
			               });
		               }});
		run_row(out, "pmem2", "memset", size, set, o);
	}
	return gran;
}
#endif

/* ---- output ---------------------------------------------------------------- */

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
		a.push(j);
	}
	return a;
}

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

/* Throughput against size, one line per mover, drawn by gnuplot into png. */
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
#if MASYNC_TOOL_HAVE_PMEM2
	gran = bench_pmem2(cells, o);
#endif
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
		p["available"] = have_pmem2;
		p["granularity"] = gran.empty() ? json() : json(gran);
		p["results"] = cells_json(cells, "pmem2");
		if (!o.plot.empty())
			j["plot"] = o.plot;
		std::cout << j.dump() << "\n";
		return 0;
	}

	std::printf("masync bench%s: GiB/s, median of %u interleaved rounds of %s per cell; "
	            "(ratio) to the first column\n",
	            o.quick ? " --quick" : "", o.rounds, human_seconds(o.seconds).c_str());
	print_table(cells, "movers", "memcpy",
	            "Movers against plain memcpy on one thread (many operations in flight)");
	if (!have_miniasync)
		std::printf(
		    "  (the movers are missing: this masync was built without libminiasync)\n");
	if (have_pmem2) {
		print_table(cells, "pmem2", "memcpy",
		            "libpmem2 memcpy on a map of a file in " + o.dir + " (granularity " +
		                gran + ")");
		print_table(cells, "pmem2", "memset",
		            "libpmem2 memset on a map of a file in " + o.dir + " (granularity " +
		                gran + ")");
	} else {
		std::printf("\n(libpmem2 measurements are missing: this masync was built without "
		            "libpmem2)\n");
	}
	if (!o.plot.empty())
		std::printf("\nPlot: %s\n", o.plot.c_str());
	std::printf("\n%s elapsed\n", human_seconds(elapsed).c_str());
	return 0;
}

} // namespace

command_fn add_bench_command(CLI::App &app)
{
	auto o = std::make_shared<bench_options>();
	CLI::App *sub = app.add_subcommand(
	    "bench", "Measure the movers against plain memcpy and libpmem2's memory operations; "
	             "print a table, JSON or a plot.");
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
	return [o] { return run_bench(*o); };
}

} // namespace masync::tool
