/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * miniasync/data_mover_sync.hpp -- internals of the synchronous data mover
 * that tests reach through the static library.
 *
 * data_mover_sync_new_capacity() makes a mover whose record pool holds
 * `capacity` records instead of the default, so pool exhaustion can be
 * tested cheaply. Same contract as data_mover_sync_new otherwise.
 */
#ifndef MASYNC_MINIASYNC_DATA_MOVER_SYNC_HPP
#define MASYNC_MINIASYNC_DATA_MOVER_SYNC_HPP

#include "libminiasync/data_mover_sync.h"

#include <cstdint>

namespace masync::detail
{

/* Records per synchronous mover by default. */
inline constexpr std::uint32_t sync_mover_default_records = 16384;

struct data_mover_sync *data_mover_sync_new_capacity(std::uint32_t capacity) noexcept;

} // namespace masync::detail

#endif
