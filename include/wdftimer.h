/*
 * wdftimer.h - framework timers.  Part of <wdf.h>.
 *
 * With AutomaticSerialization the callback takes the parent's
 * synchronization lock, like a queue callback would.
 */
#ifndef NDISKIT_WDFTIMER_H
#define NDISKIT_WDFTIMER_H

#ifndef NDISKIT_WDF_H
#error "include <wdf.h>, not <wdftimer.h>"
#endif

/* TolerableDelay: the system may coalesce this timer by any amount. */
#define TolerableDelayUnlimited ((ULONG)-1)

typedef _Function_class_(EVT_WDF_TIMER) _IRQL_requires_max_(DISPATCH_LEVEL)
VOID EVT_WDF_TIMER(_In_ WDFTIMER Timer);
typedef EVT_WDF_TIMER *PFN_WDF_TIMER;

typedef struct _WDF_TIMER_CONFIG {
    ULONG Size;
    PFN_WDF_TIMER EvtTimerFunc;
    ULONG Period;               /* milliseconds; 0: one-shot */
    BOOLEAN AutomaticSerialization;
    ULONG TolerableDelay;       /* milliseconds */
    /* KMDF 1.13 appended this 8-aligned, so the structure is 40 bytes and
     * the framework tells the versions apart by Size (32 vs 40). */
    DECLSPEC_ALIGN(8) BOOLEAN UseHighResolutionTimer;
} WDF_TIMER_CONFIG, *PWDF_TIMER_CONFIG;

FORCEINLINE VOID WDF_TIMER_CONFIG_INIT(_Out_ PWDF_TIMER_CONFIG Config, _In_ PFN_WDF_TIMER EvtTimerFunc)
{
    RtlZeroMemory(Config, sizeof(WDF_TIMER_CONFIG));
    Config->Size = sizeof(WDF_TIMER_CONFIG);
    Config->EvtTimerFunc = EvtTimerFunc;
    Config->AutomaticSerialization = TRUE;
}

FORCEINLINE VOID WDF_TIMER_CONFIG_INIT_PERIODIC(_Out_ PWDF_TIMER_CONFIG Config,
                                                _In_ PFN_WDF_TIMER EvtTimerFunc, _In_ ULONG Period)
{
    WDF_TIMER_CONFIG_INIT(Config, EvtTimerFunc);
    Config->Period = Period;
}

/* BEGIN GENERATED DDIs: scripts/gen-wdf-ddis from scripts/wdf-ddis.txt. */

typedef _Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFTIMERCREATE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ PWDF_TIMER_CONFIG Config,
    _In_ PWDF_OBJECT_ATTRIBUTES Attributes,
    _Out_ WDFTIMER *Timer);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfTimerCreate(
    _In_ PWDF_TIMER_CONFIG Config,
    _In_ PWDF_OBJECT_ATTRIBUTES Attributes,
    _Out_ WDFTIMER *Timer)
{
    return ((PFN_WDFTIMERCREATE)WdfFunctions[WdfTimerCreateTableIndex])(WdfDriverGlobals, Config, Attributes, Timer);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI BOOLEAN (NTAPI *PFN_WDFTIMERSTART)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFTIMER Timer,
    _In_ LONGLONG DueTime);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE BOOLEAN WdfTimerStart(
    _In_ WDFTIMER Timer,
    _In_ LONGLONG DueTime)
{
    return ((PFN_WDFTIMERSTART)WdfFunctions[WdfTimerStartTableIndex])(WdfDriverGlobals, Timer, DueTime);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI BOOLEAN (NTAPI *PFN_WDFTIMERSTOP)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFTIMER Timer,
    _In_ BOOLEAN Wait);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE BOOLEAN WdfTimerStop(
    _In_ WDFTIMER Timer,
    _In_ BOOLEAN Wait)
{
    return ((PFN_WDFTIMERSTOP)WdfFunctions[WdfTimerStopTableIndex])(WdfDriverGlobals, Timer, Wait);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI WDFOBJECT (NTAPI *PFN_WDFTIMERGETPARENTOBJECT)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFTIMER Timer);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE WDFOBJECT WdfTimerGetParentObject(
    _In_ WDFTIMER Timer)
{
    return ((PFN_WDFTIMERGETPARENTOBJECT)WdfFunctions[WdfTimerGetParentObjectTableIndex])(WdfDriverGlobals, Timer);
}

/* END GENERATED DDIs */

#endif /* NDISKIT_WDFTIMER_H */
