/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * tools/bench_run.cpp -- the harness of `masync bench` (bench.hpp).
 */
#include "bench.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace masync::tool
{

namespace
{

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

} // namespace

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

buffer::buffer(std::size_t n) : len(n)
{
	void *a = mmap(nullptr, n, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (a == MAP_FAILED)
		fail_errno("cannot allocate " + human_bytes(double(n)), errno);
	p = static_cast<char *>(a);
	std::memset(p, 0x5a, n);
}

buffer::~buffer()
{
	munmap(p, len);
}

unsigned depth_for(std::size_t size)
{
	if (size <= (std::size_t(64) << 10))
		return 64;
	if (size <= (std::size_t(2) << 20))
		return 8;
	return 2;
}

cursor::cursor(std::size_t s, std::size_t region)
    : size(s), slots(std::max<std::size_t>(1, region / s))
{
}

std::size_t bench_region(const bench_options &o)
{
	std::size_t biggest = *std::max_element(o.sizes.begin(), o.sizes.end());
	return std::max(biggest, std::size_t(o.quick ? 16 : 64) << 20);
}

} // namespace masync::tool
