/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * libpmem2/base.h -- the synchronous libpmem2 API: data sources, mapping
 * configurations, mappings, virtual-memory reservations, persistence
 * functions, device identity, bad blocks and error reporting.
 *
 * What it is
 *   Source- and binary-compatible with libpmem2 of PMDK 1.13 (Linux): the
 *   same declarations, the same values for every constant and enumerator,
 *   the same exported symbols (version node LIBPMEM2_1.0). Where our
 *   behaviour deliberately differs from PMDK's, docs/compatibility.md says
 *   so. Every function is described by a manual page in docs/man/.
 *
 * Objects and their lifetime
 *   struct pmem2_source   what to map: a file descriptor (regular file or
 *                         Device DAX) or anonymous memory. The descriptor
 *                         is borrowed: it must stay open while the source is
 *                         used to make maps, but a map outlives it.
 *   struct pmem2_config   how to map it (range, sharing, protection, the
 *                         coarsest store granularity the caller accepts,
 *                         an optional reservation to map into).
 *   struct pmem2_map      a live mapping; it copies what it needs from the
 *                         source and config, which may be deleted at once.
 *   struct pmem2_vm_reservation   a range of address space that maps may be
 *                         placed into; it must outlive its maps.
 *   Every *_new/_from_* call returning 0 hands the caller one object, to be
 *   released with the matching *_delete.
 *
 * Errors
 *   Functions returning int give 0 on success, and on failure a negative
 *   code: one of PMEM2_E_* below or a negated errno value. After a failure,
 *   pmem2_errormsg() describes it (per thread). Out-parameters are left
 *   untouched on failure unless a manual page says otherwise.
 *
 * Thread safety
 *   Different objects may be used from different threads freely. One
 *   config or source must not be modified while another thread uses it;
 *   reading calls (getters, pmem2_map_new from a shared config/source) may
 *   run concurrently. Maps and reservations are safe to create and delete
 *   from any thread; a map must not be deleted while another thread still
 *   uses it.
 */

#ifndef LIBPMEM2_BASE_H
#define LIBPMEM2_BASE_H 1

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Error codes. They run consecutively downwards from PMEM2_E_UNKNOWN;
 * -100002 is not used.
 */
#define PMEM2_E_UNKNOWN (-100000)
#define PMEM2_E_NOSUPP (-100001)
#define PMEM2_E_FILE_HANDLE_NOT_SET (-100003)
#define PMEM2_E_INVALID_FILE_HANDLE (-100004)
#define PMEM2_E_INVALID_FILE_TYPE (-100005)
#define PMEM2_E_MAP_RANGE (-100006)
#define PMEM2_E_MAPPING_EXISTS (-100007)
#define PMEM2_E_GRANULARITY_NOT_SET (-100008)
#define PMEM2_E_GRANULARITY_NOT_SUPPORTED (-100009)
#define PMEM2_E_OFFSET_OUT_OF_RANGE (-100010)
#define PMEM2_E_OFFSET_UNALIGNED (-100011)
#define PMEM2_E_INVALID_ALIGNMENT_FORMAT (-100012)
#define PMEM2_E_INVALID_ALIGNMENT_VALUE (-100013)
#define PMEM2_E_INVALID_SIZE_FORMAT (-100014)
#define PMEM2_E_LENGTH_UNALIGNED (-100015)
#define PMEM2_E_MAPPING_NOT_FOUND (-100016)
#define PMEM2_E_BUFFER_TOO_SMALL (-100017)
#define PMEM2_E_SOURCE_EMPTY (-100018)
#define PMEM2_E_INVALID_SHARING_VALUE (-100019)
#define PMEM2_E_SRC_DEVDAX_PRIVATE (-100020)
#define PMEM2_E_INVALID_ADDRESS_REQUEST_TYPE (-100021)
#define PMEM2_E_ADDRESS_UNALIGNED (-100022)
#define PMEM2_E_ADDRESS_NULL (-100023)
#define PMEM2_E_DEEP_FLUSH_RANGE (-100024)
#define PMEM2_E_INVALID_REGION_FORMAT (-100025)
#define PMEM2_E_DAX_REGION_NOT_FOUND (-100026)
#define PMEM2_E_INVALID_DEV_FORMAT (-100027)
#define PMEM2_E_CANNOT_READ_BOUNDS (-100028)
#define PMEM2_E_NO_BAD_BLOCK_FOUND (-100029)
#define PMEM2_E_LENGTH_OUT_OF_RANGE (-100030)
#define PMEM2_E_INVALID_PROT_FLAG (-100031)
#define PMEM2_E_NO_ACCESS (-100032)
#define PMEM2_E_VM_RESERVATION_NOT_EMPTY (-100033)
#define PMEM2_E_MAP_EXISTS (-100034)
#define PMEM2_E_FILE_DESCRIPTOR_NOT_SET (-100035)
#define PMEM2_E_SOURCE_TYPE_NOT_SUPPORTED (-100036)
#define PMEM2_E_IO_FAIL (-100037)

