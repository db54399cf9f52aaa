/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/device_id.cpp -- device identity for unsafe-shutdown detection:
 * pmem2_source_device_id (the unique ids of the NVDIMMs behind a source,
 * concatenated) and pmem2_source_device_usc (the sum of their unsafe-
 * shutdown counts), through libndctl. Sources that are not on NVDIMMs
 * (anonymous memory, ordinary file systems) give PMEM2_E_NOSUPP.
 * Out-parameters are only written on success.
 */
#include "pmem2/errormsg.hpp"
#include "pmem2/export.hpp"
#include "pmem2/ndctl.hpp"
#include "pmem2/region.hpp"
#include "pmem2/source.hpp"

#include <cerrno>
#include <cstring>
#include <string>

using namespace masync::pmem2;

namespace
{

/* Opens libndctl and finds the region of src; *region NULL if none. */
int region_of(const char *fn, const pmem2_source *src, ndctl_context &ctx,
              struct ndctl_region **region)
{
	if (src->kind == source_kind::anon)
		return fail(PMEM2_E_NOSUPP, "%s: anonymous memory has no device", fn);
	if (ctx.error())
		return fail_errno(-ctx.error(), "%s: cannot open libndctl (ndctl_new)", fn);
	source_location loc;
	if (int ret = locate_source(ctx.get(), *src, &loc))
		return ret;
	*region = loc.region;
	if (loc.region == nullptr)
		return fail(PMEM2_E_NOSUPP,
		            "%s: the source is not on an NVDIMM (no libndctl region holds it), so "
		            "the platform exposes no identity or unsafe-shutdown count for it",
		            fn);
	return 0;
}

} // namespace

PMEM2_EXPORT int pmem2_source_device_id(const struct pmem2_source *src, char *id, size_t *len)
{
	err_clear();
	if (src == nullptr || len == nullptr)
		return fail(-EINVAL, "pmem2_source_device_id: %s is NULL", src ? "len" : "src");
	ndctl_context ctx;
	struct ndctl_region *region;
	if (int ret = region_of("pmem2_source_device_id", src, ctx, &region))
		return ret;

	std::string all;
	struct ndctl_dimm *dimm;
	ndctl_dimm_foreach_in_region(region, dimm)
	{
		const char *uid = ndctl_dimm_get_unique_id(dimm);
		if (uid == nullptr)
			return fail(PMEM2_E_NOSUPP, "an NVDIMM behind the source reports no "
			                            "unique id");
		all += uid;
	}
	std::size_t needed = all.size() + 1;
	if (id == nullptr) {
		*len = needed;
		return 0;
	}
	if (*len < needed)
		return fail(PMEM2_E_BUFFER_TOO_SMALL,
		            "the id needs %zu bytes but the buffer has %zu; call with id NULL "
		            "to get the length",
		            needed, *len);
	std::memcpy(id, all.c_str(), needed);
	return 0;
}

PMEM2_EXPORT int pmem2_source_device_usc(const struct pmem2_source *src, uint64_t *usc)
{
	err_clear();
	if (src == nullptr || usc == nullptr)
		return fail(-EINVAL, "pmem2_source_device_usc: %s is NULL", src ? "usc" : "src");
	ndctl_context ctx;
	struct ndctl_region *region;
	if (int ret = region_of("pmem2_source_device_usc", src, ctx, &region))
		return ret;

	uint64_t sum = 0;
	struct ndctl_dimm *dimm;
	ndctl_dimm_foreach_in_region(region, dimm)
	{
		long long count = ndctl_dimm_get_dirty_shutdown(dimm);
		if (count < 0)
			return fail(PMEM2_E_NOSUPP, "an NVDIMM behind the source does not report "
			                            "its unsafe-shutdown count");
		sum += static_cast<uint64_t>(count);
	}
	*usc = sum;
	return 0;
}
