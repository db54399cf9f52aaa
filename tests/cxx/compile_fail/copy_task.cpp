/* A task owns its coroutine frame: copying must not compile. */
#include <masync/task.hpp>
masync::task<int> t()
{
	co_return 1;
}
void f()
{
	masync::task<int> a = t();
#ifdef MASYNC_CONTROL
	masync::task<int> b = std::move(a);
#else
	masync::task<int> b = a;
#endif
	(void)b;
}
