/* A flush future's result is void: it cannot be used as a pointer. */
#include <masync/mover.hpp>
void f(masync::sync_mover &m, char *d)
{
	auto fl = m.flush(d, 64);
	auto cp = m.memcpy(d, d + 64, 1);
#ifdef MASYNC_CONTROL
	void *p = cp.result();
	fl.result();
#else
	void *p = fl.result();
#endif
	(void)p;
}
