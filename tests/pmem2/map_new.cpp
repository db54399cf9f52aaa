/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * pmem2_map_new: every check in its documented order, each error code this
 * machine can produce, and the success paths (contents, placement, sharing,
 * protection, anonymous memory).
 */
#include "pmem2_test.hpp"

#include "pmem2/map.hpp"
#include "pmem2/map_registry.hpp"

#include <cstdint>
#include <sys/mman.h>

using namespace pmem2_test;

namespace
{

/* Maps and expects a failure with code, *map reset to NULL. */
void expect_map_fails(const pmem2_config *cfg, const pmem2_source *src, int code)
{
	pmem2_map *map = reinterpret_cast<pmem2_map *>(&map);
	EXPECT_PMEM2_FAIL(pmem2_map_new(&map, cfg, src), code);
	EXPECT_EQ(map, nullptr);
}

} // namespace

TEST(map_new, granularity_not_set_is_checked_first)
{
	scratch_file f(64 * KiB);
	source_ptr src;
	make_source(src, f.fd());
	config_ptr cfg; /* no granularity */
	expect_map_fails(cfg, src, PMEM2_E_GRANULARITY_NOT_SET);
	/* even when everything else is wrong too */
	pmem2_config_set_offset(cfg, 1);
	pmem2_config_set_length(cfg, 1);
	expect_map_fails(cfg, src, PMEM2_E_GRANULARITY_NOT_SET);
}

TEST(map_new, source_errors_come_next)
{
	scratch_file f(64 * KiB);
	source_ptr src;
	make_source(src, f.fd());
	f.close_fd();
	config_ptr cfg(PMEM2_GRANULARITY_PAGE);
	pmem2_config_set_offset(cfg, 1);
	expect_map_fails(cfg, src, PMEM2_E_INVALID_FILE_HANDLE);
}

TEST(map_new, offset_unaligned)
{
	scratch_file f(64 * KiB);
	source_ptr src;
	make_source(src, f.fd());
	config_ptr cfg(PMEM2_GRANULARITY_PAGE);
	pmem2_config_set_offset(cfg, 1);
	expect_map_fails(cfg, src, PMEM2_E_OFFSET_UNALIGNED);
	pmem2_config_set_length(cfg, 1); /* offset is checked before length */
	expect_map_fails(cfg, src, PMEM2_E_OFFSET_UNALIGNED);
}

TEST(map_new, source_empty)
{
	scratch_file f(0);
	source_ptr src;
	make_source(src, f.fd());
	config_ptr cfg(PMEM2_GRANULARITY_PAGE);
	expect_map_fails(cfg, src, PMEM2_E_SOURCE_EMPTY);
	pmem2_config_set_length(cfg, 1); /* emptiness is checked before length */
	expect_map_fails(cfg, src, PMEM2_E_SOURCE_EMPTY);
	pmem2_config_set_offset(cfg, 1); /* ... but after the offset */
	expect_map_fails(cfg, src, PMEM2_E_OFFSET_UNALIGNED);

	source_ptr anon;
	ASSERT_EQ(pmem2_source_from_anon(&anon, 0), 0);
	config_ptr cfg2(PMEM2_GRANULARITY_PAGE);
	expect_map_fails(cfg2, anon, PMEM2_E_SOURCE_EMPTY);
}

TEST(map_new, length_unaligned)
{
	scratch_file f(64 * KiB);
	source_ptr src;
	make_source(src, f.fd());
	config_ptr cfg(PMEM2_GRANULARITY_PAGE);
	pmem2_config_set_length(cfg, 4 * KiB + 1);
	expect_map_fails(cfg, src, PMEM2_E_LENGTH_UNALIGNED);
	/* length alignment is checked before the range */
	pmem2_config_set_offset(cfg, static_cast<size_t>(INT64_MAX) & ~(page() - 1));
	pmem2_config_set_length(cfg, SIZE_MAX);
	expect_map_fails(cfg, src, PMEM2_E_LENGTH_UNALIGNED);
}

