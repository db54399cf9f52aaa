/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

#include "json.hpp"

#include <cmath>
#include <cstdio>

namespace masync::tool
{
namespace
{

void quote(std::string &out, const std::string &s)
{
	out += '"';
	for (unsigned char c : s) {
		switch (c) {
		case '"':
			out += "\\\"";
			break;
		case '\\':
			out += "\\\\";
			break;
		case '\n':
			out += "\\n";
			break;
		case '\t':
			out += "\\t";
			break;
		case '\r':
			out += "\\r";
			break;
		default:
			if (c < 0x20) {
				char buf[8];
				std::snprintf(buf, sizeof(buf), "\\u%04x", c);
				out += buf;
			} else {
				out += char(c);
			}
		}
	}
	out += '"';
}

void newline(std::string &out, int indent, int depth)
{
	if (indent > 0) {
		out += '\n';
		out.append(std::size_t(indent * depth), ' ');
	}
}

} // namespace

json &json::operator[](const std::string &key)
{
	if (kind_ == kind::null)
		kind_ = kind::object;
	for (auto &m : members_)
		if (m.first == key)
			return m.second;
	members_.emplace_back(key, json());
	return members_.back().second;
}

void json::push(json value)
{
	if (kind_ == kind::null)
		kind_ = kind::array;
	items_.push_back(std::move(value));
}

std::string json::dump(int indent) const
{
	std::string out;
	dump_to(out, indent, 0);
	return out;
}

void json::dump_to(std::string &out, int indent, int depth) const
{
	switch (kind_) {
	case kind::null:
		out += "null";
		break;
	case kind::boolean:
		out += bool_ ? "true" : "false";
		break;
	case kind::number: {
		if (!std::isfinite(num_)) {
			out += "null";
			break;
		}
		char buf[40];
		if (num_ == std::floor(num_) && std::fabs(num_) < 9007199254740992.0)
			std::snprintf(buf, sizeof(buf), "%.0f", num_);
		else
			std::snprintf(buf, sizeof(buf), "%.6g", num_);
		out += buf;
		break;
	}
	case kind::string:
		quote(out, str_);
		break;
	case kind::array:
		out += '[';
		for (std::size_t i = 0; i < items_.size(); ++i) {
			if (i)
				out += ',';
			newline(out, indent, depth + 1);
			items_[i].dump_to(out, indent, depth + 1);
		}
		if (!items_.empty())
			newline(out, indent, depth);
		out += ']';
		break;
	case kind::object:
		out += '{';
		for (std::size_t i = 0; i < members_.size(); ++i) {
			if (i)
				out += ',';
			newline(out, indent, depth + 1);
			quote(out, members_[i].first);
			out += indent > 0 ? ": " : ":";
			members_[i].second.dump_to(out, indent, depth + 1);
		}
		if (!members_.empty())
			newline(out, indent, depth);
		out += '}';
		break;
	}
}

} // namespace masync::tool
