/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * Shared by the async API's tests: a file on /dev/shm mapped with a forced
 * store granularity (PMEM2_FORCE_GRANULARITY) through a chosen data mover,
 * and ways to drive and check pmem2 futures.
 */
#ifndef MASYNC_TESTS_PMEM2_ASYNC_FIXTURE_HPP
#define MASYNC_TESTS_PMEM2_ASYNC_FIXTURE_HPP

#define PMEM2_USE_MINIASYNC 1
#include <libpmem2.h>

#include <libminiasync.h>
#include <masync/pmem2.hpp>

#include "common/persistence_checker.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

namespace async_test
{

/* The movers every behaviour is checked on. */
enum class mover_kind {
	map_default,     /* no vdm in the config: the map's own mover */
	sync,            /* data_mover_sync */
	threads,         /* data_mover_threads */
	threads_map_fns, /* data_mover_threads running the map's memcpy/memmove/memset */
};

inline const char *mover_name(mover_kind m)
{
	switch (m) {
	case mover_kind::map_default:
		return "default";
	case mover_kind::sync:
		return "sync";
	case mover_kind::threads:
		return "threads";
	case mover_kind::threads_map_fns:
		return "threads_map_fns";
	}
	return "?";
}

inline const char *granularity_env(pmem2_granularity g)
{
	return masync::pmem2::granularity_name(g);
}

/* A mover of one kind (nothing for map_default); deleted after the map. */
struct mover {
	explicit mover(mover_kind k) : kind(k)
	{
		switch (k) {
		case mover_kind::map_default:
			break;
		case mover_kind::sync:
			dms = data_mover_sync_new();
			break;
		case mover_kind::threads:
		case mover_kind::threads_map_fns:
			dmt = data_mover_threads_new(2, 1024, FUTURE_NOTIFIER_WAKER);
			break;
		}
	}
	~mover()
	{
		data_mover_sync_delete(dms);
		data_mover_threads_delete(dmt);
	}
	mover(const mover &) = delete;
	mover &operator=(const mover &) = delete;

	/* The vdm to put in the config (NULL for the map's default mover). */
	struct vdm *vdm() const
	{
		if (dms)
			return data_mover_sync_get_vdm(dms);
		if (dmt)
			return data_mover_threads_get_vdm(dmt);
		return nullptr;
	}

	/* Once the map exists: let threads_map_fns use the map's functions. */
	void attach(struct pmem2_map *map)
	{
		if (kind != mover_kind::threads_map_fns)
			return;
		/* The mover serves this map only: its functions are durable for it. */
		const unsigned d = DATA_MOVER_THREADS_FN_DURABLE;
		data_mover_threads_set_memcpy_fn_flags(dmt, pmem2_get_memcpy_fn(map), d);
		data_mover_threads_set_memmove_fn_flags(dmt, pmem2_get_memmove_fn(map), d);
		data_mover_threads_set_memset_fn_flags(dmt, pmem2_get_memset_fn(map), d);
	}

	mover_kind kind;
	struct data_mover_sync *dms = nullptr;
	struct data_mover_threads *dmt = nullptr;
};

/* A /dev/shm file of `size` bytes, mapped with granularity g and vdm v. */
class shm_map
{
      public:
	shm_map(std::size_t size, pmem2_granularity g, struct vdm *v) : size_(size)
	{
		char path[] = "/dev/shm/masync_async_XXXXXX";
		fd_ = mkstemp(path);
		if (fd_ < 0)
			return;
		path_ = path;
		if (ftruncate(fd_, static_cast<off_t>(size)) != 0)
			return;
		setenv("PMEM2_FORCE_GRANULARITY", granularity_env(g), 1);
		struct pmem2_source *src = nullptr;
		struct pmem2_config *cfg = nullptr;
		if (pmem2_source_from_fd(&src, fd_) == 0 && pmem2_config_new(&cfg) == 0 &&
		    pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_PAGE) == 0 &&
		    pmem2_config_set_vdm(cfg, v) == 0) {
			int ret = pmem2_map_new(&map_, cfg, src);
			if (ret != 0) {
				ADD_FAILURE()
				    << "pmem2_map_new: " << ret << " " << pmem2_errormsg();
				map_ = nullptr;
			}
		}
		unsetenv("PMEM2_FORCE_GRANULARITY");
		pmem2_config_delete(&cfg);
		pmem2_source_delete(&src);
	}
	~shm_map()
	{
		if (map_) {
			EXPECT_EQ(pmem2_map_delete(&map_), 0) << pmem2_errormsg();
		}
		if (fd_ >= 0)
			close(fd_);
		if (!path_.empty())
			unlink(path_.c_str());
	}
	shm_map(const shm_map &) = delete;
	shm_map &operator=(const shm_map &) = delete;

	struct pmem2_map *map() const { return map_; }
	char *base() const { return static_cast<char *>(pmem2_map_get_address(map_)); }
	std::size_t size() const { return size_; }
	int fd() const { return fd_; }

	/* The file's bytes [off, off + len), read with pread (not the mapping). */
	std::vector<char> pread_range(std::size_t off, std::size_t len) const
	{
		std::vector<char> out(len);
		std::size_t done = 0;
		while (done < len) {
			ssize_t r = pread(fd_, out.data() + done, len - done,
			                  static_cast<off_t>(off + done));
			if (r <= 0)
				break;
			done += static_cast<std::size_t>(r);
		}
		EXPECT_EQ(done, len);
		return out;
	}

      private:
	std::size_t size_;
	int fd_ = -1;
	std::string path_;
	struct pmem2_map *map_ = nullptr;
};

/* Runs fut to completion: with the runtime when rt is given, else busy-polling. */
inline void drive(struct pmem2_future *fut, struct runtime *rt)
{
	if (rt)
		runtime_wait(rt, FUTURE_AS_RUNNABLE(fut));
	else
		FUTURE_BUSY_POLL(fut);
	ASSERT_EQ(FUTURE_STATE(fut), FUTURE_STATE_COMPLETE);
}

/* Asserts the persistence checker found nothing (when it is built in). */
inline void expect_no_violations()
{
	namespace pc = masync::persistence_checker;
	EXPECT_EQ(pc::violation_count(), 0u);
	for (auto &v : pc::violations())
		ADD_FAILURE() << v.operation << " [" << v.begin << ", " << v.end
		              << "): " << v.reason;
}

} // namespace async_test

#endif
