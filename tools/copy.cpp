/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

#include "copy.hpp"
#include "mover.hpp"
#include "tool.hpp"

#define PMEM2_USE_MINIASYNC 1
#include <libminiasync.h>
#include <libpmem2.h>

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
 * Signals during a copy. The copy goes into a temporary file beside DST,
 * renamed over DST only once it is durable. SIGINT, SIGTERM and SIGHUP
 * while copying remove the temporary file, say so and exit 128 + the
 * signal; a bus error (SRC truncated under us, a full tmpfs, a failing
 * device) does the same with exit status 1. While the rename and the
 * directory's sync run, a signal is only recorded, and acted on (DST is then
 * complete) when they are done. unlink, write and _exit are
 * async-signal-safe; the messages are made before the handlers are set.
 */
char sig_tmp[4096];
char sig_msg[3][1024];
std::size_t sig_msg_len[3];
char bus_msg[1024];
std::size_t bus_msg_len;
volatile sig_atomic_t sig_phase = 0; /* 0 idle, 1 copying, 2 committing */
volatile sig_atomic_t sig_pending = 0;
constexpr int stop_signals[3] = {SIGINT, SIGTERM, SIGHUP};

extern "C" void on_stop_signal(int sig)
{
	if (sig_phase == 2) {
		sig_pending = sig;
		return;
	}
	int i = sig == SIGINT ? 0 : sig == SIGTERM ? 1 : 2;
	if (sig_phase == 1) {
		unlink(sig_tmp);
		ssize_t r = write(STDERR_FILENO, sig_msg[i], sig_msg_len[i]);
		(void)r;
	}
	_exit(128 + sig);
}

extern "C" void on_sigbus(int)
{
	if (sig_phase == 1)
		unlink(sig_tmp);
	ssize_t r = write(STDERR_FILENO, bus_msg, bus_msg_len);
	(void)r;
	_exit(1);
}

void set_message(char *buf, std::size_t cap, std::size_t &len, const std::string &m)
{
	len = std::min(m.size(), cap - 1);
	std::memcpy(buf, m.data(), len);
	buf[len] = '\0';
}

/* Handlers for the time of one copy into `tmp`; the old ones come back after. */
class signal_guard
{
      public:
	signal_guard(const std::string &tmp, const std::string &dst, bool existed,
	             const std::string &label)
	{
		std::size_t n = std::min(tmp.size(), sizeof(sig_tmp) - 1);
		std::memcpy(sig_tmp, tmp.data(), n);
		sig_tmp[n] = '\0';
		const std::string left = existed ? "'" + dst + "' keeps its old content"
		                                 : "'" + dst + "' was not created";
		static const char *const names[3] = {"SIGINT", "SIGTERM", "SIGHUP"};
		for (int i = 0; i < 3; ++i)
			set_message(sig_msg[i], sizeof(sig_msg[i]), sig_msg_len[i],
			            "masync " + label + ": interrupted by " + names[i] +
			                "; the partial copy was removed and " + left + "\n");
		set_message(bus_msg, sizeof(bus_msg), bus_msg_len,
		            "masync " + label +
		                ": bus error while copying (the source was truncated, or the "
		                "destination's device has no space or failed); the copy did not "
		                "complete, " +
		                left + "\n");
		sig_pending = 0;
		sig_phase = 1;
		struct sigaction sa {
		};
		sa.sa_handler = on_stop_signal;
		sigemptyset(&sa.sa_mask);
		for (int sig : stop_signals)
			sigaddset(&sa.sa_mask, sig);
		sa.sa_flags = SA_RESTART;
		for (int i = 0; i < 3; ++i)
			sigaction(stop_signals[i], &sa, &old_[i]);
		sa.sa_handler = on_sigbus;
		sigaction(SIGBUS, &sa, &old_bus_);
	}
	~signal_guard()
	{
		sig_phase = 0;
		for (int i = 0; i < 3; ++i)
			sigaction(stop_signals[i], &old_[i], nullptr);
		sigaction(SIGBUS, &old_bus_, nullptr);
	}
	signal_guard(const signal_guard &) = delete;
	signal_guard &operator=(const signal_guard &) = delete;