TEST(map_new, map_range)
{
	scratch_file f(64 * KiB);
	source_ptr src;
	make_source(src, f.fd());
	config_ptr cfg(PMEM2_GRANULARITY_PAGE);

	/* offset + length overflows size_t */
	pmem2_config_set_offset(cfg, static_cast<size_t>(INT64_MAX) & ~(page() - 1));
	pmem2_config_set_length(cfg, SIZE_MAX & ~(page() - 1));
	expect_map_fails(cfg, src, PMEM2_E_MAP_RANGE);

	/* offset beyond the file */
	pmem2_config_set_offset(cfg, 128 * KiB);
	pmem2_config_set_length(cfg, 0);
	expect_map_fails(cfg, src, PMEM2_E_MAP_RANGE);

	/* range crossing the end */
	pmem2_config_set_offset(cfg, 60 * KiB);
	pmem2_config_set_length(cfg, 8 * KiB);
	expect_map_fails(cfg, src, PMEM2_E_MAP_RANGE);

	/* one page more than the file */
	pmem2_config_set_offset(cfg, 0);
	pmem2_config_set_length(cfg, 68 * KiB);
	expect_map_fails(cfg, src, PMEM2_E_MAP_RANGE);
}

/* The file size is not rounded up: a length past a partial last page fails. */
TEST(map_new, size_not_page_multiple)
{
	scratch_file f(5000);
	source_ptr src;
	make_source(src, f.fd());
	config_ptr cfg(PMEM2_GRANULARITY_PAGE);
	{
		map_ptr map;
		EXPECT_PMEM2_OK(pmem2_map_new(&map, cfg, src));
		EXPECT_EQ(pmem2_map_get_size(map), 5000u);
	}
	pmem2_config_set_length(cfg, 8 * KiB);
	expect_map_fails(cfg, src, PMEM2_E_MAP_RANGE);
	pmem2_config_set_length(cfg, 0);
	pmem2_config_set_offset(cfg, 4 * KiB);
	{
		map_ptr map;
		EXPECT_PMEM2_OK(pmem2_map_new(&map, cfg, src));
		EXPECT_EQ(pmem2_map_get_size(map), 904u);
	}
}

/* An offset equal to the file size leaves nothing to map. */
TEST(map_new, nothing_to_map)
{
	scratch_file f(64 * KiB);
	source_ptr src;
	make_source(src, f.fd());
	config_ptr cfg(PMEM2_GRANULARITY_PAGE);
	pmem2_config_set_offset(cfg, 64 * KiB);
	expect_map_fails(cfg, src, -EINVAL);
}

TEST(map_new, no_access)
{
	scratch_file f(16 * KiB, O_RDONLY);
	source_ptr src;
	make_source(src, f.fd());
	config_ptr cfg(PMEM2_GRANULARITY_PAGE);
	expect_map_fails(cfg, src, PMEM2_E_NO_ACCESS); /* default READ|WRITE */
	pmem2_config_set_protection(cfg, PMEM2_PROT_WRITE);
	expect_map_fails(cfg, src, PMEM2_E_NO_ACCESS);

	pmem2_config_set_protection(cfg, PMEM2_PROT_READ);
	{
		map_ptr map;
		EXPECT_PMEM2_OK(pmem2_map_new(&map, cfg, src));
	}
	/* a private mapping may be written even on a read-only descriptor */
	pmem2_config_set_protection(cfg, PMEM2_PROT_READ | PMEM2_PROT_WRITE);
	pmem2_config_set_sharing(cfg, PMEM2_PRIVATE);
	map_ptr map;
	EXPECT_PMEM2_OK(pmem2_map_new(&map, cfg, src));
	map.addr()[0] = 'x';
	EXPECT_EQ(map.addr()[0], 'x');
}

/* mmap's own errors come back negated: an O_PATH descriptor cannot be mapped. */
TEST(map_new, mmap_errno_is_returned)
{
	scratch_file f(16 * KiB);
	int fd = open(f.path().c_str(), O_PATH);
	ASSERT_GE(fd, 0);
	source_ptr src;
	make_source(src, fd);
	config_ptr cfg(PMEM2_GRANULARITY_PAGE);
	expect_map_fails(cfg, src, -EBADF);
	close(fd);
}

TEST(map_new, granularity_not_supported)
{
	force_granularity none(nullptr);
	scratch_file f(64 * KiB);
	source_ptr src;
	make_source(src, f.fd());
	/* /dev/shm is not persistent memory: PAGE is the best it offers */
	config_ptr byte(PMEM2_GRANULARITY_BYTE), cl(PMEM2_GRANULARITY_CACHE_LINE);
	expect_map_fails(byte, src, PMEM2_E_GRANULARITY_NOT_SUPPORTED);
	expect_map_fails(cl, src, PMEM2_E_GRANULARITY_NOT_SUPPORTED);
	EXPECT_NE(std::strstr(pmem2_errormsg(), "PAGE"), nullptr) << pmem2_errormsg();
	/* the failed attempts left nothing registered */
	EXPECT_EQ(masync::pmem2::registry_size(), 0u);
}

