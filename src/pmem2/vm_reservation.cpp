/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/vm_reservation.cpp -- virtual-memory reservations:
 * pmem2_vm_reservation_new/_delete/_extend/_shrink/_get_address/_get_size
 * and pmem2_config_set_vm_reservation (the map lookups are in
 * vm_reservation_map_find.cpp).
 *
 * Checks follow PMDK 1.12.1:
 *   new      address not page aligned -> PMEM2_E_ADDRESS_UNALIGNED, size not
 *            page aligned -> PMEM2_E_LENGTH_UNALIGNED, range taken ->
 *            PMEM2_E_MAPPING_EXISTS. Size 0 is allowed (extend grows it).
 *   extend   size not page aligned -> PMEM2_E_LENGTH_UNALIGNED, 0 -> no-op,
 *            range after the end taken -> PMEM2_E_MAPPING_EXISTS.
 *   shrink   offset unaligned, size unaligned, offset >= size -> _OFFSET_
 *            OUT_OF_RANGE, size 0 or past the end -> _LENGTH_OUT_OF_RANGE,
 *            neither at the start nor at the end, or everything ->
 *            PMEM2_E_NOSUPP, a map in the way -> PMEM2_E_VM_RESERVATION_
 *            NOT_EMPTY.
 */
#include "pmem2/vm_reservation.hpp"

#include "pmem2/address_space.hpp"
#include "pmem2/config.hpp"
#include "pmem2/errormsg.hpp"
#include "pmem2/export.hpp"
#include "pmem2/map.hpp"
#include "pmem2/source.hpp"

#include <cerrno>
#include <iterator>
#include <new>
#include <sys/mman.h>

namespace masync::pmem2
{

bool reservation_range_free(const pmem2_vm_reservation &rsv, std::uintptr_t addr,
                            std::size_t len) noexcept
{
	std::uintptr_t end = addr + len;
	if (end < addr)
		end = UINTPTR_MAX;
	/* the last map starting before end is the only candidate */
	auto it = rsv.maps.lower_bound(end);
	if (it == rsv.maps.begin())
		return true;
	--it;
	const pmem2_map *m = it->second;
	return it->first + m->reserved_length <= addr;
}

int reservation_insert(pmem2_vm_reservation &rsv, pmem2_map *map) noexcept
{
	try {
		rsv.maps.emplace(reinterpret_cast<std::uintptr_t>(map->addr), map);
	} catch (const std::bad_alloc &) {
		return fail(-ENOMEM, "out of memory recording a map in its reservation");
	}
	return 0;
}

void reservation_erase(pmem2_vm_reservation &rsv, pmem2_map *map) noexcept
{
	auto it = rsv.maps.find(reinterpret_cast<std::uintptr_t>(map->addr));
	if (it != rsv.maps.end() && it->second == map)
		rsv.maps.erase(it);
}

int reservation_release_map(pmem2_vm_reservation &rsv, pmem2_map *map) noexcept
{
	std::unique_lock guard(rsv.lock);
	/* the placeholder replaces the mapping atomically: the range stays ours */
	if (int ret = reserve_at(map->addr, map->reserved_length, true))
		return ret;
	reservation_erase(rsv, map);
	return 0;
}

} // namespace masync::pmem2

using namespace masync::pmem2;

PMEM2_EXPORT int pmem2_vm_reservation_new(struct pmem2_vm_reservation **rsv_ptr, void *addr,
                                          size_t size)
{
	err_clear();
	if (rsv_ptr == nullptr)
		return fail(-EINVAL, "pmem2_vm_reservation_new: rsv_ptr is NULL");
	*rsv_ptr = nullptr;

	std::size_t page = page_size();
	if (reinterpret_cast<std::uintptr_t>(addr) % page)
		return fail(PMEM2_E_ADDRESS_UNALIGNED,
		            "reservation address %p is not a multiple of the page size %zu", addr,
		            page);
	if (size % page)
		return fail(PMEM2_E_LENGTH_UNALIGNED,
		            "reservation size %zu is not a multiple of the page size %zu", size,
		            page);

	auto *rsv = new (std::nothrow) pmem2_vm_reservation;
	if (rsv == nullptr)
		return fail(-ENOMEM, "out of memory allocating a pmem2_vm_reservation");

	void *base = addr;
	int ret = 0;
	if (size == 0) {
		/*
		 * Nothing to hold yet: remember where extensions will go, at the
		 * bottom of a large free hole (new mappings are placed top-down, so
		 * the bottom stays free longest).
		 */
		if (base == nullptr) {
			constexpr std::size_t hole = 64 * MiB;
			ret = reserve_aligned(hole, 2 * MiB, &base);
			if (ret == 0)
				munmap(base, hole);
		}
	} else if (addr) {
		ret = reserve_at(addr, size, false);
	} else {
		/* like maps, large reservations start on a large-page boundary */
		ret = reserve_aligned(size, map_alignment(size, page), &base);
	}
	if (ret) {
		delete rsv;
		return ret;
	}
	rsv->addr = base;
	rsv->size = size;
	*rsv_ptr = rsv;
	return 0;
}

