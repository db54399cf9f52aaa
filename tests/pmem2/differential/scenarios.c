/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * scenarios.c -- the libpmem2 differential test program.
 *
 * The same source is compiled twice: once against masync's <libpmem2.h> and
 * libpmem2, once against the system's (Debian's PMDK 1.12.1) header and
 * library. Both binaries run the scenarios below, each in a child process of
 * its own, and print one line per library call: the scenario, a label of
 * the call, and what it returned (symbolic names for the PMEM2_E_* codes and
 * common errno values), plus observations that do not depend on addresses
 * or process ids (out-parameters, alignment of a mapping, contents read
 * back). compare.sh then diffs the two outputs, ignoring only the lines
 * listed in allowed-differences.txt, each explained in docs/compatibility.md.
 *
 * Usage: scenarios [DIR]   (DIR: where the scratch files go; /dev/shm by
 * default). The program only uses the public libpmem2 API, C11 and POSIX.
 */
#define _GNU_SOURCE
#include <libpmem2.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define KiB ((size_t)1 << 10)
#define MiB ((size_t)1 << 20)
#define GiB ((size_t)1 << 30)

static char scratch_dir[256];
static const char *current_scenario = "";
static size_t page;

/* ------------------------------------------------------------------ */
/* Printing                                                            */
/* ------------------------------------------------------------------ */

struct code_name {
	int code;
	const char *name;
};

static const struct code_name codes[] = {
    {0, "0"},
    {PMEM2_E_UNKNOWN, "PMEM2_E_UNKNOWN"},
    {PMEM2_E_NOSUPP, "PMEM2_E_NOSUPP"},
    {PMEM2_E_FILE_HANDLE_NOT_SET, "PMEM2_E_FILE_HANDLE_NOT_SET"},
    {PMEM2_E_INVALID_FILE_HANDLE, "PMEM2_E_INVALID_FILE_HANDLE"},
    {PMEM2_E_INVALID_FILE_TYPE, "PMEM2_E_INVALID_FILE_TYPE"},
    {PMEM2_E_MAP_RANGE, "PMEM2_E_MAP_RANGE"},
    {PMEM2_E_MAPPING_EXISTS, "PMEM2_E_MAPPING_EXISTS"},
    {PMEM2_E_GRANULARITY_NOT_SET, "PMEM2_E_GRANULARITY_NOT_SET"},
    {PMEM2_E_GRANULARITY_NOT_SUPPORTED, "PMEM2_E_GRANULARITY_NOT_SUPPORTED"},
    {PMEM2_E_OFFSET_OUT_OF_RANGE, "PMEM2_E_OFFSET_OUT_OF_RANGE"},
    {PMEM2_E_OFFSET_UNALIGNED, "PMEM2_E_OFFSET_UNALIGNED"},
    {PMEM2_E_INVALID_ALIGNMENT_FORMAT, "PMEM2_E_INVALID_ALIGNMENT_FORMAT"},
    {PMEM2_E_INVALID_ALIGNMENT_VALUE, "PMEM2_E_INVALID_ALIGNMENT_VALUE"},
    {PMEM2_E_INVALID_SIZE_FORMAT, "PMEM2_E_INVALID_SIZE_FORMAT"},
    {PMEM2_E_LENGTH_UNALIGNED, "PMEM2_E_LENGTH_UNALIGNED"},
    {PMEM2_E_MAPPING_NOT_FOUND, "PMEM2_E_MAPPING_NOT_FOUND"},
    {PMEM2_E_BUFFER_TOO_SMALL, "PMEM2_E_BUFFER_TOO_SMALL"},
    {PMEM2_E_SOURCE_EMPTY, "PMEM2_E_SOURCE_EMPTY"},
    {PMEM2_E_INVALID_SHARING_VALUE, "PMEM2_E_INVALID_SHARING_VALUE"},
    {PMEM2_E_SRC_DEVDAX_PRIVATE, "PMEM2_E_SRC_DEVDAX_PRIVATE"},
    {PMEM2_E_INVALID_ADDRESS_REQUEST_TYPE, "PMEM2_E_INVALID_ADDRESS_REQUEST_TYPE"},
    {PMEM2_E_ADDRESS_UNALIGNED, "PMEM2_E_ADDRESS_UNALIGNED"},
    {PMEM2_E_ADDRESS_NULL, "PMEM2_E_ADDRESS_NULL"},
    {PMEM2_E_DEEP_FLUSH_RANGE, "PMEM2_E_DEEP_FLUSH_RANGE"},
    {PMEM2_E_INVALID_REGION_FORMAT, "PMEM2_E_INVALID_REGION_FORMAT"},
    {PMEM2_E_DAX_REGION_NOT_FOUND, "PMEM2_E_DAX_REGION_NOT_FOUND"},
    {PMEM2_E_INVALID_DEV_FORMAT, "PMEM2_E_INVALID_DEV_FORMAT"},
    {PMEM2_E_CANNOT_READ_BOUNDS, "PMEM2_E_CANNOT_READ_BOUNDS"},
    {PMEM2_E_NO_BAD_BLOCK_FOUND, "PMEM2_E_NO_BAD_BLOCK_FOUND"},
    {PMEM2_E_LENGTH_OUT_OF_RANGE, "PMEM2_E_LENGTH_OUT_OF_RANGE"},
    {PMEM2_E_INVALID_PROT_FLAG, "PMEM2_E_INVALID_PROT_FLAG"},
    {PMEM2_E_NO_ACCESS, "PMEM2_E_NO_ACCESS"},
    {PMEM2_E_VM_RESERVATION_NOT_EMPTY, "PMEM2_E_VM_RESERVATION_NOT_EMPTY"},
    {PMEM2_E_MAP_EXISTS, "PMEM2_E_MAP_EXISTS"},
    {PMEM2_E_FILE_DESCRIPTOR_NOT_SET, "PMEM2_E_FILE_DESCRIPTOR_NOT_SET"},
    {PMEM2_E_SOURCE_TYPE_NOT_SUPPORTED, "PMEM2_E_SOURCE_TYPE_NOT_SUPPORTED"},
    {PMEM2_E_IO_FAIL, "PMEM2_E_IO_FAIL"},
    {-EINVAL, "-EINVAL"},
    {-EBADF, "-EBADF"},
    {-ENOMEM, "-ENOMEM"},
    {-EACCES, "-EACCES"},
    {-EPERM, "-EPERM"},
    {-EEXIST, "-EEXIST"},
    {-ENODEV, "-ENODEV"},
    {-ENOTSUP, "-ENOTSUP"},
    {-ENOENT, "-ENOENT"},
    {-ENXIO, "-ENXIO"},
    {-EIO, "-EIO"},
    {-EAGAIN, "-EAGAIN"},
    {-ENOTTY, "-ENOTTY"},
};

static const char *code_name(int code)
{
	static char buf[32];
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); ++i)
		if (codes[i].code == code)
			return codes[i].name;
	snprintf(buf, sizeof(buf), "%d", code);
	return buf;
}

/* One line per call: "<scenario>: <label> -> <symbolic return code>". */
static int R(const char *label, int rc)
{
	printf("%s: %s -> %s\n", current_scenario, label, code_name(rc));
	return rc;
}

/* An observation: "<scenario>: <label> = <value>". */
static void O(const char *label, const char *fmt, ...)
{
	va_list ap;
	printf("%s: %s = ", current_scenario, label);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static const char *ptr_state(const void *p)
{
	return p ? "set" : "NULL";
}

static const char *gran_name(enum pmem2_granularity g)
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

/* ------------------------------------------------------------------ */
/* Scratch files                                                       */
/* ------------------------------------------------------------------ */

static void path_of(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "%s/%s", scratch_dir, name);
}

/* Creates (or truncates) the file NAME of SIZE bytes; returns its path. */
static const char *make_file(const char *name, size_t size)
{
	static char path[512];
	path_of(path, sizeof(path), name);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, (off_t)size) != 0) {
		perror(path);
		exit(2);
	}
	close(fd);
	return path;
}

static int open_file(const char *name, size_t size, int flags)
{
	const char *path = make_file(name, size);
	int fd = open(path, flags);
	if (fd < 0) {
		perror(path);
		exit(2);
	}
	return fd;
}

/* A source on a new file of SIZE bytes opened with FLAGS. */
static struct pmem2_source *file_source(const char *name, size_t size, int flags, int *fd_out)
{
	int fd = open_file(name, size, flags);
	struct pmem2_source *src = NULL;
	if (pmem2_source_from_fd(&src, fd) != 0) {
		printf("%s: unexpected pmem2_source_from_fd failure\n", current_scenario);
		exit(2);
	}
	if (fd_out)
		*fd_out = fd;
	return src;
}

static struct pmem2_config *config(enum pmem2_granularity g)
{
	struct pmem2_config *cfg = NULL;
	if (pmem2_config_new(&cfg) != 0) {
		printf("%s: unexpected pmem2_config_new failure\n", current_scenario);
		exit(2);
	}
	if ((int)g >= 0)
		pmem2_config_set_required_store_granularity(cfg, g);
	return cfg;
}

#define NO_GRANULARITY ((enum pmem2_granularity) - 1)

/* ------------------------------------------------------------------ */
/* Scenarios: sources                                                  */
/* ------------------------------------------------------------------ */

