/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/badblock.cpp -- bad blocks of a source: pmem2_badblock_context_new,
 * _context_delete, pmem2_badblock_next and pmem2_badblock_clear, through
 * libndctl.
 *
 * The context lists the source's bad blocks when it is made, in bytes from
 * the start of the source:
 *   Device DAX   the region's bad blocks (512-byte sectors from the region
 *                start) shifted to the start of the device's data;
 *   regular file the namespace's bad blocks intersected with the file's
 *                extents (FIEMAP), translated to file offsets.
 * A source that is not on an NVDIMM gets an empty list (every
 * pmem2_badblock_next says PMEM2_E_NO_BAD_BLOCK_FOUND).
 *
 * Clearing: a regular file's range is deallocated and allocated again
 * (fallocate), which gives it fresh, zeroed blocks; a Device DAX range is
 * cleared with the bus's ARS clear-error command.
 */
#include "pmem2/errormsg.hpp"
#include "pmem2/export.hpp"
#include "pmem2/ndctl.hpp"
#include "pmem2/region.hpp"
#include "pmem2/source.hpp"

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <new>
#include <sys/ioctl.h>
#include <vector>

using namespace masync::pmem2;

struct pmem2_badblock_context {
	int fd = -1;
	file_kind ftype = file_kind::regular;
	ndctl_context ndctl;
	source_location loc;
	unsigned long long data_start = 0; /* physical address of source offset 0 (Device DAX) */
	std::vector<pmem2_badblock> blocks;
	std::size_t next = 0;
};

namespace
{

constexpr unsigned long long sector = 512;

/* The file's extents: logical offset, physical offset on the device, length. */
struct extent {
	unsigned long long logical, physical, length;
};

int file_extents(int fd, std::vector<extent> *out)
{
	constexpr unsigned batch = 64;
	std::size_t bytes = sizeof(struct fiemap) + batch * sizeof(struct fiemap_extent);
	auto *fm = static_cast<struct fiemap *>(std::calloc(1, bytes));
	if (fm == nullptr)
		return fail(-ENOMEM, "out of memory reading the file's extents");
	unsigned long long start = 0;
	for (;;) {
		std::memset(fm, 0, bytes);
		fm->fm_start = start;
		fm->fm_length = ~0ULL - start;
		fm->fm_flags = FIEMAP_FLAG_SYNC;
		fm->fm_extent_count = batch;
		if (ioctl(fd, FS_IOC_FIEMAP, fm) != 0) {
			int err = errno;
			std::free(fm);
			return fail_errno(err, "cannot read the file's extents (FIEMAP)");
		}
		if (fm->fm_mapped_extents == 0)
			break;
		bool last = false;
		for (unsigned i = 0; i < fm->fm_mapped_extents; ++i) {
			const struct fiemap_extent &e = fm->fm_extents[i];
			out->push_back({e.fe_logical, e.fe_physical, e.fe_length});
			start = e.fe_logical + e.fe_length;
			if (e.fe_flags & FIEMAP_EXTENT_LAST)
				last = true;
		}
		if (last)
			break;
	}
	std::free(fm);
	return 0;
}

/* Adds [off, off + len) (bytes from the source start), merged with the previous block. */
void add_block(std::vector<pmem2_badblock> &v, unsigned long long off, unsigned long long len)
{
	if (!v.empty() && v.back().offset + v.back().length == off) {
		v.back().length += len;
		return;
	}
	v.push_back({static_cast<size_t>(off), static_cast<size_t>(len)});
}

int list_devdax(pmem2_badblock_context &c, std::size_t size)
{
	unsigned long long region_start = ndctl_region_get_resource(c.loc.region);
	unsigned long long data_start = ndctl_dax_get_resource(c.loc.dax);
	if (region_start == ULLONG_MAX || data_start == ULLONG_MAX)
		return fail(PMEM2_E_CANNOT_READ_BOUNDS,
		            "cannot read where the Device DAX's data lies in its region");
	c.data_start = data_start;
	struct badblock *bb;
	ndctl_region_badblock_foreach(c.loc.region, bb)
	{
		unsigned long long b = region_start + bb->offset * sector;
		unsigned long long e = b + bb->len * sector;
		if (e <= data_start || b >= data_start + size)
			continue;
		b = b < data_start ? data_start : b;
		e = e > data_start + size ? data_start + size : e;
		add_block(c.blocks, b - data_start, e - b);
	}
	return 0;
}

int list_file(pmem2_badblock_context &c)
{
	/* where the block device's data starts: after the pfn info block, if any */
	unsigned long long region_start = ndctl_region_get_resource(c.loc.region);
	unsigned long long dev_start = ndctl_namespace_get_resource(c.loc.ns);
	if (struct ndctl_pfn *pfn = ndctl_namespace_get_pfn(c.loc.ns))
		dev_start = ndctl_pfn_get_resource(pfn);
	if (region_start == ULLONG_MAX || dev_start == ULLONG_MAX)
		return fail(PMEM2_E_CANNOT_READ_BOUNDS,
		            "cannot read where the namespace's data lies in its region");

	std::vector<extent> extents;
	if (int ret = file_extents(c.fd, &extents))
		return ret;
	struct badblock *bb;
	ndctl_region_badblock_foreach(c.loc.region, bb)
	{
		unsigned long long b = region_start + bb->offset * sector;
		unsigned long long e = b + bb->len * sector;
		if (e <= dev_start)
			continue;
		b = b < dev_start ? 0 : b - dev_start; /* now device offsets */
		e -= dev_start;
		for (const extent &x : extents) {
			unsigned long long xb = x.physical, xe = x.physical + x.length;
			unsigned long long ib = b > xb ? b : xb, ie = e < xe ? e : xe;
			if (ib < ie)
				add_block(c.blocks, x.logical + (ib - xb), ie - ib);
		}
	}
	return 0;
}

int clear_file(int fd, const pmem2_badblock &bb)
{
	auto off = static_cast<off_t>(bb.offset);
	auto len = static_cast<off_t>(bb.length);
	if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off, len) != 0)
		return fail_errno(errno, "cannot deallocate the bad range (offset %zu, %zu bytes)",
		                  bb.offset, bb.length);
	if (fallocate(fd, FALLOC_FL_KEEP_SIZE, off, len) != 0)
		return fail_errno(
		    errno, "cannot allocate new blocks for the range (offset %zu, %zu bytes)",
		    bb.offset, bb.length);
	return 0;
}

