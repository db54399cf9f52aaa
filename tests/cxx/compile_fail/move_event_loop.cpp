/* Wakers hold the loop's address: an event loop cannot be moved. */
#include <masync/event_loop.hpp>
void f(masync::event_loop &l)
{
#ifdef MASYNC_CONTROL
	masync::event_loop &a = l;
#else
	masync::event_loop a = std::move(l);
#endif
	(void)a;
}
