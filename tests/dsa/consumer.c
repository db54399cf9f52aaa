/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * A program written for miniasync 0.2.1's DML mover, built against
 * masync's installed headers with `pkg-config libminiasync-vdm-dml`.
 * Usage: consumer software|auto|hardware|hardware-null
 */
#include <libminiasync.h>
#include <libminiasync-vdm-dml.h>

#include <stdlib.h>
#include <string.h>

#define N (3u << 20)

static int check(struct vdm *vdm)
{
	unsigned char *src = malloc(N), *dst = malloc(N);
	if (!src || !dst)
		return 1;
	for (size_t i = 0; i < N; ++i)
		src[i] = (unsigned char)(i * 7);
	memset(dst, 0, N);

	struct vdm_operation_future f = vdm_memcpy(vdm, dst, src, N, MINIASYNC_DML_F_MEM_DURABLE);
	FUTURE_BUSY_POLL(&f);
	if (FUTURE_OUTPUT(&f)->result != VDM_SUCCESS ||
	    FUTURE_OUTPUT(&f)->type != VDM_OPERATION_MEMCPY || memcmp(dst, src, N) != 0)
		return 2;
	f = vdm_memmove(vdm, dst + 1, dst, N - 1, 0);
	FUTURE_BUSY_POLL(&f);
	if (FUTURE_OUTPUT(&f)->result != VDM_SUCCESS || memcmp(dst + 1, src, N - 1) != 0)
		return 3;
	f = vdm_memset(vdm, dst, 0x42, N, 0);
	FUTURE_BUSY_POLL(&f);
	for (size_t i = 0; i < N; ++i)
		if (dst[i] != 0x42)
			return 4;
	f = vdm_flush(vdm, dst, N, 0);
	FUTURE_BUSY_POLL(&f);
	if (FUTURE_OUTPUT(&f)->result != VDM_SUCCESS)
		return 5;
	if (!vdm_is_supported(vdm, VDM_F_MEM_DURABLE) ||
	    !vdm_is_supported(vdm, VDM_F_NO_CACHE_HINT))
		return 6;
	free(src);
	free(dst);
	return 0;
}

int main(int argc, char *argv[])
{
	if (argc != 2)
		return 64;
	enum data_mover_dml_type type = DATA_MOVER_DML_SOFTWARE;
	if (strcmp(argv[1], "auto") == 0)
		type = DATA_MOVER_DML_AUTO;
	else if (strncmp(argv[1], "hardware", 8) == 0)
		type = DATA_MOVER_DML_HARDWARE;
	struct data_mover_dml *dmd = data_mover_dml_new(type);
	if (strcmp(argv[1], "hardware-null") == 0)
		return dmd == NULL ? 0 : 10;
	if (dmd == NULL)
		return 11;
	int r = check(data_mover_dml_get_vdm(dmd));
	data_mover_dml_delete(dmd);
	return r;
}
