/* A read-only range cannot be a destination. */
#include <masync/mover.hpp>
#include <span>
void f(masync::sync_mover &m, std::span<int> d, std::span<const int> s)
{
#ifdef MASYNC_CONTROL
	auto x = m.memcpy(d, s);
#else
	auto x = m.memcpy(s, s);
#endif
	(void)x;
	(void)d;
}
