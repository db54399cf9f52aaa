/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * tools/copy.cpp -- copy_file(): SRC checked, DST's temporary file made and
 * sized, the copy (copy_map.cpp or copy_io.cpp's write_copy), the commit.
 */
#include "copy.hpp"
#include "copy_io.hpp"
#include "copy_map.hpp"
#include "copy_signals.hpp"
#include "mover.hpp"
#include "tool.hpp"

#include <masync/pmem2.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace masync::tool
{

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

	/*
	 * Make the new content durable, rename it over DST, sync the directory.
	 * Everything that allocates or may fail for want of a resource is done
	 * before the rename: after it, a failure could no longer keep the
	 * promise that a failed copy leaves DST as it was.
	 */
	const parent_dir dst_dir(final_dst);
	const std::string label = o.label == "copy" ? "copy" : "demo";
	auto commit = [&] {
		sigs.committing();
		if (rename(tmp_name.c_str(), final_dst.c_str()) != 0)
			fail_errno("cannot rename the finished copy " + in_quotes(tmp_name) +
			               " over " + in_quotes(o.dst),
			           errno);
		cleanup.armed = false;
		if (int err = dst_dir.sync())
			fail_errno(in_quotes(o.dst) +
			               " holds the new content, but its directory could not be "
			               "synced (the new entry may not be durable)",
			           err);
		sigs.committed(o.dst, label);
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
	std::size_t unit = std::size_t(sysconf(_SC_PAGESIZE));
	/* The granularity libpmem2 gives DST decides the way (--io auto). */
	dst_probe probe = probe_dst(dst.fd, size, o.dst);
	unit = std::max(unit, probe.alignment);
	r.granularity = masync::pmem2::granularity_name(probe.granularity);
	r.durability = durability_of(probe.granularity);
	r.mapped = o.io == "map" || (o.io == "auto" && probe.granularity != PMEM2_GRANULARITY_PAGE);
	r.chunk = o.chunk ? o.chunk : default_chunk(o.mover);
	r.chunk = (r.chunk + unit - 1) / unit * unit;
	progress bar(o.label, size, o.progress_mode);

	if (!r.mapped) {
		r.mover = "none (the kernel copies)";
		alloc.ensure(size);
		write_copy(src.fd, dst.fd, size, r.chunk, o, r, bar);
		bar.finish();
	} else {
		map_copy(src.fd, dst.fd, size, o, existed, alloc, r, bar);
	}

	commit();
	r.seconds = now_seconds() - t0;

	if (o.verify) {
		double v0 = now_seconds();
		unique_mapping srcmap(src.fd, std::size_t(size), 0,
		                      "the source " + in_quotes(o.src) + " to verify it");
		verify(dst.fd, srcmap.bytes(), size, o.dst);
		r.verify_seconds = now_seconds() - v0;
		r.verified = true;
	}
	return r;
}

} // namespace masync::tool
