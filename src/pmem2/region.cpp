/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/region.cpp -- locating a source's NVDIMM region (region.hpp).
 */
#include "pmem2/region.hpp"

#include <daxctl/libdaxctl.h>

#include <cstdio>
#include <sys/stat.h>
#include <sys/sysmacros.h>

namespace masync::pmem2
{

namespace
{

/* True when /dev/<name> is the block device dev. */
bool block_device_is(const char *name, dev_t dev)
{
	if (name == nullptr)
		return false;
	char path[256];
	std::snprintf(path, sizeof(path), "/dev/%s", name);
	struct stat st;
	return stat(path, &st) == 0 && S_ISBLK(st.st_mode) && st.st_rdev == dev;
}

bool namespace_holds_file(struct ndctl_namespace *ns, dev_t dev)
{
	if (block_device_is(ndctl_namespace_get_block_device(ns), dev))
		return true;
	if (struct ndctl_pfn *pfn = ndctl_namespace_get_pfn(ns))
		if (block_device_is(ndctl_pfn_get_block_device(pfn), dev))
			return true;
	if (struct ndctl_btt *btt = ndctl_namespace_get_btt(ns))
		if (block_device_is(ndctl_btt_get_block_device(btt), dev))
			return true;
	return false;
}

struct ndctl_dax *namespace_dax_of(struct ndctl_namespace *ns, dev_t rdev)
{
	struct ndctl_dax *dax = ndctl_namespace_get_dax(ns);
	if (dax == nullptr)
		return nullptr;
	struct daxctl_region *dregion = ndctl_dax_get_daxctl_region(dax);
	if (dregion == nullptr)
		return nullptr;
	struct daxctl_dev *dev;
	daxctl_dev_foreach(dregion, dev)
	{
		if (makedev(static_cast<unsigned>(daxctl_dev_get_major(dev)),
		            static_cast<unsigned>(daxctl_dev_get_minor(dev))) == rdev)
			return dax;
	}
	return nullptr;
}

} // namespace

int locate_source(struct ndctl_ctx *ctx, const pmem2_source &src, source_location *loc) noexcept
{
	*loc = source_location{};
	struct ndctl_bus *bus;
	ndctl_bus_foreach(ctx, bus)
	{
		struct ndctl_region *region;
		ndctl_region_foreach(bus, region)
		{
			struct ndctl_namespace *ns;
			ndctl_namespace_foreach(region, ns)
			{
				if (src.ftype == file_kind::devdax) {
					if (struct ndctl_dax *dax =
					        namespace_dax_of(ns, src.st_rdev)) {
						*loc = {region, ns, dax};
						return 0;
					}
				} else if (namespace_holds_file(ns, src.st_dev)) {
					*loc = {region, ns, nullptr};
					return 0;
				}
			}
		}
	}
	return 0;
}

} // namespace masync::pmem2
