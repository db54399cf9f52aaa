/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

#include "copy.hpp"
#include "mover.hpp"
#include "tool.hpp"

#if MASYNC_TOOL_HAVE_ASYNC
#define PMEM2_USE_MINIASYNC 1
#endif
#if MASYNC_TOOL_HAVE_MINIASYNC
#include <libminiasync.h>
#endif
#if MASYNC_TOOL_HAVE_PMEM2
#include <libpmem2.h>
#endif

#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <vector>

namespace masync::tool
{
namespace
{

/* ---- small owners ------------------------------------------------------ */

struct unique_fd {
	int fd = -1;
	unique_fd() = default;
	explicit unique_fd(int f) : fd(f) {}
	unique_fd(const unique_fd &) = delete;
	unique_fd &operator=(const unique_fd &) = delete;
	~unique_fd()
	{
		if (fd >= 0)
			close(fd);
	}
};

struct unique_mapping {
	void *addr = MAP_FAILED;
	std::size_t len = 0;
	unique_mapping() = default;
	unique_mapping(const unique_mapping &) = delete;
	unique_mapping &operator=(const unique_mapping &) = delete;
	~unique_mapping()
	{
		if (addr != MAP_FAILED)
			munmap(addr, len);
	}
};

/*
 * A bus error while the mappings are in use: SRC truncated by someone else,
 * or the device failing to provide a page. Say so and leave without
 * claiming anything; a DST this run created is removed (unlink is
 * async-signal-safe).
 */
char sigbus_dst[4096];
bool sigbus_unlink = false;

extern "C" void on_sigbus(int)
{
	static const char msg[] = "masync: bus error while copying (the source was truncated, or "
	                          "the destination's device has no space or failed); the copy "
	                          "did not complete\n";
	ssize_t r = write(STDERR_FILENO, msg, sizeof(msg) - 1);
	(void)r;
	if (sigbus_unlink)
		unlink(sigbus_dst);
	_exit(1);
}

class sigbus_guard
{
      public:
	sigbus_guard(const std::string &dst, bool created)
	{
		std::size_t n = std::min(dst.size(), sizeof(sigbus_dst) - 1);
		std::memcpy(sigbus_dst, dst.data(), n);
		sigbus_dst[n] = '\0';
		sigbus_unlink = created && n == dst.size();
		struct sigaction sa {
		};
		sa.sa_handler = on_sigbus;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGBUS, &sa, &old_);
	}
	~sigbus_guard() { sigaction(SIGBUS, &old_, nullptr); }
	sigbus_guard(const sigbus_guard &) = delete;
	sigbus_guard &operator=(const sigbus_guard &) = delete;