static void source_bad_fds(void)
{
	struct pmem2_source *src = (struct pmem2_source *)&src;
	R("from_fd(-1)", pmem2_source_from_fd(&src, -1));
	O("src after from_fd(-1)", "%s",
	  src == (struct pmem2_source *)&src ? "unchanged" : ptr_state(src));

	src = (struct pmem2_source *)&src;
	R("from_fd(not open)", pmem2_source_from_fd(&src, 1000));
	O("src after from_fd(not open)", "%s",
	  src == (struct pmem2_source *)&src ? "unchanged" : ptr_state(src));

	int fd = open_file("wronly", 4 * KiB, O_WRONLY);
	src = (struct pmem2_source *)&src;
	R("from_fd(O_WRONLY)", pmem2_source_from_fd(&src, fd));
	O("src after from_fd(O_WRONLY)", "%s",
	  src == (struct pmem2_source *)&src ? "unchanged" : ptr_state(src));
	close(fd);
}

static void source_file_types(void)
{
	struct pmem2_source *src = NULL;

	int fd = open(scratch_dir, O_RDONLY | O_DIRECTORY);
	R("from_fd(directory)", pmem2_source_from_fd(&src, fd));
	pmem2_source_delete(&src);
	close(fd);

	char fifo[512];
	path_of(fifo, sizeof(fifo), "fifo");
	unlink(fifo);
	if (mkfifo(fifo, 0600) == 0) {
		fd = open(fifo, O_RDWR | O_NONBLOCK);
		R("from_fd(fifo)", pmem2_source_from_fd(&src, fd));
		pmem2_source_delete(&src);
		close(fd);
		unlink(fifo);
	}

	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0) {
		R("from_fd(socket)", pmem2_source_from_fd(&src, sv[0]));
		pmem2_source_delete(&src);
		close(sv[0]);
		close(sv[1]);
	}

	fd = open("/dev/null", O_RDWR);
	R("from_fd(/dev/null)", pmem2_source_from_fd(&src, fd));
	pmem2_source_delete(&src);
	close(fd);

	int p[2];
	if (pipe(p) == 0) {
		R("from_fd(pipe read end)", pmem2_source_from_fd(&src, p[0]));
		pmem2_source_delete(&src);
		close(p[0]);
		close(p[1]);
	}
}

static void source_regular(void)
{
	struct pmem2_source *src = NULL;
	int fd = open_file("regular", 10 * KiB, O_RDWR);
	R("from_fd(O_RDWR)", pmem2_source_from_fd(&src, fd));
	O("src", "%s", ptr_state(src));

	int got = -1;
	R("get_fd", pmem2_source_get_fd(src, &got));
	O("get_fd returns the fd", "%s", got == fd ? "yes" : "no");

	size_t size = 0;
	R("size", pmem2_source_size(src, &size));
	O("size", "%zu", size);

	size_t align = 0;
	R("alignment", pmem2_source_alignment(src, &align));
	O("alignment is the page size", "%s", align == page ? "yes" : "no");

	/* the size is read when asked, not when the source is made */
	if (ftruncate(fd, 64 * KiB) != 0)
		exit(2);
	R("size after growth", pmem2_source_size(src, &size));
	O("size after growth", "%zu", size);

	R("delete", pmem2_source_delete(&src));
	O("src after delete", "%s", ptr_state(src));
	R("delete(NULL)", pmem2_source_delete(&src));
	close(fd);

	fd = open_file("rdonly", 4 * KiB, O_RDONLY);
	R("from_fd(O_RDONLY)", pmem2_source_from_fd(&src, fd));
	pmem2_source_delete(&src);
	close(fd);

	fd = open_file("empty", 0, O_RDWR);
	R("from_fd(empty file)", pmem2_source_from_fd(&src, fd));
	size = 1;
	R("size(empty file)", pmem2_source_size(src, &size));
	O("size(empty file)", "%zu", size);
	pmem2_source_delete(&src);
	close(fd);
}

static void source_closed_fd(void)
{
	struct pmem2_source *src = NULL;
	int fd = open_file("closed", 8 * KiB, O_RDWR);
	R("from_fd", pmem2_source_from_fd(&src, fd));
	close(fd);
	size_t size = 12345;
	R("size(fd closed)", pmem2_source_size(src, &size));
	O("size left unmodified", "%s", size == 12345 ? "yes" : "no");
	size_t align = 12345;
	R("alignment(fd closed)", pmem2_source_alignment(src, &align));
	pmem2_source_delete(&src);
}

static void source_anon(void)
{
	struct pmem2_source *src = NULL;
	R("from_anon(1 MiB)", pmem2_source_from_anon(&src, MiB));
	size_t size = 0;
	R("size", pmem2_source_size(src, &size));
	O("size", "%zu", size);
	size_t align = 0;
	R("alignment", pmem2_source_alignment(src, &align));
	O("alignment is the page size", "%s", align == page ? "yes" : "no");
	int fd = 12345;
	R("get_fd", pmem2_source_get_fd(src, &fd));
	O("fd left unmodified", "%s", fd == 12345 ? "yes" : "no");
	R("delete", pmem2_source_delete(&src));

	R("from_anon(0)", pmem2_source_from_anon(&src, 0));
	R("size(0)", pmem2_source_size(src, &size));
	O("size", "%zu", size);
	pmem2_source_delete(&src);

	R("from_anon(SIZE_MAX)", pmem2_source_from_anon(&src, SIZE_MAX));
	pmem2_source_delete(&src);
}

/* ------------------------------------------------------------------ */
/* Scenarios: configs                                                  */
/* ------------------------------------------------------------------ */

static void config_values(void)
{
	struct pmem2_config *cfg = NULL;
	R("config_new", pmem2_config_new(&cfg));
	O("cfg", "%s", ptr_state(cfg));

	R("set_offset(0)", pmem2_config_set_offset(cfg, 0));
	R("set_offset(INT64_MAX)", pmem2_config_set_offset(cfg, (size_t)INT64_MAX));
	R("set_offset(INT64_MAX + 1)", pmem2_config_set_offset(cfg, (size_t)INT64_MAX + 1));
	R("set_offset(SIZE_MAX)", pmem2_config_set_offset(cfg, SIZE_MAX));
	R("set_offset(1)", pmem2_config_set_offset(cfg, 1));

	R("set_length(0)", pmem2_config_set_length(cfg, 0));
	R("set_length(1)", pmem2_config_set_length(cfg, 1));
	R("set_length(SIZE_MAX)", pmem2_config_set_length(cfg, SIZE_MAX));

	R("set_sharing(SHARED)", pmem2_config_set_sharing(cfg, PMEM2_SHARED));
	R("set_sharing(PRIVATE)", pmem2_config_set_sharing(cfg, PMEM2_PRIVATE));
	R("set_sharing(2)", pmem2_config_set_sharing(cfg, (enum pmem2_sharing_type)2));
	R("set_sharing(-1)", pmem2_config_set_sharing(cfg, (enum pmem2_sharing_type) - 1));

	R("set_protection(NONE)", pmem2_config_set_protection(cfg, PMEM2_PROT_NONE));
	R("set_protection(READ)", pmem2_config_set_protection(cfg, PMEM2_PROT_READ));
	R("set_protection(WRITE)", pmem2_config_set_protection(cfg, PMEM2_PROT_WRITE));
	R("set_protection(EXEC)", pmem2_config_set_protection(cfg, PMEM2_PROT_EXEC));
	R("set_protection(READ|WRITE|EXEC)",
	  pmem2_config_set_protection(cfg, PMEM2_PROT_READ | PMEM2_PROT_WRITE | PMEM2_PROT_EXEC));
	R("set_protection(1)", pmem2_config_set_protection(cfg, 1));
	R("set_protection(READ|1<<28)",
	  pmem2_config_set_protection(cfg, PMEM2_PROT_READ | (1U << 28)));
	R("set_protection(~0)", pmem2_config_set_protection(cfg, ~0U));

	R("set_granularity(BYTE)",
	  pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_BYTE));
	R("set_granularity(CACHE_LINE)",
	  pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_CACHE_LINE));
	R("set_granularity(PAGE)",
	  pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_PAGE));
	R("set_granularity(3)",
	  pmem2_config_set_required_store_granularity(cfg, (enum pmem2_granularity)3));
	R("set_granularity(-1)",
	  pmem2_config_set_required_store_granularity(cfg, (enum pmem2_granularity) - 1));

	R("config_delete", pmem2_config_delete(&cfg));
	O("cfg after delete", "%s", ptr_state(cfg));
	R("config_delete(NULL)", pmem2_config_delete(&cfg));
}

/* A failed setter leaves the earlier value: the mapping still works. */
static void config_failed_setters_keep_values(void)
{
	struct pmem2_source *src = file_source("keep", 64 * KiB, O_RDWR, NULL);
	struct pmem2_config *cfg = config(PMEM2_GRANULARITY_PAGE);
	pmem2_config_set_offset(cfg, 4 * KiB);
	pmem2_config_set_length(cfg, 8 * KiB);
	R("set_offset(SIZE_MAX)", pmem2_config_set_offset(cfg, SIZE_MAX));
	R("set_sharing(7)", pmem2_config_set_sharing(cfg, (enum pmem2_sharing_type)7));
	R("set_granularity(9)",
	  pmem2_config_set_required_store_granularity(cfg, (enum pmem2_granularity)9));
	R("set_protection(1)", pmem2_config_set_protection(cfg, 1));
	struct pmem2_map *map = NULL;
	R("map_new", pmem2_map_new(&map, cfg, src));
	if (map) {
		O("size", "%zu", pmem2_map_get_size(map));
		O("granularity", "%s", gran_name(pmem2_map_get_store_granularity(map)));
		pmem2_map_delete(&map);
	}
	pmem2_config_delete(&cfg);
	pmem2_source_delete(&src);
}

/* ------------------------------------------------------------------ */
/* Scenarios: pmem2_map_new's checks, in order                         */
/* ------------------------------------------------------------------ */

