/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * libminiasync/vdm.h -- the virtual data mover: memory operations as futures.
 *
 * What it is
 *   A `struct vdm` is a table of four callbacks (op_new, op_start, op_check,
 *   op_delete), a capability mask and a property function, implemented by a
 *   concrete mover (synchronous, threads, a hardware engine, or libpmem2's
 *   per-map mover). vdm_memcpy/vdm_memmove/vdm_memset/vdm_flush build a
 *   `struct vdm_operation_future` on any such mover; polling it starts the
 *   operation, checks it, and on completion fills the output and releases the
 *   mover's per-operation record.
 *
 * Lifecycle of one operation (vdm_operation_impl)
 *   creation:  op_new(vdm, type) -> record, or NULL when the mover has none
 *              left: the future is then created COMPLETE with result
 *              VDM_ERROR_OUT_OF_MEMORY and nothing is ever run.
 *   IDLE:      op_start(record, op, notifier) -> 0 started; non-zero: stays
 *              IDLE and is started again on the next poll (back-pressure).
 *   RUNNING:   op_check(record, op) -> RUNNING or COMPLETE.
 *   COMPLETE:  op_delete(record, op, output) fills the output, frees the record.
 *
 * Lifetime
 *   The mover must outlive every future created on it. A future holds its
 *   record from creation until it completes; a future that is dropped before
 *   completing leaks its record (as in miniasync).
 *
 * Thread safety
 *   A vdm may be used by any number of threads at once (create and poll
 *   futures concurrently); each future is polled by one thread at a time.
 *
 * Memory ordering
 *   When a future completes, the memory the operation wrote is visible to the
 *   polling thread (the mover publishes with release, checks with acquire).
 *   With VDM_F_MEM_DURABLE (where supported), it is also durable: flushed or
 *   written with non-temporal stores and fenced before completion.
 */

#ifndef LIBMINIASYNC_VDM_H
#define LIBMINIASYNC_VDM_H 1

#include "future.h"