/* A range registered by someone else makes the new mapping fail. */
TEST(map_new, mapping_exists)
{
	/* a fake map covering the whole address space */
	pmem2_map fake{};
	fake.addr = reinterpret_cast<void *>(page());
	fake.content_length = SIZE_MAX - 2 * page();
	ASSERT_EQ(masync::pmem2::registry_add(&fake), 0);
	scratch_file f(64 * KiB);
	source_ptr src;
	make_source(src, f.fd());
	config_ptr cfg(PMEM2_GRANULARITY_PAGE);
	expect_map_fails(cfg, src, PMEM2_E_MAPPING_EXISTS);
	EXPECT_EQ(masync::pmem2::registry_remove(&fake), 0);
	map_ptr map;
	EXPECT_PMEM2_OK(pmem2_map_new(&map, cfg, src));
}

TEST(map_new, null_arguments)
{
	source_ptr src;
	ASSERT_EQ(pmem2_source_from_anon(&src, 4 * KiB), 0);
	config_ptr cfg(PMEM2_GRANULARITY_PAGE);
	pmem2_map *map = nullptr;
	EXPECT_PMEM2_FAIL(pmem2_map_new(nullptr, cfg, src), -EINVAL);
	EXPECT_PMEM2_FAIL(pmem2_map_new(&map, nullptr, src), -EINVAL);
	EXPECT_PMEM2_FAIL(pmem2_map_new(&map, cfg, nullptr), -EINVAL);
}

TEST(map_new, shared_contents_reach_the_file)
{
	scratch_file f(64 * KiB);
	ASSERT_EQ(pwrite(f.fd(), "hello", 5, 4096 + 10), 5);
	source_ptr src;
	make_source(src, f.fd());
	config_ptr cfg(PMEM2_GRANULARITY_PAGE);
	pmem2_config_set_offset(cfg, 4096);
	pmem2_config_set_length(cfg, 8192);
	map_ptr map;
	ASSERT_EQ(pmem2_map_new(&map, cfg, src), 0) << pmem2_errormsg();
	EXPECT_EQ(pmem2_map_get_size(map), 8192u);
	EXPECT_EQ(std::memcmp(map.addr() + 10, "hello", 5), 0);
	std::memcpy(map.addr() + 100, "world", 5);
	char buf[5];
	ASSERT_EQ(pread(f.fd(), buf, 5, 4096 + 100), 5);
	EXPECT_EQ(std::memcmp(buf, "world", 5), 0);
	/* registered under its address */
	EXPECT_EQ(masync::pmem2::registry_find(map.addr() + 8191), map.p);
	EXPECT_EQ(masync::pmem2::registry_find(map.addr() + 8192), nullptr);
}

TEST(map_new, private_contents_stay_private)
{
	scratch_file f(16 * KiB);
	source_ptr src;
	make_source(src, f.fd());
	config_ptr cfg(PMEM2_GRANULARITY_BYTE);
	pmem2_config_set_sharing(cfg, PMEM2_PRIVATE);
	map_ptr map;
	ASSERT_EQ(pmem2_map_new(&map, cfg, src), 0) << pmem2_errormsg();
	EXPECT_EQ(pmem2_map_get_store_granularity(map), PMEM2_GRANULARITY_BYTE);
	std::memcpy(map.addr(), "private", 7);
	char buf[7] = {};
	ASSERT_EQ(pread(f.fd(), buf, 7, 0), 7);
	EXPECT_EQ(std::memcmp(buf, "\0\0\0\0\0\0\0", 7), 0);
}

TEST(map_new, survives_closing_the_descriptor_and_the_source)
{
	scratch_file f(16 * KiB);
	map_ptr map;
	{
		source_ptr src;
		make_source(src, f.fd());
		config_ptr cfg(PMEM2_GRANULARITY_PAGE);
		ASSERT_EQ(pmem2_map_new(&map, cfg, src), 0) << pmem2_errormsg();
	}
	f.close_fd();
	std::memcpy(map.addr(), "still", 5);
	EXPECT_EQ(std::memcmp(map.addr(), "still", 5), 0);
}

