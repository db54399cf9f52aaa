# masync_add_c_library(NAME SOVERSION MAP SOURCES...)
# Builds NAME (shared, versioned through the linker script MAP) and
# NAME_static (static, OUTPUT_NAME NAME) from the same objects plus those of
# masync_common. Tests link NAME_static, which also exposes internals.
function(masync_add_c_library name soversion map)
	set(sources ${ARGN})
	add_library(${name}_obj OBJECT ${sources})
	target_include_directories(${name}_obj PUBLIC
		$<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
		$<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/src>)
	target_link_libraries(${name}_obj PUBLIC $<BUILD_INTERFACE:masync_flags>)
	set_target_properties(${name}_obj PROPERTIES CXX_VISIBILITY_PRESET hidden
		VISIBILITY_INLINES_HIDDEN ON)

	set(objects $<TARGET_OBJECTS:${name}_obj> $<TARGET_OBJECTS:masync_common>)

	add_library(${name} SHARED ${objects})
	target_link_libraries(${name} PRIVATE Threads::Threads)
	target_include_directories(${name} PUBLIC
		$<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
		$<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
	target_link_options(${name} PRIVATE -Wl,--version-script=${map} -Wl,--no-undefined)
	set_target_properties(${name} PROPERTIES SOVERSION ${soversion}
		VERSION ${soversion}.${PROJECT_VERSION_MINOR}.${PROJECT_VERSION_PATCH}
		LINK_DEPENDS ${map})

	add_library(${name}_static STATIC ${objects})
	target_link_libraries(${name}_static PUBLIC Threads::Threads)
	target_include_directories(${name}_static PUBLIC
		$<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
		$<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/src>
		$<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
	set_target_properties(${name}_static PROPERTIES OUTPUT_NAME ${name})
endfunction()
