# The ndiskit library sources (everything but main.c), with absolute paths,
# shared by tools/ndiskit/CMakeLists.txt and the fuzzer in tests/fuzz, which
# compiles them again with libFuzzer's coverage instrumentation.
set(NDISKIT_TOOL_DIR ${CMAKE_CURRENT_LIST_DIR})
set(NDISKIT_TOOL_SOURCES
    ${NDISKIT_TOOL_DIR}/pe.c
    ${NDISKIT_TOOL_DIR}/pe_checksum.c
    ${NDISKIT_TOOL_DIR}/retplne.c
    ${NDISKIT_TOOL_DIR}/dvrt.c
    ${NDISKIT_TOOL_DIR}/kernel_modules.c
    ${NDISKIT_TOOL_DIR}/json.c
    ${NDISKIT_TOOL_DIR}/util.c
    ${NDISKIT_TOOL_DIR}/image_policy.c
    ${NDISKIT_TOOL_DIR}/image_check.c
    ${NDISKIT_TOOL_DIR}/image_fix.c
    ${NDISKIT_TOOL_DIR}/image_dump.c
    ${NDISKIT_TOOL_DIR}/image_cli.c
    ${NDISKIT_TOOL_DIR}/inf.c
    ${NDISKIT_TOOL_DIR}/host_config.c)
