/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * masync/pmem2.hpp: sources, configs and maps, their memory functions, and
 * (when the asynchronous API is built: MASYNC_TEST_PMEM2_ASYNC) durable
 * asynchronous operations as futures, tasks and compositions. Mappings are
 * made on files under $TMPDIR (or /tmp), checked with pread().
 */
#ifdef MASYNC_TEST_PMEM2_ASYNC
#define PMEM2_USE_MINIASYNC 1
#endif
#include <masync/pmem2.hpp>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#ifdef MASYNC_TEST_PMEM2_ASYNC
#include <masync/compose.hpp>
#include <masync/mover.hpp>
#include <masync/runtime.hpp>
#include <masync/task.hpp>
#endif

namespace pm = masync::pmem2;

static_assert(!std::is_copy_constructible_v<pm::map>);
static_assert(!std::is_copy_constructible_v<pm::config>);
static_assert(!std::is_copy_constructible_v<pm::source>);
static_assert(std::is_nothrow_move_constructible_v<pm::map>);

/* A temporary file of `size` bytes, removed at the end. */
struct temp_file {
	int fd = -1;
	std::string path;
	explicit temp_file(size_t size)
	{
		const char *dir = std::getenv("TMPDIR");
		path = std::string(dir ? dir : "/tmp") + "/masync_cxx_pmem2_XXXXXX";
		fd = mkstemp(path.data());
		EXPECT_GE(fd, 0);
		EXPECT_EQ(ftruncate(fd, static_cast<off_t>(size)), 0);
	}
	~temp_file()
	{
		close(fd);
		unlink(path.c_str());
	}
	std::vector<char> read(size_t off, size_t n) const
	{
		std::vector<char> v(n);
		EXPECT_EQ(pread(fd, v.data(), n, static_cast<off_t>(off)), static_cast<ssize_t>(n));
		return v;
	}
};

static pm::config page_config()
{
	pm::config cfg;
	cfg.set_required_store_granularity(pm::granularity::page);
	return cfg;
}

TEST(CxxPmem2, SourceFromFdAndAnon)
{
	temp_file f(1 << 20);
	pm::source src = pm::source::from_fd(f.fd);
	ASSERT_TRUE(src);
	EXPECT_EQ(src.size(), 1u << 20);
	EXPECT_GT(src.alignment(), 0u);
	EXPECT_EQ(src.fd(), f.fd);

	pm::source anon = pm::source::from_anon(1 << 16);
	EXPECT_EQ(anon.size(), 1u << 16);
	EXPECT_THROW((void)anon.fd(), masync::error);

	std::error_code ec;
	pm::source bad = pm::source::from_fd(-1, ec);
	EXPECT_TRUE(ec);
	EXPECT_EQ(&ec.category(), &masync::pmem2_category());
	EXPECT_FALSE(bad);
	try {
		(void)pm::source::from_fd(-1);
		FAIL();
	} catch (const masync::error &e) {
		EXPECT_LT(e.c_code(), 0);
		EXPECT_NE(std::string(e.what()).find("pmem2_source_from_fd"), std::string::npos);
	}

	pm::source moved(std::move(src));
	EXPECT_FALSE(src);
	EXPECT_TRUE(moved);
	pm::source adopted(moved.release());
	EXPECT_EQ(adopted.size(), 1u << 20);
	src = std::move(adopted);
	EXPECT_TRUE(src);
}

TEST(CxxPmem2, GranularityNames)
{
	using masync::pmem2::granularity;
	using masync::pmem2::granularity_name;
	/* The words PMEM2_FORCE_GRANULARITY takes, from either enum; usable at compile time. */
	static_assert(granularity_name(granularity::byte)[0] == 'B');
	EXPECT_STREQ(granularity_name(granularity::byte), "BYTE");
	EXPECT_STREQ(granularity_name(granularity::cache_line), "CACHE_LINE");
	EXPECT_STREQ(granularity_name(granularity::page), "PAGE");
	EXPECT_STREQ(granularity_name(PMEM2_GRANULARITY_CACHE_LINE), "CACHE_LINE");
	EXPECT_STREQ(granularity_name(77), "?");
	masync::pmem2::source src = masync::pmem2::source::from_anon(4096);
	masync::pmem2::config cfg;
	cfg.set_required_store_granularity(granularity::page);
	masync::pmem2::map m(cfg, src);
	EXPECT_STREQ(granularity_name(m.store_granularity()),
	             granularity_name(pmem2_map_get_store_granularity(m.native())));
}

