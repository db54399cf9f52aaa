# Compiler flags shared by every target of the project, through the
# interface library masync_flags (warnings, sanitizers).
add_library(masync_flags INTERFACE)
target_compile_options(masync_flags INTERFACE
	-Wall -Wextra -Wshadow -Wpointer-arith -Wformat=2 -Wundef
	$<$<COMPILE_LANGUAGE:C>:-Wstrict-prototypes -Wmissing-prototypes>
	$<$<BOOL:${MASYNC_WERROR}>:-Werror>)
if(MASYNC_PERSISTENCE_CHECKER)
	target_compile_definitions(masync_flags INTERFACE MASYNC_PERSISTENCE_CHECKER=1)
endif()

if(MASYNC_SANITIZE STREQUAL "address")
	set(_san -fsanitize=address,undefined -fno-sanitize-recover=undefined
		-fno-omit-frame-pointer)
elseif(MASYNC_SANITIZE STREQUAL "thread")
	set(_san -fsanitize=thread -fno-omit-frame-pointer)
elseif(NOT MASYNC_SANITIZE STREQUAL "")
	message(FATAL_ERROR "MASYNC_SANITIZE must be '', 'address' or 'thread'")
endif()
if(_san)
	# Sanitizers apply to everything built here, including the libraries.
	add_compile_options(${_san})
	add_link_options(${_san})
	add_compile_definitions(MASYNC_SANITIZED=1)
	if(MASYNC_SANITIZE STREQUAL "thread")
		add_compile_definitions(MASYNC_TSAN=1)
	endif()
endif()
