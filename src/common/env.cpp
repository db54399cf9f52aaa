/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

#include "common/env.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace masync
{

const char *env_string(const char *name)
{
	return std::getenv(name);
}

bool env_is_one(const char *name)
{
	const char *v = env_string(name);
	return v && std::strcmp(v, "1") == 0;
}

bool env_is_zero(const char *name)
{
	const char *v = env_string(name);
	return v && std::strcmp(v, "0") == 0;
}

bool env_size(const char *name, std::size_t *out)
{
	const char *v = env_string(name);
	if (!v || *v < '0' || *v > '9')
		return false;
	char *end = nullptr;
	int saved = errno;
	errno = 0;
	unsigned long long n = std::strtoull(v, &end, 10);
	bool ok = errno == 0 && *end == '\0';
	errno = saved;
	if (!ok)
		return false;
	*out = static_cast<std::size_t>(n);
	return true;
}

} // namespace masync
