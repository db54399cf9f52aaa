/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * libpmem2/async.h -- durable asynchronous memory operations on a pmem2 map:
 * futures that copy, move or fill memory through a virtual data mover (vdm)
 * and are durable when they complete.
 *
 * How to get it
 *   Define PMEM2_USE_MINIASYNC (to 1) before including <libpmem2.h>; this
 *   header then comes with it, together with <libminiasync/vdm.h>.
 *
 * What it is
 *   pmem2_memcpy_async, pmem2_memmove_async and pmem2_memset_async return a
 *   struct pmem2_future: a chained future (see <libminiasync/future.h>) of
 *   two entries, the mover's operation (a struct vdm_operation_future) and a
 *   finalizer that does whatever the mover left undone for the data to be
 *   durable at the map's store granularity. Drive it with any miniasync
 *   runtime (runtime_wait) or FUTURE_BUSY_POLL. When it reports COMPLETE:
 *     - on success, output.dest is the destination and every written byte is
 *       durable (in the map's persistence domain);
 *     - on failure, output.dest is NULL and nothing was persisted. Failures:
 *       the mover had no operation record (the operation's result,
 *       data.op.fut.output.result, is VDM_ERROR_OUT_OF_MEMORY), the mover
 *       failed the operation (its result is kept there), a NULL map or
 *       pointer, or a destination range not inside the map (result
 *       VDM_ERROR_JOB_CORRUPTED; the mover was never asked), or a failed msync
 *       at PAGE granularity. pmem2_errormsg() describes the failure on the
 *       thread that created the future (for failures known then) and on the
 *       thread whose poll completed it.
 *
 * The mover
 *   A map uses the vdm given to its config by pmem2_config_set_vdm, which is
 *   borrowed: it must outlive the map and is never freed by libpmem2.
 *   Without one, the map makes its own default mover, which runs each
 *   operation synchronously, on the polling thread, with the map's own
 *   memory functions (pmem2_get_memcpy_fn(3) and friends), supports
 *   VDM_OPERATION_FLUSH and advertises VDM_F_MEM_DURABLE; pmem2_map_delete
 *   frees it.
 *
 * Flags
 *   The PMEM2_F_MEM_* flags of the call are honoured. The default mover hands
 *   them to the map's memory function; if NODRAIN or NOFLUSH left the data
 *   unpersisted, the future still persists it before completing. Another
 *   mover receives VDM_F_NO_CACHE_HINT for PMEM2_F_MEM_NONTEMPORAL or
 *   PMEM2_F_MEM_WC when it supports that flag; the other flags do not apply
 *   to it and are ignored. Unknown flags are ignored.
 *
 * Layout
 *   The structures below are binary-compatible with PMDK 1.12/1.13's:
 *   struct pmem2_future is 320 bytes (data at 40: the operation entry, 160
 *   bytes, then the last entry holding the finalizer, 112 bytes; output at
 *   312). The library's finalizer uses the pmem2_persist_future member of
 *   the union, with data {map, ptr, size} describing the range to make
 *   durable; it keeps private state in output.unused.
 *
 * Lifetime and thread safety
 *   A future must be polled until it completes (an abandoned future keeps
 *   its mover record) and must not outlive its map. It may be moved (copied
 *   bitwise) while IDLE. Any number of threads may create and poll futures on
 *   one map at once; each future is polled by one thread at a time.
 *
 * Memory ordering
 *   A completed future's writes are visible to the thread that polled it to
 *   completion, and durable, as described above.
 */

#ifndef LIBPMEM2_ASYNC_H
#define LIBPMEM2_ASYNC_H 1

#include <libpmem2/base.h>
#include <libminiasync/vdm.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Makes maps created with cfg use vdm for their asynchronous operations
 * (NULL: each map makes its own default mover). Returns 0, or -EINVAL when
 * cfg is NULL.
 */
int pmem2_config_set_vdm(struct pmem2_config *cfg, struct vdm *vdm);

/* A future that makes [ptr, ptr + size) of map durable. */
struct pmem2_persist_future_data {
	struct pmem2_map *map;
	void *ptr;
	size_t size;
};

struct pmem2_persist_future_output {
	uint64_t unused; /* C has no empty structures */
};

FUTURE(pmem2_persist_future, struct pmem2_persist_future_data, struct pmem2_persist_future_output);

/* The task of a future made by pmem2_persist_future(): one persist call. */
static inline enum future_state pmem2_persist_future_impl(struct future_context *ctx,
                                                          struct future_notifier *notifier)
{
	struct pmem2_persist_future_data *d =
	    (struct pmem2_persist_future_data *)future_context_get_data(ctx);
	if (notifier != NULL)
		notifier->notifier_used = FUTURE_NOTIFIER_NONE;
	pmem2_get_persist_fn(d->map)(d->ptr, d->size);
	return FUTURE_STATE_COMPLETE;
}

/* The second entry of a pmem2_future: what runs after the mover is done. */
union pmem2_finalize_future {
	struct pmem2_persist_future persist;
	struct {
		char data[64];
	} pad;
};

/*
 * The function shares its name with struct pmem2_persist_future (as in
 * PMDK); C++ compilers warn about that with -Wshadow, so the warning is
 * silenced for this declaration only.
 */
#if defined(__cplusplus) && defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
#endif
/* A finalizer that calls the map's persist function on [ptr, ptr + size). */
static inline union pmem2_finalize_future pmem2_persist_future(struct pmem2_map *map, void *ptr,
                                                               size_t size)
{
	union pmem2_finalize_future fin;
	fin.persist.data.map = map;
	fin.persist.data.ptr = ptr;
	fin.persist.data.size = size;
	fin.persist.output.unused = 0;
	FUTURE_INIT(&fin.persist, pmem2_persist_future_impl);
	return fin;
}
#if defined(__cplusplus) && defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

/* The chain: the mover's operation, then the finalizer. */
struct pmem2_future_data {
	FUTURE_CHAIN_ENTRY(struct vdm_operation_future, op);
	FUTURE_CHAIN_ENTRY_LAST(union pmem2_finalize_future, fin);
};

struct pmem2_future_output {
	void *dest; /* the destination on success, NULL on failure */
};

FUTURE(pmem2_future, struct pmem2_future_data, struct pmem2_future_output);

/* Copies len bytes from src to pmemdest (inside map; no overlap), durably. */
struct pmem2_future pmem2_memcpy_async(struct pmem2_map *map, void *pmemdest, const void *src,
                                       size_t len, unsigned flags);

/* Like pmem2_memcpy_async, but the two ranges may overlap. */
struct pmem2_future pmem2_memmove_async(struct pmem2_map *map, void *pmemdest, const void *src,
                                        size_t len, unsigned flags);

/* Sets n bytes at str (inside map) to (unsigned char)c, durably. */
struct pmem2_future pmem2_memset_async(struct pmem2_map *map, void *str, int c, size_t n,
                                       unsigned flags);

#ifdef __cplusplus
}
#endif

#endif /* LIBPMEM2_ASYNC_H */
