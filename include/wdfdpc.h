/*
 * wdfdpc.h - framework DPCs.  Part of <wdf.h>.
 */
#ifndef NDISKIT_WDFDPC_H
#define NDISKIT_WDFDPC_H

#ifndef NDISKIT_WDF_H
#error "include <wdf.h>, not <wdfdpc.h>"
#endif

typedef _Function_class_(EVT_WDF_DPC) _IRQL_requires_(DISPATCH_LEVEL)
VOID EVT_WDF_DPC(_In_ WDFDPC Dpc);
typedef EVT_WDF_DPC *PFN_WDF_DPC;

typedef struct _WDF_DPC_CONFIG {
    ULONG Size;
    PFN_WDF_DPC EvtDpcFunc;
    BOOLEAN AutomaticSerialization;
} WDF_DPC_CONFIG, *PWDF_DPC_CONFIG;

FORCEINLINE VOID WDF_DPC_CONFIG_INIT(_Out_ PWDF_DPC_CONFIG Config, _In_ PFN_WDF_DPC EvtDpcFunc)
{
    RtlZeroMemory(Config, sizeof(WDF_DPC_CONFIG));
    Config->Size = sizeof(WDF_DPC_CONFIG);
    Config->EvtDpcFunc = EvtDpcFunc;
    Config->AutomaticSerialization = TRUE;
}

/* BEGIN GENERATED DDIs: scripts/gen-wdf-ddis from scripts/wdf-ddis.txt. */

typedef _Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFDPCCREATE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ PWDF_DPC_CONFIG Config,
    _In_ PWDF_OBJECT_ATTRIBUTES Attributes,
    _Out_ WDFDPC *Dpc);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfDpcCreate(
    _In_ PWDF_DPC_CONFIG Config,
    _In_ PWDF_OBJECT_ATTRIBUTES Attributes,
    _Out_ WDFDPC *Dpc)
{
    return ((PFN_WDFDPCCREATE)WdfFunctions[WdfDpcCreateTableIndex])(WdfDriverGlobals, Config, Attributes, Dpc);
}

typedef _IRQL_requires_max_(HIGH_LEVEL) WDFAPI BOOLEAN (NTAPI *PFN_WDFDPCENQUEUE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFDPC Dpc);

_IRQL_requires_max_(HIGH_LEVEL)
FORCEINLINE BOOLEAN WdfDpcEnqueue(
    _In_ WDFDPC Dpc)
{
    return ((PFN_WDFDPCENQUEUE)WdfFunctions[WdfDpcEnqueueTableIndex])(WdfDriverGlobals, Dpc);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI BOOLEAN (NTAPI *PFN_WDFDPCCANCEL)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFDPC Dpc,
    _In_ BOOLEAN Wait);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE BOOLEAN WdfDpcCancel(
    _In_ WDFDPC Dpc,
    _In_ BOOLEAN Wait)
{
    return ((PFN_WDFDPCCANCEL)WdfFunctions[WdfDpcCancelTableIndex])(WdfDriverGlobals, Dpc, Wait);
}

typedef _IRQL_requires_max_(HIGH_LEVEL) WDFAPI WDFOBJECT (NTAPI *PFN_WDFDPCGETPARENTOBJECT)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFDPC Dpc);

_IRQL_requires_max_(HIGH_LEVEL)
FORCEINLINE WDFOBJECT WdfDpcGetParentObject(
    _In_ WDFDPC Dpc)
{
    return ((PFN_WDFDPCGETPARENTOBJECT)WdfFunctions[WdfDpcGetParentObjectTableIndex])(WdfDriverGlobals, Dpc);
}

typedef _IRQL_requires_max_(HIGH_LEVEL) WDFAPI PKDPC (NTAPI *PFN_WDFDPCWDMGETDPC)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFDPC Dpc);

_IRQL_requires_max_(HIGH_LEVEL)
FORCEINLINE PKDPC WdfDpcWdmGetDpc(
    _In_ WDFDPC Dpc)
{
    return ((PFN_WDFDPCWDMGETDPC)WdfFunctions[WdfDpcWdmGetDpcTableIndex])(WdfDriverGlobals, Dpc);
}

/* END GENERATED DDIs */

#endif /* NDISKIT_WDFDPC_H */
