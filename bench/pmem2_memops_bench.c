/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * bench/pmem2_memops_bench.c -- one cell of the libpmem2 memory-operations
 * benchmark, written against the public libpmem2 API only, so the very same
 * source is built twice: against masync's libpmem2 (bench_pmem2_memops_ours)
 * and against Debian's PMDK 1.12.1 (bench_pmem2_memops_pmdk, which sees only
 * /usr/include and links /usr/lib/x86_64-linux-gnu/libpmem2.so.1).
 *
 *   pmem2_memops_bench FILE memcpy|memmove|memset SIZE FLAGS [SECONDS]
 *
 * Maps FILE (whole file; the granularity comes from PMEM2_FORCE_GRANULARITY,
 * set by the driver), touches every page once, then calls the map's
 * memcpy/memmove/memset function with SIZE bytes and FLAGS (a number,
 * PMEM2_F_MEM_*) on consecutive destinations walking through the file from a
 * pseudo-random start (wrapping at its end) for SECONDS (default 0.25), and
 * prints the throughput in GB/s. memcpy's source is one SIZE-byte buffer
 * (cache-hot); memmove moves the SIZE bytes at the current position 64 bytes
 * up, inside the map (source and destination overlap when SIZE > 64, so the
 * copy runs backwards), as when making room in an array. The next memmove
 * starts where this one's destination ends, so no call reads a line the
 * previous call has just stored. (When each call's source began at the last
 * line the previous call had streamed, the figure measured a race between
 * that load and the still-draining non-temporal store, decided by the few
 * instructions between calls: the same 4 loads, 4 streaming stores and
 * sfence of a 256-byte move took 97 ns back to back and 21 ns with ~50
 * cycles of unrelated work between calls, on the AMD EPYC used here.)
 * bench/pmem2_vs_pmdk.sh runs the two builds interleaved and compares.
 */
#define _GNU_SOURCE
#include <libpmem2.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: %s FILE memcpy|memmove|memset SIZE FLAGS [SECONDS]\n", argv[0]);
		return 2;
	}
	int is_set = strcmp(argv[2], "memset") == 0;
	int is_move = strcmp(argv[2], "memmove") == 0;
	size_t n = strtoull(argv[3], NULL, 0);
	unsigned flags = (unsigned)strtoul(argv[4], NULL, 0);
	double seconds = argc > 5 ? atof(argv[5]) : 0.25;

	int fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	struct pmem2_source *src;
	struct pmem2_config *cfg;
	struct pmem2_map *map;
	if (pmem2_source_from_fd(&src, fd) || pmem2_config_new(&cfg) ||
	    pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_PAGE) ||
	    pmem2_map_new(&map, cfg, src)) {
		fprintf(stderr, "map: %s\n", pmem2_errormsg());
		return 1;
	}
	char *base = pmem2_map_get_address(map);
	size_t size = pmem2_map_get_size(map);
	/* memmove's destination ends 64 bytes after the source's end */
	size_t span = is_move ? n + 64 : n;
	if (n == 0 || span > size) {
		fprintf(stderr, "bad size\n");
		return 2;
	}
	pmem2_memcpy_fn cpy = pmem2_get_memcpy_fn(map);
	pmem2_memset_fn set = pmem2_get_memset_fn(map);
	pmem2_memmove_fn mov = pmem2_get_memmove_fn(map);

	void *from;
	if (posix_memalign(&from, 4096, n))
		return 1;
	memset(from, 'x', n);
	/* Fault every page of the mapping in before measuring. */
	for (size_t off = 0; off < size; off += 4096)
		((volatile char *)base)[off] = 0;

	/*
	 * Start at a pseudo-random multiple of SIZE, so a run does not begin
	 * where the previous process (the other library) left its lines in
	 * the cache.
	 */
	size_t pos = ((size_t)getpid() * 2654435761u % (size / n)) * n, bytes = 0;
	double t0 = now(), t;
	do {
		for (int i = 0; i < 16; ++i) {
			if (pos + span > size)
				pos = 0;
			if (is_set)
				set(base + pos, 0x5a, n, flags);
			else if (is_move)
				mov(base + pos + 64, base + pos, n, flags);
			else
				cpy(base + pos, from, n, flags);
			pos += span;
			bytes += n;
		}
		t = now() - t0;
	} while (t < seconds);
	printf("%.4f\n", (double)bytes / t / 1e9);

	free(from);
	pmem2_map_delete(&map);
	pmem2_config_delete(&cfg);
	pmem2_source_delete(&src);
	close(fd);
	return 0;
}
