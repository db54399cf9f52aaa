/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * common/env.hpp -- reading the PMEM_* / MASYNC_* tuning variables.
 *
 * Callers read them once (at the first use of what they tune) and cache the
 * result; getenv is not called on hot paths. Thread-safe as long as nobody
 * modifies the environment concurrently (getenv's own rule).
 */
#ifndef MASYNC_COMMON_ENV_HPP
#define MASYNC_COMMON_ENV_HPP

#include <cstddef>

namespace masync
{

/* True when the variable is set to exactly "1". */
bool env_is_one(const char *name);

/* True when the variable is set to exactly "0". */
bool env_is_zero(const char *name);

/* The variable as a non-negative decimal number; false (and *out untouched)
 * when unset or not a number. */
bool env_size(const char *name, std::size_t *out);

/* The variable's value, or nullptr when unset. */
const char *env_string(const char *name);

} // namespace masync

#endif
