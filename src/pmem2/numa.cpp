/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/numa.cpp -- pmem2_source_numa_node: the NUMA node of the NVDIMM
 * region a source lives on (as `ndctl list -v` shows it), via libndctl.
 */
#include "pmem2/errormsg.hpp"
#include "pmem2/export.hpp"
#include "pmem2/ndctl.hpp"
#include "pmem2/region.hpp"
#include "pmem2/source.hpp"

#include <cerrno>

using namespace masync::pmem2;

PMEM2_EXPORT int pmem2_source_numa_node(const struct pmem2_source *src, int *numa_node)
{
	err_clear();
	if (src == nullptr || numa_node == nullptr)
		return fail(-EINVAL, "pmem2_source_numa_node: %s is NULL",
		            src ? "numa_node" : "src");
	if (src->kind == source_kind::anon)
		return fail(PMEM2_E_NOSUPP, "anonymous memory is not bound to a NUMA node");
	ndctl_context ctx;
	if (ctx.error())
		return fail_errno(-ctx.error(), "cannot open libndctl (ndctl_new)");
	source_location loc;
	if (int ret = locate_source(ctx.get(), *src, &loc))
		return ret;
	if (loc.region == nullptr)
		return fail(PMEM2_E_DAX_REGION_NOT_FOUND,
		            "the source is not on an NVDIMM region known to libndctl");
	*numa_node = ndctl_region_get_numa_node(loc.region);
	return 0;
}
