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

/*
 * ASYNC API SPOT: the asynchronous API (libpmem2/async.h, another issue)
 * is to be included here, only when the program asks for it:
 *
 *	#ifdef PMEM2_USE_MINIASYNC
 *	#include <libpmem2/async.h>
 *	#endif
 *
 * It is not included yet: the header does not exist on this branch.
 */

#endif /* LIBPMEM2_H */
