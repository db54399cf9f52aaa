# The C++ API (include/masync/*.hpp): a header-only INTERFACE target,
# masync_cxx, over the shared libraries (libminiasync, and libpmem2 when it
# is built). Exported by MasyncInstall as masync::masync_cxx. Tests and
# benchmarks use the headers with the static libraries instead (the headers
# need nothing but the C libraries).
if(NOT TARGET miniasync)
	return()
endif()
add_library(masync_cxx INTERFACE)
target_include_directories(masync_cxx INTERFACE
	$<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
	$<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
target_compile_features(masync_cxx INTERFACE cxx_std_20)
target_link_libraries(masync_cxx INTERFACE miniasync Threads::Threads)
if(TARGET pmem2)
	target_link_libraries(masync_cxx INTERFACE pmem2)
endif()
