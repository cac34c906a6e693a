/*
 * ndiskit/log.h - DbgPrintEx behind one small macro set.
 *
 *     #define NK_LOG_PREFIX "ndisprot: "    // before including, optional
 *     #include <ndiskit/log.h>
 *     NkLogError("bind to %wZ failed: 0x%08x", &name, status);
 *     NkLogTrace("rx %u bytes", length);    // compiled out by default
 *
 * Levels are DbgPrintEx's (error, warning, info, trace); each line gets the
 * prefix and a newline.  Levels above NK_LOG_MAX_LEVEL are removed at
 * compile time (the condition is a constant), so trace calls cost nothing
 * in hot paths unless a build asks for them with
 * -DNK_LOG_MAX_LEVEL=NK_LOG_TRACE.  The ranks are ndiskit's own order,
 * because DbgPrintEx numbers TRACE (2) below INFO (3).
 * DbgPrintEx may be called at any IRQL, but %wZ and other Unicode formats
 * only at PASSIVE_LEVEL, as its documentation says.
 */
#ifndef NDISKIT_LOG_H
#define NDISKIT_LOG_H

#include <ntddk.h>

#ifndef NK_LOG_COMPONENT
#define NK_LOG_COMPONENT DPFLTR_IHVNETWORK_ID
#endif
#ifndef NK_LOG_PREFIX
#define NK_LOG_PREFIX "ndiskit: "
#endif

/* ndiskit's order of verbosity: a message is kept if its NK_LOG_* rank is
 * at most NK_LOG_MAX_LEVEL. */
#define NK_LOG_ERROR   1
#define NK_LOG_WARNING 2
#define NK_LOG_INFO    3
#define NK_LOG_TRACE   4
#ifndef NK_LOG_MAX_LEVEL
#define NK_LOG_MAX_LEVEL NK_LOG_INFO
#endif

#define NK_LOG_AT(Rank, DpfltrLevel, Format, ...)                                                         \
    do {                                                                                                  \
        if ((Rank) <= NK_LOG_MAX_LEVEL)                                                                   \
            DbgPrintEx(NK_LOG_COMPONENT, (DpfltrLevel), NK_LOG_PREFIX Format "\n", ##__VA_ARGS__);        \
    } while (0)

#define NkLogError(Format, ...)   NK_LOG_AT(NK_LOG_ERROR, DPFLTR_ERROR_LEVEL, Format, ##__VA_ARGS__)
#define NkLogWarning(Format, ...) NK_LOG_AT(NK_LOG_WARNING, DPFLTR_WARNING_LEVEL, Format, ##__VA_ARGS__)
#define NkLogInfo(Format, ...)    NK_LOG_AT(NK_LOG_INFO, DPFLTR_INFO_LEVEL, Format, ##__VA_ARGS__)
#define NkLogTrace(Format, ...)   NK_LOG_AT(NK_LOG_TRACE, DPFLTR_TRACE_LEVEL, Format, ##__VA_ARGS__)

#endif
