/* A program that uses the installed library as a user would. */
#include <libminiasync.h>

#include <stdio.h>
#include <string.h>

int main(void)
{
	struct runtime *r = runtime_new();
	struct data_mover_sync *dms = data_mover_sync_new();
	if (r == NULL || dms == NULL) {
		fprintf(stderr, "consumer: cannot create runtime or mover\n");
		return 1;
	}
	char src[64] = "installed masync works", dst[64] = {0};
	struct vdm_operation_future fut =
		vdm_memcpy(data_mover_sync_get_vdm(dms), dst, src, sizeof(src), 0);
	runtime_wait(r, FUTURE_AS_RUNNABLE(&fut));
	int ok = FUTURE_OUTPUT(&fut)->result == VDM_SUCCESS && memcmp(dst, src, sizeof(src)) == 0;
	data_mover_sync_delete(dms);
	runtime_delete(r);
	if (!ok) {
		fprintf(stderr, "consumer: copy failed\n");
		return 1;
	}
	return 0;
}
