/*
 * which_libs: a user's program of both libraries, built with
 * `pkg-config libminiasync libpmem2`. It copies with an async pmem2
 * operation on an anonymous map and prints the file of each library the
 * dynamic linker loaded (from /proc/self/maps), one per line:
 *   libminiasync PATH
 *   libpmem2 PATH
 * so that the install test can check they are the installed ones.
 */
#define PMEM2_USE_MINIASYNC 1
#include <libminiasync.h>
#include <libpmem2.h>

#include <stdio.h>
#include <string.h>

static int print_loaded(const char *lib)
{
	FILE *maps = fopen("/proc/self/maps", "r");
	if (maps == NULL)
		return 1;
	char line[4096];
	int found = 0;
	while (!found && fgets(line, sizeof(line), maps) != NULL) {
		const char *path = strchr(line, '/');
		if (path == NULL || strstr(path, lib) == NULL)
			continue;
		printf("%.*s %s", (int)(strstr(lib, ".so") - lib), lib, path);
		found = 1;
	}
	fclose(maps);
	if (!found)
		fprintf(stderr, "which_libs: %s is not mapped\n", lib);
	return !found;
}

int main(void)
{
	struct pmem2_source *src = NULL;
	struct pmem2_config *cfg = NULL;
	struct pmem2_map *map = NULL;
	struct data_mover_sync *dms = data_mover_sync_new();
	if (dms == NULL)
		return 1;
	int ret = pmem2_source_from_anon(&src, 4096);
	if (ret == 0)
		ret = pmem2_config_new(&cfg);
	if (ret == 0)
		ret = pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_PAGE);
	if (ret == 0)
		ret = pmem2_config_set_vdm(cfg, data_mover_sync_get_vdm(dms));
	if (ret == 0)
		ret = pmem2_map_new(&map, cfg, src);
	if (ret != 0) {
		fprintf(stderr, "which_libs: %s\n", pmem2_errormsg());
		return 1;
	}
	struct runtime *r = runtime_new();
	if (r == NULL) {
		fprintf(stderr, "which_libs: cannot create a runtime\n");
		return 1;
	}
	char text[] = "loaded";
	struct pmem2_future fut =
	    pmem2_memcpy_async(map, pmem2_map_get_address(map), text, sizeof(text), 0);
	runtime_wait(r, FUTURE_AS_RUNNABLE(&fut));
	int ok = memcmp(pmem2_map_get_address(map), text, sizeof(text)) == 0;
	runtime_delete(r);
	data_mover_sync_delete(dms);
	pmem2_map_delete(&map);
	pmem2_config_delete(&cfg);
	pmem2_source_delete(&src);
	if (!ok) {
		fprintf(stderr, "which_libs: the copy did not arrive\n");
		return 1;
	}
	return print_loaded("libminiasync.so.0") | print_loaded("libpmem2.so.1");
}
