/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/map_new.cpp -- pmem2_map_new: validating a config against a source,
 * placing and making the mapping, choosing its granularity.
 *
 * Order of checks (the order and codes of PMDK 1.12.1, which the
 * differential test verifies; docs/man/pmem2_map_new.3.md documents it):
 *   1. granularity not set in the config     PMEM2_E_GRANULARITY_NOT_SET
 *   2. source alignment, then source size    their own errors
 *   3. offset not a multiple of alignment    PMEM2_E_OFFSET_UNALIGNED
 *   4. Device DAX with PMEM2_PRIVATE         PMEM2_E_SRC_DEVDAX_PRIVATE
 *   5. source of size 0                      PMEM2_E_SOURCE_EMPTY
 *   6. length not a multiple of alignment    PMEM2_E_LENGTH_UNALIGNED
 *   7. offset + length overflows             PMEM2_E_MAP_RANGE
 *   8. offset + length beyond the source     PMEM2_E_MAP_RANGE
 *   9. in a reservation (pmem2_config_set_vm_reservation):
 *      offset in it not page aligned         PMEM2_E_OFFSET_UNALIGNED
 *      mapping does not fit in it            PMEM2_E_LENGTH_OUT_OF_RANGE
 *      address not aligned for the source    PMEM2_E_ADDRESS_UNALIGNED
 *      range taken by another map            PMEM2_E_MAPPING_EXISTS
 *  10. nothing left to map (offset == size)  -EINVAL
 *  11. mmap() refuses: EACCES                PMEM2_E_NO_ACCESS
 *                      EOPNOTSUPP            PMEM2_E_NOSUPP
 *                      anything else         -errno
 *  12. granularity coarser than required     PMEM2_E_GRANULARITY_NOT_SUPPORTED
 *  13. range already registered              PMEM2_E_MAPPING_EXISTS
 *
 * Placement: the mapping is made with MAP_FIXED over a placeholder reserved
 * beforehand at an aligned address (address_space.hpp), so mappings of
 * 2 MiB and more start on a 2 MiB boundary, of 2 GiB and more on 1 GiB;
 * or over the placeholder of a reservation, whose lock is held from the
 * range check until the map is recorded in it.
 */
#include "pmem2/async.hpp"
#include "pmem2/address_space.hpp"
#include "pmem2/config.hpp"
#include "pmem2/errormsg.hpp"
#include "pmem2/export.hpp"
#include "pmem2/granularity.hpp"
#include "pmem2/map.hpp"
#include "pmem2/map_registry.hpp"
#include "pmem2/source.hpp"
#include "pmem2/vm_reservation.hpp"

#include <cerrno>
#include <cstdint>
#include <mutex>
#include <new>
#include <shared_mutex>
#include <sys/mman.h>

using namespace masync::pmem2;

