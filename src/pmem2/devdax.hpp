/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2/devdax.hpp -- what the kernel says (through sysfs) about character
 * devices: whether one is a Device DAX, its size, its alignment, and the
 * deep-flush control of the NVDIMM region behind it.
 *
 * All functions are stateless and thread-safe; they set the thread's error
 * message when they fail and return 0, a PMEM2_E_* code or -errno.
 */
#ifndef MASYNC_PMEM2_DEVDAX_HPP
#define MASYNC_PMEM2_DEVDAX_HPP

#include <cstddef>
#include <sys/types.h>

namespace masync::pmem2
{

/*
 * 0 if the character device rdev is a Device DAX (its sysfs subsystem is
 * "dax"), PMEM2_E_INVALID_FILE_TYPE if it is another kind of character
 * device, -errno if sysfs cannot tell.
 */
int devdax_check(dev_t rdev) noexcept;

/* Size in bytes (sysfs "size"); PMEM2_E_INVALID_SIZE_FORMAT if unparsable. */
int devdax_size(dev_t rdev, std::size_t *size) noexcept;

/* Alignment (sysfs "device/align"); PMEM2_E_INVALID_ALIGNMENT_FORMAT if unparsable. */
int devdax_alignment(dev_t rdev, std::size_t *alignment) noexcept;

/*
 * Asks the region behind the Device DAX rdev to flush its write-pending
 * queues (writes "1" to the region's deep_flush file). Regions that have no
 * such control need nothing and give 0. PMEM2_E_DAX_REGION_NOT_FOUND when
 * the region cannot be found.
 */
int devdax_deep_flush(dev_t rdev) noexcept;

} // namespace masync::pmem2

#endif