      private:
	struct sigaction old_ {
	};
};

/* Removes a DST this run created unless the copy succeeded. */
struct dst_cleanup {
	std::string path;
	bool created = false;
	bool success = false;
	~dst_cleanup()
	{
		if (created && !success)
			unlink(path.c_str());
	}
};

std::string in_quotes(const std::string &s)
{
	return "'" + s + "'";
}

/* Fsyncs the directory holding `path` (a new entry in it must be durable). */
void sync_parent(const std::string &path)
{
	std::filesystem::path parent = std::filesystem::path(path).parent_path();
	if (parent.empty())
		parent = ".";
	unique_fd d(open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	if (d.fd < 0)
		fail_errno("cannot open the directory of " + in_quotes(path) + " to sync it",
		           errno);
	if (fsync(d.fd) != 0 && errno != EINVAL && errno != EROFS)
		fail_errno("cannot sync the directory of " + in_quotes(path), errno);
}

/* ---- the destination's blocks ------------------------------------------ */

/*
 * Allocates DST's blocks ahead of the copy with fallocate(2), so that a full
 * device is reported as ENOSPC here instead of a SIGBUS in a mover. Where
 * the file system cannot preallocate, the free-space check before the copy
 * is all there is (and the SIGBUS handler). Not on tmpfs: its fallocate
 * allocates every page up front on this thread (the write faults would
 * allocate them anyway, in parallel on the movers' threads), and a page
 * fallocated there is still zeroed when it is first mapped; the free-space
 * check covers it.
 */
class allocator
{
      public:
	allocator(int fd, std::uint64_t size, const std::string &dst)
	    : fd_(fd), size_(size), dst_(dst)
	{
		struct statfs sfs;
		if (fstatfs(fd, &sfs) == 0 && sfs.f_type == TMPFS_MAGIC)
			enabled_ = false;
	}

	/* Makes sure [0, upto) is allocated. */
	void ensure(std::uint64_t upto)
	{
		upto = std::min(upto, size_);
		if (!enabled_ || upto <= done_)
			return;
		if (fallocate(fd_, 0, off_t(done_), off_t(upto - done_)) != 0) {
			int err = errno;
			if (err == EOPNOTSUPP || err == ENOSYS || err == EINVAL) {
				enabled_ = false;
				return;
			}
			if (err == ENOSPC || err == EDQUOT)
				throw failure("no space left on the device of " + in_quotes(dst_) +
				              " for " + human_bytes(double(size_)) + " (" +
				              std::strerror(err) + ")");
			fail_errno("cannot allocate space for " + in_quotes(dst_), err);
		}
		done_ = upto;
	}

      private:
	int fd_;
	std::uint64_t size_;
	std::string dst_;
	std::uint64_t done_ = 0;
	bool enabled_ = true;
};

/*
 * Fails when DST's file system has less free space than the copy needs. The
 * tool tests set MASYNC_TOOL_TEST_SKIP_SPACE_CHECK=1 to reach what stands
 * behind it on tmpfs (where nothing is preallocated): the SIGBUS handler.
 */
void check_free_space(int fd, const struct stat &st, std::uint64_t size, const std::string &dst)
{
	if (const char *skip = std::getenv("MASYNC_TOOL_TEST_SKIP_SPACE_CHECK");
	    skip != nullptr && std::strcmp(skip, "1") == 0)
		return;
	struct statvfs vfs;
	if (fstatvfs(fd, &vfs) != 0 || vfs.f_blocks == 0)
		return; /* nothing to go by: fallocate will tell */
	std::uint64_t have = std::uint64_t(st.st_blocks) * 512;
	std::uint64_t need = size > have ? size - have : 0;
	std::uint64_t avail = std::uint64_t(vfs.f_bavail) * vfs.f_frsize;
	if (need > avail)
		throw failure("no space left on the device of " + in_quotes(dst) + ": it needs " +
		              human_bytes(double(need)) + " more, " + human_bytes(double(avail)) +
		              " are free");
}

/* ---- verification ------------------------------------------------------- */

[[maybe_unused]] void verify(int dst_fd, const char *src, std::uint64_t size,
                             const std::string &dst)
{
	struct stat st;
	if (fstat(dst_fd, &st) != 0)
		fail_errno("cannot stat " + in_quotes(dst) + " to verify it", errno);
	if (std::uint64_t(st.st_size) != size)
		throw failure("verification failed: " + in_quotes(dst) + " has " +
		              std::to_string(st.st_size) + " bytes, the source " +
		              std::to_string(size));
	std::vector<char> buf(std::size_t(8) << 20);
	std::uint64_t off = 0;
	while (off < size) {
		std::size_t want = std::size_t(std::min<std::uint64_t>(buf.size(), size - off));
		ssize_t got = pread(dst_fd, buf.data(), want, off_t(off));
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			fail_errno("cannot read " + in_quotes(dst) + " back to verify it", errno);
		if (got == 0)
			throw failure("verification failed: " + in_quotes(dst) + " ends at byte " +
			              std::to_string(off));
		if (std::memcmp(buf.data(), src + off, std::size_t(got)) != 0) {
			std::size_t i = 0;
			while (buf[i] == src[off + i])
				++i;
			throw failure("verification failed: " + in_quotes(dst) +
			              " differs from the " + "source at byte " +
			              std::to_string(off + i));
		}
		off += std::uint64_t(got);
	}
}

#if MASYNC_TOOL_HAVE_PMEM2

const char *granularity_name(enum pmem2_granularity g)
{
	switch (g) {
	case PMEM2_GRANULARITY_BYTE:
		return "BYTE";
	case PMEM2_GRANULARITY_CACHE_LINE:
		return "CACHE_LINE";
	case PMEM2_GRANULARITY_PAGE:
		return "PAGE";
	}
	return "?";
}

const char *durability_of(enum pmem2_granularity g)
{
	switch (g) {
	case PMEM2_GRANULARITY_BYTE:
		return "fenced (BYTE granularity: no flush needed)";
	case PMEM2_GRANULARITY_CACHE_LINE:
		return "cache lines flushed and fenced (CACHE_LINE granularity)";
	case PMEM2_GRANULARITY_PAGE:
		return "msync of each chunk (PAGE granularity)";
	}
	return "?";
}

/*
 * DST as a libpmem2 source, and the config its chunks are mapped with
 * (shared, PAGE granularity or finer, the chosen mover).
 */
class dst_source
{
      public:
	dst_source(int fd, struct vdm *vdm, const std::string &dst) : dst_(dst)
	{
		check(pmem2_source_from_fd(&src_, fd), "pmem2_source_from_fd");
		check(pmem2_source_alignment(src_, &alignment_), "pmem2_source_alignment");
		check(pmem2_config_new(&cfg_), "pmem2_config_new");
		check(pmem2_config_set_required_store_granularity(cfg_, PMEM2_GRANULARITY_PAGE),
		      "pmem2_config_set_required_store_granularity");
#if MASYNC_TOOL_HAVE_ASYNC
		if (vdm != nullptr)
			check(pmem2_config_set_vdm(cfg_, vdm), "pmem2_config_set_vdm");
#else
		(void)vdm;
#endif
	}
	~dst_source()
	{
		if (cfg_)
			pmem2_config_delete(&cfg_);
		if (src_)
			pmem2_source_delete(&src_);
	}
	dst_source(const dst_source &) = delete;
	dst_source &operator=(const dst_source &) = delete;

	/* What map offsets must be a multiple of. */
	std::size_t alignment() const
	{
		return alignment_;
	}

	/* A map of [off, off + len) of DST (len 0: to its end); throws failure. */
	struct pmem2_map *map(std::uint64_t off, std::size_t len)
	{
		check(pmem2_config_set_offset(cfg_, std::size_t(off)), "pmem2_config_set_offset");
		check(pmem2_config_set_length(cfg_, len), "pmem2_config_set_length");
		struct pmem2_map *m = nullptr;
		check(pmem2_map_new(&m, cfg_, src_), "pmem2_map_new");
		return m;
	}

      private:
	void check(int r, const char *what)
	{
		if (r != 0)
			throw failure(std::string("cannot map ") + in_quotes(dst_) + " (" + what +
			              "): " + pmem2_errormsg());
	}

	std::string dst_;
	struct pmem2_source *src_ = nullptr;
	struct pmem2_config *cfg_ = nullptr;
	std::size_t alignment_ = 0;
};

/* ---- the pipeline -------------------------------------------------------- */

/*
 * One chunk in flight: its own libpmem2 map of DST's range and mapping of
 * SRC's, both released as soon as the chunk is durable (so the page tables
 * are torn down as the copy goes, by the waiting thread, and at most
 * in_flight chunks are mapped). With the async API it is a pmem2 future (the
 * copy and the persist the map's granularity needs, chained); before it, a
 * vdm future whose range is persisted with the map's persist function after
 * it completes.
 */
struct slot {
#if MASYNC_TOOL_HAVE_ASYNC
	struct pmem2_future fut;
#elif MASYNC_TOOL_HAVE_MINIASYNC
	struct vdm_operation_future fut;
#endif
	std::uint64_t off = 0;
	std::size_t len = 0;
	struct pmem2_map *map = nullptr; /* DST's [off, off + len) */
	char *dst = nullptr;
	void *src = MAP_FAILED; /* SRC's [off, off + len) */

	slot() = default;
	slot(const slot &) = delete;
	slot &operator=(const slot &) = delete;
	~slot()
	{
		release();
	}

	/* Maps both ranges; throws failure. */
	void map_ranges(int src_fd, dst_source &dsts, bool last, const std::string &src_name)
	{
		src = mmap(nullptr, len, PROT_READ, MAP_SHARED, src_fd, off_t(off));
		if (src == MAP_FAILED)
			fail_errno("cannot map the source " + in_quotes(src_name), errno);
		madvise(src, len, MADV_SEQUENTIAL);
		map = dsts.map(off, last ? 0 : len);
		dst = static_cast<char *>(pmem2_map_get_address(map));
	}

	/* Unmaps both (the chunk's future, if any, has completed). */
	void release()
	{
		if (map != nullptr)
			pmem2_map_delete(&map);
		map = nullptr;
		dst = nullptr;
		if (src != MAP_FAILED)
			munmap(src, len);
		src = MAP_FAILED;
	}
};

struct pipeline {
	struct vdm *vdm; /* nullptr: the map's own mover */
	struct runtime *rt;

	/*
	 * Creates the chunk's future and starts it. A future is lazy: its
	 * operation reaches the mover when it is first polled, and
	 * runtime_wait polls only the future it waits for. So each one is
	 * polled once here (no notifier: the runtime then re-polls it with
	 * its back-off while it waits, every millisecond at most), which puts
	 * its operation in the mover's queue at once: the workers always have
	 * the next chunks queued instead of waiting, each time, for the
	 * waiting thread to complete the oldest and start one more.
	 */
	void start(slot &s)
	{
		const char *src = static_cast<const char *>(s.src);
#if MASYNC_TOOL_HAVE_ASYNC
		s.fut = pmem2_memcpy_async(s.map, s.dst, src, s.len, 0);
		future_poll(FUTURE_AS_RUNNABLE(&s.fut), nullptr);
#elif MASYNC_TOOL_HAVE_MINIASYNC
		if (vdm != nullptr) {
			s.fut = vdm_memcpy(vdm, s.dst, const_cast<char *>(src), s.len, 0);
			future_poll(FUTURE_AS_RUNNABLE(&s.fut), nullptr);
			return;
		}
		pmem2_get_memcpy_fn(s.map)(s.dst, src, s.len, 0); /* persists too */
#else
		pmem2_get_memcpy_fn(s.map)(s.dst, src, s.len, 0);
#endif
	}

	/* Waits for the chunk; false (and *why) when it was not written. */
	bool finish(slot &s, std::string &why)
	{
#if MASYNC_TOOL_HAVE_ASYNC
		runtime_wait(rt, FUTURE_AS_RUNNABLE(&s.fut));
		if (FUTURE_OUTPUT(&s.fut)->dest == nullptr) {
			why = pmem2_errormsg();
			return false;
		}
		return true;
#elif MASYNC_TOOL_HAVE_MINIASYNC
		if (vdm == nullptr)
			return true;
		runtime_wait(rt, FUTURE_AS_RUNNABLE(&s.fut));
		const auto *out = FUTURE_OUTPUT(&s.fut);
		if (out->result != VDM_SUCCESS || out->output.memcpy.dest == nullptr) {
			why = out->result == VDM_ERROR_OUT_OF_MEMORY
			          ? "the mover had no operation record"
			          : "the mover could not carry out the copy";
			return false;
		}
		pmem2_get_persist_fn(s.map)(s.dst, s.len);
		return true;
#else
		(void)s;
		(void)why;
		return true;
#endif
	}
};

#endif /* MASYNC_TOOL_HAVE_PMEM2 */

} // namespace

std::size_t default_chunk(const std::string &mover)
{
	/*
	 * Large enough that per-future and per-map costs vanish (each chunk is
	 * mapped on its own), small enough to pipeline and to bound what is
	 * mapped at once (in_flight chunks).
	 */
	(void)mover;
	return std::size_t(16) << 20;
}

unsigned default_in_flight(const std::string &mover, unsigned threads)
{
	if (mover != "threads")
		return 4;
	return std::max(4u, 4 * (threads ? threads : cpu_count()));
}

copy_report copy_file(const copy_options &o)
{
	copy_report r;
	double t0 = now_seconds();

	/* The source: a regular file we can read. */
	unique_fd src(open(o.src.c_str(), O_RDONLY | O_CLOEXEC));
	if (src.fd < 0)
		fail_errno("cannot open the source " + in_quotes(o.src), errno);
	struct stat sst;
	if (fstat(src.fd, &sst) != 0)
		fail_errno("cannot stat the source " + in_quotes(o.src), errno);
	if (S_ISDIR(sst.st_mode))
		throw failure("the source " + in_quotes(o.src) + " is a directory");
	if (!S_ISREG(sst.st_mode))
		throw failure("the source " + in_quotes(o.src) + " is not a regular file");
	const std::uint64_t size = std::uint64_t(sst.st_size);

	/* The destination: a regular file, created if missing, never SRC itself. */
	struct stat dst0;
	if (stat(o.dst.c_str(), &dst0) == 0 && S_ISDIR(dst0.st_mode))
		throw failure("the destination " + in_quotes(o.dst) + " is a directory");
	dst_cleanup cleanup{o.dst};
	unique_fd dst(open(o.dst.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666));
	if (dst.fd >= 0) {
		cleanup.created = true;
	} else if (errno == EEXIST) {
		dst.fd = open(o.dst.c_str(), O_RDWR | O_CLOEXEC);
	}
	if (dst.fd < 0) {
		int err = errno;
		if (err == EISDIR)
			throw failure("the destination " + in_quotes(o.dst) + " is a directory");
		fail_errno("cannot open the destination " + in_quotes(o.dst) + " for writing", err);
	}
	r.created = cleanup.created;
	struct stat dst_st;
	if (fstat(dst.fd, &dst_st) != 0)
		fail_errno("cannot stat the destination " + in_quotes(o.dst), errno);
	if (!S_ISREG(dst_st.st_mode))
		throw failure("the destination " + in_quotes(o.dst) + " is not a regular file");
	if (dst_st.st_dev == sst.st_dev && dst_st.st_ino == sst.st_ino)
		throw failure("the source and the destination are the same file");

	/* DST gets SRC's size; its new blocks are allocated as the copy goes. */
	if (!cleanup.created && std::uint64_t(dst_st.st_size) > size &&
	    ftruncate(dst.fd, off_t(size)) != 0)
		fail_errno("cannot resize the destination " + in_quotes(o.dst), errno);
	check_free_space(dst.fd, dst_st, size, o.dst);
	if (std::uint64_t(dst_st.st_size) < size && ftruncate(dst.fd, off_t(size)) != 0) {
		int err = errno;
		if (err == EFBIG || err == ENOSPC)
			throw failure("the destination " + in_quotes(o.dst) + " cannot grow to " +
			              human_bytes(double(size)) + ": " + std::strerror(err));
		fail_errno("cannot resize the destination " + in_quotes(o.dst), err);
	}

	mover m(o.mover, o.threads);
	r.mover = m.description();
	r.bytes = size;

	if (size == 0) {
		/* libpmem2 cannot map 0 bytes, and there is nothing to copy. */
		if (fsync(dst.fd) != 0)
			fail_errno("cannot sync the destination " + in_quotes(o.dst), errno);
		if (cleanup.created)
			sync_parent(o.dst);
		r.method = "nothing to copy (empty source)";
		r.durability = "fsync of the empty file";
		r.seconds = now_seconds() - t0;
		cleanup.success = true;
		return r;
	}

#if !MASYNC_TOOL_HAVE_PMEM2
	throw failure("this masync was built without libpmem2: it cannot map the destination");
#else
	sigbus_guard bus(o.dst, cleanup.created);
	allocator alloc(dst.fd, size, o.dst);
	dst_source dsts(dst.fd, m.vdm(), o.dst);

	/* Chunks start where both SRC (a page) and DST (its alignment) can be mapped. */
	std::size_t unit = std::size_t(sysconf(_SC_PAGESIZE));
	if (dsts.alignment() > unit)
		unit = dsts.alignment();
	r.chunk = o.chunk ? o.chunk : default_chunk(o.mover);
	r.chunk = (r.chunk + unit - 1) / unit * unit;
	r.in_flight = o.in_flight ? o.in_flight : default_in_flight(o.mover, m.threads());

	struct runtime *rt = nullptr;
#if MASYNC_TOOL_HAVE_MINIASYNC
	rt = runtime_new();
	if (rt == nullptr)
		fail_errno("cannot create a runtime", errno);
	struct rt_owner {
		struct runtime *p;
		~rt_owner() { runtime_delete(p); }
	} rt_guard{rt};
#endif
#if MASYNC_TOOL_HAVE_ASYNC
	r.method = "pmem2_memcpy_async";
#else
	r.method = m.vdm() ? "vdm_memcpy, then the map's persist function" : "the map's memcpy";
#endif

	pipeline p{m.vdm(), rt};
	const std::uint64_t nchunks = (size + r.chunk - 1) / r.chunk;
	std::unique_ptr<slot[]> ring(new slot[r.in_flight]);
	std::uint64_t next = 0, done = 0, bytes_done = 0;
	std::string error;
	progress bar(o.label, size, o.progress_mode);

	while (done < next || (next < nchunks && error.empty())) {
		/* Fill the ring: allocate the chunk's blocks, map it, start its future. */
		while (error.empty() && next < nchunks && next - done < r.in_flight) {
			slot &s = ring[next % r.in_flight];
			s.off = next * r.chunk;
			s.len = std::size_t(std::min<std::uint64_t>(r.chunk, size - s.off));
			try {
				alloc.ensure(s.off + s.len);
				s.map_ranges(src.fd, dsts, next + 1 == nchunks, o.src);
			} catch (const failure &e) {
				s.release();
				error = e.what();
				break;
			}
			if (r.granularity.empty()) {
				enum pmem2_granularity gran =
				    pmem2_map_get_store_granularity(s.map);
				r.granularity = granularity_name(gran);
				r.durability = durability_of(gran);
			}
			p.start(s);
			++next;
			++r.futures;
		}
		if (done == next)
			break;
		/* Complete the oldest (they finish about in order), then unmap it. */
		slot &s = ring[done % r.in_flight];
		std::string why;
		if (!p.finish(s, why) && error.empty())
			error = "copying bytes " + std::to_string(s.off) + "-" +
			        std::to_string(s.off + s.len) + " failed: " + why;
		s.release();
		++done;
		bytes_done += s.len;
		bar.update(bytes_done);
	}
	bar.finish();
	if (!error.empty())
		throw failure(error +
		              (cleanup.created ? "" : "; " + in_quotes(o.dst) + " is incomplete"));

	if (cleanup.created)
		sync_parent(o.dst);
	r.seconds = now_seconds() - t0;

	if (o.verify) {
		double v0 = now_seconds();
		unique_mapping srcmap;
		srcmap.len = std::size_t(size);
		srcmap.addr = mmap(nullptr, srcmap.len, PROT_READ, MAP_SHARED, src.fd, 0);
		if (srcmap.addr == MAP_FAILED)
			fail_errno("cannot map the source " + in_quotes(o.src) + " to verify",
			           errno);
		verify(dst.fd, static_cast<const char *>(srcmap.addr), size, o.dst);
		r.verify_seconds = now_seconds() - v0;
		r.verified = true;
	}
	cleanup.success = true;
	return r;
#endif
}

} // namespace masync::tool