#ifdef __cplusplus
extern "C" {
#endif

struct vdm;

enum vdm_operation_type {
	VDM_OPERATION_MEMCPY,
	VDM_OPERATION_MEMMOVE,
	VDM_OPERATION_MEMSET,
	VDM_OPERATION_FLUSH,
};

enum vdm_operation_result {
	VDM_SUCCESS,
	VDM_ERROR_OUT_OF_MEMORY, /* the mover had no record for a new operation */
	VDM_ERROR_JOB_CORRUPTED, /* the mover could not carry the operation out */
};

struct vdm_operation_data_memcpy {
	void *dest;
	void *src;
	size_t n;
	uint64_t flags;
};

struct vdm_operation_data_memmove {
	void *dest;
	void *src;
	size_t n;
	uint64_t flags;
};

struct vdm_operation_data_memset {
	void *str;
	int c;
	size_t n;
	uint64_t flags;
};

struct vdm_operation_data_flush {
	void *dest;
	size_t n;
	uint64_t flags;
};

/* Chosen so that struct vdm_operation_data is 64 bytes. */
#define VDM_OPERATION_DATA_MAX_SIZE (40)

/* One memory operation: its arguments and its type. */
struct vdm_operation {
	union {
		struct vdm_operation_data_memcpy memcpy;
		struct vdm_operation_data_memmove memmove;
		struct vdm_operation_data_memset memset;
		struct vdm_operation_data_flush flush;
		uint8_t data[VDM_OPERATION_DATA_MAX_SIZE];
	} data;
	enum vdm_operation_type type;
	uint32_t padding;
};

/* The data of a vdm future: the mover's record, the mover, the operation. */
struct vdm_operation_data {
	void *data;
	struct vdm *vdm;
	struct vdm_operation operation;
};

struct vdm_operation_output_memcpy {
	void *dest;
};

struct vdm_operation_output_memmove {
	void *dest;
};

struct vdm_operation_output_memset {
	void *str;
};

struct vdm_operation_output_flush {
	uint64_t unused;
};

/* The output of a vdm future: what ran, how it ended, and its result pointer. */
struct vdm_operation_output {
	enum vdm_operation_type type;
	enum vdm_operation_result result;
	union {
		struct vdm_operation_output_memcpy memcpy;
		struct vdm_operation_output_memmove memmove;
		struct vdm_operation_output_memset memset;
		struct vdm_operation_output_flush flush;
	} output;
};

FUTURE(vdm_operation_future, struct vdm_operation_data, struct vdm_operation_output);

typedef void *(*vdm_operation_new)(struct vdm *vdm, const enum vdm_operation_type type);
typedef int (*vdm_operation_start)(void *data, const struct vdm_operation *operation,
                                   struct future_notifier *n);
typedef enum future_state (*vdm_operation_check)(void *data, const struct vdm_operation *operation);
typedef void (*vdm_operation_delete)(void *data, const struct vdm_operation *operation,
                                     struct vdm_operation_output *output);

/* Capabilities and operation flags. */
#define VDM_F_MEM_DURABLE (1U << 0)   /* the data is durable when the future completes */
#define VDM_F_NO_CACHE_HINT (1U << 1) /* write around the CPU caches where possible */
#define VDM_F_VALID_FLAGS (VDM_F_MEM_DURABLE | VDM_F_NO_CACHE_HINT)

/* A virtual data mover. Concrete movers start with this structure. */
struct vdm {
	vdm_operation_new op_new;
	vdm_operation_delete op_delete;
	vdm_operation_start op_start;
	vdm_operation_check op_check;
	unsigned capabilities;               /* VDM_F_* flags the mover honours */
	future_has_property_fn has_property; /* given to its futures; may be NULL */
};

/* The task of every vdm future (see the lifecycle above). */
static inline enum future_state vdm_operation_impl(struct future_context *context,
                                                   struct future_notifier *n)
{
	struct vdm_operation_data *fdata =
	    (struct vdm_operation_data *)future_context_get_data(context);
	struct vdm *vdm = fdata->vdm;

	if (context->state == FUTURE_STATE_IDLE) {
		if (vdm->op_start(fdata->data, &fdata->operation, n) != 0)
			return FUTURE_STATE_IDLE;
	}

	enum future_state state = vdm->op_check(fdata->data, &fdata->operation);
	if (state == FUTURE_STATE_COMPLETE) {
		struct vdm_operation_output *output =
		    (struct vdm_operation_output *)future_context_get_output(context);
		vdm->op_delete(fdata->data, &fdata->operation, output);
		/* fdata->data is released from here on */
	}
	return state;
}

/*
 * Nonzero when every bit of `capability` is supported by the mover. (The
 * original tested `capabilities && capability`, a logical and, which got
 * the answer wrong for most inputs.)
 */
static inline int vdm_is_supported(struct vdm *vdm, unsigned capability)
{
	return (vdm->capabilities & capability) == capability;
}

/* Gets a record from the mover and initializes the future around it. */
static inline void vdm_generic_operation(struct vdm *vdm, struct vdm_operation_future *future)
{
	future->data.vdm = vdm;
	future->data.data = vdm->op_new(vdm, future->data.operation.type);
	if (future->data.data == NULL) {
		future->output.result = VDM_ERROR_OUT_OF_MEMORY;
		FUTURE_INIT_COMPLETE(future);
	} else {
		FUTURE_INIT_EXT(future, vdm_operation_impl, vdm->has_property);
	}
}

/* A future that copies n bytes from src to dest (non-overlapping). */
static inline struct vdm_operation_future vdm_memcpy(struct vdm *vdm, void *dest, void *src,
                                                     size_t n, uint64_t flags)
{
	struct vdm_operation_future future;
	future.data.operation.type = VDM_OPERATION_MEMCPY;
	future.data.operation.padding = 0;
	future.data.operation.data.memcpy.dest = dest;
	future.data.operation.data.memcpy.src = src;
	future.data.operation.data.memcpy.n = n;
	future.data.operation.data.memcpy.flags = flags;
	future.output.type = VDM_OPERATION_MEMCPY;
	future.output.result = VDM_SUCCESS;
	future.output.output.memcpy.dest = NULL;
	vdm_generic_operation(vdm, &future);
	return future;
}

/* A future that copies n bytes from src to dest; the areas may overlap. */
static inline struct vdm_operation_future vdm_memmove(struct vdm *vdm, void *dest, void *src,
                                                      size_t n, uint64_t flags)
{
	struct vdm_operation_future future;
	future.data.operation.type = VDM_OPERATION_MEMMOVE;
	future.data.operation.padding = 0;
	future.data.operation.data.memmove.dest = dest;
	future.data.operation.data.memmove.src = src;
	future.data.operation.data.memmove.n = n;
	future.data.operation.data.memmove.flags = flags;
	future.output.type = VDM_OPERATION_MEMMOVE;
	future.output.result = VDM_SUCCESS;
	future.output.output.memmove.dest = NULL;
	vdm_generic_operation(vdm, &future);
	return future;
}

/* A future that sets n bytes at str to (unsigned char)c. */
static inline struct vdm_operation_future vdm_memset(struct vdm *vdm, void *str, int c, size_t n,
                                                     uint64_t flags)
{
	struct vdm_operation_future future;
	future.data.operation.type = VDM_OPERATION_MEMSET;
	future.data.operation.padding = 0;
	future.data.operation.data.memset.str = str;
	future.data.operation.data.memset.c = c;
	future.data.operation.data.memset.n = n;
	future.data.operation.data.memset.flags = flags;
	future.output.type = VDM_OPERATION_MEMSET;
	future.output.result = VDM_SUCCESS;
	future.output.output.memset.str = NULL;
	vdm_generic_operation(vdm, &future);
	return future;
}

/* A future that writes the cache lines of [dest, dest + n) back to memory. */
static inline struct vdm_operation_future vdm_flush(struct vdm *vdm, void *dest, size_t n,
                                                    uint64_t flags)
{
	struct vdm_operation_future future;
	future.data.operation.type = VDM_OPERATION_FLUSH;
	future.data.operation.padding = 0;
	future.data.operation.data.flush.dest = dest;
	future.data.operation.data.flush.n = n;
	future.data.operation.data.flush.flags = flags;
	future.output.type = VDM_OPERATION_FLUSH;
	future.output.result = VDM_SUCCESS;
	future.output.output.flush.unused = 0;
	vdm_generic_operation(vdm, &future);
	return future;
}

#ifdef __cplusplus
}
#endif
#endif /* LIBMINIASYNC_VDM_H */