	/* The rename is next: signals wait until committed(). */
	void committing() { sig_phase = 2; }
	/* DST is complete: a signal that came meanwhile ends the run now. */
	void committed(const std::string &dst, const std::string &label)
	{
		sig_phase = 0;
		int sig = sig_pending;
		if (sig != 0) {
			std::string m = "masync " + label + ": interrupted by signal " +
			                std::to_string(sig) + " after the copy was complete: '" +
			                dst + "' holds the new content, durably\n";
			ssize_t r = write(STDERR_FILENO, m.data(), m.size());
			(void)r;
			_exit(128 + sig);
		}
	}

      private:
	struct sigaction old_[3]{};
	struct sigaction old_bus_ {
	};
};

/* Removes the temporary file unless it was renamed over DST. */
struct tmp_cleanup {
	std::string path;
	bool armed = false;
	~tmp_cleanup()
	{
		if (armed)
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
		if (vdm != nullptr)
			check(pmem2_config_set_vdm(cfg_, vdm), "pmem2_config_set_vdm");
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
	std::size_t alignment() const { return alignment_; }

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
	struct pmem2_future fut;
	std::uint64_t off = 0;
	std::size_t len = 0;
	struct pmem2_map *map = nullptr; /* DST's [off, off + len) */
	char *dst = nullptr;
	void *src = MAP_FAILED; /* SRC's [off, off + len) */

	slot() = default;
	slot(const slot &) = delete;
	slot &operator=(const slot &) = delete;
	~slot() { release(); }

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
		s.fut = pmem2_memcpy_async(s.map, s.dst, src, s.len, 0);
		future_poll(FUTURE_AS_RUNNABLE(&s.fut), nullptr);
	}

	/* Waits for the chunk; false (and *why) when it was not written. */
	bool finish(slot &s, std::string &why)
	{
		runtime_wait(rt, FUTURE_AS_RUNNABLE(&s.fut));
		if (FUTURE_OUTPUT(&s.fut)->dest == nullptr) {
			why = pmem2_errormsg();
			return false;
		}
		return true;
	}
};

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

