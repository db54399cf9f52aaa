/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * The C++ layer allocates nothing per operation: operator new is counted
 * while operations are created, composed, waited for and awaited. The only
 * allocations allowed are coroutine frames, one per task call.
 */
#include <masync/compose.hpp>
#include <masync/event_loop.hpp>
#include <masync/mover.hpp>
#include <masync/runtime.hpp>
#include <masync/task.hpp>

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>

#include <gtest/gtest.h>

static std::atomic<long> allocations{0};

/* The replacements pair malloc with free; GCC cannot tell once inlined. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

static void *counted(std::size_t n, std::size_t align) noexcept
{
	allocations.fetch_add(1, std::memory_order_relaxed);
	if (n == 0)
		n = 1;
	if (align <= alignof(std::max_align_t))
		return std::malloc(n);
	return std::aligned_alloc(align, (n + align - 1) / align * align);
}

/* Every replaceable form, so that whatever the libraries use is counted. */
void *operator new(std::size_t n)
{
	if (void *p = counted(n, 0))
		return p;
	throw std::bad_alloc();
}
void *operator new(std::size_t n, std::align_val_t al)
{
	if (void *p = counted(n, static_cast<std::size_t>(al)))
		return p;
	throw std::bad_alloc();
}
void *operator new(std::size_t n, const std::nothrow_t &) noexcept
{
	return counted(n, 0);
}
void *operator new(std::size_t n, std::align_val_t al, const std::nothrow_t &) noexcept
{
	return counted(n, static_cast<std::size_t>(al));
}
void operator delete(void *p) noexcept
{
	std::free(p);
}
void operator delete(void *p, std::size_t) noexcept
{
	std::free(p);
}
void operator delete(void *p, std::align_val_t) noexcept
{
	std::free(p);
}
void operator delete(void *p, std::size_t, std::align_val_t) noexcept
{
	std::free(p);
}
void operator delete(void *p, const std::nothrow_t &) noexcept
{
	std::free(p);
}
void operator delete(void *p, std::align_val_t, const std::nothrow_t &) noexcept
{
	std::free(p);
}

namespace
{

constexpr int ops = 1000;
char src[4096], dst[4096];

template <class Mover> long futures_and_runtime(const Mover &m, const masync::runtime &rt)
{
	long before = allocations.load();
	for (int i = 0; i < ops; i++) {
		auto f = m.memcpy(dst, src, 64 + (i % 4) * 1000);
		rt.wait(f);
		if (f.result() != dst)
			return -1;
		auto all = masync::when_all(m.memset(dst, i, 64), m.flush(dst, 64),
		                            m.memmove(dst + 1, dst, 100));
		auto chained = masync::then(m.memcpy(dst, src, 64), [&](void *d) {
			return m.memcpy(static_cast<char *>(d) + 64, src, 64);
		});
		rt.wait(all, chained);
		(void)all.result();
		(void)chained.result();
	}
	return allocations.load() - before;
}

template <class Mover> masync::task<int> awaiting(const Mover &m)
{
	/* each task its own buffers (in its frame): tasks run concurrently */
	char from[4096] = {}, to[4096];
	int good = 0;
	for (int i = 0; i < ops; i++) {
		void *d = co_await m.memcpy(to, from, 64 + (i % 4) * 1000);
		auto [a, b] = co_await masync::when_all(m.memset(to, i, 64), m.flush(to, 64));
		good += d == to && a == to;
		(void)b;
	}
	co_return good;
}

} // namespace

TEST(CxxNoAlloc, FuturesCompositionsAndRuntimeWaits)
{
	masync::sync_mover sm;
	masync::threads_mover tm(masync::threads_mover_options{.threads = 2});
	masync::runtime rt;
	futures_and_runtime(sm, rt); /* warm-up (first-use statics) */
	futures_and_runtime(tm, rt);
	EXPECT_EQ(futures_and_runtime(sm, rt), 0);
	EXPECT_EQ(futures_and_runtime(tm, rt), 0);
}

TEST(CxxNoAlloc, CoroutinesAllocateTheirFramesOnly)
{
	masync::sync_mover sm;
	masync::threads_mover tm(masync::threads_mover_options{.threads = 2});
	(void)masync::sync_wait(awaiting(tm)); /* warm-up */

	long before = allocations.load();
	EXPECT_EQ(masync::sync_wait(awaiting(sm)), ops);
	EXPECT_LE(allocations.load() - before, 1); /* the task's frame */

	before = allocations.load();
	EXPECT_EQ(masync::sync_wait(awaiting(tm)), ops);
	EXPECT_LE(allocations.load() - before, 1);

	before = allocations.load();
	masync::event_loop loop;
	for (int t = 0; t < 10; t++)
		loop.spawn(awaiting(tm));
	loop.run();
	EXPECT_LE(allocations.load() - before, 10); /* ten frames, nothing per operation */
}
