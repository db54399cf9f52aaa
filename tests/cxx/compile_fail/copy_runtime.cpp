/* A runtime owns its C runtime: copying must not compile. */
#include <masync/runtime.hpp>
void f(masync::runtime &r)
{
#ifdef MASYNC_CONTROL
	masync::runtime a = std::move(r);
#else
	masync::runtime a = r;
#endif
	(void)a;
}
