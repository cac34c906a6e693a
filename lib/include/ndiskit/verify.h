/*
 * ndiskit/verify.h - how the safe layer reports a misuse it caught and
 * refused (a second release, a delete of something the framework already
 * deleted): the call returns an error status, and NkReportMisuse leaves a
 * line saying why - a DbgPrintEx error on Windows, and under the host
 * kernel a verifier finding with the same rule id, so a test that makes
 * the mistake fails at it.  Any IRQL.
 */
#ifndef NDISKIT_VERIFY_H
#define NDISKIT_VERIFY_H

#include <ntddk.h>
#include <ndiskit/target.h>

#if NK_TARGET_WINDOWS
#define NkReportMisuse(Rule, Format, ...) \
    DbgPrintEx(DPFLTR_IHVNETWORK_ID, DPFLTR_ERROR_LEVEL, "ndiskit: " Rule ": " Format "\n", ##__VA_ARGS__)
#else
/* The host kernel's verifier (host/include/nkhost.h), resolved in the host process. */
VOID NkHostViolation(_In_z_ const char *Rule, _In_z_ _Printf_format_string_ const char *Format, ...)
    __attribute__((format(printf, 2, 3)));
#define NkReportMisuse(Rule, Format, ...) NkHostViolation(Rule, Format, ##__VA_ARGS__)
#endif

#endif
