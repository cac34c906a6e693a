# Rules for the Windows kernel tree: import libraries from lib/imports/*.def
# and kernel images linked by lld-link.
#
#   ndiskit_add_driver(NAME SOURCES src... [IMPORTS ntoskrnl hal ...]
#                      [ENTRY DriverEntry] [LIBRARIES objlib...]
#                      [KMDF minor] [INF template.inx...] [NO_PACKAGE])
#
# builds ${NAME}.sys in the build tree, fixes and checks it with
# `ndiskit image`, and puts the result in dist/${NAME}/ (or, with
# NO_PACKAGE, next to the raw image as ${NAME}.fixed.sys: for images that
# only prove something builds).  KMDF <minor> makes a KMDF driver: our
# entry stub (lib/kmdf/stub.c) is compiled in with KMDF_VERSION_MINOR=<minor>,
# becomes the entry point (FxDriverEntry) and wdfldr is imported.
# INF <template>... stamps each template (x.inx) into dist/${NAME}/x.inf with
# `ndiskit inf stamp` (DriverVer from SOURCE_DATE_EPOCH or today and
# NDISKIT_DRIVER_VERSION; $ARCH$ amd64; $KMDFVERSION$ 1.<minor>).  A
# package with several INFs (an intermediate driver's protocol and
# miniport INFs) lists them all.

# Compile flags every kernel-mode translation unit gets.
#  -ffreestanding        no hosted C library is assumed
#  -mno-stack-arg-probe  no __chkstk calls (the kernel stack is fixed-size;
#                        we keep frames small instead)
#  -fno-stack-protector  no /GS cookie (__security_cookie is CRT-provided)
#  -fms-extensions       __declspec, code_seg("INIT"/"PAGE")
set(NDISKIT_KERNEL_C_FLAGS
    -ffreestanding -fms-extensions -mno-stack-arg-probe -fno-stack-protector
    -fno-exceptions -mno-avx -O2 -Wall -Wextra -Werror)

set(NDISKIT_DRIVER_VERSION 0.1.0.0 CACHE STRING "DriverVer version stamped into INFs")

set(NDISKIT_IMPORT_LIB_DIR ${CMAKE_BINARY_DIR}/imports)

# The image fixer/linter is a host tool: the host tree builds it first.
set(NDISKIT_IMAGE_TOOL ${PROJECT_SOURCE_DIR}/build/bin/ndiskit CACHE FILEPATH
    "ndiskit host tool (built by the host tree)")

# One import library per .def file, generated at build time so nothing from
# mingw-w64's prebuilt libraries is needed.  IMPORTS may also name wdmsec:
# the static library of SDDL strings lib/CMakeLists.txt builds next to them.
function(ndiskit_import_library module)
    set(def ${PROJECT_SOURCE_DIR}/lib/imports/${module}.def)
    set(lib ${NDISKIT_IMPORT_LIB_DIR}/${module}.lib)
    add_custom_command(
        OUTPUT ${lib}
        COMMAND ${CMAKE_COMMAND} -E make_directory ${NDISKIT_IMPORT_LIB_DIR}
        COMMAND ${NDISKIT_DLLTOOL} -m i386:x86-64 -d ${def} -l ${lib}
        DEPENDS ${def}
        COMMENT "Import library ${module}.lib"
        VERBATIM)
    add_custom_target(import_${module} DEPENDS ${lib})
endfunction()

foreach(m ntoskrnl hal ndis wdfldr)
    ndiskit_import_library(${m})
endforeach()

