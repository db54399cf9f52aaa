/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * libminiasync.h -- the whole miniasync API: futures, the runtime, the
 * virtual data mover and its synchronous and threads implementations.
 * Source- and binary-compatible with miniasync 0.2.1 (see
 * docs/compatibility.md for the deliberate differences).
 */

#ifndef LIBMINIASYNC_H
#define LIBMINIASYNC_H 1

#include "libminiasync/future.h"
#include "libminiasync/vdm.h"
#include "libminiasync/runtime.h"
#include "libminiasync/data_mover_sync.h"
#include "libminiasync/data_mover_threads.h"

#endif /* LIBMINIASYNC_H */
