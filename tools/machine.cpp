/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

#include "machine.hpp"

#include "common/cpu.hpp"
#include "common/kernels.hpp"
#include "dsa/discovery.hpp"
#include "dsa/model_wq.hpp"

#include <masync/pmem2.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace masync::tool
{
namespace
{

/* The one word of a sysfs attribute ("" when it cannot be read). */
std::string sysfs_word(const fs::path &p)
{
	std::string word;
	std::ifstream(p) >> word;
	return word;
}

std::string fs_name(long magic)
{
	switch (static_cast<unsigned long>(magic) & 0xffffffffUL) {
	case 0x01021994:
		return "tmpfs";
	case 0xEF53:
		return "ext4";
	case 0x58465342:
		return "xfs";
	case 0x9123683E:
		return "btrfs";
	case 0x858458f6:
		return "ramfs";
	case 0x794c7630:
		return "overlayfs";
	case 0x6969:
		return "nfs";
	case 0x65735546:
		return "fuse";
	case 0x2fc12fc1:
		return "zfs";
	default: {
		char buf[32];
		std::snprintf(buf, sizeof(buf), "0x%lx", static_cast<unsigned long>(magic));
		return buf;
	}
	}
}

std::vector<std::string> sorted_entries(const fs::path &dir, const std::string &prefix)
{
	std::vector<std::string> names;
	std::error_code ec;
	for (const auto &e : fs::directory_iterator(dir, ec)) {
		std::string n = e.path().filename().string();
		if (n.rfind(prefix, 0) == 0)
			names.push_back(n);
	}
	std::sort(names.begin(), names.end());
	return names;
}

/* The granularity of a map of fd (weakest requirement, so that any file maps). */
std::string map_granularity(int fd, bool writable, std::string &error)
{
	namespace pm = masync::pmem2;
	try {
		pm::source src = pm::source::from_fd(fd);
		pm::config cfg;
		cfg.set_required_store_granularity(pm::granularity::page);
		if (!writable)
			cfg.set_protection(PMEM2_PROT_READ);
		pm::map map(cfg, src);
		return pm::granularity_name(map.store_granularity());
	} catch (const masync::error &e) {
		error = std::string("libpmem2: ") + e.what();
		return {};
	}
}

void probe_fd(path_probe &p, int fd, bool writable)
{
	struct statfs sfs;
	if (fstatfs(fd, &sfs) == 0)
		p.filesystem = fs_name(long(sfs.f_type));
	p.granularity = map_granularity(fd, writable, p.error);
}

void probe_directory(path_probe &p, const std::string &dir)
{
	std::string tmpl = (fs::path(dir) / ".masync-probe-XXXXXX").string();
	int fd = mkstemp(tmpl.data());
	if (fd < 0) {
		p.error = "cannot create a temporary file in " + dir + ": " + std::strerror(errno);
		return;
	}
	unlink(tmpl.c_str());
	int err = posix_fallocate(fd, 0, 4096);
	if (err == EOPNOTSUPP || err == EINVAL)
		err = ftruncate(fd, 4096) == 0 ? 0 : errno;
	if (err != 0)
		p.error = "cannot size a temporary file in " + dir + ": " + std::strerror(err);
	else
		probe_fd(p, fd, true);
	close(fd);
}

} // namespace

std::vector<std::pair<std::string, bool>> cpu_feature_list()
{
	const auto &f = cpu();
	return {{"avx512f", f.avx512f}, {"avx2", f.avx2},           {"avx", f.avx},
	        {"sse2", f.sse2},       {"clwb", f.clwb},           {"clflushopt", f.clflushopt},
	        {"clflush", f.clflush}, {"movdir64b", f.movdir64b}, {"enqcmd", f.enqcmd},
	        {"waitpkg", f.waitpkg}};
}

kernel_choice kernels()
{
	/* The choice the memory kernels made for this process (src/common/kernels). */
	const auto &c = mem::chosen();
	kernel_choice k;
	k.memcpy_kernel = c.isa;
	k.flush = c.flush;
	k.movnt = c.movnt;
	k.nt_threshold = c.nt_threshold;
	return k;
}

std::vector<nd_region> nd_regions()
{
	std::vector<nd_region> out;
	const fs::path base = "/sys/bus/nd/devices";
	for (const auto &name : sorted_entries(base, "region")) {
		nd_region r;
		r.name = name;
		r.persistence_domain = sysfs_word(base / name / "persistence_domain");
		if (r.persistence_domain.empty())
			r.persistence_domain = "none";
		out.push_back(r);
	}
	return out;
}

std::string eadr_state(const std::vector<nd_region> &regions)
{
	if (regions.empty())
		return "unknown (no NVDIMM regions)";
	for (const auto &r : regions)
		if (r.persistence_domain != "cpu_cache")
			return "no";
	return "yes";
}

namespace
{

std::vector<dsa_device> dsa_devices(const fs::path &base)
{
	std::vector<dsa_device> out;
	auto all = sorted_entries(base, "");
	for (const auto &name : all) {
		if (name.rfind("dsa", 0) != 0)
			continue;
		dsa_device d;
		d.name = name;
		d.state = sysfs_word(base / name / "state");
		std::string id = name.substr(3);
		for (const auto &n : all) {
			if (n.rfind("wq" + id + ".", 0) == 0) {
				++d.work_queues;
				if (sysfs_word(base / n / "state") == "enabled")
					++d.enabled_work_queues;
			} else if (n.rfind("engine" + id + ".", 0) == 0) {
				++d.engines;
			}
		}
		out.push_back(d);
	}
	return out;
}

dsa_queue queue_of(const masync::dsa::wq_info &w)
{
	dsa_queue q;
	q.name = w.name;
	q.dedicated = w.dedicated;
	q.size = w.size;
	q.max_transfer = w.max_xfer;
	q.max_batch = w.max_batch;
	q.numa_node = w.numa_node;
	q.model = w.model;
	return q;
}

} // namespace

dsa_state dsa_status()
{
	namespace dsa = masync::dsa;
	const fs::path base = "/sys/bus/dsa/devices";
	dsa_state st;
	st.devices = dsa_devices(base);
	dsa::model_mode mode;
	if (dsa::model_mode_from_env(&mode)) {
		/* The model replaces every device, as in the mover's discovery. */
		st.model = std::getenv("MASYNC_DSA_MODEL");
		for (bool dedicated : {true, false})
			st.queues.push_back(queue_of(dsa::model_wq_info(dedicated)));
		return st;
	}
	for (const dsa::wq_info &w : dsa::discover_sysfs(base.c_str())) {
		dsa_queue q = queue_of(w);
		const char *why = nullptr;
		if (dsa::open_hw_portal(w, &why) == nullptr)
			q.blocked_by = why != nullptr ? why : "cannot be opened";
		st.queues.push_back(q);
	}
	std::error_code ec;
	if (!fs::is_directory(base, ec))
		st.blocked_by = "no device (no " + base.string() + ": no DSA, or no idxd driver)";
	else if (st.devices.empty())
		st.blocked_by = "no device";
	else if (st.queues.empty())
		st.blocked_by = "no enabled user work queue on an enabled device";
	else if (std::none_of(st.queues.begin(), st.queues.end(),
	                      [](const dsa_queue &q) { return q.blocked_by.empty(); }))
		st.blocked_by = st.queues.front().blocked_by;
	return st;
}

path_probe probe_path(const std::string &path)
{
	path_probe p;
	p.path = path;
	struct stat st;
	if (stat(path.c_str(), &st) != 0) {
		p.error = std::string("cannot access: ") + std::strerror(errno);
		return p;
	}
	if (S_ISDIR(st.st_mode)) {
		p.directory = true;
		probe_directory(p, path);
		return p;
	}
	if (!S_ISREG(st.st_mode)) {
		p.error = "not a regular file or a directory";
		return p;
	}
	if (st.st_size == 0) {
		/* libpmem2 cannot map 0 bytes: the file's directory answers for it. */
		p.directory = true;
		probe_directory(p, fs::path(path).parent_path().empty()
		                       ? std::string(".")
		                       : fs::path(path).parent_path().string());
		return p;
	}
	bool writable = true;
	int fd = open(path.c_str(), O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		writable = false;
		fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0) {
		p.error = std::string("cannot open: ") + std::strerror(errno);
		return p;
	}
	probe_fd(p, fd, writable);
	close(fd);
	return p;
}

json machine_json()
{
	json j = json::object();
	json &c = j["cpu"];
	c = json::object();
	for (const auto &f : cpu_feature_list())
		c[f.first] = f.second;
	kernel_choice k = kernels();
	json &kj = j["kernels"];
	kj["memcpy"] = k.memcpy_kernel;
	kj["flush"] = k.flush;
	kj["non_temporal_stores"] = k.movnt;
	kj["non_temporal_threshold"] = static_cast<unsigned long>(k.nt_threshold);
	auto regions = nd_regions();
	json &e = j["eadr"];
	e["state"] = eadr_state(regions);
	e["regions"] = json::array();
	for (const auto &r : regions) {
		json rj = json::object();
		rj["name"] = r.name;
		rj["persistence_domain"] = r.persistence_domain;
		e["regions"].push_back(rj);
	}
	dsa_state dsa = dsa_status();
	json &d = j["dsa"];
	d["devices"] = json::array();
	for (const auto &dev : dsa.devices)
		d["devices"].push_back({{"name", dev.name},
		                        {"state", dev.state},
		                        {"work_queues", dev.work_queues},
		                        {"enabled_work_queues", dev.enabled_work_queues},
		                        {"engines", dev.engines}});
	d["work_queues"] = json::array();
	for (const auto &q : dsa.queues)
		d["work_queues"].push_back(
		    {{"name", q.name},
		     {"mode", q.dedicated ? "dedicated" : "shared"},
		     {"size", q.size},
		     {"max_transfer_size", q.max_transfer},
		     {"max_batch_size", q.max_batch},
		     {"numa_node", q.numa_node},
		     {"model", q.model},
		     {"blocked_by", q.blocked_by.empty() ? json() : json(q.blocked_by)}});
	d["model"] = dsa.model.empty() ? json() : json(dsa.model);
	d["usable"] = dsa.blocked_by.empty();
	d["blocked_by"] = dsa.blocked_by.empty() ? json() : json(dsa.blocked_by);
	return j;
}

} // namespace masync::tool