function(ndiskit_add_driver name)
    cmake_parse_arguments(D "NO_PACKAGE" "ENTRY;KMDF" "SOURCES;IMPORTS;LIBRARIES;INCLUDES;INF" ${ARGN})
    if(NOT D_IMPORTS)
        set(D_IMPORTS ntoskrnl)
    endif()
    if(D_KMDF)
        list(APPEND D_SOURCES ${PROJECT_SOURCE_DIR}/lib/kmdf/stub.c)
        if(NOT "wdfldr" IN_LIST D_IMPORTS)
            list(APPEND D_IMPORTS wdfldr)
        endif()
        if(NOT D_ENTRY)
            set(D_ENTRY FxDriverEntry)
        endif()
    endif()
    if(NOT D_ENTRY)
        set(D_ENTRY DriverEntry)
    endif()

    add_library(${name}_obj OBJECT ${D_SOURCES})
    target_compile_options(${name}_obj PRIVATE ${NDISKIT_KERNEL_C_FLAGS})
    target_include_directories(${name}_obj PRIVATE ${PROJECT_SOURCE_DIR}/include
                               ${PROJECT_SOURCE_DIR}/lib/include ${D_INCLUDES})
    if(D_KMDF)
        target_compile_definitions(${name}_obj PRIVATE KMDF_VERSION_MAJOR=1 KMDF_VERSION_MINOR=${D_KMDF})
    endif()

    set(objs $<TARGET_OBJECTS:${name}_obj>)
    foreach(l ${D_LIBRARIES})
        list(APPEND objs $<TARGET_OBJECTS:${l}>)
    endforeach()
    set(libs "")
    set(deps "")
    foreach(m ${D_IMPORTS})
        list(APPEND libs ${NDISKIT_IMPORT_LIB_DIR}/${m}.lib)
        list(APPEND deps import_${m})
    endforeach()

    set(image ${CMAKE_CURRENT_BINARY_DIR}/${name}.sys)
    if(D_NO_PACKAGE)
        set(dist_dir ${CMAKE_CURRENT_BINARY_DIR})
        set(dist ${CMAKE_CURRENT_BINARY_DIR}/${name}.fixed.sys)
    else()
        set(dist_dir ${NDISKIT_DIST_DIR}/${name})
        set(dist ${NDISKIT_DIST_DIR}/${name}/${name}.sys)
    endif()
    # /DRIVER + /SUBSYSTEM:NATIVE make a kernel image; /RELEASE sets the
    # checksum (Windows 7 refuses a driver whose checksum is 0).
    add_custom_command(
        OUTPUT ${image}
        COMMAND ${NDISKIT_LLD_LINK} /nologo /DRIVER /SUBSYSTEM:NATIVE /MACHINE:X64
                /ENTRY:${D_ENTRY} /NODEFAULTLIB /RELEASE /DYNAMICBASE /NXCOMPAT
                /INCREMENTAL:NO /OPT:REF /OPT:ICF
                /OUT:${image} ${objs} ${libs}
        # The objects themselves, not only their target: a target name
        # orders the build but an OBJECT library's is no file dependency,
        # so an edited source would not relink the image.
        DEPENDS ${name}_obj ${objs} ${deps} ${libs}
        COMMENT "Linking kernel image ${name}.sys"
        COMMAND_EXPAND_LISTS
        VERBATIM)
    # lld-link's output is not loadable as is (no section is NOT_PAGED, INIT
    # is not discardable, linker-info sections keep characteristics 0):
    # `ndiskit image fix` repairs it, then `check` must find nothing, or the
    # build fails.  The package appears in dist/ only after both passed.
    add_custom_command(
        OUTPUT ${dist}
        COMMAND ${CMAKE_COMMAND} -E make_directory ${dist_dir}
        COMMAND ${NDISKIT_IMAGE_TOOL} image fix -o ${dist}.tmp ${image}
        COMMAND ${NDISKIT_IMAGE_TOOL} image check ${dist}.tmp
        COMMAND ${CMAKE_COMMAND} -E rename ${dist}.tmp ${dist}
        DEPENDS ${image} ${NDISKIT_IMAGE_TOOL}
        COMMENT "Fixing and checking ${name}.sys"
        VERBATIM)
    set(outputs ${dist})
    if(D_INF AND NOT D_NO_PACKAGE)
        set(kmdf_args "")
        if(D_KMDF)
            set(kmdf_args --kmdf 1.${D_KMDF})
        endif()
        foreach(template ${D_INF})
            get_filename_component(inf_name ${template} NAME_WE)
            set(inf ${dist_dir}/${inf_name}.inf)
            add_custom_command(
                OUTPUT ${inf}
                COMMAND ${CMAKE_COMMAND} -E make_directory ${dist_dir}
                COMMAND ${NDISKIT_IMAGE_TOOL} inf stamp ${CMAKE_CURRENT_SOURCE_DIR}/${template} -o ${inf}
                        --version ${NDISKIT_DRIVER_VERSION} --arch amd64 ${kmdf_args}
                DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${template} ${NDISKIT_IMAGE_TOOL}
                COMMENT "Stamping ${inf_name}.inf"
                VERBATIM)
            list(APPEND outputs ${inf})
        endforeach()
    endif()
    add_custom_target(${name} ALL DEPENDS ${outputs})
endfunction()
