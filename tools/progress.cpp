/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

#include "progress.hpp"
#include "tool.hpp"

#include <unistd.h>

#include <cstdio>

namespace masync::tool
{

progress::progress(std::string label, std::uint64_t total, mode m, double interval)
    : label_(std::move(label)), total_(total), mode_(m), interval_(interval)
{
	if (mode_ == mode::automatic)
		mode_ = isatty(STDERR_FILENO) ? mode::bar : mode::lines;
	if (mode_ == mode::bar)
		interval_ = 0.1;
	start_ = now_seconds();
	last_ = start_;
}

progress::~progress()
{
	finish();
}

progress::mode progress::parse(const std::string &name)
{
	if (name == "auto")
		return mode::automatic;
	if (name == "bar")
		return mode::bar;
	if (name == "lines")
		return mode::lines;
	return mode::none;
}

void progress::update(std::uint64_t done)
{
	if (mode_ == mode::none)
		return;
	double now = now_seconds();
	if (now - last_ < interval_)
		return;
	last_ = now;
	draw(done, now);
}

void progress::draw(std::uint64_t done, double now)
{
	double elapsed = now - start_;
	double rate = elapsed > 0 ? double(done) / elapsed : 0;
	double pct = total_ ? 100.0 * double(done) / double(total_) : 100.0;
	std::string left = "?";
	if (rate > 0 && done <= total_)
		left = human_seconds(double(total_ - done) / rate);

	if (mode_ == mode::bar) {
		constexpr int width = 30;
		int fill = total_ ? int(double(width) * double(done) / double(total_)) : width;
		std::string bar(std::size_t(fill), '#');
		bar.append(std::size_t(width - fill), '.');
		std::fprintf(stderr, "\r\033[K%s [%s] %5.1f%%  %s / %s  %s  %s left",
		             label_.c_str(), bar.c_str(), pct, human_bytes(double(done)).c_str(),
		             human_bytes(double(total_)).c_str(), human_rate(rate).c_str(),
		             left.c_str());
		drawn_ = true;
	} else {
		std::fprintf(stderr, "%s: %.1f%% (%s of %s), %s, %s left\n", label_.c_str(), pct,
		             human_bytes(double(done)).c_str(), human_bytes(double(total_)).c_str(),
		             human_rate(rate).c_str(), left.c_str());
	}
	std::fflush(stderr);
}

void progress::finish()
{
	if (mode_ == mode::bar && drawn_) {
		std::fprintf(stderr, "\r\033[K");
		std::fflush(stderr);
	}
	drawn_ = false;
}

} // namespace masync::tool
