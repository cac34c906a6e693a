/*
 * wdfminiport.h - KMDF inside an NDIS miniport: the miniport owns the
 * WDM device objects and dispatch table, and creates a framework device on
 * top of them so it can still use queues, timers and I/O targets.
 * Part of <wdf.h>.
 */
#ifndef NDISKIT_WDFMINIPORT_H
#define NDISKIT_WDFMINIPORT_H

#ifndef NDISKIT_WDF_H
#error "include <wdf.h>, not <wdfminiport.h>"
#endif

/* BEGIN GENERATED DDIs: scripts/gen-wdf-ddis from scripts/wdf-ddis.txt. */

typedef _Must_inspect_result_ _IRQL_requires_max_(PASSIVE_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFDEVICEMINIPORTCREATE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFDRIVER Driver,
    _In_opt_ PWDF_OBJECT_ATTRIBUTES Attributes,
    _In_ PDEVICE_OBJECT DeviceObject,
    _In_opt_ PDEVICE_OBJECT AttachedDeviceObject,
    _In_opt_ PDEVICE_OBJECT Pdo,
    _Out_ WDFDEVICE *Device);

_Must_inspect_result_ _IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE NTSTATUS WdfDeviceMiniportCreate(
    _In_ WDFDRIVER Driver,
    _In_opt_ PWDF_OBJECT_ATTRIBUTES Attributes,
    _In_ PDEVICE_OBJECT DeviceObject,
    _In_opt_ PDEVICE_OBJECT AttachedDeviceObject,
    _In_opt_ PDEVICE_OBJECT Pdo,
    _Out_ WDFDEVICE *Device)
{
    return ((PFN_WDFDEVICEMINIPORTCREATE)WdfFunctions[WdfDeviceMiniportCreateTableIndex])(WdfDriverGlobals, Driver, Attributes, DeviceObject, AttachedDeviceObject, Pdo, Device);
}

typedef _IRQL_requires_max_(PASSIVE_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFDRIVERMINIPORTUNLOAD)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFDRIVER Driver);

_IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE VOID WdfDriverMiniportUnload(
    _In_ WDFDRIVER Driver)
{
    ((PFN_WDFDRIVERMINIPORTUNLOAD)WdfFunctions[WdfDriverMiniportUnloadTableIndex])(WdfDriverGlobals, Driver);
}

/* END GENERATED DDIs */

#endif /* NDISKIT_WDFMINIPORT_H */
