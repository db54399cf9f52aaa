/* The span forms copy between ranges of the same element type only. */
#include <masync/mover.hpp>
#include <span>
void f(masync::sync_mover &m, std::span<int> d, std::span<const int> si, std::span<const double> sd)
{
	(void)si;
	(void)sd;
#ifdef MASYNC_CONTROL
	auto x = m.memcpy(d, si);
#else
	auto x = m.memcpy(d, sd);
#endif
	(void)x;
}
