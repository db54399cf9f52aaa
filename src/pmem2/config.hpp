/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/config.hpp -- the layout of struct pmem2_config.
 *
 * A config is plain data set through the pmem2_config_set_* calls and read
 * by pmem2_map_new (and the async API for the mover). It is not
 * synchronised: it must not be modified while another thread maps with it.
 * A map copies what it needs, so a config may be deleted right after use.
 */
#ifndef MASYNC_PMEM2_CONFIG_HPP
#define MASYNC_PMEM2_CONFIG_HPP

#include <libpmem2.h>

#include <cstddef>

struct vdm;

namespace masync::pmem2
{

/* requested_granularity before pmem2_config_set_required_store_granularity. */
inline constexpr int granularity_not_set = -1;

} // namespace masync::pmem2

struct pmem2_config {
	size_t offset = 0; /* into the source */
	size_t length = 0; /* 0: up to the end of the source */
	int requested_granularity = masync::pmem2::granularity_not_set;
	enum pmem2_sharing_type sharing = PMEM2_SHARED;
	unsigned protection = PMEM2_PROT_READ | PMEM2_PROT_WRITE;
	struct pmem2_vm_reservation *reserv = nullptr; /* map into this reservation */
	size_t reserv_offset = 0;
	struct vdm *vdm = nullptr; /* async API: pmem2_config_set_vdm (borrowed) */
};

#endif