namespace
{

int to_mmap_prot(unsigned prot)
{
	int p = PROT_NONE;
	if (prot & PMEM2_PROT_READ)
		p |= PROT_READ;
	if (prot & PMEM2_PROT_WRITE)
		p |= PROT_WRITE;
	if (prot & PMEM2_PROT_EXEC)
		p |= PROT_EXEC;
	return p;
}

/*
 * Maps len bytes of src at offset onto the placeholder at addr. Shared file
 * mappings first ask for MAP_SYNC (granted only on persistent memory), then
 * fall back to a plain shared mapping. Returns 0 or a negative code.
 */
int map_fixed(void *addr, std::size_t len, const pmem2_config &cfg, const pmem2_source &src,
              std::size_t offset, bool *map_sync)
{
	int prot = to_mmap_prot(cfg.protection);
	int flags = MAP_FIXED;
	int fd = -1;
	off_t off = 0;
	if (src.kind == source_kind::anon) {
		flags |= MAP_ANONYMOUS;
	} else {
		fd = src.fd;
		off = static_cast<off_t>(offset);
	}

	*map_sync = false;
	void *got;
	if (cfg.sharing == PMEM2_PRIVATE) {
		got = mmap(addr, len, prot, flags | MAP_PRIVATE, fd, off);
	} else {
		bool plain_shared = true;
		got = MAP_FAILED;
		if (src.kind == source_kind::fd) {
			got =
			    mmap(addr, len, prot, flags | MAP_SHARED_VALIDATE | MAP_SYNC, fd, off);
			if (got != MAP_FAILED)
				*map_sync = true;
			/* only "MAP_SYNC not supported here" is worth another try */
			plain_shared =
			    got == MAP_FAILED && (errno == EOPNOTSUPP || errno == EINVAL);
		}
		if (plain_shared)
			got = mmap(addr, len, prot, flags | MAP_SHARED, fd, off);
	}
	if (got != MAP_FAILED)
		return 0;

	int err = errno;
	if (err == EACCES)
		return fail(PMEM2_E_NO_ACCESS,
		            "mmap refused access: the protection asked for (0x%x) conflicts with "
		            "how the file descriptor was opened (e.g. PMEM2_PROT_WRITE on an "
		            "O_RDONLY descriptor with PMEM2_SHARED), or the file is append-only",
		            cfg.protection);
	if (err == EOPNOTSUPP)
		return fail(PMEM2_E_NOSUPP,
		            "mmap does not support this combination of "
		            "protection (0x%x) and sharing for this source",
		            cfg.protection);
	return fail_errno(err, "mmap of %zu bytes at offset %zu failed", len, offset);
}

/*
 * Checks that a mapping of length bytes fits at rsv_offset in rsv and finds
 * its address (rsv->lock held exclusively by the caller).
 */
int place_in_reservation(pmem2_vm_reservation &rsv, std::size_t rsv_offset, std::size_t length,
                         std::size_t alignment, void **addr, std::size_t *reserved_len)
{
	std::size_t page = page_size();
	if (rsv_offset % page)
		return fail(PMEM2_E_OFFSET_UNALIGNED,
		            "reservation offset %zu is not a multiple of the page size %zu",
		            rsv_offset, page);
	std::size_t len;
	if (!round_up(length, page, &len) || rsv_offset > rsv.size || len > rsv.size - rsv_offset)
		return fail(PMEM2_E_LENGTH_OUT_OF_RANGE,
		            "a mapping of %zu bytes at offset %zu does not fit in the reservation "
		            "(size %zu)",
		            length, rsv_offset, rsv.size);
	auto start = reinterpret_cast<std::uintptr_t>(rsv.addr) + rsv_offset;
	if (start % alignment)
		return fail(PMEM2_E_ADDRESS_UNALIGNED,
		            "reservation address + offset %p is not a multiple of the source's "
		            "alignment %zu",
		            reinterpret_cast<void *>(start), alignment);
	if (len && !reservation_range_free(rsv, start, len))
		return fail(PMEM2_E_MAPPING_EXISTS,
		            "offset %zu (length %zu) of the reservation is (partly) taken by "
		            "another map",
		            rsv_offset, len);
	*addr = reinterpret_cast<void *>(start);
	*reserved_len = len;
	return 0;
}

} // namespace