int clear_devdax(pmem2_badblock_context &c, const pmem2_badblock &bb)
{
	if (c.loc.region == nullptr)
		return fail(PMEM2_E_DAX_REGION_NOT_FOUND,
		            "the Device DAX is not on an NVDIMM region known to libndctl");
	struct ndctl_bus *bus = ndctl_region_get_bus(c.loc.region);
	unsigned long long address = c.data_start + bb.offset;
	struct ndctl_cmd *cap = ndctl_bus_cmd_new_ars_cap(bus, address, bb.length);
	if (cap == nullptr)
		return fail(-ENOMEM, "cannot create the ARS capability command");
	int ret = ndctl_cmd_submit(cap);
	struct ndctl_range range;
	if (ret < 0 || (ret = ndctl_cmd_ars_cap_get_range(cap, &range)) < 0) {
		ndctl_cmd_unref(cap);
		return fail_errno(ret < 0 ? -ret : EIO, "the ARS capability command failed");
	}
	struct ndctl_cmd *clear = ndctl_bus_cmd_new_clear_error(range.address, range.length, cap);
	if (clear == nullptr) {
		ndctl_cmd_unref(cap);
		return fail(-ENOMEM, "cannot create the clear-error command");
	}
	ret = ndctl_cmd_submit(clear);
	unsigned long long cleared = ret < 0 ? 0 : ndctl_cmd_clear_error_get_cleared(clear);
	ndctl_cmd_unref(clear);
	ndctl_cmd_unref(cap);
	if (ret < 0)
		return fail_errno(-ret, "the clear-error command failed");
	if (cleared < range.length)
		return fail(-ENXIO, "only %llu of %llu bytes of the bad range were cleared",
		            cleared, range.length);
	return 0;
}

} // namespace

PMEM2_EXPORT int pmem2_badblock_context_new(struct pmem2_badblock_context **bbctx,
                                            const struct pmem2_source *src)
{
	err_clear();
	if (bbctx == nullptr || src == nullptr)
		return fail(-EINVAL, "pmem2_badblock_context_new: %s is NULL",
		            bbctx ? "src" : "bbctx");
	*bbctx = nullptr;
	if (src->kind == source_kind::anon)
		return fail(PMEM2_E_NOSUPP, "anonymous memory has no bad blocks to read or clear");

	auto *c = new (std::nothrow) pmem2_badblock_context;
	if (c == nullptr)
		return fail(-ENOMEM, "out of memory allocating a bad-block context");
	c->fd = src->fd;
	c->ftype = src->ftype;
	int ret = 0;
	if (c->ndctl.error())
		ret = fail_errno(-c->ndctl.error(), "cannot open libndctl (ndctl_new)");
	if (ret == 0)
		ret = locate_source(c->ndctl.get(), *src, &c->loc);
	if (ret == 0 && c->loc.region) {
		std::size_t size;
		ret = source_size(*src, &size);
		if (ret == 0)
			ret = c->ftype == file_kind::devdax ? list_devdax(*c, size) : list_file(*c);
	}
	if (ret) {
		delete c;
		return ret;
	}
	*bbctx = c;
	return 0;
}

PMEM2_EXPORT void pmem2_badblock_context_delete(struct pmem2_badblock_context **bbctx)
{
	if (bbctx == nullptr)
		return;
	delete *bbctx;
	*bbctx = nullptr;
}

PMEM2_EXPORT int pmem2_badblock_next(struct pmem2_badblock_context *bbctx,
                                     struct pmem2_badblock *bb)
{
	err_clear();
	if (bbctx == nullptr || bb == nullptr)
		return fail(-EINVAL, "pmem2_badblock_next: %s is NULL", bbctx ? "bb" : "bbctx");
	if (bbctx->next >= bbctx->blocks.size())
		return fail(PMEM2_E_NO_BAD_BLOCK_FOUND,
		            bbctx->loc.region ? "no more bad blocks in this source"
		                              : "no bad blocks: the source is not on an NVDIMM");
	*bb = bbctx->blocks[bbctx->next++];
	return 0;
}

PMEM2_EXPORT int pmem2_badblock_clear(struct pmem2_badblock_context *bbctx,
                                      const struct pmem2_badblock *bb)
{
	err_clear();
	if (bbctx == nullptr || bb == nullptr)
		return fail(-EINVAL, "pmem2_badblock_clear: %s is NULL", bbctx ? "bb" : "bbctx");
	if (bb->offset > static_cast<size_t>(INT64_MAX))
		return fail(PMEM2_E_OFFSET_OUT_OF_RANGE,
		            "bad block offset %zu is larger than INT64_MAX", bb->offset);
	if (bb->length > static_cast<size_t>(INT64_MAX))
		return fail(PMEM2_E_LENGTH_OUT_OF_RANGE,
		            "bad block length %zu is larger than INT64_MAX", bb->length);
	if (bbctx->ftype == file_kind::devdax)
		return clear_devdax(*bbctx, *bb);
	return clear_file(bbctx->fd, *bb);
}