static void map_try(const char *label, struct pmem2_config *cfg, struct pmem2_source *src)
{
	struct pmem2_map *map = (struct pmem2_map *)&map;
	int rc = R(label, pmem2_map_new(&map, cfg, src));
	if (rc != 0) {
		char l[256];
		snprintf(l, sizeof(l), "map after failed %s", label);
		O(l, "%s", map == (struct pmem2_map *)&map ? "unchanged" : ptr_state(map));
		return;
	}
	char l[256];
	snprintf(l, sizeof(l), "%s: size", label);
	O(l, "%zu", pmem2_map_get_size(map));
	snprintf(l, sizeof(l), "%s: granularity", label);
	O(l, "%s", gran_name(pmem2_map_get_store_granularity(map)));
	snprintf(l, sizeof(l), "%s: delete", label);
	R(l, pmem2_map_delete(&map));
}

static void map_checks(void)
{
	struct pmem2_source *src = file_source("checks", 64 * KiB, O_RDWR, NULL);
	struct pmem2_config *cfg;

	cfg = config(NO_GRANULARITY);
	map_try("granularity not set", cfg, src);
	pmem2_config_set_offset(cfg, 1);
	pmem2_config_set_length(cfg, 1);
	map_try("granularity not set, offset and length unaligned", cfg, src);
	pmem2_config_delete(&cfg);

	cfg = config(PMEM2_GRANULARITY_PAGE);
	map_try("defaults", cfg, src);

	pmem2_config_set_offset(cfg, 1);
	map_try("offset unaligned", cfg, src);
	pmem2_config_set_length(cfg, 1);
	map_try("offset and length unaligned", cfg, src);
	pmem2_config_set_offset(cfg, 0);
	map_try("length unaligned", cfg, src);

	pmem2_config_set_offset(cfg, 128 * KiB);
	pmem2_config_set_length(cfg, 0);
	map_try("offset beyond the file", cfg, src);
	pmem2_config_set_offset(cfg, 64 * KiB);
	map_try("offset at the end of the file, length 0", cfg, src);
	pmem2_config_set_offset(cfg, 60 * KiB);
	map_try("offset in the last page, length 0", cfg, src);
	pmem2_config_set_length(cfg, 8 * KiB);
	map_try("range crosses the end of the file", cfg, src);
	pmem2_config_set_offset(cfg, 16 * KiB);
	map_try("offset 16K, length 8K", cfg, src);
	pmem2_config_set_offset(cfg, 0);
	pmem2_config_set_length(cfg, 64 * KiB);
	map_try("length = file size", cfg, src);
	pmem2_config_set_length(cfg, 68 * KiB);
	map_try("length = file size + 1 page", cfg, src);

	/* offset + length wraps around */
	size_t off = ((size_t)INT64_MAX) & ~(page - 1);
	pmem2_config_set_offset(cfg, off);
	pmem2_config_set_length(cfg, SIZE_MAX & ~(page - 1));
	map_try("offset + length overflows", cfg, src);
	pmem2_config_set_length(cfg, SIZE_MAX);
	map_try("offset + length overflows, length unaligned", cfg, src);
	pmem2_config_set_offset(cfg, off);
	pmem2_config_set_length(cfg, page);
	map_try("huge offset", cfg, src);

	pmem2_config_delete(&cfg);
	pmem2_source_delete(&src);
}

static void map_empty_and_odd_sizes(void)
{
	struct pmem2_source *src = file_source("empty", 0, O_RDWR, NULL);
	struct pmem2_config *cfg = config(PMEM2_GRANULARITY_PAGE);
	map_try("empty file", cfg, src);
	pmem2_config_set_offset(cfg, 1);
	map_try("empty file, offset unaligned", cfg, src);
	pmem2_config_set_offset(cfg, 0);
	pmem2_config_set_length(cfg, 1);
	map_try("empty file, length unaligned", cfg, src);
	pmem2_config_set_length(cfg, 4 * KiB);
	map_try("empty file, length 4K", cfg, src);
	pmem2_source_delete(&src);
	pmem2_config_delete(&cfg);

	/* a size that is not a multiple of the page size */
	src = file_source("odd", 5000, O_RDWR, NULL);
	cfg = config(PMEM2_GRANULARITY_PAGE);
	map_try("5000-byte file", cfg, src);
	pmem2_config_set_length(cfg, 8 * KiB);
	map_try("5000-byte file, length 8K", cfg, src);
	pmem2_config_set_length(cfg, 12 * KiB);
	map_try("5000-byte file, length 12K", cfg, src);
	pmem2_config_set_length(cfg, 0);
	pmem2_config_set_offset(cfg, 4 * KiB);
	map_try("5000-byte file, offset 4K", cfg, src);
	pmem2_config_set_offset(cfg, 8 * KiB);
	map_try("5000-byte file, offset 8K", cfg, src);
	pmem2_source_delete(&src);
	pmem2_config_delete(&cfg);
}

static void map_access(void)
{
	int fd;
	struct pmem2_source *src = file_source("access", 16 * KiB, O_RDONLY, &fd);
	struct pmem2_config *cfg = config(PMEM2_GRANULARITY_PAGE);
	map_try("O_RDONLY, default protection", cfg, src);
	pmem2_config_set_protection(cfg, PMEM2_PROT_READ);
	map_try("O_RDONLY, READ", cfg, src);
	pmem2_config_set_protection(cfg, PMEM2_PROT_WRITE);
	map_try("O_RDONLY, WRITE", cfg, src);
	pmem2_config_set_protection(cfg, PMEM2_PROT_NONE);
	map_try("O_RDONLY, NONE", cfg, src);
	pmem2_config_set_protection(cfg, PMEM2_PROT_READ | PMEM2_PROT_WRITE);
	pmem2_config_set_sharing(cfg, PMEM2_PRIVATE);
	map_try("O_RDONLY, private, READ|WRITE", cfg, src);
	pmem2_config_delete(&cfg);
	pmem2_source_delete(&src);
	close(fd);

	/* an O_PATH descriptor makes a source, but mmap refuses it */
	char path[512];
	path_of(path, sizeof(path), "access");
	fd = open(path, O_PATH);
	R("from_fd(O_PATH)", pmem2_source_from_fd(&src, fd));
	cfg = config(PMEM2_GRANULARITY_PAGE);
	map_try("O_PATH", cfg, src);
	pmem2_config_delete(&cfg);
	pmem2_source_delete(&src);
	close(fd);

	src = file_source("access2", 16 * KiB, O_RDWR, &fd);
	cfg = config(PMEM2_GRANULARITY_PAGE);
	pmem2_config_set_protection(cfg, PMEM2_PROT_WRITE);
	map_try("O_RDWR, WRITE only", cfg, src);
	pmem2_config_set_protection(cfg, PMEM2_PROT_NONE);
	map_try("O_RDWR, NONE", cfg, src);
	pmem2_config_delete(&cfg);
	pmem2_source_delete(&src);
	close(fd);
}

static void map_granularity(void)
{
	struct pmem2_source *src = file_source("gran", 64 * KiB, O_RDWR, NULL);
	struct pmem2_config *cfg = config(PMEM2_GRANULARITY_BYTE);
	map_try("shared, BYTE", cfg, src);
	pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_CACHE_LINE);
	map_try("shared, CACHE_LINE", cfg, src);
	pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_PAGE);
	map_try("shared, PAGE", cfg, src);
	pmem2_config_set_sharing(cfg, PMEM2_PRIVATE);
	pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_BYTE);
	map_try("private, BYTE", cfg, src);
	pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_PAGE);
	map_try("private, PAGE", cfg, src);
	pmem2_config_delete(&cfg);
	pmem2_source_delete(&src);

	R("from_anon", pmem2_source_from_anon(&src, 64 * KiB));
	cfg = config(PMEM2_GRANULARITY_BYTE);
	map_try("anon shared, BYTE", cfg, src);
	pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_PAGE);
	map_try("anon shared, PAGE", cfg, src);
	pmem2_config_set_sharing(cfg, PMEM2_PRIVATE);
	map_try("anon private, PAGE", cfg, src);
	pmem2_config_delete(&cfg);
	pmem2_source_delete(&src);
}

static void forced(const char *value)
{
	char l[128];
	setenv("PMEM2_FORCE_GRANULARITY", value, 1);
	struct pmem2_source *src = file_source("forced", 64 * KiB, O_RDWR, NULL);
	static const enum pmem2_granularity gs[] = {
	    PMEM2_GRANULARITY_BYTE, PMEM2_GRANULARITY_CACHE_LINE, PMEM2_GRANULARITY_PAGE};
	for (int s = 0; s < 2; ++s) {
		for (size_t i = 0; i < 3; ++i) {
			struct pmem2_config *cfg = config(gs[i]);
			if (s)
				pmem2_config_set_sharing(cfg, PMEM2_PRIVATE);
			snprintf(l, sizeof(l), "%s=%s, %s, required %s", "FORCE", value,
			         s ? "private" : "shared", gran_name(gs[i]));
			map_try(l, cfg, src);
			pmem2_config_delete(&cfg);
		}
	}
	pmem2_source_delete(&src);

	pmem2_source_from_anon(&src, 64 * KiB);
	struct pmem2_config *cfg = config(PMEM2_GRANULARITY_BYTE);
	snprintf(l, sizeof(l), "FORCE=%s, anon, required BYTE", value);
	map_try(l, cfg, src);
	pmem2_config_delete(&cfg);
	pmem2_source_delete(&src);
}

static void force_byte(void)
{
	forced("BYTE");
}
static void force_cache_line(void)
{
	forced("cache_line");
}
static void force_cacheline(void)
{
	forced("CacheLine");
}
static void force_page(void)
{
	forced("page");
}
static void force_garbage(void)
{
	forced("SOMETIMES");
}

