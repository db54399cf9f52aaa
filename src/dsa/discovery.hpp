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
 * open_first_usable(sel) opens the first queue whose portal works among the
 * candidates: the queues named in sel.names, in that order (none named:
 * all, dedicated before shared), reordered or filtered by sel's NUMA policy
 * (a stable sort: a preferred node's queues first; ONLY_NODE drops the
 * others). The model's queues are "model/wq0.0" (dedicated) and
 * "model/wq0.1" (shared) on node 0.
 * Thread safety: callable from any thread; reads the file system each call.
 */
#ifndef MASYNC_DSA_DISCOVERY_HPP
#define MASYNC_DSA_DISCOVERY_HPP

#include "dsa/portal.hpp"

#include <string>
#include <vector>

namespace masync::dsa
{

std::vector<wq_info> discover_sysfs(const char *root = "/sys/bus/dsa/devices");

struct wq_selection {
	std::vector<std::string> names; /* empty: every queue */
	int numa_policy = 0;            /* enum data_mover_dsa_numa_policy */
	int numa_node = -1;
};

/* The candidates in the order they would be tried (no queue is opened). */
std::vector<wq_info> candidates(const wq_selection &sel);

/* nullptr when no queue can be used. */
std::unique_ptr<portal> open_first_usable(const wq_selection &sel);

} // namespace masync::dsa

#endif
