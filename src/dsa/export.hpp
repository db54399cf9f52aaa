/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * dsa/export.hpp -- marks the entry points libminiasync-vdm-dml exports;
 * the version script (libminiasync-vdm-dml.map) decides the final list.
 */
#ifndef MASYNC_DSA_EXPORT_HPP
#define MASYNC_DSA_EXPORT_HPP

#define DSA_EXPORT __attribute__((visibility("default")))

#endif
