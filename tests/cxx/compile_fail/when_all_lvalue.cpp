/* when_all takes its futures by value: an lvalue must be moved in explicitly. */
#include <masync/compose.hpp>
#include <masync/mover.hpp>
void f(masync::sync_mover &m, char *d, const char *s)
{
	masync::vdm_future a = m.memcpy(d, s, 1);
#ifdef MASYNC_CONTROL
	auto all = masync::when_all(std::move(a), m.memset(d, 0, 1));
#else
	auto all = masync::when_all(a, m.memset(d, 0, 1));
#endif
	(void)all;
}