/* ---- Data sources ------------------------------------------------------ */

struct pmem2_source;

/* A source reading fd (O_RDONLY or O_RDWR; regular file or Device DAX). */
int pmem2_source_from_fd(struct pmem2_source **src, int fd);

/* A source of size bytes of zero-filled anonymous memory. */
int pmem2_source_from_anon(struct pmem2_source **src, size_t size);

/* The descriptor a source was made from (not for anonymous sources). */
int pmem2_source_get_fd(const struct pmem2_source *src, int *fd);

/* Current size in bytes of what the source refers to. */
int pmem2_source_size(const struct pmem2_source *src, size_t *size);

/* Alignment that a mapping's offset and length must respect. */
int pmem2_source_alignment(const struct pmem2_source *src, size_t *alignment);

/* Releases *src (NULL is fine) and sets it to NULL. Always 0. */
int pmem2_source_delete(struct pmem2_source **src);

/* Reads/writes the source like pread/pwrite, surviving media errors. */
int pmem2_source_pread_mcsafe(struct pmem2_source *src, void *buf, size_t size, size_t offset);
int pmem2_source_pwrite_mcsafe(struct pmem2_source *src, void *buf, size_t size, size_t offset);

/* ---- Virtual-memory reservations --------------------------------------- */

struct pmem2_map;
struct pmem2_vm_reservation;

void *pmem2_vm_reservation_get_address(struct pmem2_vm_reservation *rsv);
size_t pmem2_vm_reservation_get_size(struct pmem2_vm_reservation *rsv);
int pmem2_vm_reservation_new(struct pmem2_vm_reservation **rsv_ptr, void *addr, size_t size);
int pmem2_vm_reservation_delete(struct pmem2_vm_reservation **rsv_ptr);
int pmem2_vm_reservation_extend(struct pmem2_vm_reservation *rsv, size_t size);
int pmem2_vm_reservation_shrink(struct pmem2_vm_reservation *rsv, size_t offset, size_t size);
int pmem2_vm_reservation_map_find(struct pmem2_vm_reservation *rsv, size_t reserv_offset,
                                  size_t len, struct pmem2_map **map);
int pmem2_vm_reservation_map_find_prev(struct pmem2_vm_reservation *rsv, struct pmem2_map *map,
                                       struct pmem2_map **prev_map);
int pmem2_vm_reservation_map_find_next(struct pmem2_vm_reservation *rsv, struct pmem2_map *map,
                                       struct pmem2_map **next_map);
int pmem2_vm_reservation_map_find_first(struct pmem2_vm_reservation *rsv, struct pmem2_map **map);
int pmem2_vm_reservation_map_find_last(struct pmem2_vm_reservation *rsv, struct pmem2_map **map);

/* ---- Mapping configurations -------------------------------------------- */

struct pmem2_config;

int pmem2_config_new(struct pmem2_config **cfg);
int pmem2_config_delete(struct pmem2_config **cfg);

/*
 * Store granularity: the smallest unit whose persistence a program has to
 * take care of. BYTE: stores are persistent once visible (CPU caches are in
 * the power-fail domain). CACHE_LINE: cache lines must be flushed. PAGE:
 * pages must be written back by the kernel (msync).
 */
enum pmem2_granularity {
	PMEM2_GRANULARITY_BYTE,       /* 0 */
	PMEM2_GRANULARITY_CACHE_LINE, /* 1 */
	PMEM2_GRANULARITY_PAGE,       /* 2 */
};

/* The coarsest granularity the program can cope with (required). */
int pmem2_config_set_required_store_granularity(struct pmem2_config *cfg, enum pmem2_granularity g);
int pmem2_config_set_offset(struct pmem2_config *cfg, size_t offset);
int pmem2_config_set_length(struct pmem2_config *cfg, size_t length);

enum pmem2_sharing_type {
	PMEM2_SHARED,  /* 0: stores reach the source */
	PMEM2_PRIVATE, /* 1: copy-on-write, stores stay in this process */
};

int pmem2_config_set_sharing(struct pmem2_config *cfg, enum pmem2_sharing_type type);

#define PMEM2_PROT_EXEC (1U << 29)
#define PMEM2_PROT_READ (1U << 30)
#define PMEM2_PROT_WRITE (1U << 31)
#define PMEM2_PROT_NONE 0

