/* A future must not be copy-assigned. */
#include <masync/mover.hpp>
void f(masync::sync_mover &m, char *d, const char *s)
{
	masync::vdm_future a = m.memcpy(d, s, 1);
	masync::vdm_future b;
#ifdef MASYNC_CONTROL
	b = std::move(a);
#else
	b = a;
#endif
}
