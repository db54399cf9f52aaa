/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright 2026, masync authors */

/*
 * cxx_server_loop -- a server-like loop: many independent tasks on one
 * thread, their memory operations on a threads mover.
 *
 * Each "client" task handles a stream of requests: it copies the request
 * into a response buffer, stamps a header into it, and checks the result,
 * while the other clients' operations are in flight. New clients are
 * accepted (spawned) while the loop runs, by an acceptor task. The loop
 * sleeps when every client waits for the mover and is woken by the mover's
 * wakers; a failing client does not stop the others (run() reports it at
 * the end).
 *
 *   example_cxx_server_loop [clients=200] [requests_per_client=50]
 */
#include <masync/compose.hpp>
#include <masync/event_loop.hpp>
#include <masync/mover.hpp>
#include <masync/task.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace
{

struct stats {
	std::size_t requests = 0;
	std::size_t bad = 0;
	std::size_t clients_done = 0;
};

constexpr std::size_t request_size = 2048;
constexpr std::size_t header_size = 16;

/* One client: a sequence of requests, each a few awaited operations. */
masync::task<> client(const masync::threads_mover &mover, unsigned id, unsigned requests, stats &st)
{
	std::vector<char> request(request_size), response(request_size);
	for (unsigned r = 0; r < requests; ++r) {
		std::memset(request.data(), 'a' + static_cast<int>((id + r) % 26), request.size());
		/* copy the body and stamp the header at once: two operations in flight */
		co_await masync::when_all(
		    mover.memcpy(std::span(response).subspan(header_size),
		                 std::span<const char>(request).subspan(header_size)),
		    mover.memset(response.data(), 'H', header_size));
		bool ok = response[0] == 'H' && response[header_size - 1] == 'H' &&
		          std::memcmp(response.data() + header_size, request.data() + header_size,
		                      request_size - header_size) == 0;
		st.requests++;
		st.bad += !ok;
	}
	st.clients_done++;
}

/* Accepts clients one by one (a stand-in for connections arriving). */
masync::task<> acceptor(masync::event_loop &loop, const masync::threads_mover &mover,
                        unsigned clients, unsigned requests, stats &st)
{
	masync::sync_mover inline_mover; /* e.g. bookkeeping done on the loop's thread */
	std::array<char, 64> log_src{}, log_dst{};
	for (unsigned c = 0; c < clients; ++c) {
		loop.spawn(client(mover, c, requests, st));
		co_await inline_mover.memcpy(log_dst.data(), log_src.data(), log_src.size());
	}
}

} // namespace

int main(int argc, char **argv)
{
	unsigned clients = argc > 1 ? static_cast<unsigned>(std::atoi(argv[1])) : 200;
	unsigned requests = argc > 2 ? static_cast<unsigned>(std::atoi(argv[2])) : 50;

	try {
		masync::threads_mover mover(masync::threads_mover_options{
		    .threads = 2, .queue_size = 256, .notifier = masync::notifier::waker});
		masync::event_loop loop;
		stats st;
		loop.spawn(acceptor(loop, mover, clients, requests, st));
		loop.run();
		std::printf("%zu clients served, %zu requests, %zu bad\n", st.clients_done,
		            st.requests, st.bad);
		return st.bad == 0 && st.requests == std::size_t(clients) * requests ? 0 : 1;
	} catch (const masync::error &e) {
		std::fprintf(stderr, "cxx_server_loop: %s (code %d)\n", e.what(), e.c_code());
		return 1;
	}
}
