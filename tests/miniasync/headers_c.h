/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/* Functions of headers_c.c (a C11 translation unit), called from headers_cpp.cpp. */
#ifndef MASYNC_TESTS_MINIASYNC_HEADERS_C_H
#define MASYNC_TESTS_MINIASYNC_HEADERS_C_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Sizes of the public structures as C sees them, in the order of headers_cpp.cpp. */
size_t headers_c_sizeof(int which);

/*
 * Runs, from C, a chain (FUTURE_CHAIN_ENTRY_INIT, FUTURE_CHAIN_ENTRY_LAZY_INIT,
 * FUTURE_CHAIN_ENTRY_LAST) of synchronous mover operations through the
 * runtime. Returns 0 when everything came out right, a line number otherwise.
 */
int headers_c_chain(void);

#ifdef __cplusplus
}
#endif
#endif