TEST(map_new, large_mappings_are_aligned)
{
	scratch_file f(4 * MiB);
	source_ptr src;
	make_source(src, f.fd());
	config_ptr cfg(PMEM2_GRANULARITY_PAGE);
	for (size_t len : {2 * MiB, 4 * MiB}) {
		pmem2_config_set_length(cfg, len);
		map_ptr map;
		ASSERT_EQ(pmem2_map_new(&map, cfg, src), 0) << pmem2_errormsg();
		EXPECT_EQ(reinterpret_cast<uintptr_t>(map.addr()) % (2 * MiB), 0u) << len;
	}
	/* a sparse 3 GiB file: nothing is touched, only address space is used */
	scratch_file big(3 * GiB);
	source_ptr bsrc;
	make_source(bsrc, big.fd());
	config_ptr bcfg(PMEM2_GRANULARITY_PAGE);
	map_ptr map;
	ASSERT_EQ(pmem2_map_new(&map, bcfg, bsrc), 0) << pmem2_errormsg();
	EXPECT_EQ(reinterpret_cast<uintptr_t>(map.addr()) % GiB, 0u);
	EXPECT_EQ(pmem2_map_get_size(map), 3 * GiB);
}

/* The alignment padding is given back: the pages around a mapping are free. */
TEST(map_new, no_address_space_leaks_around_the_mapping)
{
	scratch_file f(2 * MiB);
	source_ptr src;
	make_source(src, f.fd());
	config_ptr cfg(PMEM2_GRANULARITY_PAGE);
	char *addr;
	{
		map_ptr map;
		ASSERT_EQ(pmem2_map_new(&map, cfg, src), 0) << pmem2_errormsg();
		addr = map.addr();
	}
	/* after delete the whole range is free again: MAP_FIXED_NOREPLACE succeeds */
	void *p = mmap(addr, 2 * MiB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
	               -1, 0);
	EXPECT_EQ(p, addr);
	if (p != MAP_FAILED)
		munmap(p, 2 * MiB);
}

TEST(map_new, protection_none_and_write_only)
{
	scratch_file f(16 * KiB);
	source_ptr src;
	make_source(src, f.fd());
	const unsigned prots[] = {PMEM2_PROT_NONE, PMEM2_PROT_WRITE,
	                          PMEM2_PROT_READ | PMEM2_PROT_EXEC};
	for (unsigned prot : prots) {
		config_ptr cfg(PMEM2_GRANULARITY_PAGE);
		pmem2_config_set_protection(cfg, prot);
		map_ptr map;
		EXPECT_PMEM2_OK(pmem2_map_new(&map, cfg, src));
	}
}

TEST(map_new, anonymous)
{
	source_ptr src;
	ASSERT_EQ(pmem2_source_from_anon(&src, 64 * KiB), 0);
	config_ptr cfg(PMEM2_GRANULARITY_BYTE);
	{
		map_ptr map;
		ASSERT_EQ(pmem2_map_new(&map, cfg, src), 0) << pmem2_errormsg();
		EXPECT_EQ(pmem2_map_get_size(map), 64 * KiB);
		EXPECT_EQ(pmem2_map_get_store_granularity(map), PMEM2_GRANULARITY_BYTE);
		for (size_t i = 0; i < 64 * KiB; ++i)
			ASSERT_EQ(map.addr()[i], 0) << i;
		std::memset(map.addr(), 7, 64 * KiB);
	}
	/* the offset is checked but the mapping always covers the source from 0 */
	pmem2_config_set_offset(cfg, 8 * KiB);
	{
		map_ptr map;
		ASSERT_EQ(pmem2_map_new(&map, cfg, src), 0) << pmem2_errormsg();
		EXPECT_EQ(pmem2_map_get_size(map), 64 * KiB);
	}
	pmem2_config_set_offset(cfg, 1);
	expect_map_fails(cfg, src, PMEM2_E_OFFSET_UNALIGNED);
	pmem2_config_set_offset(cfg, 128 * KiB);
	expect_map_fails(cfg, src, PMEM2_E_MAP_RANGE);
	pmem2_config_set_offset(cfg, 0);
	pmem2_config_set_length(cfg, 128 * KiB);
	expect_map_fails(cfg, src, PMEM2_E_MAP_RANGE);
}

TEST(map_getters, null_map)
{
	EXPECT_EQ(pmem2_map_get_address(nullptr), nullptr);
	EXPECT_STRNE(pmem2_errormsg(), "");
	EXPECT_EQ(pmem2_map_get_size(nullptr), 0u);
	EXPECT_STRNE(pmem2_errormsg(), "");
	EXPECT_EQ(pmem2_map_get_store_granularity(nullptr), PMEM2_GRANULARITY_PAGE);
	EXPECT_STRNE(pmem2_errormsg(), "");
}
