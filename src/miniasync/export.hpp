/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * miniasync/export.hpp -- marks the entry points libminiasync exports.
 * Everything else is built with hidden visibility; the version script
 * (libminiasync.map) decides the final list and version node.
 */
#ifndef MASYNC_MINIASYNC_EXPORT_HPP
#define MASYNC_MINIASYNC_EXPORT_HPP

#define MINIASYNC_EXPORT __attribute__((visibility("default")))

#endif
