# Settings for the host tree: Linux programs, the host kernel and tests.
set(NDISKIT_BIN_DIR ${PROJECT_SOURCE_DIR}/build/bin CACHE PATH "Where host tools go")
set(CMAKE_RUNTIME_OUTPUT_DIRECTORY ${NDISKIT_BIN_DIR})

# Code that includes ndiskit's NT headers on the host needs UTF-16 wchar_t
# (L"..." literals are UNICODE_STRING buffers) - see include/ntdef.h.
set(NDISKIT_HOST_C_FLAGS -fshort-wchar -Wall -Wextra -Werror)

option(NDISKIT_SANITIZE "Build host code with ASan and UBSan" ON)
if(NDISKIT_SANITIZE)
    set(NDISKIT_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all
        -fno-omit-frame-pointer)
else()
    set(NDISKIT_SANITIZER_FLAGS "")
endif()

find_program(NDISKIT_PYTHON /usr/bin/python3 python3 REQUIRED)
find_program(NDISKIT_CLANG clang-19 REQUIRED)
find_program(NDISKIT_MINGW_CC x86_64-w64-mingw32-gcc)

# ThreadSanitizer builds of the host kernel and its concurrency tests (label
# tsan) use these instead of ASan/UBSan, which cannot be combined with it.
set(NDISKIT_TSAN_FLAGS -fsanitize=thread -fno-omit-frame-pointer)

# A host target that uses the NT/NDIS/KMDF headers.
#   ndiskit_host_target(target [SANITIZERS flags...])
function(ndiskit_host_target target)
    cmake_parse_arguments(H "" "" "SANITIZERS" ${ARGN})
    if(NOT DEFINED H_SANITIZERS)
        set(H_SANITIZERS ${NDISKIT_SANITIZER_FLAGS})
    endif()
    target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/include
                                                 ${PROJECT_SOURCE_DIR}/lib/include)
    target_compile_options(${target} PRIVATE ${NDISKIT_HOST_C_FLAGS} ${H_SANITIZERS})
    target_link_options(${target} PRIVATE ${H_SANITIZERS})
endfunction()

# The host build of a driver: the same ndiskit_add_driver() line that makes
# dist/<name>/<name>.sys in the kernel tree makes build/bin/drivers/<name>.so
# here, for `ndiskit host run`.  Its DDI imports stay undefined and resolve
# against the host kernel inside the ndiskit process when it is loaded.
#   ndiskit_add_driver(name SOURCES src... [KMDF minor] [INCLUDES dirs...]
#                      [IMPORTS ...] [ENTRY sym] [INF t.inx...] [NO_PACKAGE])  (INF: Windows only)
function(ndiskit_add_driver name)
    cmake_parse_arguments(D "NO_PACKAGE" "ENTRY;KMDF" "SOURCES;IMPORTS;LIBRARIES;INCLUDES;INF" ${ARGN})
    if(D_KMDF)
        list(APPEND D_SOURCES ${PROJECT_SOURCE_DIR}/lib/kmdf/stub.c)
    endif()
    add_library(${name}_host MODULE ${D_SOURCES})
    ndiskit_host_target(${name}_host)
    target_include_directories(${name}_host PRIVATE ${D_INCLUDES})
    if(D_KMDF)
        target_compile_definitions(${name}_host PRIVATE KMDF_VERSION_MAJOR=1 KMDF_VERSION_MINOR=${D_KMDF})
    endif()
    foreach(l ${D_LIBRARIES})
        target_link_libraries(${name}_host PRIVATE ${l})
    endforeach()
    set_target_properties(${name}_host PROPERTIES OUTPUT_NAME ${name} PREFIX ""
                          LIBRARY_OUTPUT_DIRECTORY ${NDISKIT_BIN_DIR}/drivers)
endfunction()
