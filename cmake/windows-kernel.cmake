# Toolchain for the Windows kernel target: clang-19 for x86_64-pc-windows-msvc,
# linked by lld-link-19 (see cmake/NdiskitKernel.cmake), no CRT.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR AMD64)
set(NDISKIT_KERNEL ON CACHE BOOL "Build the Windows kernel tree" FORCE)

set(NDISKIT_LLVM_SUFFIX "-19" CACHE STRING "Suffix of the LLVM tools (clang-19, lld-link-19)")
set(CMAKE_C_COMPILER clang${NDISKIT_LLVM_SUFFIX})
set(CMAKE_C_COMPILER_TARGET x86_64-pc-windows-msvc)
set(CMAKE_AR llvm-ar${NDISKIT_LLVM_SUFFIX})
set(CMAKE_RANLIB llvm-ranlib${NDISKIT_LLVM_SUFFIX})
find_program(NDISKIT_LLD_LINK lld-link${NDISKIT_LLVM_SUFFIX} REQUIRED)
find_program(NDISKIT_DLLTOOL llvm-dlltool${NDISKIT_LLVM_SUFFIX} REQUIRED)

# Kernel images are linked by our own rule; CMake's compiler check must not
# try to link a user-mode program against a CRT we do not have.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
