/* A future must not be copied: the copy would run the operation twice. */
#include <masync/mover.hpp>
void f(masync::sync_mover &m, char *d, const char *s)
{
	masync::vdm_future a = m.memcpy(d, s, 1);
#ifdef MASYNC_CONTROL
	masync::vdm_future b = std::move(a);
#else
	masync::vdm_future b = a;
#endif
	(void)b;
}
