/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * async_compat.c -- the libpmem2 async API driven by our libminiasync movers
 * and runtime, built twice from this one source:
 *   - against Debian's PMDK 1.12.1 <libpmem2.h> and libpmem2.so.1, with our
 *     <libminiasync.h> (Debian ships no miniasync headers): PMDK's compiled
 *     async code runs on our movers, which tests our miniasync ABI;
 *   - against our own headers and libraries (the same program, our ABI).
 * Both must compile with the layout checks of async_layout_asserts.h and
 * print the same lines. Each run copies, moves and fills random ranges of a
 * /dev/shm file mapping (PAGE granularity) and of anonymous memory (BYTE)
 * through the synchronous and the threads mover, with runtime_wait,
 * runtime_wait_multiple and FUTURE_BUSY_POLL, and verifies every byte
 * through the mapping and, for the file, with pread().
 * Exit status 0 when everything matched.
 */
#define _POSIX_C_SOURCE 200809L /* mkstemp, ftruncate, pread */
#define PMEM2_USE_MINIASYNC 1
#include <libpmem2.h>

#include <libminiasync.h>

#include "async_layout_asserts.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcntl.h>
#include <unistd.h>

#define MAP_SIZE ((size_t)4 << 20)
#define HOST_SIZE ((size_t)1 << 20)
#define OPS 300
#define BATCH 8

static uint64_t rng = 88172645463325252ULL;

static uint64_t next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static size_t random_len(void)
{
	switch (next_random() % 4) {
	case 0:
		return next_random() % 257;
	case 1:
		return 1 + next_random() % 8192;
	case 2:
		return 1 + next_random() % (128 << 10);
	default:
		return 1 + next_random() % (HOST_SIZE / 2);
	}
}

static int failures;

#define CHECK(cond, ...)                                                                    \
	do {                                                                                \
		if (!(cond)) {                                                              \
			fprintf(stderr, "FAILED: %s (%s:%d): ", #cond, __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                                       \
			fputc('\n', stderr);                                                \
			failures++;                                                         \
		}                                                                           \
	} while (0)

struct target {
	int fd; /* -1 for anonymous memory */
	char path[64];
	struct pmem2_source *src;
	struct pmem2_map *map;
	char *base;
};

static int target_open(struct target *t, int anonymous, struct vdm *vdm)
{
	struct pmem2_config *cfg = NULL;
	memset(t, 0, sizeof(*t));
	t->fd = -1;
	if (anonymous) {
		if (pmem2_source_from_anon(&t->src, MAP_SIZE))
			return -1;
	} else {
		strcpy(t->path, "/dev/shm/masync_async_compat_XXXXXX");
		t->fd = mkstemp(t->path);
		if (t->fd < 0 || ftruncate(t->fd, (off_t)MAP_SIZE) != 0)
			return -1;
		if (pmem2_source_from_fd(&t->src, t->fd))
			return -1;
	}
	if (pmem2_config_new(&cfg) ||
	    pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_PAGE) ||
	    pmem2_config_set_vdm(cfg, vdm) || pmem2_map_new(&t->map, cfg, t->src)) {
		pmem2_perror("mapping");
		pmem2_config_delete(&cfg);
		return -1;
	}
	pmem2_config_delete(&cfg);
	t->base = pmem2_map_get_address(t->map);
	return 0;
}

static void target_close(struct target *t)
{
	if (t->map)
		pmem2_map_delete(&t->map);
	pmem2_source_delete(&t->src);
	if (t->fd >= 0) {
		close(t->fd);
		unlink(t->path);
	}
}

/* One random operation on [dest, dest + len); returns its future. */
static struct pmem2_future one_op(struct target *t, char *model, const char *host, size_t dest,
                                  size_t len)
{
	int kind = (int)(next_random() % 3);
	if (kind == 0) {
		size_t s = next_random() % (HOST_SIZE - len + 1);
		memcpy(model + dest, host + s, len);
		return pmem2_memcpy_async(t->map, t->base + dest, host + s, len, 0);
	}
	if (kind == 1) {
		/* within the map, overlapping or not */
		size_t lo = dest > len ? dest - len : 0;
		size_t hi = dest + len < MAP_SIZE - len ? dest + len : MAP_SIZE - len;
		size_t s = lo + next_random() % (hi - lo + 1);
		memmove(model + dest, model + s, len);
		return pmem2_memmove_async(t->map, t->base + dest, t->base + s, len, 0);
	}
	int c = (int)(next_random() % 256);
	memset(model + dest, c, len);
	return pmem2_memset_async(t->map, t->base + dest, c, len, 0);
}

