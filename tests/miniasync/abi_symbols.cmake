# abi_symbols.cmake -- checks the dynamic symbol table of libminiasync.so.0:
# every symbol it defines is one of the 14 of the interface contract
# (miniasync 0.2.1's binary interface), with LIBMINIASYNC_1.0 as its default
# version, or one of masync's 3 additions under MASYNC_MINIASYNC_1.1; nothing
# is unversioned or under another node.
# With REQUIRE_THREADS=1 all 14 (and the 3) must be there, otherwise the
# 7 data_mover_threads_* ones may still be missing.
#   cmake -DLIB=path/libminiasync.so.0 -DOBJDUMP=objdump -DREQUIRE_THREADS=1 -P abi_symbols.cmake
cmake_policy(SET CMP0057 NEW) # if(IN_LIST)
set(core runtime_new runtime_delete runtime_wait runtime_wait_multiple data_mover_sync_new
	data_mover_sync_get_vdm data_mover_sync_delete)
set(threads data_mover_threads_new data_mover_threads_default data_mover_threads_get_vdm
	data_mover_threads_delete data_mover_threads_set_memcpy_fn
	data_mover_threads_set_memmove_fn data_mover_threads_set_memset_fn)
set(version LIBMINIASYNC_1.0)
# masync's additions, under their own node (docs/compatibility.md).
set(ext data_mover_threads_set_memcpy_fn_flags data_mover_threads_set_memmove_fn_flags
	data_mover_threads_set_memset_fn_flags)
set(ext_version MASYNC_MINIASYNC_1.1)

execute_process(COMMAND ${OBJDUMP} -T ${LIB} OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
	message(FATAL_ERROR "${OBJDUMP} -T ${LIB} failed (${rc})")
endif()

set(found)
set(errors)
string(REPLACE "\n" ";" lines "${out}")
foreach(line IN LISTS lines)
	# Only symbol lines (start with an address); skip what the library imports.
	if(NOT line MATCHES "^[0-9a-f]+ " OR line MATCHES "\\*UND\\*")
		continue()
	endif()
	if(NOT line MATCHES "([^ \t]+)[ \t]+([^ \t]+)$")
		list(APPEND errors "unparsed line: ${line}")
		continue()
	endif()
	set(ver ${CMAKE_MATCH_1})
	set(name ${CMAKE_MATCH_2})
	if((name STREQUAL version OR name STREQUAL ext_version) AND line MATCHES "\\*ABS\\*")
		continue() # the version node's own definition
	endif()
	if(name IN_LIST ext)
		if(NOT ver STREQUAL ext_version)
			list(APPEND errors "${name} has version '${ver}', not ${ext_version}")
		endif()
		list(APPEND found ${name})
		continue()
	endif()
	if(NOT name IN_LIST core AND NOT name IN_LIST threads)
		list(APPEND errors "unexpected export: ${name} (${ver})")
	elseif(NOT ver STREQUAL version)
		list(APPEND errors "${name} has version '${ver}', not ${version}")
	endif()
	list(APPEND found ${name})
endforeach()

set(expected ${core})
if(REQUIRE_THREADS)
	list(APPEND expected ${threads} ${ext})
endif()
foreach(sym IN LISTS expected)
	if(NOT sym IN_LIST found)
		list(APPEND errors "missing export: ${sym}")
	endif()
endforeach()
list(LENGTH found n)
if(errors)
	string(REPLACE ";" "\n  " msg "${errors}")
	message(FATAL_ERROR "libminiasync.so.0 exports are wrong:\n  ${msg}")
endif()
message(STATUS "libminiasync.so.0 exports ${n} symbols, all ${version}: ${found}")
