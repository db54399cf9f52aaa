/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * libpmem2.h -- the libpmem2 API: persistent-memory mappings, their
 * persistence and memory functions, and the related device queries.
 *
 * What it is
 *   The header a program written for PMDK's libpmem2 includes; it builds
 *   unchanged against this one and links with -lpmem2 (libpmem2.so.1).
 *   The synchronous API lives in <libpmem2/base.h>; the asynchronous one
 *   (futures on a virtual data mover) in <libpmem2/async.h>, which is
 *   included only when the program defines PMEM2_USE_MINIASYNC first.
 *
 * Lifetime and thread safety
 *   See <libpmem2/base.h>: objects are created and released explicitly,
 *   errors are per thread, distinct objects may be used concurrently.
 */

#ifndef LIBPMEM2_H
#define LIBPMEM2_H 1

#include <libpmem2/base.h>

/* The asynchronous API, for programs that ask for it (see libpmem2/async.h). */
#ifdef PMEM2_USE_MINIASYNC
#include <libpmem2/async.h>
#endif

#endif /* LIBPMEM2_H */
