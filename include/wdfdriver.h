/*
 * wdfdriver.h - the framework driver object.  Part of <wdf.h>.
 *
 * DriverEntry calls WdfDriverCreate once; from then on the framework owns
 * the DRIVER_OBJECT's dispatch table and unload routine.
 */
#ifndef NDISKIT_WDFDRIVER_H
#define NDISKIT_WDFDRIVER_H

#ifndef NDISKIT_WDF_H
#error "include <wdf.h>, not <wdfdriver.h>"
#endif

typedef enum _WDF_DRIVER_INIT_FLAGS {
    WdfDriverInitNonPnpDriver = 0x00000001,     /* no EvtDriverDeviceAdd; control devices only */
    WdfDriverInitNoDispatchOverride = 0x00000002 /* the driver (e.g. a miniport) owns dispatch */
} WDF_DRIVER_INIT_FLAGS;

typedef _Function_class_(EVT_WDF_DRIVER_DEVICE_ADD) _IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS EVT_WDF_DRIVER_DEVICE_ADD(_In_ WDFDRIVER Driver, _Inout_ PWDFDEVICE_INIT DeviceInit);
typedef EVT_WDF_DRIVER_DEVICE_ADD *PFN_WDF_DRIVER_DEVICE_ADD;

typedef _Function_class_(EVT_WDF_DRIVER_UNLOAD) _IRQL_requires_(PASSIVE_LEVEL)
VOID EVT_WDF_DRIVER_UNLOAD(_In_ WDFDRIVER Driver);
typedef EVT_WDF_DRIVER_UNLOAD *PFN_WDF_DRIVER_UNLOAD;

typedef struct _WDF_DRIVER_CONFIG {
    ULONG Size;
    PFN_WDF_DRIVER_DEVICE_ADD EvtDriverDeviceAdd;
    PFN_WDF_DRIVER_UNLOAD EvtDriverUnload;
    ULONG DriverInitFlags;      /* WDF_DRIVER_INIT_FLAGS */
    ULONG DriverPoolTag;        /* 0: the framework derives one from the name */
} WDF_DRIVER_CONFIG, *PWDF_DRIVER_CONFIG;

FORCEINLINE VOID WDF_DRIVER_CONFIG_INIT(_Out_ PWDF_DRIVER_CONFIG Config,
                                        _In_opt_ PFN_WDF_DRIVER_DEVICE_ADD EvtDriverDeviceAdd)
{
    RtlZeroMemory(Config, sizeof(WDF_DRIVER_CONFIG));
    Config->Size = sizeof(WDF_DRIVER_CONFIG);
    Config->EvtDriverDeviceAdd = EvtDriverDeviceAdd;
}

typedef struct _WDF_DRIVER_VERSION_AVAILABLE_PARAMS {
    ULONG Size;
    ULONG MajorVersion;
    ULONG MinorVersion;
} WDF_DRIVER_VERSION_AVAILABLE_PARAMS, *PWDF_DRIVER_VERSION_AVAILABLE_PARAMS;

FORCEINLINE VOID WDF_DRIVER_VERSION_AVAILABLE_PARAMS_INIT(
    _Out_ PWDF_DRIVER_VERSION_AVAILABLE_PARAMS Params, _In_ ULONG MajorVersion,
    _In_ ULONG MinorVersion)
{
    RtlZeroMemory(Params, sizeof(WDF_DRIVER_VERSION_AVAILABLE_PARAMS));
    Params->Size = sizeof(WDF_DRIVER_VERSION_AVAILABLE_PARAMS);
    Params->MajorVersion = MajorVersion;
    Params->MinorVersion = MinorVersion;
}

/* BEGIN GENERATED DDIs: scripts/gen-wdf-ddis from scripts/wdf-ddis.txt. */

typedef _Must_inspect_result_ _IRQL_requires_max_(PASSIVE_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFDRIVERCREATE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ PDRIVER_OBJECT DriverObject,
    _In_ PCUNICODE_STRING RegistryPath,
    _In_opt_ PWDF_OBJECT_ATTRIBUTES DriverAttributes,
    _In_ PWDF_DRIVER_CONFIG DriverConfig,
    _Out_opt_ WDFDRIVER *Driver);

_Must_inspect_result_ _IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE NTSTATUS WdfDriverCreate(
    _In_ PDRIVER_OBJECT DriverObject,
    _In_ PCUNICODE_STRING RegistryPath,
    _In_opt_ PWDF_OBJECT_ATTRIBUTES DriverAttributes,
    _In_ PWDF_DRIVER_CONFIG DriverConfig,
    _Out_opt_ WDFDRIVER *Driver)
{
    return ((PFN_WDFDRIVERCREATE)WdfFunctions[WdfDriverCreateTableIndex])(WdfDriverGlobals, DriverObject, RegistryPath, DriverAttributes, DriverConfig, Driver);
}

typedef _IRQL_requires_max_(PASSIVE_LEVEL) WDFAPI PWSTR (NTAPI *PFN_WDFDRIVERGETREGISTRYPATH)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFDRIVER Driver);

_IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE PWSTR WdfDriverGetRegistryPath(
    _In_ WDFDRIVER Driver)
{
    return ((PFN_WDFDRIVERGETREGISTRYPATH)WdfFunctions[WdfDriverGetRegistryPathTableIndex])(WdfDriverGlobals, Driver);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI PDRIVER_OBJECT (NTAPI *PFN_WDFDRIVERWDMGETDRIVEROBJECT)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFDRIVER Driver);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE PDRIVER_OBJECT WdfDriverWdmGetDriverObject(
    _In_ WDFDRIVER Driver)
{
    return ((PFN_WDFDRIVERWDMGETDRIVEROBJECT)WdfFunctions[WdfDriverWdmGetDriverObjectTableIndex])(WdfDriverGlobals, Driver);
}

typedef _Must_inspect_result_ _IRQL_requires_max_(PASSIVE_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFDRIVEROPENPARAMETERSREGISTRYKEY)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFDRIVER Driver,
    _In_ ACCESS_MASK DesiredAccess,
    _In_opt_ PWDF_OBJECT_ATTRIBUTES KeyAttributes,
    _Out_ WDFKEY *Key);

_Must_inspect_result_ _IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE NTSTATUS WdfDriverOpenParametersRegistryKey(
    _In_ WDFDRIVER Driver,
    _In_ ACCESS_MASK DesiredAccess,
    _In_opt_ PWDF_OBJECT_ATTRIBUTES KeyAttributes,
    _Out_ WDFKEY *Key)
{
    return ((PFN_WDFDRIVEROPENPARAMETERSREGISTRYKEY)WdfFunctions[WdfDriverOpenParametersRegistryKeyTableIndex])(WdfDriverGlobals, Driver, DesiredAccess, KeyAttributes, Key);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI WDFDRIVER (NTAPI *PFN_WDFWDMDRIVERGETWDFDRIVERHANDLE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ PDRIVER_OBJECT DriverObject);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE WDFDRIVER WdfWdmDriverGetWdfDriverHandle(
    _In_ PDRIVER_OBJECT DriverObject)
{
    return ((PFN_WDFWDMDRIVERGETWDFDRIVERHANDLE)WdfFunctions[WdfWdmDriverGetWdfDriverHandleTableIndex])(WdfDriverGlobals, DriverObject);
}

typedef _Must_inspect_result_ _IRQL_requires_max_(PASSIVE_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFDRIVERRETRIEVEVERSIONSTRING)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFDRIVER Driver,
    _In_ WDFSTRING String);

_Must_inspect_result_ _IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE NTSTATUS WdfDriverRetrieveVersionString(
    _In_ WDFDRIVER Driver,
    _In_ WDFSTRING String)
{
    return ((PFN_WDFDRIVERRETRIEVEVERSIONSTRING)WdfFunctions[WdfDriverRetrieveVersionStringTableIndex])(WdfDriverGlobals, Driver, String);
}

typedef _IRQL_requires_max_(PASSIVE_LEVEL) WDFAPI BOOLEAN (NTAPI *PFN_WDFDRIVERISVERSIONAVAILABLE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFDRIVER Driver,
    _In_ PWDF_DRIVER_VERSION_AVAILABLE_PARAMS VersionAvailableParams);

_IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE BOOLEAN WdfDriverIsVersionAvailable(
    _In_ WDFDRIVER Driver,
    _In_ PWDF_DRIVER_VERSION_AVAILABLE_PARAMS VersionAvailableParams)
{
    return ((PFN_WDFDRIVERISVERSIONAVAILABLE)WdfFunctions[WdfDriverIsVersionAvailableTableIndex])(WdfDriverGlobals, Driver, VersionAvailableParams);
}

#if KMDF_VERSION_MINOR >= 25
typedef _Must_inspect_result_ _IRQL_requires_max_(PASSIVE_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFDRIVEROPENPERSISTENTSTATEREGISTRYKEY)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFDRIVER Driver,
    _In_ ACCESS_MASK DesiredAccess,
    _In_opt_ PWDF_OBJECT_ATTRIBUTES KeyAttributes,
    _Out_ WDFKEY *Key);

_Must_inspect_result_ _IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE NTSTATUS WdfDriverOpenPersistentStateRegistryKey(
    _In_ WDFDRIVER Driver,
    _In_ ACCESS_MASK DesiredAccess,
    _In_opt_ PWDF_OBJECT_ATTRIBUTES KeyAttributes,
    _Out_ WDFKEY *Key)
{
    return ((PFN_WDFDRIVEROPENPERSISTENTSTATEREGISTRYKEY)WdfFunctions[WdfDriverOpenPersistentStateRegistryKeyTableIndex])(WdfDriverGlobals, Driver, DesiredAccess, KeyAttributes, Key);
}
#endif

/* END GENERATED DDIs */

/* The driver's framework object, without a table call. */
FORCEINLINE WDFDRIVER WdfGetDriver(VOID)
{
    return WdfDriverGlobals->Driver;
}

#endif /* NDISKIT_WDFDRIVER_H */
