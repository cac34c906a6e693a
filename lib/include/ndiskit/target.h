/*
 * ndiskit/target.h - which target a framework header is being compiled
 * for, from the compiler's own predefined macros only.
 *
 *   NK_TARGET_WINDOWS  1 for the Windows kernel (x64: _WIN64), else 0
 *   NK_TARGET_HOST     1 for the host kernel (x86_64 Linux), else 0
 *
 * The framework headers must work over the real WDK's headers as well as
 * over ndiskit's, so they never test anything ndiskit's WDK headers define
 * for themselves (NDISKIT_WINDOWS, include guards): with the WDK those are
 * absent, and a test of them would silently pick the host code (NkMdlMap
 * would return an unmapped MDL's address on Windows).
 */
#ifndef NK_TARGET_H
#define NK_TARGET_H

#if defined(_WIN64)
#define NK_TARGET_WINDOWS 1
#define NK_TARGET_HOST 0
#elif defined(__linux__) && defined(__x86_64__)
#define NK_TARGET_WINDOWS 0
#define NK_TARGET_HOST 1
#else
#error "ndiskit's framework headers support the Windows x64 kernel and x86_64 Linux (host) only"
#endif

#endif /* NK_TARGET_H */