int pmem2_config_set_protection(struct pmem2_config *cfg, unsigned prot);
int pmem2_config_set_vm_reservation(struct pmem2_config *cfg, struct pmem2_vm_reservation *rsv,
                                    size_t offset);

/* ---- Mappings ---------------------------------------------------------- */

int pmem2_map_from_existing(struct pmem2_map **map, const struct pmem2_source *src, void *addr,
                            size_t len, enum pmem2_granularity gran);
int pmem2_map_new(struct pmem2_map **map_ptr, const struct pmem2_config *cfg,
                  const struct pmem2_source *src);
int pmem2_map_delete(struct pmem2_map **map_ptr);
void *pmem2_map_get_address(struct pmem2_map *map);
size_t pmem2_map_get_size(struct pmem2_map *map);
enum pmem2_granularity pmem2_map_get_store_granularity(struct pmem2_map *map);

/* ---- Persistence and memory functions of a map ------------------------- */

typedef void (*pmem2_persist_fn)(const void *ptr, size_t size);
typedef void (*pmem2_flush_fn)(const void *ptr, size_t size);
typedef void (*pmem2_drain_fn)(void);

pmem2_persist_fn pmem2_get_persist_fn(struct pmem2_map *map);
pmem2_flush_fn pmem2_get_flush_fn(struct pmem2_map *map);
pmem2_drain_fn pmem2_get_drain_fn(struct pmem2_map *map);

/* Flags of the memmove/memcpy/memset functions (hints except the first two). */
#define PMEM2_F_MEM_NODRAIN (1U << 0)
#define PMEM2_F_MEM_NONTEMPORAL (1U << 1)
#define PMEM2_F_MEM_TEMPORAL (1U << 2)
#define PMEM2_F_MEM_WC (1U << 3)
#define PMEM2_F_MEM_WB (1U << 4)
#define PMEM2_F_MEM_NOFLUSH (1U << 5)
#define PMEM2_F_MEM_VALID_FLAGS                                                                  \
	(PMEM2_F_MEM_NODRAIN | PMEM2_F_MEM_NONTEMPORAL | PMEM2_F_MEM_TEMPORAL | PMEM2_F_MEM_WC | \
	 PMEM2_F_MEM_WB | PMEM2_F_MEM_NOFLUSH)

typedef void *(*pmem2_memmove_fn)(void *pmemdest, const void *src, size_t len, unsigned flags);
typedef void *(*pmem2_memcpy_fn)(void *pmemdest, const void *src, size_t len, unsigned flags);
typedef void *(*pmem2_memset_fn)(void *pmemdest, int c, size_t len, unsigned flags);

pmem2_memmove_fn pmem2_get_memmove_fn(struct pmem2_map *map);
pmem2_memcpy_fn pmem2_get_memcpy_fn(struct pmem2_map *map);
pmem2_memset_fn pmem2_get_memset_fn(struct pmem2_map *map);

/* Makes [ptr, ptr + size) of map durable in the most reliable domain. */
int pmem2_deep_flush(struct pmem2_map *map, void *ptr, size_t size);

/* ---- Device identity and unsafe shutdowns ------------------------------ */

int pmem2_source_device_id(const struct pmem2_source *src, char *id, size_t *len);
int pmem2_source_device_usc(const struct pmem2_source *src, uint64_t *usc);
int pmem2_source_numa_node(const struct pmem2_source *src, int *numa_node);

/* ---- Bad blocks -------------------------------------------------------- */

struct pmem2_badblock_context;

/* One bad range, in bytes from the start of the source. */
struct pmem2_badblock {
	size_t offset;
	size_t length;
};

int pmem2_badblock_context_new(struct pmem2_badblock_context **bbctx,
                               const struct pmem2_source *src);
int pmem2_badblock_next(struct pmem2_badblock_context *bbctx, struct pmem2_badblock *bb);
void pmem2_badblock_context_delete(struct pmem2_badblock_context **bbctx);
int pmem2_badblock_clear(struct pmem2_badblock_context *bbctx, const struct pmem2_badblock *bb);

/* ---- Errors ------------------------------------------------------------ */

/* The calling thread's description of its last failed libpmem2 call. */
const char *pmem2_errormsg(void);

/* Prints "<formatted text>: <pmem2_errormsg()>" and a newline to stderr. */
#if defined(__GNUC__) || defined(__clang__)
void pmem2_perror(const char *format, ...) __attribute__((__format__(__printf__, 1, 2)));
#else
void pmem2_perror(const char *format, ...);
#endif

#ifdef __cplusplus
}
#endif

#endif /* LIBPMEM2_BASE_H */