TEST(CxxPmem2, ConfigSettersAndErrors)
{
	pm::config cfg;
	cfg.set_required_store_granularity(pm::granularity::page)
	    .set_offset(0)
	    .set_length(4096)
	    .set_sharing(pm::sharing::shared)
	    .set_protection(PMEM2_PROT_READ | PMEM2_PROT_WRITE);
	try {
		cfg.set_sharing(static_cast<pm::sharing>(7));
		FAIL();
	} catch (const masync::error &e) {
		EXPECT_EQ(e.c_code(), PMEM2_E_INVALID_SHARING_VALUE);
		EXPECT_EQ(&e.code().category(), &masync::pmem2_category());
	}
	EXPECT_THROW(cfg.set_protection(1U << 3), masync::error);
	std::error_code ec;
	pm::config other(ec);
	EXPECT_FALSE(ec);
	pm::config moved(std::move(other));
	EXPECT_FALSE(other);
	EXPECT_TRUE(moved);
}

TEST(CxxPmem2, MapAndItsMemoryFunctions)
{
	temp_file f(1 << 20);
	pm::source src = pm::source::from_fd(f.fd);
	pm::map m(page_config(), src);
	ASSERT_TRUE(m);
	EXPECT_EQ(m.size(), 1u << 20);
	EXPECT_EQ(m.address(), pmem2_map_get_address(m.native()));
	EXPECT_EQ(m.bytes().size(), m.size());
	EXPECT_EQ(m.store_granularity(), pm::granularity::page);

	char *base = static_cast<char *>(m.address());
	const char msg[] = "persistent hello";
	EXPECT_EQ(m.memcpy(base, msg, sizeof(msg)), base);
	m.memset(base + 4096, 'x', 100);
	m.memmove(base + 8192, base, sizeof(msg));
	m.persist(base, 3 * 4096);
	m.flush(base, 64);
	m.drain();
	m.deep_flush(base, 4096);
	std::error_code ec;
	m.deep_flush(base, 4096, ec);
	EXPECT_FALSE(ec);
	EXPECT_EQ(std::string(f.read(0, sizeof(msg) - 1).data(), sizeof(msg) - 1),
	          "persistent hello");
	EXPECT_EQ(f.read(4096, 100), std::vector<char>(100, 'x'));
	EXPECT_EQ(std::string(f.read(8192, 10).data(), 10), "persistent");
	m.deep_flush(base + m.size() + 4096, 1, ec); /* outside the map */
	EXPECT_TRUE(ec);
}

TEST(CxxPmem2, MapErrorsMovesAndReset)
{
	temp_file f(1 << 20);
	pm::source src = pm::source::from_fd(f.fd);
	pm::config no_granularity;
	try {
		pm::map m(no_granularity, src);
		FAIL();
	} catch (const masync::error &e) {
		EXPECT_EQ(e.c_code(), PMEM2_E_GRANULARITY_NOT_SET);
		EXPECT_NE(std::string(e.what()).find("pmem2_map_new"), std::string::npos);
	}
	std::error_code ec;
	pm::map failed(no_granularity, src, ec);
	EXPECT_EQ(ec.value(), PMEM2_E_GRANULARITY_NOT_SET);
	EXPECT_FALSE(failed);

	pm::map a(page_config(), src, ec);
	EXPECT_FALSE(ec);
	void *addr = a.address();
	pm::map b(std::move(a));
	EXPECT_FALSE(a);
	EXPECT_EQ(b.address(), addr);
	pm::map c;
	c = std::move(b);
	EXPECT_EQ(c.address(), addr);
	c.memset(addr, 1, 16); /* the cached functions came along */
	c.reset(ec);
	EXPECT_FALSE(ec);
	EXPECT_FALSE(c);
	pm::map d(pm::map(page_config(), src).release());
	EXPECT_TRUE(d);
	EXPECT_EQ(d.size(), 1u << 20);
}

