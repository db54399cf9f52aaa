/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/region.hpp -- which NVDIMM region and namespace (libndctl) a file
 * source lives on: the basis of device identity, unsafe-shutdown counts,
 * NUMA nodes and bad blocks.
 *
 * A Device DAX is matched by its device number against the daxctl devices
 * of each namespace; a regular file by the device of its file system
 * against each namespace's block device (raw, fsdax/pfn or sector/btt).
 * Stateless and thread-safe given a context that is not shared.
 */
#ifndef MASYNC_PMEM2_REGION_HPP
#define MASYNC_PMEM2_REGION_HPP

#include "pmem2/ndctl.hpp"
#include "pmem2/source.hpp"

namespace masync::pmem2
{

struct source_location {
	struct ndctl_region *region = nullptr; /* NULL: not on an NVDIMM */
	struct ndctl_namespace *ns = nullptr;
	struct ndctl_dax *dax = nullptr; /* Device DAX: its dax instance */
};

/*
 * Finds where src (a file source) lives. Returns 0 with loc->region NULL
 * when it is not on any NVDIMM namespace; a negative code on errors.
 */
int locate_source(struct ndctl_ctx *ctx, const pmem2_source &src, source_location *loc) noexcept;

} // namespace masync::pmem2

#endif
