/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/config.cpp -- mapping configurations: pmem2_config_new/_delete and
 * the setters. A setter that fails leaves the config as it was.
 */
#include "pmem2/config.hpp"

#include "pmem2/errormsg.hpp"
#include "pmem2/export.hpp"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <new>

using namespace masync::pmem2;

namespace
{

int null_config(const char *fn)
{
	return fail(-EINVAL, "%s: cfg is NULL", fn);
}

} // namespace

PMEM2_EXPORT int pmem2_config_new(struct pmem2_config **cfg)
{
	err_clear();
	if (cfg == nullptr)
		return fail(-EINVAL, "pmem2_config_new: cfg (where to store the config) is NULL");
	*cfg = new (std::nothrow) pmem2_config{};
	if (*cfg == nullptr)
		return fail(-ENOMEM, "out of memory allocating a pmem2_config");
	return 0;
}

PMEM2_EXPORT int pmem2_config_delete(struct pmem2_config **cfg)
{
	if (cfg == nullptr)
		return 0;
	delete *cfg;
	*cfg = nullptr;
	return 0;
}

PMEM2_EXPORT int pmem2_config_set_required_store_granularity(struct pmem2_config *cfg,
                                                             enum pmem2_granularity g)
{
	err_clear();
	if (cfg == nullptr)
		return null_config("pmem2_config_set_required_store_granularity");
	/* Read as an integer: a C caller may pass any int, which is no valid C++ enum value. */
	int v;
	static_assert(sizeof(v) == sizeof(g));
	std::memcpy(&v, &g, sizeof(v));
	switch (v) {
	case PMEM2_GRANULARITY_BYTE:
	case PMEM2_GRANULARITY_CACHE_LINE:
	case PMEM2_GRANULARITY_PAGE:
		cfg->requested_granularity = static_cast<pmem2_granularity>(v);
		return 0;
	}
	return fail(PMEM2_E_GRANULARITY_NOT_SUPPORTED,
	            "granularity %d is not one of PMEM2_GRANULARITY_BYTE (0), _CACHE_LINE (1) or "
	            "_PAGE (2)",
	            v);
}

PMEM2_EXPORT int pmem2_config_set_offset(struct pmem2_config *cfg, size_t offset)
{
	err_clear();
	if (cfg == nullptr)
		return null_config("pmem2_config_set_offset");
	/* mmap() takes the offset as a signed 64-bit off_t */
	if (offset > static_cast<size_t>(INT64_MAX))
		return fail(PMEM2_E_OFFSET_OUT_OF_RANGE, "offset %zu is larger than INT64_MAX",
		            offset);
	cfg->offset = offset;
	return 0;
}

PMEM2_EXPORT int pmem2_config_set_length(struct pmem2_config *cfg, size_t length)
{
	err_clear();
	if (cfg == nullptr)
		return null_config("pmem2_config_set_length");
	cfg->length = length;
	return 0;
}

PMEM2_EXPORT int pmem2_config_set_sharing(struct pmem2_config *cfg, enum pmem2_sharing_type type)
{
	err_clear();
	if (cfg == nullptr)
		return null_config("pmem2_config_set_sharing");
	/* Read as an integer (see pmem2_config_set_required_store_granularity). */
	int v;
	static_assert(sizeof(v) == sizeof(type));
	std::memcpy(&v, &type, sizeof(v));
	switch (v) {
	case PMEM2_SHARED:
	case PMEM2_PRIVATE:
		cfg->sharing = static_cast<pmem2_sharing_type>(v);
		return 0;
	}
	return fail(PMEM2_E_INVALID_SHARING_VALUE,
	            "sharing %d is neither PMEM2_SHARED (0) nor PMEM2_PRIVATE (1)", v);
}

PMEM2_EXPORT int pmem2_config_set_protection(struct pmem2_config *cfg, unsigned prot)
{
	err_clear();
	if (cfg == nullptr)
		return null_config("pmem2_config_set_protection");
	constexpr unsigned known = PMEM2_PROT_READ | PMEM2_PROT_WRITE | PMEM2_PROT_EXEC;
	if (prot & ~known)
		return fail(PMEM2_E_INVALID_PROT_FLAG,
		            "protection 0x%x has unknown bits 0x%x; use PMEM2_PROT_NONE or a "
		            "combination of PMEM2_PROT_READ, _WRITE and _EXEC",
		            prot, prot & ~known);
	cfg->protection = prot;
	return 0;
}