namespace
{

/*
 * The copy for a destination that is not DAX (PAGE granularity: the page
 * cache stands between the mapping and the device, and durability is
 * msync, i.e. writing the dirty pages back, as fsync does). Mapping DST buys
 * nothing there and costs a page fault per page (measured: most of the
 * time of a mapped copy on tmpfs), so the kernel copies: copy_file_range(2)
 * in chunks (splice on tmpfs, reflink or server-side copy where the file
 * system has them), else pwrite(2) from a mapping of SRC. fsync afterwards.
 */
void write_copy(int src_fd, int dst_fd, std::uint64_t size, std::size_t chunk,
                const copy_options &o, copy_report &r, progress &bar)
{
	std::uint64_t off = 0;
	bool cfr = true;
	while (off < size) {
		std::size_t want = std::size_t(std::min<std::uint64_t>(chunk, size - off));
		ssize_t n = -1;
		if (cfr) {
			loff_t in = loff_t(off), out = loff_t(off);
			n = copy_file_range(src_fd, &in, dst_fd, &out, want, 0);
			if (n < 0 && (errno == EXDEV || errno == EINVAL || errno == ENOSYS ||
			              errno == EOPNOTSUPP || errno == EBADF)) {
				cfr = false;
				continue;
			}
		} else {
			unique_mapping m;
			m.len = want;
			m.addr = mmap(nullptr, want, PROT_READ, MAP_SHARED, src_fd, off_t(off));
			if (m.addr == MAP_FAILED)
				fail_errno("cannot map the source " + in_quotes(o.src), errno);
			madvise(m.addr, want, MADV_SEQUENTIAL);
			std::size_t done = 0;
			while (done < want) {
				ssize_t w = pwrite(dst_fd, static_cast<const char *>(m.addr) + done,
				                   want - done, off_t(off + done));
				if (w < 0 && errno == EINTR)
					continue;
				if (w <= 0) {
					n = -1;
					break;
				}
				done += std::size_t(w);
			}
			if (done == want)
				n = ssize_t(want);
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;
			if (err == ENOSPC || err == EDQUOT)
				throw failure("no space left on the device of " + in_quotes(o.dst) +
				              " (" + std::strerror(err) + ")");
			fail_errno("cannot write " + in_quotes(o.dst), err);
		}
		if (n == 0)
			throw failure("the source " + in_quotes(o.src) + " ended at byte " +
			              std::to_string(off) + " (truncated while copying?)");
		off += std::uint64_t(n);
		++r.futures;
		bar.update(off);
	}
	if (fsync(dst_fd) != 0)
		fail_errno("cannot sync " + in_quotes(o.dst), errno);
	r.method = std::string(cfr ? "copy_file_range(2)" : "pwrite(2) from a mapping of SRC") +
	           " in " + std::to_string(r.futures) + (r.futures == 1 ? " call" : " calls") +
	           " of up to " + human_bytes(double(chunk)) +
	           ", no mapping of DST (not DAX: a mapping buys nothing)";
	r.durability = "fsync, as msync would for PAGE granularity";
}

} // namespace

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

	/*
	 * The destination: a regular file we may write, never SRC itself. A
	 * symbolic link is followed (its target is replaced). It is not
	 * written: the copy goes into a temporary file beside it, renamed over
	 * it once durable.
	 */
	std::string final_dst = o.dst;
	struct stat lst;
	if (lstat(o.dst.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode)) {
		std::error_code ec;
		auto t = std::filesystem::weakly_canonical(o.dst, ec);
		if (!ec)
			final_dst = t.string();
	}
	bool existed = false;
	mode_t mode = 0666;
	{
		struct stat dst0;
		if (stat(final_dst.c_str(), &dst0) == 0) {
			if (S_ISDIR(dst0.st_mode))
				throw failure("the destination " + in_quotes(o.dst) +
				              " is a directory");
			unique_fd d(open(final_dst.c_str(), O_WRONLY | O_CLOEXEC));
			if (d.fd < 0)
				fail_errno("cannot open the destination " + in_quotes(o.dst) +
				               " for writing",
				           errno);
			struct stat dst_st;
			if (fstat(d.fd, &dst_st) != 0)
				fail_errno("cannot stat the destination " + in_quotes(o.dst),
				           errno);
			if (!S_ISREG(dst_st.st_mode))
				throw failure("the destination " + in_quotes(o.dst) +
				              " is not a regular file");
			if (dst_st.st_dev == sst.st_dev && dst_st.st_ino == sst.st_ino)
				throw failure("the source and the destination are the same file");
			existed = true;
			mode = dst_st.st_mode & 07777;
		} else if (errno != ENOENT) {
			fail_errno("cannot open the destination " + in_quotes(o.dst), errno);
		} else {
			mode_t um = umask(0);
			umask(um);
			mode = 0666 & ~um;
		}
	}
	r.created = !existed;

	std::filesystem::path fp(final_dst);
	std::string dir = fp.parent_path().string();
	if (dir.empty())
		dir = ".";
	std::string tmp_name =
	    (std::filesystem::path(dir) / ("." + fp.filename().string() + ".masync-XXXXXX"))
	        .string();
	unique_fd dst(mkostemp(tmp_name.data(), O_CLOEXEC));
	if (dst.fd < 0) {
		int err = errno;
		fail_errno("cannot open the destination " + in_quotes(o.dst) +
		               " for writing (a temporary file beside it)",
		           err);
	}
	tmp_cleanup cleanup{tmp_name, true};
	signal_guard sigs(tmp_name, o.dst, existed, o.label == "copy" ? "copy" : "demo");
	if (fchmod(dst.fd, mode) != 0)
		fail_errno("cannot set the mode of " + in_quotes(tmp_name), errno);
	struct stat dst_st;
	if (fstat(dst.fd, &dst_st) != 0)
		fail_errno("cannot stat " + in_quotes(tmp_name), errno);

	check_free_space(dst.fd, dst_st, size, o.dst);
	if (ftruncate(dst.fd, off_t(size)) != 0) {
		int err = errno;
		if (err == EFBIG || err == ENOSPC)
			throw failure("the destination " + in_quotes(o.dst) + " cannot grow to " +
			              human_bytes(double(size)) + ": " + std::strerror(err));
		fail_errno("cannot resize the destination " + in_quotes(o.dst), err);
	}
	r.bytes = size;

	/* Make the new content durable, rename it over DST, sync the directory. */
	auto commit = [&] {
		sigs.committing();
		if (rename(tmp_name.c_str(), final_dst.c_str()) != 0)
			fail_errno("cannot rename the finished copy " + in_quotes(tmp_name) +
			               " over " + in_quotes(o.dst),
			           errno);
		cleanup.armed = false;
		sync_parent(final_dst);
		sigs.committed(o.dst, o.label == "copy" ? "copy" : "demo");
	};

	if (size == 0) {
		/* libpmem2 cannot map 0 bytes, and there is nothing to copy. */
		if (fsync(dst.fd) != 0)
			fail_errno("cannot sync the destination " + in_quotes(o.dst), errno);
		commit();
		r.mover = "none";
		r.method = "nothing to copy (empty source)";
		r.durability = "fsync of the empty file";
		r.seconds = now_seconds() - t0;
		return r;
	}

	allocator alloc(dst.fd, size, o.dst);
	std::unique_ptr<mover> m;
	std::unique_ptr<dst_source> dsts;
	std::size_t unit = std::size_t(sysconf(_SC_PAGESIZE));
	/* The granularity libpmem2 gives DST decides the way (--io auto). */
	{
		dst_source probe(dst.fd, nullptr, o.dst);
		if (probe.alignment() > unit)
			unit = probe.alignment();
		struct pmem2_map *pm = probe.map(0, size >= unit ? unit : 0);
		enum pmem2_granularity gran = pmem2_map_get_store_granularity(pm);
		pmem2_map_delete(&pm);
		r.granularity = granularity_name(gran);
		r.durability = durability_of(gran);
		r.mapped = o.io == "map" || (o.io == "auto" && gran != PMEM2_GRANULARITY_PAGE);
	}
	r.chunk = o.chunk ? o.chunk : default_chunk(o.mover);
	r.chunk = (r.chunk + unit - 1) / unit * unit;
	progress bar(o.label, size, o.progress_mode);

	if (!r.mapped) {
		r.mover = "none (the kernel copies)";
		alloc.ensure(size);
		write_copy(src.fd, dst.fd, size, r.chunk, o, r, bar);
		bar.finish();
	} else {
		m = std::make_unique<mover>(o.mover, o.threads);
		r.mover = m->description();
		dsts = std::make_unique<dst_source>(dst.fd, m->vdm(), o.dst);
		unsigned want_in_flight =
		    o.in_flight ? o.in_flight : default_in_flight(o.mover, m->threads());

		struct runtime *rt = runtime_new();
		if (rt == nullptr)
			fail_errno("cannot create a runtime", errno);
		struct rt_owner {
			struct runtime *p;
			~rt_owner() { runtime_delete(p); }
		} rt_guard{rt};
		r.method = "pmem2_memcpy_async";

		pipeline p{m->vdm(), rt};
		const std::uint64_t nchunks = (size + r.chunk - 1) / r.chunk;
		std::unique_ptr<slot[]> ring(new slot[want_in_flight]);
		std::uint64_t next = 0, done = 0, bytes_done = 0;
		std::string error;

		while (done < next || (next < nchunks && error.empty())) {
			/* Fill the ring: allocate the chunk's blocks, map it, start its future. */
			while (error.empty() && next < nchunks && next - done < want_in_flight) {
				slot &s = ring[next % want_in_flight];
				s.off = next * r.chunk;
				s.len = std::size_t(std::min<std::uint64_t>(r.chunk, size - s.off));
				try {
					alloc.ensure(s.off + s.len);
					s.map_ranges(src.fd, *dsts, next + 1 == nchunks, o.src);
				} catch (const failure &e) {
					s.release();
					error = e.what();
					break;
				}
				p.start(s);
				++next;
				++r.futures;
				r.in_flight = std::max(r.in_flight, unsigned(next - done));
			}
			if (done == next)
				break;
			/* Complete the oldest (they finish about in order), then unmap it. */
			slot &s = ring[done % want_in_flight];
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
			throw failure(error + "; " + in_quotes(o.dst) +
			              (existed ? " keeps its old content" : " was not created"));
	}

	commit();
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
	return r;
}

} // namespace masync::tool
