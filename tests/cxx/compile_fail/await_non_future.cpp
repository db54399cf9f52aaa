/* Only futures, C futures and tasks are awaitable inside a task. */
#include <masync/task.hpp>
#include <libminiasync/vdm.h>
masync::task<int> t(vdm_operation_future &cf, int x)
{
#ifdef MASYNC_CONTROL
	auto out = co_await cf;
	(void)out;
	co_return x;
#else
	co_return co_await x;
#endif
}
