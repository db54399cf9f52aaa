# Install rules: headers, libraries, pkg-config files and the CMake package
# (find_package(masync) -> masync::miniasync, masync::pmem2, their _static
# variants and masync::cxx). Every installed file locates the others
# relative to itself, so an installed tree can be moved.
include(CMakePackageConfigHelpers)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
	FILES_MATCHING PATTERN "*.h" PATTERN "*.hpp")

set(_libs miniasync miniasync_static pmem2 pmem2_static miniasync-vdm-dml
	miniasync-vdm-dml_static masync_cxx)
install(TARGETS ${_libs} EXPORT masyncTargets
	LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
	ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
	RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
	INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

set(_cmakedir ${CMAKE_INSTALL_LIBDIR}/cmake/masync)
install(EXPORT masyncTargets NAMESPACE masync:: DESTINATION ${_cmakedir})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/masyncConfig.cmake.in
	${PROJECT_BINARY_DIR}/masyncConfig.cmake INSTALL_DESTINATION ${_cmakedir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/masyncConfigVersion.cmake
	COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/masyncConfig.cmake
	${PROJECT_BINARY_DIR}/masyncConfigVersion.cmake DESTINATION ${_cmakedir})

# pkg-config: prefix is computed from the .pc file's own location.
set(_pcdir ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
file(RELATIVE_PATH MASYNC_PC_TO_PREFIX /${_pcdir} /)
string(REGEX REPLACE "/$" "" MASYNC_PC_TO_PREFIX "${MASYNC_PC_TO_PREFIX}")
foreach(pc libminiasync libpmem2 libminiasync-vdm-dml)
	configure_file(${PROJECT_SOURCE_DIR}/cmake/${pc}.pc.in ${PROJECT_BINARY_DIR}/${pc}.pc @ONLY)
	install(FILES ${PROJECT_BINARY_DIR}/${pc}.pc DESTINATION ${_pcdir})
endforeach()
