/*
 * wdfcontrol.h - control devices: named, non-PnP devices a driver creates
 * itself (ndisprot's \Device\Ndisprot is one).  Part of <wdf.h>.
 *
 * Sequence: WdfControlDeviceInitAllocate, WdfDeviceInitXxx settings,
 * WdfDeviceCreate, WdfDeviceCreateSymbolicLink, queues, then
 * WdfControlFinishInitializing - until then the device rejects opens.
 */
#ifndef NDISKIT_WDFCONTROL_H
#define NDISKIT_WDFCONTROL_H

#ifndef NDISKIT_WDF_H
#error "include <wdf.h>, not <wdfcontrol.h>"
#endif

typedef enum _WDF_DEVICE_SHUTDOWN_FLAGS {
    WdfDeviceShutdown = 0x01,
    WdfDeviceLastChanceShutdown = 0x02
} WDF_DEVICE_SHUTDOWN_FLAGS;

typedef _Function_class_(EVT_WDF_DEVICE_SHUTDOWN_NOTIFICATION) _IRQL_requires_max_(PASSIVE_LEVEL)
VOID EVT_WDF_DEVICE_SHUTDOWN_NOTIFICATION(_In_ WDFDEVICE Device);
typedef EVT_WDF_DEVICE_SHUTDOWN_NOTIFICATION *PFN_WDF_DEVICE_SHUTDOWN_NOTIFICATION;

/* BEGIN GENERATED DDIs: scripts/gen-wdf-ddis from scripts/wdf-ddis.txt. */

typedef _IRQL_requires_max_(PASSIVE_LEVEL) WDFAPI PWDFDEVICE_INIT (NTAPI *PFN_WDFCONTROLDEVICEINITALLOCATE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFDRIVER Driver,
    _In_ CONST UNICODE_STRING *SDDLString);

_IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE PWDFDEVICE_INIT WdfControlDeviceInitAllocate(
    _In_ WDFDRIVER Driver,
    _In_ CONST UNICODE_STRING *SDDLString)
{
    return ((PFN_WDFCONTROLDEVICEINITALLOCATE)WdfFunctions[WdfControlDeviceInitAllocateTableIndex])(WdfDriverGlobals, Driver, SDDLString);
}

typedef _IRQL_requires_max_(PASSIVE_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFCONTROLDEVICEINITSETSHUTDOWNNOTIFICATION)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ PWDFDEVICE_INIT DeviceInit,
    _In_ PFN_WDF_DEVICE_SHUTDOWN_NOTIFICATION Notification,
    _In_ UCHAR Flags);

_IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE VOID WdfControlDeviceInitSetShutdownNotification(
    _In_ PWDFDEVICE_INIT DeviceInit,
    _In_ PFN_WDF_DEVICE_SHUTDOWN_NOTIFICATION Notification,
    _In_ UCHAR Flags)
{
    ((PFN_WDFCONTROLDEVICEINITSETSHUTDOWNNOTIFICATION)WdfFunctions[WdfControlDeviceInitSetShutdownNotificationTableIndex])(WdfDriverGlobals, DeviceInit, Notification, Flags);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFCONTROLFINISHINITIALIZING)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFDEVICE Device);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfControlFinishInitializing(
    _In_ WDFDEVICE Device)
{
    ((PFN_WDFCONTROLFINISHINITIALIZING)WdfFunctions[WdfControlFinishInitializingTableIndex])(WdfDriverGlobals, Device);
}

/* END GENERATED DDIs */

#endif /* NDISKIT_WDFCONTROL_H */
