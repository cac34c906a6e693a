/*
 * wdfworkitem.h - framework work items: run a callback at PASSIVE_LEVEL in
 * a system worker thread.  Part of <wdf.h>.
 */
#ifndef NDISKIT_WDFWORKITEM_H
#define NDISKIT_WDFWORKITEM_H

#ifndef NDISKIT_WDF_H
#error "include <wdf.h>, not <wdfworkitem.h>"
#endif

typedef _Function_class_(EVT_WDF_WORKITEM) _IRQL_requires_(PASSIVE_LEVEL)
VOID EVT_WDF_WORKITEM(_In_ WDFWORKITEM WorkItem);
typedef EVT_WDF_WORKITEM *PFN_WDF_WORKITEM;

typedef struct _WDF_WORKITEM_CONFIG {
    ULONG Size;
    PFN_WDF_WORKITEM EvtWorkItemFunc;
    BOOLEAN AutomaticSerialization;
} WDF_WORKITEM_CONFIG, *PWDF_WORKITEM_CONFIG;

FORCEINLINE VOID WDF_WORKITEM_CONFIG_INIT(_Out_ PWDF_WORKITEM_CONFIG Config,
                                          _In_ PFN_WDF_WORKITEM EvtWorkItemFunc)
{
    RtlZeroMemory(Config, sizeof(WDF_WORKITEM_CONFIG));
    Config->Size = sizeof(WDF_WORKITEM_CONFIG);
    Config->EvtWorkItemFunc = EvtWorkItemFunc;
    Config->AutomaticSerialization = TRUE;
}

/* BEGIN GENERATED DDIs: scripts/gen-wdf-ddis from scripts/wdf-ddis.txt. */

typedef _Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFWORKITEMCREATE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ PWDF_WORKITEM_CONFIG Config,
    _In_ PWDF_OBJECT_ATTRIBUTES Attributes,
    _Out_ WDFWORKITEM *WorkItem);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfWorkItemCreate(
    _In_ PWDF_WORKITEM_CONFIG Config,
    _In_ PWDF_OBJECT_ATTRIBUTES Attributes,
    _Out_ WDFWORKITEM *WorkItem)
{
    return ((PFN_WDFWORKITEMCREATE)WdfFunctions[WdfWorkItemCreateTableIndex])(WdfDriverGlobals, Config, Attributes, WorkItem);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFWORKITEMENQUEUE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFWORKITEM WorkItem);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfWorkItemEnqueue(
    _In_ WDFWORKITEM WorkItem)
{
    ((PFN_WDFWORKITEMENQUEUE)WdfFunctions[WdfWorkItemEnqueueTableIndex])(WdfDriverGlobals, WorkItem);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI WDFOBJECT (NTAPI *PFN_WDFWORKITEMGETPARENTOBJECT)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFWORKITEM WorkItem);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE WDFOBJECT WdfWorkItemGetParentObject(
    _In_ WDFWORKITEM WorkItem)
{
    return ((PFN_WDFWORKITEMGETPARENTOBJECT)WdfFunctions[WdfWorkItemGetParentObjectTableIndex])(WdfDriverGlobals, WorkItem);
}

typedef _IRQL_requires_max_(PASSIVE_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFWORKITEMFLUSH)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFWORKITEM WorkItem);

_IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE VOID WdfWorkItemFlush(
    _In_ WDFWORKITEM WorkItem)
{
    ((PFN_WDFWORKITEMFLUSH)WdfFunctions[WdfWorkItemFlushTableIndex])(WdfDriverGlobals, WorkItem);
}

/* END GENERATED DDIs */

#endif /* NDISKIT_WDFWORKITEM_H */
