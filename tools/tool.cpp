/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * tools/tool.cpp -- the helpers of tool.hpp: errors, sizes and times for people.
 */
#include "tool.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace masync::tool
{

void fail_errno(const std::string &what, int err)
{
	throw failure(what + ": " + std::strerror(err));
}

std::string human_bytes(double bytes)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
	int u = 0;
	while (std::fabs(bytes) >= 1024.0 && u < 6) {
		bytes /= 1024.0;
		++u;
	}
	char buf[32];
	if (u == 0)
		std::snprintf(buf, sizeof(buf), "%.0f B", bytes);
	else
		std::snprintf(buf, sizeof(buf), "%.2f %s", bytes, units[u]);
	return buf;
}

std::string human_rate(double bytes_per_second)
{
	return human_bytes(bytes_per_second) + "/s";
}

std::string human_seconds(double seconds)
{
	char buf[32];
	if (seconds < 1e-3)
		std::snprintf(buf, sizeof(buf), "%.0f us", seconds * 1e6);
	else if (seconds < 1.0)
		std::snprintf(buf, sizeof(buf), "%.0f ms", seconds * 1e3);
	else
		std::snprintf(buf, sizeof(buf), "%.2f s", seconds);
	return buf;
}

double now_seconds()
{
	using clock = std::chrono::steady_clock;
	return std::chrono::duration<double>(clock::now().time_since_epoch()).count();
}

} // namespace masync::tool
