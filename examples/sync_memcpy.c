/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * sync_memcpy -- copies a buffer with the synchronous data mover, waits for
 * the copy with the runtime, checks it and prints what happened.
 *
 *   example_sync_memcpy [bytes]      (default 1 MiB)
 */

#include <libminiasync.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char *argv[])
{
	size_t size = 1 << 20;
	if (argc > 1) {
		char *end;
		unsigned long long v = strtoull(argv[1], &end, 0);
		if (*end != '\0' || v == 0) {
			fprintf(stderr, "usage: %s [bytes]\n", argv[0]);
			return 2;
		}
		size = (size_t)v;
	}

	char *src = malloc(size);
	char *dst = malloc(size);
	struct runtime *r = runtime_new();
	struct data_mover_sync *dms = data_mover_sync_new();
	int ret = 1;
	if (src == NULL || dst == NULL || r == NULL || dms == NULL) {
		fprintf(stderr, "out of memory\n");
		goto out;
	}
	for (size_t i = 0; i < size; ++i)
		src[i] = (char)(i * 7 + 1);
	memset(dst, 0, size);

	struct vdm *vdm = data_mover_sync_get_vdm(dms);
	/* Creating the future does nothing yet; the copy happens when it is polled. */
	struct vdm_operation_future fut = vdm_memcpy(vdm, dst, src, size, 0);
	runtime_wait(r, FUTURE_AS_RUNNABLE(&fut));

	struct vdm_operation_output *out = FUTURE_OUTPUT(&fut);
	if (out->result != VDM_SUCCESS) {
		fprintf(stderr, "copy failed: result %d\n", (int)out->result);
		goto out;
	}
	if (out->output.memcpy.dest != dst || memcmp(dst, src, size) != 0) {
		fprintf(stderr, "copy is wrong\n");
		goto out;
	}
	printf("copied %zu bytes with the synchronous data mover: verified\n", size);
	ret = 0;
out:
	data_mover_sync_delete(dms);
	runtime_delete(r);
	free(dst);
	free(src);
	return ret;
}
