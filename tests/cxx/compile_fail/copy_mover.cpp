/* Movers own their C mover: copying must not compile. */
#include <masync/mover.hpp>
void f(masync::sync_mover &m, masync::threads_mover &t)
{
#ifdef MASYNC_CONTROL
	masync::sync_mover a = std::move(m);
	masync::threads_mover b = std::move(t);
#else
	masync::sync_mover a = m;
	masync::threads_mover b = t;
#endif
	(void)a;
	(void)b;
}