static void run(const char *mover, struct vdm *vdm, int anonymous, struct runtime *rt)
{
	struct target t;
	if (target_open(&t, anonymous, vdm) != 0) {
		CHECK(0, "cannot map %s memory", anonymous ? "anonymous" : "file");
		target_close(&t);
		return;
	}
	char *model = calloc(1, MAP_SIZE);
	char *host = malloc(HOST_SIZE);
	CHECK(model && host, "out of memory");
	if (!model || !host)
		goto out;
	for (size_t i = 0; i < HOST_SIZE; ++i)
		host[i] = (char)next_random();

	int ops = 0;
	for (int i = 0; i < OPS; ++i) {
		size_t len = random_len();
		size_t dest = next_random() % (MAP_SIZE - len + 1);
		struct pmem2_future f = one_op(&t, model, host, dest, len);
		if (i % 2)
			runtime_wait(rt, FUTURE_AS_RUNNABLE(&f));
		else
			FUTURE_BUSY_POLL(&f);
		CHECK(FUTURE_STATE(&f) == FUTURE_STATE_COMPLETE, "op %d", i);
		CHECK(FUTURE_OUTPUT(&f)->dest == t.base + dest, "op %d: dest %p, want %p", i,
		      FUTURE_OUTPUT(&f)->dest, (void *)(t.base + dest));
		CHECK(memcmp(t.base + dest, model + dest, len) == 0, "op %d: contents", i);
		ops++;
	}

	/* Batches of copies into disjoint slots, waited for together. */
	for (int b = 0; b < 10; ++b) {
		struct pmem2_future futs[BATCH];
		struct future *runnable[BATCH];
		size_t slot = MAP_SIZE / BATCH;
		for (int k = 0; k < BATCH; ++k) {
			size_t len = 1 + next_random() % (slot < HOST_SIZE ? slot : HOST_SIZE);
			size_t dest = (size_t)k * slot + next_random() % (slot - len + 1);
			size_t s = next_random() % (HOST_SIZE - len + 1);
			memcpy(model + dest, host + s, len);
			futs[k] = pmem2_memcpy_async(t.map, t.base + dest, host + s, len, 0);
			runnable[k] = FUTURE_AS_RUNNABLE(&futs[k]);
		}
		runtime_wait_multiple(rt, runnable, BATCH);
		for (int k = 0; k < BATCH; ++k)
			CHECK(FUTURE_STATE(&futs[k]) == FUTURE_STATE_COMPLETE &&
			          FUTURE_OUTPUT(&futs[k])->dest != NULL,
			      "batch %d future %d", b, k);
		ops += BATCH;
	}

	CHECK(memcmp(t.base, model, MAP_SIZE) == 0, "whole mapping");
	if (t.fd >= 0) {
		char *file = malloc(MAP_SIZE);
		size_t done = 0;
		while (file && done < MAP_SIZE) {
			ssize_t r = pread(t.fd, file + done, MAP_SIZE - done, (off_t)done);
			if (r <= 0)
				break;
			done += (size_t)r;
		}
		CHECK(file && done == MAP_SIZE && memcmp(file, model, MAP_SIZE) == 0,
		      "file contents (pread)");
		free(file);
	}
	printf("%s mover, %s memory, granularity %d: %d operations verified\n", mover,
	       anonymous ? "anonymous" : "file", (int)pmem2_map_get_store_granularity(t.map), ops);
out:
	free(model);
	free(host);
	target_close(&t);
}

int main(void)
{
	struct runtime *rt = runtime_new();
	struct data_mover_sync *dms = data_mover_sync_new();
	struct data_mover_threads *dmt = data_mover_threads_new(2, 256, FUTURE_NOTIFIER_WAKER);
	if (!rt || !dms || !dmt) {
		fprintf(stderr, "cannot create the runtime or the movers\n");
		return 2;
	}
	for (int anonymous = 0; anonymous < 2; ++anonymous) {
		run("sync", data_mover_sync_get_vdm(dms), anonymous, rt);
		run("threads", data_mover_threads_get_vdm(dmt), anonymous, rt);
	}
	data_mover_threads_delete(dmt);
	data_mover_sync_delete(dms);
	runtime_delete(rt);
	if (failures)
		fprintf(stderr, "%d checks failed\n", failures);
	return failures ? 1 : 0;
}
