/*
 * wdfverifier.h - the framework's verifier hooks.  ndiskit's own code never
 * calls WdfVerifierKeBugCheck (no panics); it is declared so WDK sources build.
 * Part of <wdf.h>.
 */
#ifndef NDISKIT_WDFVERIFIER_H
#define NDISKIT_WDFVERIFIER_H

#ifndef NDISKIT_WDF_H
#error "include <wdf.h>, not <wdfverifier.h>"
#endif

/* BEGIN GENERATED DDIs: scripts/gen-wdf-ddis from scripts/wdf-ddis.txt. */

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFVERIFIERDBGBREAKPOINT)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfVerifierDbgBreakPoint(
    VOID)
{
    ((PFN_WDFVERIFIERDBGBREAKPOINT)WdfFunctions[WdfVerifierDbgBreakPointTableIndex])(WdfDriverGlobals);
}

typedef _IRQL_requires_max_(HIGH_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFVERIFIERKEBUGCHECK)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ ULONG BugCheckCode,
    _In_ ULONG_PTR BugCheckParameter1,
    _In_ ULONG_PTR BugCheckParameter2,
    _In_ ULONG_PTR BugCheckParameter3,
    _In_ ULONG_PTR BugCheckParameter4);

_IRQL_requires_max_(HIGH_LEVEL)
FORCEINLINE VOID WdfVerifierKeBugCheck(
    _In_ ULONG BugCheckCode,
    _In_ ULONG_PTR BugCheckParameter1,
    _In_ ULONG_PTR BugCheckParameter2,
    _In_ ULONG_PTR BugCheckParameter3,
    _In_ ULONG_PTR BugCheckParameter4)
{
    ((PFN_WDFVERIFIERKEBUGCHECK)WdfFunctions[WdfVerifierKeBugCheckTableIndex])(WdfDriverGlobals, BugCheckCode, BugCheckParameter1, BugCheckParameter2, BugCheckParameter3, BugCheckParameter4);
}

/* END GENERATED DDIs */

#endif /* NDISKIT_WDFVERIFIER_H */