static void map_anon(void)
{
	struct pmem2_source *src = NULL;
	struct pmem2_config *cfg = config(PMEM2_GRANULARITY_BYTE);

	pmem2_source_from_anon(&src, 0);
	map_try("anon size 0", cfg, src);
	pmem2_source_delete(&src);

	pmem2_source_from_anon(&src, 5000);
	map_try("anon 5000 bytes", cfg, src);
	pmem2_source_delete(&src);

	pmem2_source_from_anon(&src, 64 * KiB);
	pmem2_config_set_offset(cfg, 1);
	map_try("anon offset unaligned", cfg, src);
	pmem2_config_set_offset(cfg, 8 * KiB);
	map_try("anon offset 8K", cfg, src);
	pmem2_config_set_offset(cfg, 128 * KiB);
	map_try("anon offset beyond size", cfg, src);
	pmem2_config_set_offset(cfg, 0);
	pmem2_config_set_length(cfg, 128 * KiB);
	map_try("anon length beyond size", cfg, src);
	pmem2_config_set_length(cfg, 32 * KiB);
	map_try("anon length 32K", cfg, src);

	struct pmem2_map *map = NULL;
	pmem2_config_set_length(cfg, 0);
	R("anon map_new", pmem2_map_new(&map, cfg, src));
	if (map) {
		unsigned char *p = pmem2_map_get_address(map);
		size_t zero = 1;
		for (size_t i = 0; i < pmem2_map_get_size(map); ++i)
			if (p[i])
				zero = 0;
		O("anon mapping is zeroed", "%s", zero ? "yes" : "no");
		memset(p, 0xab, pmem2_map_get_size(map));
		pmem2_map_delete(&map);
	}
	pmem2_config_delete(&cfg);
	pmem2_source_delete(&src);
}

static void map_contents_and_alignment(void)
{
	int fd;
	struct pmem2_source *src = file_source("contents", 4 * MiB, O_RDWR, &fd);
	if (pwrite(fd, "hello", 5, 2 * MiB + 7) != 5)
		exit(2);
	struct pmem2_config *cfg = config(PMEM2_GRANULARITY_PAGE);
	struct pmem2_map *map = NULL;
	R("map_new(4 MiB)", pmem2_map_new(&map, cfg, src));
	char *p = pmem2_map_get_address(map);
	O("address 2 MiB aligned", "%s", ((uintptr_t)p % (2 * MiB)) == 0 ? "yes" : "no");
	O("size", "%zu", pmem2_map_get_size(map));
	O("contents at 2M+7", "%.5s", p + 2 * MiB + 7);
	memcpy(p + 100, "world", 5);
	pmem2_map_delete(&map);
	char buf[6] = {0};
	if (pread(fd, buf, 5, 100) != 5)
		exit(2);
	O("file contents after shared write", "%s", buf);

	pmem2_config_set_sharing(cfg, PMEM2_PRIVATE);
	R("map_new(private)", pmem2_map_new(&map, cfg, src));
	p = pmem2_map_get_address(map);
	memcpy(p + 100, "XXXXX", 5);
	pmem2_map_delete(&map);
	if (pread(fd, buf, 5, 100) != 5)
		exit(2);
	O("file contents after private write", "%s", buf);

	pmem2_config_set_sharing(cfg, PMEM2_SHARED);
	pmem2_config_set_offset(cfg, 2 * MiB);
	pmem2_config_set_length(cfg, 4 * KiB);
	R("map_new(offset 2M, 4K)", pmem2_map_new(&map, cfg, src));
	p = pmem2_map_get_address(map);
	O("contents at offset 7", "%.5s", p + 7);
	O("size", "%zu", pmem2_map_get_size(map));
	pmem2_map_delete(&map);
	pmem2_config_delete(&cfg);
	pmem2_source_delete(&src);
	close(fd);

	/* sparse 3 GiB file: mapped 1 GiB aligned, nothing is touched */
	src = file_source("big", 3 * GiB, O_RDWR, &fd);
	cfg = config(PMEM2_GRANULARITY_PAGE);
	R("map_new(3 GiB)", pmem2_map_new(&map, cfg, src));
	if (map) {
		p = pmem2_map_get_address(map);
		O("address 1 GiB aligned", "%s", ((uintptr_t)p % GiB) == 0 ? "yes" : "no");
		pmem2_map_delete(&map);
	}
	pmem2_config_delete(&cfg);
	pmem2_source_delete(&src);
	close(fd);
}

static void map_after_fd_closed(void)
{
	int fd;
	struct pmem2_source *src = file_source("fdclosed", 16 * KiB, O_RDWR, &fd);
	struct pmem2_config *cfg = config(PMEM2_GRANULARITY_PAGE);
	struct pmem2_map *map = NULL;
	R("map_new", pmem2_map_new(&map, cfg, src));
	close(fd);
	char *p = pmem2_map_get_address(map);
	p[0] = 'x';
	O("mapping usable after close(fd)", "yes");
	R("map_delete", pmem2_map_delete(&map));
	map_try("map_new after close(fd)", cfg, src);
	pmem2_config_delete(&cfg);
	pmem2_source_delete(&src);
}