#ifdef MASYNC_TEST_PMEM2_ASYNC

TEST(CxxPmem2Async, DefaultMoverFutureIsDurableOnCompletion)
{
	temp_file f(1 << 20);
	pm::source src = pm::source::from_fd(f.fd);
	pm::map m(page_config(), src);
	char *base = static_cast<char *>(m.address());
	std::vector<char> data(10000);
	for (size_t i = 0; i < data.size(); i++)
		data[i] = static_cast<char>(i * 31);
	masync::runtime rt;
	pm::async_future cp = m.memcpy_async(base + 100, data.data(), data.size());
	rt.wait(cp);
	EXPECT_EQ(cp.result(), base + 100);
	EXPECT_EQ(f.read(100, data.size()), data);

	auto ms = m.memset_async(base, 'q', 50);
	auto mv = m.memmove_async(base + 50, base + 100, 10);
	rt.wait(ms, mv);
	EXPECT_EQ(ms.result(), base);
	EXPECT_EQ(mv.result(), base + 50);
	EXPECT_EQ(f.read(0, 50), std::vector<char>(50, 'q'));
	EXPECT_EQ(f.read(50, 10), std::vector<char>(data.begin(), data.begin() + 10));
}

TEST(CxxPmem2Async, ThreadsMoverSpansAndCoroutines)
{
	temp_file f(4 << 20);
	pm::source src = pm::source::from_fd(f.fd);
	masync::threads_mover mover(masync::threads_mover_options{.threads = 2});
	pm::config cfg = page_config();
	cfg.set_vdm(mover);
	pm::map m(cfg, src);
	std::span<std::byte> dst = m.bytes();
	std::vector<std::byte> block(64 * 1024);
	for (size_t i = 0; i < block.size(); i++)
		block[i] = static_cast<std::byte>(i % 251);

	auto copy_all = [&]() -> masync::task<size_t> {
		size_t done = 0;
		for (size_t off = 0; off + block.size() <= dst.size(); off += block.size()) {
			co_await m.memcpy_async(dst.subspan(off), block);
			done++;
		}
		/* several in flight at once */
		auto [a, b] = co_await masync::when_all(m.memset_async(dst.first(4096), 0x11),
		                                        m.memmove_async(dst.subspan(8192), block));
		co_return done + (a == dst.data()) + (b == dst.data() + 8192);
	};
	EXPECT_EQ(masync::sync_wait(copy_all()), 4u * 16 + 2);
	EXPECT_EQ(f.read(0, 4096), std::vector<char>(4096, 0x11));
	auto tail = f.read(4 * 1024 * 1024 - block.size(), block.size());
	EXPECT_EQ(std::memcmp(tail.data(), block.data(), block.size()), 0);
	EXPECT_THROW((void)m.memcpy_async(dst.first(10), block), masync::error);
}

TEST(CxxPmem2Async, FailuresRaiseWithTheCodeAndMessage)
{
	temp_file f(1 << 20);
	pm::source src = pm::source::from_fd(f.fd);
	pm::map m(page_config(), src);
	char outside[64] = {};
	masync::runtime rt;
	auto bad = m.memcpy_async(outside, "x", 1); /* destination not inside the map */
	rt.wait(bad);
	EXPECT_TRUE(bad.error());
	std::error_code ec;
	EXPECT_EQ(bad.result(ec), nullptr);
	EXPECT_EQ(ec, masync::vdm_errc::job_corrupted);
	try {
		(void)bad.result();
		FAIL();
	} catch (const masync::error &e) {
		EXPECT_EQ(e.c_code(), VDM_ERROR_JOB_CORRUPTED);
		EXPECT_NE(std::string(e.what()).find("pmem2 async operation"), std::string::npos);
	}
	auto in_task = [&]() -> masync::task<int> {
		try {
			co_await m.memset_async(outside, 0, 8);
		} catch (const masync::error &e) {
			co_return e.c_code();
		}
		co_return 0;
	};
	EXPECT_EQ(masync::sync_wait(in_task()), VDM_ERROR_JOB_CORRUPTED);
}

#endif
