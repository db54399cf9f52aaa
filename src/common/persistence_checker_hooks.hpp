/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * common/persistence_checker_hooks.hpp -- the calls masync's persistence
 * primitives make to the persistence checker (persistence_checker.hpp):
 * a cache-line write-back, streaming stores, a store fence, an msync.
 *
 * Without -DMASYNC_PERSISTENCE_CHECKER=ON they are empty inline functions
 * (no code, no data, no include beyond <cstddef>). With it, they report to
 * the tracker; every one of them is thread-safe.
 */
#ifndef MASYNC_COMMON_PERSISTENCE_CHECKER_HOOKS_HPP
#define MASYNC_COMMON_PERSISTENCE_CHECKER_HOOKS_HPP

#include <cstddef>

namespace masync::persistence_checker
{

#ifdef MASYNC_PERSISTENCE_CHECKER
inline constexpr bool enabled = true;

/* The lines of [addr, addr + len) were written back (CLWB/CLFLUSHOPT/CLFLUSH). */
void note_flush(const void *addr, std::size_t len) noexcept;
/* [addr, addr + len) was written with non-temporal stores. */
void note_nt_store(const void *addr, std::size_t len) noexcept;
/* The calling thread executed a store fence. */
void note_fence() noexcept;
/* [addr, addr + len) was msync'ed successfully. */
void note_msync(const void *addr, std::size_t len) noexcept;
#else
inline constexpr bool enabled = false;

inline void note_flush(const void *, std::size_t) noexcept {}
inline void note_nt_store(const void *, std::size_t) noexcept {}
inline void note_fence() noexcept {}
inline void note_msync(const void *, std::size_t) noexcept {}
#endif

} // namespace masync::persistence_checker

#endif