PMEM2_EXPORT int pmem2_map_new(struct pmem2_map **map_ptr, const struct pmem2_config *cfg,
                               const struct pmem2_source *src)
{
	err_clear();
	if (map_ptr == nullptr || cfg == nullptr || src == nullptr)
		return fail(-EINVAL, "pmem2_map_new: %s is NULL",
		            map_ptr == nullptr ? "map_ptr"
		            : cfg == nullptr   ? "cfg"
		                               : "src");
	*map_ptr = nullptr;

	if (cfg->requested_granularity == granularity_not_set)
		return fail(PMEM2_E_GRANULARITY_NOT_SET,
		            "the config has no required store granularity; set one with "
		            "pmem2_config_set_required_store_granularity()");

	std::size_t alignment, source_len;
	if (int ret = source_alignment(*src, &alignment))
		return ret;
	if (int ret = source_size(*src, &source_len))
		return ret;

	if (cfg->offset % alignment)
		return fail(PMEM2_E_OFFSET_UNALIGNED,
		            "offset %zu is not a multiple of the source's alignment %zu",
		            cfg->offset, alignment);

	if (src->kind == source_kind::fd && src->ftype == file_kind::devdax &&
	    cfg->sharing == PMEM2_PRIVATE)
		return fail(PMEM2_E_SRC_DEVDAX_PRIVATE,
		            "a Device DAX cannot be mapped PMEM2_PRIVATE; use PMEM2_SHARED");

	if (source_len == 0)
		return fail(PMEM2_E_SOURCE_EMPTY, "the source is empty (size 0): nothing to map");

	if (cfg->length % alignment)
		return fail(PMEM2_E_LENGTH_UNALIGNED,
		            "length %zu is not a multiple of the source's alignment %zu",
		            cfg->length, alignment);

	std::size_t end = cfg->offset + cfg->length;
	if (end < cfg->offset)
		return fail(PMEM2_E_MAP_RANGE, "offset %zu + length %zu overflows", cfg->offset,
		            cfg->length);
	if (end > source_len)
		return fail(PMEM2_E_MAP_RANGE,
		            "the range [%zu, %zu) goes beyond the end of the source (size %zu)",
		            cfg->offset, end, source_len);

	/* An anonymous source ignores the offset when mapping (it has no contents). */
	std::size_t offset = src->kind == source_kind::anon ? 0 : cfg->offset;
	std::size_t length = cfg->length ? cfg->length : source_len - offset;

	pmem2_vm_reservation *rsv = cfg->reserv;
	std::unique_lock<std::shared_mutex> rsv_guard;
	void *addr = nullptr;
	std::size_t reserved_len = 0;
	if (rsv) {
		rsv_guard = std::unique_lock(rsv->lock);
		if (int ret = place_in_reservation(*rsv, cfg->reserv_offset, length, alignment,
		                                   &addr, &reserved_len))
			return ret;
	}
	if (length == 0)
		return fail(-EINVAL, "nothing to map: offset %zu is the end of the source",
		            cfg->offset);
	if (!rsv) {
		if (!round_up(length, page_size(), &reserved_len))
			return fail(PMEM2_E_MAP_RANGE, "length %zu is too large", length);
		if (int ret = reserve_aligned(length, map_alignment(length, alignment), &addr))
			return ret;
	}

	/* gives the range back: to the reservation, or to the system */
	auto undo = [&] {
		if (rsv)
			reserve_at(addr, reserved_len, true);
		else
			munmap(addr, reserved_len);
	};

	bool map_sync = false;
	if (int ret = map_fixed(addr, length, *cfg, *src, offset, &map_sync)) {
		undo();
		return ret;
	}

	granularity_inputs in{};
	in.anonymous = src->kind == source_kind::anon;
	in.is_private = cfg->sharing == PMEM2_PRIVATE;
	in.map_sync = map_sync;
	pmem2_granularity gran = effective_granularity(in);
	if (static_cast<int>(gran) > cfg->requested_granularity) {
		undo();
		return fail(PMEM2_E_GRANULARITY_NOT_SUPPORTED,
		            "the mapping offers store granularity %s but the config requires %s or "
		            "finer (%s); require PMEM2_GRANULARITY_%s or map persistent memory",
		            granularity_name(gran), granularity_name(cfg->requested_granularity),
		            map_sync ? "the platform does not flush CPU caches on power loss"
		                     : "the kernel refused MAP_SYNC: this is not persistent memory",
		            granularity_name(gran));
	}

	auto *map = new (std::nothrow) pmem2_map{};
	if (map == nullptr) {
		undo();
		return fail(-ENOMEM, "out of memory allocating a pmem2_map");
	}
	map->addr = addr;
	map->reserved_length = reserved_len;
	map->content_length = length;
	map->effective_granularity = gran;
	map->sharing = cfg->sharing;
	map->source = *src;
	map->reserv = rsv;
	map->reserv_offset = rsv ? cfg->reserv_offset : 0;
	map->from_existing = false;
	install_mem_fns(map);
	if (int ret = async_map_init(map, cfg)) { /* the config's mover or a default one */
		undo();
		delete map;
		return ret;
	}

	if (rsv) {
		if (int ret = reservation_insert(*rsv, map)) {
			undo();
			async_map_fini(map);
			delete map;
			return ret;
		}
	}
	if (int ret = registry_add(map)) {
		if (rsv)
			reservation_erase(*rsv, map);
		undo();
		async_map_fini(map);
		delete map;
		if (ret == PMEM2_E_MAPPING_EXISTS)
			return fail(ret,
			            "the new mapping at %p overlaps a range registered with "
			            "pmem2_map_from_existing (was that memory unmapped?)",
			            addr);
		return fail(ret, "out of memory registering the mapping");
	}
	*map_ptr = map;
	return 0;
}