static void map_registry(void)
{
	int fd;
	struct pmem2_source *src = file_source("registry", 64 * KiB, O_RDWR, &fd);
	struct pmem2_config *cfg = config(PMEM2_GRANULARITY_PAGE);
	struct pmem2_map *map = NULL, *other = (struct pmem2_map *)&other;
	R("map_new", pmem2_map_new(&map, cfg, src));
	char *p = pmem2_map_get_address(map);

	R("from_existing(same range)",
	  pmem2_map_from_existing(&other, src, p, 64 * KiB, PMEM2_GRANULARITY_PAGE));
	O("other after failure", "%s",
	  other == (struct pmem2_map *)&other ? "unchanged" : ptr_state(other));
	R("from_existing(inside)",
	  pmem2_map_from_existing(&other, src, p + 4 * KiB, 4 * KiB, PMEM2_GRANULARITY_PAGE));
	R("from_existing(overlapping the start)",
	  pmem2_map_from_existing(&other, src, p - 4 * KiB, 8 * KiB, PMEM2_GRANULARITY_PAGE));
	R("from_existing(overlapping the end)",
	  pmem2_map_from_existing(&other, src, p + 60 * KiB, 8 * KiB, PMEM2_GRANULARITY_PAGE));

	/* adjacent ranges do not overlap */
	other = NULL;
	R("from_existing(right after)",
	  pmem2_map_from_existing(&other, src, p + 64 * KiB, 4 * KiB, PMEM2_GRANULARITY_PAGE));
	if (other) {
		O("from_existing: address", "%s",
		  pmem2_map_get_address(other) == p + 64 * KiB ? "as given" : "other");
		O("from_existing: size", "%zu", pmem2_map_get_size(other));
		O("from_existing: granularity", "%s",
		  gran_name(pmem2_map_get_store_granularity(other)));
		R("delete(from_existing)", pmem2_map_delete(&other));
	}
	R("map_delete", pmem2_map_delete(&map));

	/* a user's own mapping, wrapped then released: still mapped afterwards */
	char *mine = mmap(NULL, 16 * KiB, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	mine[0] = 'm';
	R("from_existing(user mapping)",
	  pmem2_map_from_existing(&other, src, mine, 16 * KiB, PMEM2_GRANULARITY_PAGE));
	R("from_existing(user mapping again)",
	  pmem2_map_from_existing(&map, src, mine, 16 * KiB, PMEM2_GRANULARITY_PAGE));
	R("delete(user mapping)", pmem2_map_delete(&other));
	O("user mapping intact after delete", "%s", mine[0] == 'm' ? "yes" : "no");
	R("from_existing(user mapping after delete)",
	  pmem2_map_from_existing(&other, src, mine, 16 * KiB, PMEM2_GRANULARITY_BYTE));
	O("granularity", "%s", gran_name(pmem2_map_get_store_granularity(other)));
	pmem2_map_delete(&other);
	munmap(mine, 16 * KiB);

	/* from an anonymous source */
	struct pmem2_source *anon = NULL;
	pmem2_source_from_anon(&anon, 16 * KiB);
	mine = mmap(NULL, 16 * KiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	R("from_existing(anon)",
	  pmem2_map_from_existing(&other, anon, mine, 16 * KiB, PMEM2_GRANULARITY_CACHE_LINE));
	pmem2_map_delete(&other);
	munmap(mine, 16 * KiB);
	pmem2_source_delete(&anon);

	/* two maps of the same file do not collide */
	struct pmem2_map *m1 = NULL, *m2 = NULL;
	R("map_new #1", pmem2_map_new(&m1, cfg, src));
	R("map_new #2", pmem2_map_new(&m2, cfg, src));
	R("delete #1", pmem2_map_delete(&m1));
	R("delete #2", pmem2_map_delete(&m2));

	pmem2_config_delete(&cfg);
	pmem2_source_delete(&src);
	close(fd);
}

/* ------------------------------------------------------------------ */
/* Scenarios: deep flush                                               */
/* ------------------------------------------------------------------ */

static void deep_flush_with(const char *force)
{
	char l[160];
	if (force)
		setenv("PMEM2_FORCE_GRANULARITY", force, 1);
	struct pmem2_source *src = file_source("deepflush", 64 * KiB, O_RDWR, NULL);
	struct pmem2_config *cfg = config(PMEM2_GRANULARITY_PAGE);
	struct pmem2_map *map = NULL;
	R("map_new", pmem2_map_new(&map, cfg, src));
	O("granularity", "%s", gran_name(pmem2_map_get_store_granularity(map)));
	char *p = pmem2_map_get_address(map);
	memset(p, 1, 64 * KiB);
	snprintf(l, sizeof(l), "whole map");
	R(l, pmem2_deep_flush(map, p, 64 * KiB));
	R("one byte", pmem2_deep_flush(map, p + 100, 1));
	R("unaligned range inside", pmem2_deep_flush(map, p + 4097, 5000));
	R("zero length at the start", pmem2_deep_flush(map, p, 0));
	R("zero length at the end", pmem2_deep_flush(map, p + 64 * KiB, 0));
	R("last byte", pmem2_deep_flush(map, p + 64 * KiB - 1, 1));
	R("one byte before", pmem2_deep_flush(map, p - 1, 1));
	R("one byte after", pmem2_deep_flush(map, p + 64 * KiB, 1));
	R("crossing the end", pmem2_deep_flush(map, p + 60 * KiB, 8 * KiB));
	R("NULL pointer", pmem2_deep_flush(map, NULL, 1));
	R("size wraps around", pmem2_deep_flush(map, p + 8, SIZE_MAX));
	pmem2_map_delete(&map);
	pmem2_config_delete(&cfg);
	pmem2_source_delete(&src);
}

static void deep_flush_auto(void)
{
	deep_flush_with(NULL);
}
static void deep_flush_byte(void)
{
	deep_flush_with("BYTE");
}
static void deep_flush_cache_line(void)
{
	deep_flush_with("CACHE_LINE");
}
static void deep_flush_page(void)
{
	deep_flush_with("PAGE");
}

static void deep_flush_anon(void)
{
	struct pmem2_source *src = NULL;
	pmem2_source_from_anon(&src, 64 * KiB);
	struct pmem2_config *cfg = config(PMEM2_GRANULARITY_PAGE);
	struct pmem2_map *map = NULL;
	R("map_new", pmem2_map_new(&map, cfg, src));
	char *p = pmem2_map_get_address(map);
	R("deep_flush(anon)", pmem2_deep_flush(map, p, 64 * KiB));
	R("deep_flush(anon, outside)", pmem2_deep_flush(map, p + 64 * KiB, 1));
	pmem2_map_delete(&map);
	pmem2_config_set_sharing(cfg, PMEM2_PRIVATE);
	R("map_new(private)", pmem2_map_new(&map, cfg, src));
	p = pmem2_map_get_address(map);
	R("deep_flush(anon private)", pmem2_deep_flush(map, p, 64 * KiB));
	pmem2_map_delete(&map);
	pmem2_config_delete(&cfg);
	pmem2_source_delete(&src);

	src = file_source("deepflush-private", 64 * KiB, O_RDWR, NULL);
	cfg = config(PMEM2_GRANULARITY_BYTE);
	pmem2_config_set_sharing(cfg, PMEM2_PRIVATE);
	R("map_new(file private)", pmem2_map_new(&map, cfg, src));
	p = pmem2_map_get_address(map);
	R("deep_flush(file private)", pmem2_deep_flush(map, p, 64 * KiB));
	pmem2_map_delete(&map);
	pmem2_config_delete(&cfg);
	pmem2_source_delete(&src);
}

/* ------------------------------------------------------------------ */
/* Scenarios: memory functions exist for every granularity              */
/* ------------------------------------------------------------------ */

static void mem_functions(void)
{
	static const char *forces[] = {"BYTE", "CACHE_LINE", "PAGE"};
	for (size_t i = 0; i < 3; ++i) {
		char l[128];
		setenv("PMEM2_FORCE_GRANULARITY", forces[i], 1);
		int fd;
		struct pmem2_source *src = file_source("memfns", 64 * KiB, O_RDWR, &fd);
		struct pmem2_config *cfg = config(PMEM2_GRANULARITY_PAGE);
		struct pmem2_map *map = NULL;
		snprintf(l, sizeof(l), "map_new(%s)", forces[i]);
		R(l, pmem2_map_new(&map, cfg, src));
		char *p = pmem2_map_get_address(map);
		pmem2_get_memcpy_fn(map)(p, "abcdef", 6, 0);
		pmem2_get_memmove_fn(map)(p + 2, p, 4, 0);
		pmem2_get_memset_fn(map)(p + 6, 'z', 2, PMEM2_F_MEM_NONTEMPORAL);
		pmem2_get_persist_fn(map)(p, 8);
		pmem2_get_flush_fn(map)(p, 8);
		pmem2_get_drain_fn(map)();
		char buf[9] = {0};
		if (pread(fd, buf, 8, 0) != 8)
			exit(2);
		snprintf(l, sizeof(l), "file after mem fns (%s)", forces[i]);
		O(l, "%s", buf);
		pmem2_map_delete(&map);
		pmem2_config_delete(&cfg);
		pmem2_source_delete(&src);
		close(fd);
	}
}

/* ------------------------------------------------------------------ */
/* Scenarios: error messages                                           */
/* ------------------------------------------------------------------ */

static void errormsg_basics(void)
{
	const char *m = pmem2_errormsg();
	O("errormsg is never NULL", "%s", m ? "yes" : "no");
	struct pmem2_config *cfg = config(PMEM2_GRANULARITY_PAGE);
	R("set_sharing(5)", pmem2_config_set_sharing(cfg, (enum pmem2_sharing_type)5));
	m = pmem2_errormsg();
	O("message after a failure is not empty", "%s", m && m[0] ? "yes" : "no");
	pmem2_config_delete(&cfg);
}

/* ------------------------------------------------------------------ */
/* Scenarios: virtual-memory reservations                               */
/* ------------------------------------------------------------------ */

/* Offset of a map inside a reservation, or a note that it is elsewhere. */
static void map_place(const char *label, struct pmem2_vm_reservation *rsv, struct pmem2_map *m)
{
	if (!m) {
		O(label, "NULL");
		return;
	}
	char *base = pmem2_vm_reservation_get_address(rsv);
	char *a = pmem2_map_get_address(m);
	size_t size = pmem2_vm_reservation_get_size(rsv);
	if (a >= base && a < base + size)
		O(label, "map at reservation offset %zu, size %zu", (size_t)(a - base),
		  pmem2_map_get_size(m));
	else
		O(label, "map outside the reservation");
}

static void rsv_new_delete(void)
{
	struct pmem2_vm_reservation *rsv = (struct pmem2_vm_reservation *)&rsv;
	R("new(NULL, 0)", pmem2_vm_reservation_new(&rsv, NULL, 0));
	O("rsv after new(NULL, 0)", "%s",
	  rsv == (struct pmem2_vm_reservation *)&rsv ? "unchanged" : ptr_state(rsv));
	if (rsv && rsv != (struct pmem2_vm_reservation *)&rsv) {
		O("size of the empty reservation", "%zu", pmem2_vm_reservation_get_size(rsv));
		R("extend(empty, 64K)", pmem2_vm_reservation_extend(rsv, 64 * KiB));
		O("size after extend", "%zu", pmem2_vm_reservation_get_size(rsv));
		R("delete(empty)", pmem2_vm_reservation_delete(&rsv));
	}
	rsv = (struct pmem2_vm_reservation *)&rsv;
	R("new(NULL, 4K + 1)", pmem2_vm_reservation_new(&rsv, NULL, 4 * KiB + 1));
	O("rsv after new(NULL, 4K + 1)", "%s",
	  rsv == (struct pmem2_vm_reservation *)&rsv ? "unchanged" : ptr_state(rsv));
	R("new(0x1001, 4K)", pmem2_vm_reservation_new(&rsv, (void *)0x1001, 4 * KiB));
	R("new(0x1001, 4K + 1)", pmem2_vm_reservation_new(&rsv, (void *)0x1001, 4 * KiB + 1));

	rsv = NULL;
	R("new(NULL, 16M)", pmem2_vm_reservation_new(&rsv, NULL, 16 * MiB));
	O("size", "%zu", pmem2_vm_reservation_get_size(rsv));
	char *a = pmem2_vm_reservation_get_address(rsv);
	O("address page aligned", "%s", ((uintptr_t)a % page) == 0 ? "yes" : "no");
	O("address 2 MiB aligned", "%s", ((uintptr_t)a % (2 * MiB)) == 0 ? "yes" : "no");
	/* the range is reserved: another reservation cannot take it */
	struct pmem2_vm_reservation *other = NULL;
	R("new(at the same address)", pmem2_vm_reservation_new(&other, a, 4 * KiB));
	R("new(overlapping the end)",
	  pmem2_vm_reservation_new(&other, a + 16 * MiB - 4 * KiB, 8 * KiB));
	R("delete", pmem2_vm_reservation_delete(&rsv));
	O("rsv after delete", "%s", ptr_state(rsv));

	/* at a given free address */
	R("new(at the freed address)", pmem2_vm_reservation_new(&rsv, a, 8 * MiB));
	O("address as given", "%s", pmem2_vm_reservation_get_address(rsv) == a ? "yes" : "no");
	pmem2_vm_reservation_delete(&rsv);

	/* exactly the requested range is free, the page after it is not */
	char *tight = mmap(NULL, MiB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(tight, 256 * KiB);
	R("new(tight free range)", pmem2_vm_reservation_new(&rsv, tight, 256 * KiB));
	if (rsv)
		pmem2_vm_reservation_delete(&rsv);
	munmap(tight, MiB);

	/* over a mapping the program made */
	void *mine = mmap(NULL, 64 * KiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	R("new(over a user mapping)", pmem2_vm_reservation_new(&rsv, mine, 64 * KiB));
	munmap(mine, 64 * KiB);
}

static void rsv_maps(void)
{
	int fd;
	struct pmem2_source *src = file_source("rsvmaps", 64 * KiB, O_RDWR, &fd);
	struct pmem2_vm_reservation *rsv = NULL;
	R("rsv new(1M)", pmem2_vm_reservation_new(&rsv, NULL, MiB));
	struct pmem2_config *cfg = config(PMEM2_GRANULARITY_PAGE);
	struct pmem2_map *m[4] = {NULL, NULL, NULL, NULL};

	R("set_vm_reservation(rsv, 0)", pmem2_config_set_vm_reservation(cfg, rsv, 0));
	pmem2_config_set_length(cfg, 16 * KiB);
	R("map at 0", pmem2_map_new(&m[0], cfg, src));
	map_place("m0", rsv, m[0]);
	R("map at 0 again", pmem2_map_new(&m[1], cfg, src));
	pmem2_config_set_vm_reservation(cfg, rsv, 8 * KiB);
	R("map at 8K (overlaps)", pmem2_map_new(&m[1], cfg, src));
	pmem2_config_set_vm_reservation(cfg, rsv, 100);
	R("map at unaligned offset 100", pmem2_map_new(&m[1], cfg, src));
	pmem2_config_set_vm_reservation(cfg, rsv, MiB - 8 * KiB);
	R("map crossing the end", pmem2_map_new(&m[1], cfg, src));
	pmem2_config_set_vm_reservation(cfg, rsv, MiB);
	R("map at the end", pmem2_map_new(&m[1], cfg, src));
	pmem2_config_set_vm_reservation(cfg, rsv, SIZE_MAX & ~(page - 1));
	R("map at a huge offset", pmem2_map_new(&m[1], cfg, src));
	pmem2_config_set_vm_reservation(cfg, rsv, 512 * KiB);
	R("map at 512K", pmem2_map_new(&m[1], cfg, src));
	map_place("m1", rsv, m[1]);
	pmem2_config_set_vm_reservation(cfg, rsv, 64 * KiB);
	pmem2_config_set_offset(cfg, 16 * KiB);
	R("map at 64K (file offset 16K)", pmem2_map_new(&m[2], cfg, src));
	map_place("m2", rsv, m[2]);
	pmem2_config_set_offset(cfg, 0);
	pmem2_config_set_vm_reservation(cfg, rsv, MiB - 16 * KiB);
	R("map at 1M - 16K (the last 16K)", pmem2_map_new(&m[3], cfg, src));
	map_place("m3", rsv, m[3]);

	/* contents are the file's */
	if (pwrite(fd, "abc", 3, 16 * KiB) != 3)
		exit(2);
	O("m2 sees the file", "%.3s", (char *)pmem2_map_get_address(m[2]));

	struct pmem2_map *found = (struct pmem2_map *)&found;
	R("find_first", pmem2_vm_reservation_map_find_first(rsv, &found));
	O("first is m0", "%s", found == m[0] ? "yes" : "no");
	R("find_last", pmem2_vm_reservation_map_find_last(rsv, &found));
	O("last is m3", "%s", found == m[3] ? "yes" : "no");
	R("find_next(m0)", pmem2_vm_reservation_map_find_next(rsv, m[0], &found));
	O("next of m0 is m2", "%s", found == m[2] ? "yes" : "no");
	R("find_next(m2)", pmem2_vm_reservation_map_find_next(rsv, m[2], &found));
	O("next of m2 is m1", "%s", found == m[1] ? "yes" : "no");
	R("find_prev(m1)", pmem2_vm_reservation_map_find_prev(rsv, m[1], &found));
	O("prev of m1 is m2", "%s", found == m[2] ? "yes" : "no");
	found = (struct pmem2_map *)&found;
	R("find_next(m3)", pmem2_vm_reservation_map_find_next(rsv, m[3], &found));
	O("found after find_next(m3)", "%s",
	  found == (struct pmem2_map *)&found ? "unchanged" : ptr_state(found));
	found = (struct pmem2_map *)&found;
	R("find_prev(m0)", pmem2_vm_reservation_map_find_prev(rsv, m[0], &found));
	O("found after find_prev(m0)", "%s",
	  found == (struct pmem2_map *)&found ? "unchanged" : ptr_state(found));

	R("find(0, 1)", pmem2_vm_reservation_map_find(rsv, 0, 1, &found));
	O("find(0, 1) is m0", "%s", found == m[0] ? "yes" : "no");
	R("find(8K, 100K)", pmem2_vm_reservation_map_find(rsv, 8 * KiB, 100 * KiB, &found));
	O("find(8K, 100K) is m0", "%s", found == m[0] ? "yes" : "no");
	R("find(16K, 100K)", pmem2_vm_reservation_map_find(rsv, 16 * KiB, 100 * KiB, &found));
	O("find(16K, 100K) is m2", "%s", found == m[2] ? "yes" : "no");
	found = (struct pmem2_map *)&found;
	R("find(16K, 48K) (a hole)",
	  pmem2_vm_reservation_map_find(rsv, 16 * KiB, 48 * KiB, &found));
	O("found after a miss", "%s",
	  found == (struct pmem2_map *)&found ? "unchanged" : ptr_state(found));
	R("find(80K, 0)", pmem2_vm_reservation_map_find(rsv, 80 * KiB, 0, &found));
	R("find(4K, 0) (inside m0)", pmem2_vm_reservation_map_find(rsv, 4 * KiB, 0, &found));
	R("find(2M, 4K) (outside)", pmem2_vm_reservation_map_find(rsv, 2 * MiB, 4 * KiB, &found));

	R("rsv delete with maps", pmem2_vm_reservation_delete(&rsv));
	O("rsv after refused delete", "%s", ptr_state(rsv));

	/* deleting a map frees its part of the reservation for another */
	R("delete m0", pmem2_map_delete(&m[0]));
	pmem2_config_set_vm_reservation(cfg, rsv, 0);
	pmem2_config_set_length(cfg, 8 * KiB);
	R("map at 0 after delete", pmem2_map_new(&m[0], cfg, src));
	map_place("new m0", rsv, m[0]);
	R("find_first after remap", pmem2_vm_reservation_map_find_first(rsv, &found));
	O("first is new m0", "%s", found == m[0] ? "yes" : "no");

	for (int i = 0; i < 4; ++i)
		if (m[i])
			R("delete map", pmem2_map_delete(&m[i]));
	found = (struct pmem2_map *)&found;
	R("find_first(empty)", pmem2_vm_reservation_map_find_first(rsv, &found));
	O("found after find_first(empty)", "%s",
	  found == (struct pmem2_map *)&found ? "unchanged" : ptr_state(found));
	R("find_last(empty)", pmem2_vm_reservation_map_find_last(rsv, &found));
	R("rsv delete", pmem2_vm_reservation_delete(&rsv));

	pmem2_config_delete(&cfg);
	pmem2_source_delete(&src);
	close(fd);
}

static void rsv_map_checks(void)
{
	struct pmem2_source *src = file_source("rsvchecks", 4 * MiB, O_RDWR, NULL);
	struct pmem2_vm_reservation *rsv = NULL;
	R("rsv new(8M)", pmem2_vm_reservation_new(&rsv, NULL, 8 * MiB));
	struct pmem2_config *cfg = config(PMEM2_GRANULARITY_PAGE);
	struct pmem2_map *m = NULL;

	/* a large map at a page-aligned, not 2 MiB-aligned, reservation offset */
	pmem2_config_set_vm_reservation(cfg, rsv, 4 * KiB);
	R("4M map at 4K", pmem2_map_new(&m, cfg, src));
	map_place("4M map", rsv, m);
	if (m)
		pmem2_map_delete(&m);

	/* which check comes first */
	pmem2_config_set_vm_reservation(cfg, rsv, 100);
	pmem2_config_set_offset(cfg, 1);
	map_try("unaligned reservation offset and file offset", cfg, src);
	pmem2_config_set_offset(cfg, 0);
	pmem2_config_set_length(cfg, 1);
	map_try("unaligned reservation offset and length", cfg, src);
	pmem2_config_set_length(cfg, 0);
	pmem2_config_set_vm_reservation(cfg, rsv, 6 * MiB);
	map_try("too long for the reservation", cfg, src);
	pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_BYTE);
	pmem2_config_set_vm_reservation(cfg, rsv, 100);
	map_try("unaligned reservation offset, granularity unsupported", cfg, src);
	pmem2_config_set_vm_reservation(cfg, rsv, 0);
	map_try("granularity unsupported in a reservation", cfg, src);
	pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_PAGE);
	map_try("after a failed map, the place is free", cfg, src);

	/* an anonymous map in a reservation */
	struct pmem2_source *anon = NULL;
	pmem2_source_from_anon(&anon, 64 * KiB);
	pmem2_config_set_vm_reservation(cfg, rsv, 64 * KiB);
	R("anon map in a reservation", pmem2_map_new(&m, cfg, anon));
	map_place("anon map", rsv, m);
	if (m) {
		char *p = pmem2_map_get_address(m);
		p[0] = 1;
		pmem2_map_delete(&m);
	}
	pmem2_source_delete(&anon);

	/* a NULL reservation in the config means none */
	R("set_vm_reservation(NULL, 0)", pmem2_config_set_vm_reservation(cfg, NULL, 0));
	R("map without reservation", pmem2_map_new(&m, cfg, src));
	map_place("map", rsv, m);
	pmem2_map_delete(&m);

	R("rsv delete", pmem2_vm_reservation_delete(&rsv));
	pmem2_config_delete(&cfg);
	pmem2_source_delete(&src);
}

static void rsv_extend_shrink(void)
{
	struct pmem2_source *src = file_source("rsvext", 64 * KiB, O_RDWR, NULL);
	/* a free 16 MiB area; the reservation starts 2 MiB into it, the rest stays free */
	char *area = mmap(NULL, 16 * MiB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(area, 16 * MiB);
	area = (char *)(((uintptr_t)area + 2 * MiB) & ~(uintptr_t)(2 * MiB - 1));
	struct pmem2_vm_reservation *rsv = NULL;
	R("rsv new(area, 256K)", pmem2_vm_reservation_new(&rsv, area, 256 * KiB));
	char *base = pmem2_vm_reservation_get_address(rsv);
	struct pmem2_config *cfg = config(PMEM2_GRANULARITY_PAGE);
	pmem2_config_set_length(cfg, 16 * KiB);
	struct pmem2_map *m = NULL;
	pmem2_config_set_vm_reservation(cfg, rsv, 128 * KiB);
	R("map at 128K", pmem2_map_new(&m, cfg, src));
	char *p = pmem2_map_get_address(m);
	p[0] = 'q';

	R("extend(4K + 1)", pmem2_vm_reservation_extend(rsv, 4 * KiB + 1));
	R("extend(0)", pmem2_vm_reservation_extend(rsv, 0));
	O("size", "%zu", pmem2_vm_reservation_get_size(rsv));
	R("extend(64K)", pmem2_vm_reservation_extend(rsv, 64 * KiB));
	O("size", "%zu", pmem2_vm_reservation_get_size(rsv));
	O("address unchanged", "%s", pmem2_vm_reservation_get_address(rsv) == base ? "yes" : "no");
	O("map intact", "%c", p[0]);
	pmem2_config_set_vm_reservation(cfg, rsv, 300 * KiB);
	struct pmem2_map *m2 = NULL;
	R("map in the extension", pmem2_map_new(&m2, cfg, src));
	map_place("m2", rsv, m2);
	if (m2)
		pmem2_map_delete(&m2);

	/* extending into a range someone else mapped (4 MiB after the end) */
	char *end = base + pmem2_vm_reservation_get_size(rsv);
	void *blocker = mmap(end + 4 * MiB, 4 * KiB, PROT_READ,
	                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	O("blocker placed", "%s", blocker == end + 4 * MiB ? "yes" : "no");
	R("extend into a user mapping", pmem2_vm_reservation_extend(rsv, 8 * MiB));
	O("size", "%zu", pmem2_vm_reservation_get_size(rsv));
	munmap(blocker, 4 * KiB);

	size_t size = pmem2_vm_reservation_get_size(rsv); /* 320K */
	R("shrink(1, 4K)", pmem2_vm_reservation_shrink(rsv, 1, 4 * KiB));
	R("shrink(0, 1)", pmem2_vm_reservation_shrink(rsv, 0, 1));
	R("shrink(1, 1)", pmem2_vm_reservation_shrink(rsv, 1, 1));
	R("shrink(size, 4K)", pmem2_vm_reservation_shrink(rsv, size, 4 * KiB));
	R("shrink(size + 4K, 4K)", pmem2_vm_reservation_shrink(rsv, size + 4 * KiB, 4 * KiB));
	R("shrink(0, 0)", pmem2_vm_reservation_shrink(rsv, 0, 0));
	R("shrink(size - 4K, 8K)", pmem2_vm_reservation_shrink(rsv, size - 4 * KiB, 8 * KiB));
	R("shrink(8K, 4K) (middle)", pmem2_vm_reservation_shrink(rsv, 8 * KiB, 4 * KiB));
	R("shrink(0, size) (whole)", pmem2_vm_reservation_shrink(rsv, 0, size));
	R("shrink(0, 132K) (covers the map)", pmem2_vm_reservation_shrink(rsv, 0, 132 * KiB));
	R("shrink(140K, size - 140K) (covers the map's end)",
	  pmem2_vm_reservation_shrink(rsv, 140 * KiB, size - 140 * KiB));
	R("shrink(0, 64K)", pmem2_vm_reservation_shrink(rsv, 0, 64 * KiB));
	O("size", "%zu", pmem2_vm_reservation_get_size(rsv));
	O("address moved by 64K", "%s",
	  (char *)pmem2_vm_reservation_get_address(rsv) == base + 64 * KiB ? "yes" : "no");
	map_place("map after shrinking the start", rsv, m);
	O("map intact", "%c", p[0]);
	size = pmem2_vm_reservation_get_size(rsv);
	R("shrink(144K, size - 144K) (the end)",
	  pmem2_vm_reservation_shrink(rsv, 144 * KiB, size - 144 * KiB));
	O("size", "%zu", pmem2_vm_reservation_get_size(rsv));
	struct pmem2_map *found = NULL;
	R("find_first", pmem2_vm_reservation_map_find_first(rsv, &found));
	O("first is the map", "%s", found == m ? "yes" : "no");
	R("find(64K, 4K)", pmem2_vm_reservation_map_find(rsv, 64 * KiB, 4 * KiB, &found));
	O("find(64K, 4K) is the map", "%s", found == m ? "yes" : "no");
	R("delete map", pmem2_map_delete(&m));
	R("rsv delete", pmem2_vm_reservation_delete(&rsv));
	pmem2_config_delete(&cfg);
	pmem2_source_delete(&src);
}

/* ------------------------------------------------------------------ */
/* Scenarios: machine-check-safe I/O                                    */
/* ------------------------------------------------------------------ */

static void mcsafe_io(void)
{
	int fd;
	struct pmem2_source *src = file_source("mcsafe", 16 * KiB, O_RDWR, &fd);
	if (pwrite(fd, "0123456789", 10, 100) != 10)
		exit(2);
	char buf[32] = {0};
	R("pread(10 at 100)", pmem2_source_pread_mcsafe(src, buf, 10, 100));
	O("read", "%.10s", buf);
	R("pread(0 at 0)", pmem2_source_pread_mcsafe(src, buf, 0, 0));
	R("pread(0 at the end)", pmem2_source_pread_mcsafe(src, buf, 0, 16 * KiB));
	R("pread(1 at the end)", pmem2_source_pread_mcsafe(src, buf, 1, 16 * KiB));
	R("pread(2 at the last byte)", pmem2_source_pread_mcsafe(src, buf, 2, 16 * KiB - 1));
	R("pread(0 beyond the end)", pmem2_source_pread_mcsafe(src, buf, 0, 16 * KiB + 1));
	R("pread(SIZE_MAX at 1)", pmem2_source_pread_mcsafe(src, buf, SIZE_MAX, 1));
	R("pread(1 at SIZE_MAX)", pmem2_source_pread_mcsafe(src, buf, 1, SIZE_MAX));
	R("pwrite(5 at 200)", pmem2_source_pwrite_mcsafe(src, "hello", 5, 200));
	memset(buf, 0, sizeof(buf));
	if (pread(fd, buf, 5, 200) != 5)
		exit(2);
	O("file after pwrite", "%.5s", buf);
	R("pwrite(2 at the last byte)", pmem2_source_pwrite_mcsafe(src, "xy", 2, 16 * KiB - 1));
	R("pwrite(1 at the end)", pmem2_source_pwrite_mcsafe(src, "x", 1, 16 * KiB));
	struct stat st;
	fstat(fd, &st);
	O("file size unchanged", "%s", st.st_size == 16 * (off_t)KiB ? "yes" : "no");
	pmem2_source_delete(&src);
	close(fd);

	src = file_source("mcsafe-ro", 4 * KiB, O_RDONLY, &fd);
	R("pwrite on O_RDONLY", pmem2_source_pwrite_mcsafe(src, "x", 1, 0));
	R("pread on O_RDONLY", pmem2_source_pread_mcsafe(src, buf, 1, 0));
	pmem2_source_delete(&src);
	close(fd);

	pmem2_source_from_anon(&src, 16 * KiB);
	R("pread(anon)", pmem2_source_pread_mcsafe(src, buf, 10, 0));
	R("pwrite(anon)", pmem2_source_pwrite_mcsafe(src, buf, 10, 0));
	R("pread(anon, beyond)", pmem2_source_pread_mcsafe(src, buf, 10, 16 * KiB));
	pmem2_source_delete(&src);
}

/* ------------------------------------------------------------------ */
/* Scenarios: device identity, NUMA node, bad blocks                    */
/* ------------------------------------------------------------------ */

static void device_queries(void)
{
	int fd;
	struct pmem2_source *src = file_source("device", 16 * KiB, O_RDWR, &fd);
	size_t len = 12345;
	R("device_id(file, NULL)", pmem2_source_device_id(src, NULL, &len));
	O("len", "%s", len == 12345 ? "unchanged" : "set");
	char id[256] = "unchanged";
	len = sizeof(id);
	R("device_id(file, buf)", pmem2_source_device_id(src, id, &len));
	O("id", "%s", id);
	uint64_t usc = 777;
	R("device_usc(file)", pmem2_source_device_usc(src, &usc));
	O("usc", "%" PRIu64, usc);
	int node = 99;
	R("numa_node(file)", pmem2_source_numa_node(src, &node));
	O("node", "%d", node);
	pmem2_source_delete(&src);
	close(fd);

	pmem2_source_from_anon(&src, 16 * KiB);
	len = 12345;
	R("device_id(anon)", pmem2_source_device_id(src, NULL, &len));
	R("device_usc(anon)", pmem2_source_device_usc(src, &usc));
	R("numa_node(anon)", pmem2_source_numa_node(src, &node));
	pmem2_source_delete(&src);
}

static void bad_blocks(void)
{
	int fd;
	struct pmem2_source *src = file_source("badblocks", 16 * KiB, O_RDWR, &fd);
	if (pwrite(fd, "data", 4, 4096) != 4)
		exit(2);
	struct pmem2_badblock_context *ctx = (struct pmem2_badblock_context *)&ctx;
	R("context_new(file)", pmem2_badblock_context_new(&ctx, src));
	O("ctx", "%s", ptr_state(ctx));
	if (ctx) {
		struct pmem2_badblock bb = {1, 2};
		R("next", pmem2_badblock_next(ctx, &bb));
		R("next again", pmem2_badblock_next(ctx, &bb));
		bb.offset = 4096;
		bb.length = 4096;
		R("clear(4K at 4K)", pmem2_badblock_clear(ctx, &bb));
		char buf[4] = {1, 1, 1, 1};
		if (pread(fd, buf, 4, 4096) != 4)
			exit(2);
		O("cleared range reads as zeros", "%s",
		  memcmp(buf, "\0\0\0\0", 4) == 0 ? "yes" : "no");
		struct stat st;
		fstat(fd, &st);
		O("file size unchanged", "%s", st.st_size == 16 * (off_t)KiB ? "yes" : "no");
		bb.offset = (size_t)INT64_MAX + 1;
		R("clear(offset > INT64_MAX)", pmem2_badblock_clear(ctx, &bb));
		bb.offset = 0;
		bb.length = (size_t)INT64_MAX + 1;
		R("clear(length > INT64_MAX)", pmem2_badblock_clear(ctx, &bb));
		bb.length = 0;
		R("clear(length 0)", pmem2_badblock_clear(ctx, &bb));
		pmem2_badblock_context_delete(&ctx);
		O("ctx after delete", "%s", ptr_state(ctx));
		pmem2_badblock_context_delete(&ctx);
	}
	pmem2_source_delete(&src);
	close(fd);

	pmem2_source_from_anon(&src, 16 * KiB);
	ctx = (struct pmem2_badblock_context *)&ctx;
	R("context_new(anon)", pmem2_badblock_context_new(&ctx, src));
	O("ctx after failure", "%s",
	  ctx == (struct pmem2_badblock_context *)&ctx ? "unchanged" : ptr_state(ctx));
	pmem2_source_delete(&src);
}

/* ------------------------------------------------------------------ */
/* Scenarios: odd arguments of pmem2_map_from_existing                  */
/* ------------------------------------------------------------------ */

static void from_existing_odd(void)
{
	struct pmem2_source *src = NULL;
	pmem2_source_from_anon(&src, 64 * KiB);
	char *mine =
	    mmap(NULL, 64 * KiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct pmem2_map *map = NULL, *other = NULL;

	R("from_existing(len 0)",
	  pmem2_map_from_existing(&map, src, mine, 0, PMEM2_GRANULARITY_PAGE));
	if (map) {
		O("size", "%zu", pmem2_map_get_size(map));
		R("from_existing(len 0, same address again)",
		  pmem2_map_from_existing(&other, src, mine, 0, PMEM2_GRANULARITY_PAGE));
		if (other)
			pmem2_map_delete(&other);
		R("from_existing(4K over the zero-length one)",
		  pmem2_map_from_existing(&other, src, mine, 4 * KiB, PMEM2_GRANULARITY_PAGE));
		if (other)
			pmem2_map_delete(&other);
		R("delete(len 0)", pmem2_map_delete(&map));
	}
	R("from_existing(unaligned address)",
	  pmem2_map_from_existing(&map, src, mine + 1, 100, PMEM2_GRANULARITY_PAGE));
	if (map) {
		O("address as given", "%s", pmem2_map_get_address(map) == mine + 1 ? "yes" : "no");
		R("delete(unaligned)", pmem2_map_delete(&map));
	}
	munmap(mine, 64 * KiB);
	pmem2_source_delete(&src);
}

/* ------------------------------------------------------------------ */
/* Scenarios: NULL arguments (PMDK dereferences them: it crashes)       */
/* ------------------------------------------------------------------ */

static void null_source_from_fd(void)
{
	int fd = open_file("null", 4 * KiB, O_RDWR);
	R("source_from_fd(NULL, fd)", pmem2_source_from_fd(NULL, fd));
}
static void null_source_from_anon(void)
{
	R("source_from_anon(NULL, 4K)", pmem2_source_from_anon(NULL, 4 * KiB));
}
static void null_source_size(void)
{
	size_t size;
	R("source_size(NULL)", pmem2_source_size(NULL, &size));
}
static void null_source_delete(void)
{
	R("source_delete(NULL)", pmem2_source_delete(NULL));
}
static void null_config_new(void)
{
	R("config_new(NULL)", pmem2_config_new(NULL));
}
static void null_config_setter(void)
{
	R("config_set_offset(NULL)", pmem2_config_set_offset(NULL, 0));
}
static void null_config_delete(void)
{
	R("config_delete(NULL)", pmem2_config_delete(NULL));
}
static void null_map_new_cfg(void)
{
	struct pmem2_source *src = NULL;
	struct pmem2_map *map = NULL;
	pmem2_source_from_anon(&src, 4 * KiB);
	R("map_new(cfg NULL)", pmem2_map_new(&map, NULL, src));
}
static void null_map_new_src(void)
{
	struct pmem2_config *cfg = config(PMEM2_GRANULARITY_PAGE);
	struct pmem2_map *map = NULL;
	R("map_new(src NULL)", pmem2_map_new(&map, cfg, NULL));
}
static void null_map_delete(void)
{
	struct pmem2_map *map = NULL;
	R("map_delete(&NULL)", pmem2_map_delete(&map));
}
static void null_deep_flush(void)
{
	char c;
	R("deep_flush(NULL map)", pmem2_deep_flush(NULL, &c, 1));
}
static void null_map_getters(void)
{
	O("map_get_address(NULL)", "%s", ptr_state(pmem2_map_get_address(NULL)));
	O("map_get_size(NULL)", "%zu", pmem2_map_get_size(NULL));
}

/* ------------------------------------------------------------------ */

struct scenario {
	const char *name;
	void (*fn)(void);
};

static const struct scenario scenarios[] = {
    {"source_bad_fds", source_bad_fds},
    {"source_file_types", source_file_types},
    {"source_regular", source_regular},
    {"source_closed_fd", source_closed_fd},
    {"source_anon", source_anon},
    {"config_values", config_values},
    {"config_failed_setters_keep_values", config_failed_setters_keep_values},
    {"map_checks", map_checks},
    {"map_empty_and_odd_sizes", map_empty_and_odd_sizes},
    {"map_access", map_access},
    {"map_granularity", map_granularity},
    {"force_byte", force_byte},
    {"force_cache_line", force_cache_line},
    {"force_cacheline", force_cacheline},
    {"force_page", force_page},
    {"force_garbage", force_garbage},
    {"map_anon", map_anon},
    {"map_contents_and_alignment", map_contents_and_alignment},
    {"map_after_fd_closed", map_after_fd_closed},
    {"map_registry", map_registry},
    {"deep_flush_auto", deep_flush_auto},
    {"deep_flush_byte", deep_flush_byte},
    {"deep_flush_cache_line", deep_flush_cache_line},
    {"deep_flush_page", deep_flush_page},
    {"deep_flush_anon", deep_flush_anon},
    {"mem_functions", mem_functions},
    {"errormsg_basics", errormsg_basics},
    {"from_existing_odd", from_existing_odd},
    {"rsv_new_delete", rsv_new_delete},
    {"rsv_maps", rsv_maps},
    {"rsv_map_checks", rsv_map_checks},
    {"rsv_extend_shrink", rsv_extend_shrink},
    {"mcsafe_io", mcsafe_io},
    {"device_queries", device_queries},
    {"bad_blocks", bad_blocks},
    {"null_source_from_fd", null_source_from_fd},
    {"null_source_from_anon", null_source_from_anon},
    {"null_source_size", null_source_size},
    {"null_source_delete", null_source_delete},
    {"null_config_new", null_config_new},
    {"null_config_setter", null_config_setter},
    {"null_config_delete", null_config_delete},
    {"null_map_new_cfg", null_map_new_cfg},
    {"null_map_new_src", null_map_new_src},
    {"null_map_delete", null_map_delete},
    {"null_deep_flush", null_deep_flush},
    {"null_map_getters", null_map_getters},
};

/* Removes the scratch directory and whatever the scenarios left in it. */
static void remove_scratch_dir(void)
{
	DIR *d = opendir(scratch_dir);
	if (d) {
		struct dirent *e;
		char path[512];
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			path_of(path, sizeof(path), e->d_name);
			unlink(path);
		}
		closedir(d);
	}
	rmdir(scratch_dir);
}

int main(int argc, char *argv[])
{
	const char *base = argc > 1 ? argv[1] : "/dev/shm";
	const char *only = argc > 2 ? argv[2] : NULL;
	page = (size_t)sysconf(_SC_PAGESIZE);
	snprintf(scratch_dir, sizeof(scratch_dir), "%s/pmem2-differential-%ld", base,
	         (long)getpid());
	if (mkdir(scratch_dir, 0700) != 0) {
		perror(scratch_dir);
		return 2;
	}
	unsetenv("PMEM2_FORCE_GRANULARITY");
	/* line by line, so a scenario that crashes still shows how far it got */
	setvbuf(stdout, NULL, _IOLBF, 0);

	int status = 0;
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); ++i) {
		if (only && strcmp(only, scenarios[i].name) != 0)
			continue;
		current_scenario = scenarios[i].name;
		fflush(stdout);
		pid_t pid = fork();
		if (pid < 0) {
			perror("fork");
			status = 2;
			break;
		}
		if (pid == 0) {
			scenarios[i].fn();
			fflush(stdout);
			_exit(0);
		}
		int ws = 0;
		waitpid(pid, &ws, 0);
		if (WIFSIGNALED(ws))
			printf("%s: CRASHED (signal %d)\n", current_scenario, WTERMSIG(ws));
		else if (WEXITSTATUS(ws) != 0)
			printf("%s: FAILED (exit %d)\n", current_scenario, WEXITSTATUS(ws));
	}
	remove_scratch_dir();
	return status;
}
