/*
 * wdffileobject.h - framework file objects: one per handle a client opened
 * on a device, passed to EvtDeviceFileCreate/EvtFileCleanup/EvtFileClose.
 * Part of <wdf.h>.
 */
#ifndef NDISKIT_WDFFILEOBJECT_H
#define NDISKIT_WDFFILEOBJECT_H

#ifndef NDISKIT_WDF_H
#error "include <wdf.h>, not <wdffileobject.h>"
#endif

/* BEGIN GENERATED DDIs: scripts/gen-wdf-ddis from scripts/wdf-ddis.txt. */

typedef _IRQL_requires_max_(PASSIVE_LEVEL) WDFAPI PUNICODE_STRING (NTAPI *PFN_WDFFILEOBJECTGETFILENAME)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFFILEOBJECT FileObject);

_IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE PUNICODE_STRING WdfFileObjectGetFileName(
    _In_ WDFFILEOBJECT FileObject)
{
    return ((PFN_WDFFILEOBJECTGETFILENAME)WdfFunctions[WdfFileObjectGetFileNameTableIndex])(WdfDriverGlobals, FileObject);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI ULONG (NTAPI *PFN_WDFFILEOBJECTGETFLAGS)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFFILEOBJECT FileObject);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE ULONG WdfFileObjectGetFlags(
    _In_ WDFFILEOBJECT FileObject)
{
    return ((PFN_WDFFILEOBJECTGETFLAGS)WdfFunctions[WdfFileObjectGetFlagsTableIndex])(WdfDriverGlobals, FileObject);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI WDFDEVICE (NTAPI *PFN_WDFFILEOBJECTGETDEVICE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFFILEOBJECT FileObject);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE WDFDEVICE WdfFileObjectGetDevice(
    _In_ WDFFILEOBJECT FileObject)
{
    return ((PFN_WDFFILEOBJECTGETDEVICE)WdfFunctions[WdfFileObjectGetDeviceTableIndex])(WdfDriverGlobals, FileObject);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI PFILE_OBJECT (NTAPI *PFN_WDFFILEOBJECTWDMGETFILEOBJECT)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFFILEOBJECT FileObject);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE PFILE_OBJECT WdfFileObjectWdmGetFileObject(
    _In_ WDFFILEOBJECT FileObject)
{
    return ((PFN_WDFFILEOBJECTWDMGETFILEOBJECT)WdfFunctions[WdfFileObjectWdmGetFileObjectTableIndex])(WdfDriverGlobals, FileObject);
}

#if KMDF_VERSION_MINOR >= 21
typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI ULONG (NTAPI *PFN_WDFFILEOBJECTGETINITIATORPROCESSID)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFFILEOBJECT FileObject);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE ULONG WdfFileObjectGetInitiatorProcessId(
    _In_ WDFFILEOBJECT FileObject)
{
    return ((PFN_WDFFILEOBJECTGETINITIATORPROCESSID)WdfFunctions[WdfFileObjectGetInitiatorProcessIdTableIndex])(WdfDriverGlobals, FileObject);
}
#endif

/* END GENERATED DDIs */

#endif /* NDISKIT_WDFFILEOBJECT_H */
