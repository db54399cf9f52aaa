/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * dsa/discovery.hpp -- which DSA work queues this process can use.
 *
 * With MASYNC_DSA_MODEL set (1|clean, faults, busy; a testing aid), one
 * model device with a dedicated and a shared queue, and nothing else.
 * Otherwise the enabled user-type work queues of enabled devices under
 * /sys/bus/dsa/devices (wqX.Y: state, type, mode, size, max_transfer_size,
 * max_batch_size; dsaX: gen_cap, numa_node), read directly from sysfs (why
 * not libaccel-config: docs/dsa.md).
 *
 * open_first_usable() opens the first queue whose portal works: the one
 * named by MASYNC_DSA_WQ if set, else dedicated queues before shared ones.
 * Thread safety: callable from any thread; reads the file system each call.
 */
#ifndef MASYNC_DSA_DISCOVERY_HPP
#define MASYNC_DSA_DISCOVERY_HPP

#include "dsa/portal.hpp"

#include <vector>

namespace masync::dsa
{

std::vector<wq_info> discover_sysfs(const char *root = "/sys/bus/dsa/devices");

/* nullptr when no queue can be used. */
std::unique_ptr<portal> open_first_usable();

} // namespace masync::dsa

#endif
