/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/granularity.cpp -- choosing a mapping's store granularity
 * (granularity.hpp).
 */
#include "pmem2/granularity.hpp"

#include "pmem2/ndctl.hpp"

#include <cstdlib>
#include <cstring>
#include <strings.h>

namespace masync::pmem2
{

bool parse_granularity(const char *value, pmem2_granularity *g) noexcept
{
	if (value == nullptr)
		return false;
	if (strcasecmp(value, "BYTE") == 0)
		*g = PMEM2_GRANULARITY_BYTE;
	else if (strcasecmp(value, "CACHE_LINE") == 0 || strcasecmp(value, "CACHELINE") == 0)
		*g = PMEM2_GRANULARITY_CACHE_LINE;
	else if (strcasecmp(value, "PAGE") == 0)
		*g = PMEM2_GRANULARITY_PAGE;
	else
		return false;
	return true;
}

bool forced_granularity(pmem2_granularity *g) noexcept
{
	/* read on every call: the program may set it before any mapping */
	return parse_granularity(std::getenv("PMEM2_FORCE_GRANULARITY"), g);
}

namespace
{

bool query_auto_flush() noexcept
{
	ndctl_context ctx;
	if (ctx.error())
		return false;
	bool any = false;
	struct ndctl_bus *bus;
	ndctl_bus_foreach(ctx.get(), bus)
	{
		struct ndctl_region *region;
		ndctl_region_foreach(bus, region)
		{
			const char *type = ndctl_region_get_type_name(region);
			if (type == nullptr || std::strcmp(type, "pmem") != 0)
				continue;
			if (ndctl_region_get_persistence_domain(region) != PERSISTENCE_CPU_CACHE)
				return false;
			any = true;
		}
	}
	return any;
}

} // namespace

bool platform_flushes_cpu_caches() noexcept
{
	static const bool value = query_auto_flush();
	return value;
}

pmem2_granularity effective_granularity(const granularity_inputs &in) noexcept
{
	if (in.anonymous || in.is_private)
		return PMEM2_GRANULARITY_BYTE;
	pmem2_granularity forced;
	if (forced_granularity(&forced))
		return forced;
	if (in.map_sync)
		return platform_flushes_cpu_caches() ? PMEM2_GRANULARITY_BYTE
		                                     : PMEM2_GRANULARITY_CACHE_LINE;
	return PMEM2_GRANULARITY_PAGE;
}

} // namespace masync::pmem2