PMEM2_EXPORT int pmem2_vm_reservation_delete(struct pmem2_vm_reservation **rsv_ptr)
{
	err_clear();
	if (rsv_ptr == nullptr || *rsv_ptr == nullptr)
		return fail(-EINVAL, "pmem2_vm_reservation_delete: %s is NULL",
		            rsv_ptr == nullptr ? "rsv_ptr" : "*rsv_ptr");
	pmem2_vm_reservation *rsv = *rsv_ptr;
	{
		std::unique_lock guard(rsv->lock);
		if (!rsv->maps.empty())
			return fail(PMEM2_E_VM_RESERVATION_NOT_EMPTY,
			            "the reservation %p still holds %zu map(s); delete them first",
			            rsv->addr, rsv->maps.size());
		if (rsv->size)
			if (int ret = release(rsv->addr, rsv->size))
				return ret;
	}
	delete rsv;
	*rsv_ptr = nullptr;
	return 0;
}

PMEM2_EXPORT void *pmem2_vm_reservation_get_address(struct pmem2_vm_reservation *rsv)
{
	if (rsv == nullptr) {
		fail(0, "pmem2_vm_reservation_get_address: rsv is NULL");
		return nullptr;
	}
	std::shared_lock guard(rsv->lock);
	return rsv->addr;
}

PMEM2_EXPORT size_t pmem2_vm_reservation_get_size(struct pmem2_vm_reservation *rsv)
{
	if (rsv == nullptr) {
		fail(0, "pmem2_vm_reservation_get_size: rsv is NULL");
		return 0;
	}
	std::shared_lock guard(rsv->lock);
	return rsv->size;
}

PMEM2_EXPORT int pmem2_vm_reservation_extend(struct pmem2_vm_reservation *rsv, size_t size)
{
	err_clear();
	if (rsv == nullptr)
		return fail(-EINVAL, "pmem2_vm_reservation_extend: rsv is NULL");
	std::size_t page = page_size();
	if (size % page)
		return fail(PMEM2_E_LENGTH_UNALIGNED,
		            "extension size %zu is not a multiple of the page size %zu", size,
		            page);
	if (size == 0)
		return 0;

	std::unique_lock guard(rsv->lock);
	auto end = reinterpret_cast<std::uintptr_t>(rsv->addr) + rsv->size;
	if (end + size < end || rsv->size + size < rsv->size)
		return fail(-ENOMEM,
		            "extending the reservation by %zu bytes overflows the "
		            "address space",
		            size);
	if (int ret = reserve_at(reinterpret_cast<void *>(end), size, false))
		return ret;
	rsv->size += size;
	return 0;
}

PMEM2_EXPORT int pmem2_vm_reservation_shrink(struct pmem2_vm_reservation *rsv, size_t offset,
                                             size_t size)
{
	err_clear();
	if (rsv == nullptr)
		return fail(-EINVAL, "pmem2_vm_reservation_shrink: rsv is NULL");
	std::size_t page = page_size();
	if (offset % page)
		return fail(PMEM2_E_OFFSET_UNALIGNED,
		            "shrink offset %zu is not a multiple of the page size %zu", offset,
		            page);
	if (size % page)
		return fail(PMEM2_E_LENGTH_UNALIGNED,
		            "shrink size %zu is not a multiple of the page size %zu", size, page);

	std::unique_lock guard(rsv->lock);
	if (offset >= rsv->size)
		return fail(PMEM2_E_OFFSET_OUT_OF_RANGE,
		            "shrink offset %zu is not inside the reservation (size %zu)", offset,
		            rsv->size);
	if (size == 0)
		return fail(PMEM2_E_LENGTH_OUT_OF_RANGE, "shrink size is 0");
	if (size > rsv->size - offset)
		return fail(PMEM2_E_LENGTH_OUT_OF_RANGE,
		            "shrinking %zu bytes at offset %zu goes past the end of the "
		            "reservation (size %zu)",
		            size, offset, rsv->size);
	if (offset == 0 && size == rsv->size)
		return fail(PMEM2_E_NOSUPP,
		            "shrinking the whole reservation is not supported; delete it instead");
	if (offset != 0 && offset + size != rsv->size)
		return fail(PMEM2_E_NOSUPP, "shrinking a reservation from the middle is not "
		                            "supported: the range must touch its start or its end");

	auto start = reinterpret_cast<std::uintptr_t>(rsv->addr) + offset;
	if (!reservation_range_free(*rsv, start, size))
		return fail(PMEM2_E_VM_RESERVATION_NOT_EMPTY,
		            "the range to shrink (offset %zu, size %zu) holds a map", offset, size);
	if (int ret = release(reinterpret_cast<void *>(start), size))
		return ret;
	if (offset == 0) {
		rsv->addr = static_cast<char *>(rsv->addr) + size;
		for (auto &entry : rsv->maps)
			entry.second->reserv_offset -= size;
	}
	rsv->size -= size;
	return 0;
}

PMEM2_EXPORT int pmem2_config_set_vm_reservation(struct pmem2_config *cfg,
                                                 struct pmem2_vm_reservation *rsv, size_t offset)
{
	err_clear();
	if (cfg == nullptr)
		return fail(-EINVAL, "pmem2_config_set_vm_reservation: cfg is NULL");
	cfg->reserv = rsv;
	cfg->reserv_offset = offset;
	return 0;
}
