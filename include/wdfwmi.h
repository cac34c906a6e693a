/*
 * wdfwmi.h - WMI data providers and their instances.  A driver describes a
 * provider (its GUID and flags) and instances that answer WMI queries,
 * sets and method calls.  Part of <wdf.h>.
 */
#ifndef NDISKIT_WDFWMI_H
#define NDISKIT_WDFWMI_H

#ifndef NDISKIT_WDF_H
#error "include <wdf.h>, not <wdfwmi.h>"
#endif

typedef enum _WDF_WMI_PROVIDER_CONTROL {
    WdfWmiControlInvalid = 0,
    WdfWmiEventControl,
    WdfWmiInstanceControl
} WDF_WMI_PROVIDER_CONTROL;

typedef enum _WDF_WMI_PROVIDER_FLAGS {
    WdfWmiProviderEventOnly = 0x0001,
    WdfWmiProviderExpensive = 0x0002,
    WdfWmiProviderTracing = 0x0004,
    WdfWmiProviderValidFlags = WdfWmiProviderEventOnly | WdfWmiProviderExpensive | WdfWmiProviderTracing
} WDF_WMI_PROVIDER_FLAGS;

typedef _Function_class_(EVT_WDF_WMI_PROVIDER_FUNCTION_CONTROL) _IRQL_requires_max_(PASSIVE_LEVEL)
NTSTATUS EVT_WDF_WMI_PROVIDER_FUNCTION_CONTROL(_In_ WDFWMIPROVIDER WmiProvider,
                                               _In_ WDF_WMI_PROVIDER_CONTROL Control, _In_ BOOLEAN Enable);
typedef EVT_WDF_WMI_PROVIDER_FUNCTION_CONTROL *PFN_WDF_WMI_PROVIDER_FUNCTION_CONTROL;

typedef _Function_class_(EVT_WDF_WMI_INSTANCE_QUERY_INSTANCE) _IRQL_requires_max_(PASSIVE_LEVEL)
NTSTATUS EVT_WDF_WMI_INSTANCE_QUERY_INSTANCE(_In_ WDFWMIINSTANCE WmiInstance, _In_ ULONG OutBufferSize,
                                             _Out_writes_bytes_to_(OutBufferSize, *BufferUsed) PVOID OutBuffer,
                                             _Out_ PULONG BufferUsed);
typedef EVT_WDF_WMI_INSTANCE_QUERY_INSTANCE *PFN_WDF_WMI_INSTANCE_QUERY_INSTANCE;

typedef _Function_class_(EVT_WDF_WMI_INSTANCE_SET_INSTANCE) _IRQL_requires_max_(PASSIVE_LEVEL)
NTSTATUS EVT_WDF_WMI_INSTANCE_SET_INSTANCE(_In_ WDFWMIINSTANCE WmiInstance, _In_ ULONG InBufferSize,
                                           _In_reads_bytes_(InBufferSize) PVOID InBuffer);
typedef EVT_WDF_WMI_INSTANCE_SET_INSTANCE *PFN_WDF_WMI_INSTANCE_SET_INSTANCE;

typedef _Function_class_(EVT_WDF_WMI_INSTANCE_SET_ITEM) _IRQL_requires_max_(PASSIVE_LEVEL)
NTSTATUS EVT_WDF_WMI_INSTANCE_SET_ITEM(_In_ WDFWMIINSTANCE WmiInstance, _In_ ULONG DataItemId,
                                       _In_ ULONG InBufferSize, _In_reads_bytes_(InBufferSize) PVOID InBuffer);
typedef EVT_WDF_WMI_INSTANCE_SET_ITEM *PFN_WDF_WMI_INSTANCE_SET_ITEM;

typedef _Function_class_(EVT_WDF_WMI_INSTANCE_EXECUTE_METHOD) _IRQL_requires_max_(PASSIVE_LEVEL)
NTSTATUS EVT_WDF_WMI_INSTANCE_EXECUTE_METHOD(_In_ WDFWMIINSTANCE WmiInstance, _In_ ULONG MethodId,
                                             _In_ ULONG InBufferSize, _In_ ULONG OutBufferSize,
                                             _When_(InBufferSize >= OutBufferSize, _Inout_updates_bytes_(InBufferSize))
                                             _When_(InBufferSize < OutBufferSize, _Inout_updates_bytes_(OutBufferSize))
                                             PVOID Buffer,
                                             _Out_ PULONG BufferUsed);
typedef EVT_WDF_WMI_INSTANCE_EXECUTE_METHOD *PFN_WDF_WMI_INSTANCE_EXECUTE_METHOD;

typedef struct _WDF_WMI_PROVIDER_CONFIG {
    ULONG Size;
    GUID Guid;
    ULONG Flags;                        /* WDF_WMI_PROVIDER_FLAGS */
    ULONG MinInstanceBufferSize;
    PFN_WDF_WMI_PROVIDER_FUNCTION_CONTROL EvtWmiProviderFunctionControl;
} WDF_WMI_PROVIDER_CONFIG, *PWDF_WMI_PROVIDER_CONFIG;

FORCEINLINE VOID WDF_WMI_PROVIDER_CONFIG_INIT(_Out_ PWDF_WMI_PROVIDER_CONFIG Config, _In_ CONST GUID *Guid)
{
    RtlZeroMemory(Config, sizeof(WDF_WMI_PROVIDER_CONFIG));
    Config->Size = sizeof(WDF_WMI_PROVIDER_CONFIG);
    RtlCopyMemory(&Config->Guid, Guid, sizeof(GUID));
}

typedef struct _WDF_WMI_INSTANCE_CONFIG {
    ULONG Size;
    WDFWMIPROVIDER Provider;            /* this, or ProviderConfig for a new provider */
    PWDF_WMI_PROVIDER_CONFIG ProviderConfig;
    BOOLEAN UseContextForQuery;
    BOOLEAN Register;
    PFN_WDF_WMI_INSTANCE_QUERY_INSTANCE EvtWmiInstanceQueryInstance;
    PFN_WDF_WMI_INSTANCE_SET_INSTANCE EvtWmiInstanceSetInstance;
    PFN_WDF_WMI_INSTANCE_SET_ITEM EvtWmiInstanceSetItem;
    PFN_WDF_WMI_INSTANCE_EXECUTE_METHOD EvtWmiInstanceExecuteMethod;
} WDF_WMI_INSTANCE_CONFIG, *PWDF_WMI_INSTANCE_CONFIG;

FORCEINLINE VOID WDF_WMI_INSTANCE_CONFIG_INIT_PROVIDER(_Out_ PWDF_WMI_INSTANCE_CONFIG Config,
                                                       _In_ WDFWMIPROVIDER Provider)
{
    RtlZeroMemory(Config, sizeof(WDF_WMI_INSTANCE_CONFIG));
    Config->Size = sizeof(WDF_WMI_INSTANCE_CONFIG);
    Config->Provider = Provider;
}

FORCEINLINE VOID WDF_WMI_INSTANCE_CONFIG_INIT_PROVIDER_CONFIG(_Out_ PWDF_WMI_INSTANCE_CONFIG Config,
                                                              _In_ PWDF_WMI_PROVIDER_CONFIG ProviderConfig)
{
    RtlZeroMemory(Config, sizeof(WDF_WMI_INSTANCE_CONFIG));
    Config->Size = sizeof(WDF_WMI_INSTANCE_CONFIG);
    Config->ProviderConfig = ProviderConfig;
}

/* BEGIN GENERATED DDIs: scripts/gen-wdf-ddis from scripts/wdf-ddis.txt. */

typedef _Must_inspect_result_ _IRQL_requires_max_(PASSIVE_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFWMIPROVIDERCREATE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFDEVICE Device,
    _In_ PWDF_WMI_PROVIDER_CONFIG WmiProviderConfig,
    _In_opt_ PWDF_OBJECT_ATTRIBUTES ProviderAttributes,
    _Out_ WDFWMIPROVIDER *WmiProvider);

_Must_inspect_result_ _IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE NTSTATUS WdfWmiProviderCreate(
    _In_ WDFDEVICE Device,
    _In_ PWDF_WMI_PROVIDER_CONFIG WmiProviderConfig,
    _In_opt_ PWDF_OBJECT_ATTRIBUTES ProviderAttributes,
    _Out_ WDFWMIPROVIDER *WmiProvider)
{
    return ((PFN_WDFWMIPROVIDERCREATE)WdfFunctions[WdfWmiProviderCreateTableIndex])(WdfDriverGlobals, Device, WmiProviderConfig, ProviderAttributes, WmiProvider);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI WDFDEVICE (NTAPI *PFN_WDFWMIPROVIDERGETDEVICE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFWMIPROVIDER WmiProvider);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE WDFDEVICE WdfWmiProviderGetDevice(
    _In_ WDFWMIPROVIDER WmiProvider)
{
    return ((PFN_WDFWMIPROVIDERGETDEVICE)WdfFunctions[WdfWmiProviderGetDeviceTableIndex])(WdfDriverGlobals, WmiProvider);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI BOOLEAN (NTAPI *PFN_WDFWMIPROVIDERISENABLED)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFWMIPROVIDER WmiProvider,
    _In_ WDF_WMI_PROVIDER_CONTROL ProviderControl);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE BOOLEAN WdfWmiProviderIsEnabled(
    _In_ WDFWMIPROVIDER WmiProvider,
    _In_ WDF_WMI_PROVIDER_CONTROL ProviderControl)
{
    return ((PFN_WDFWMIPROVIDERISENABLED)WdfFunctions[WdfWmiProviderIsEnabledTableIndex])(WdfDriverGlobals, WmiProvider, ProviderControl);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI ULONGLONG (NTAPI *PFN_WDFWMIPROVIDERGETTRACINGHANDLE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFWMIPROVIDER WmiProvider);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE ULONGLONG WdfWmiProviderGetTracingHandle(
    _In_ WDFWMIPROVIDER WmiProvider)
{
    return ((PFN_WDFWMIPROVIDERGETTRACINGHANDLE)WdfFunctions[WdfWmiProviderGetTracingHandleTableIndex])(WdfDriverGlobals, WmiProvider);
}

typedef _Must_inspect_result_ _IRQL_requires_max_(PASSIVE_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFWMIINSTANCECREATE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFDEVICE Device,
    _In_ PWDF_WMI_INSTANCE_CONFIG InstanceConfig,
    _In_opt_ PWDF_OBJECT_ATTRIBUTES InstanceAttributes,
    _Out_opt_ WDFWMIINSTANCE *Instance);

_Must_inspect_result_ _IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE NTSTATUS WdfWmiInstanceCreate(
    _In_ WDFDEVICE Device,
    _In_ PWDF_WMI_INSTANCE_CONFIG InstanceConfig,
    _In_opt_ PWDF_OBJECT_ATTRIBUTES InstanceAttributes,
    _Out_opt_ WDFWMIINSTANCE *Instance)
{
    return ((PFN_WDFWMIINSTANCECREATE)WdfFunctions[WdfWmiInstanceCreateTableIndex])(WdfDriverGlobals, Device, InstanceConfig, InstanceAttributes, Instance);
}

typedef _Must_inspect_result_ _IRQL_requires_max_(PASSIVE_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFWMIINSTANCEREGISTER)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFWMIINSTANCE WmiInstance);

_Must_inspect_result_ _IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE NTSTATUS WdfWmiInstanceRegister(
    _In_ WDFWMIINSTANCE WmiInstance)
{
    return ((PFN_WDFWMIINSTANCEREGISTER)WdfFunctions[WdfWmiInstanceRegisterTableIndex])(WdfDriverGlobals, WmiInstance);
}

typedef _IRQL_requires_max_(PASSIVE_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFWMIINSTANCEDEREGISTER)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFWMIINSTANCE WmiInstance);

_IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE VOID WdfWmiInstanceDeregister(
    _In_ WDFWMIINSTANCE WmiInstance)
{
    ((PFN_WDFWMIINSTANCEDEREGISTER)WdfFunctions[WdfWmiInstanceDeregisterTableIndex])(WdfDriverGlobals, WmiInstance);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI WDFDEVICE (NTAPI *PFN_WDFWMIINSTANCEGETDEVICE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFWMIINSTANCE WmiInstance);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE WDFDEVICE WdfWmiInstanceGetDevice(
    _In_ WDFWMIINSTANCE WmiInstance)
{
    return ((PFN_WDFWMIINSTANCEGETDEVICE)WdfFunctions[WdfWmiInstanceGetDeviceTableIndex])(WdfDriverGlobals, WmiInstance);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI WDFWMIPROVIDER (NTAPI *PFN_WDFWMIINSTANCEGETPROVIDER)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFWMIINSTANCE WmiInstance);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE WDFWMIPROVIDER WdfWmiInstanceGetProvider(
    _In_ WDFWMIINSTANCE WmiInstance)
{
    return ((PFN_WDFWMIINSTANCEGETPROVIDER)WdfFunctions[WdfWmiInstanceGetProviderTableIndex])(WdfDriverGlobals, WmiInstance);
}

typedef _Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFWMIINSTANCEFIREEVENT)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFWMIINSTANCE WmiInstance,
    _In_opt_ ULONG EventDataSize,
    _In_reads_bytes_opt_(EventDataSize) PVOID EventData);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfWmiInstanceFireEvent(
    _In_ WDFWMIINSTANCE WmiInstance,
    _In_opt_ ULONG EventDataSize,
    _In_reads_bytes_opt_(EventDataSize) PVOID EventData)
{
    return ((PFN_WDFWMIINSTANCEFIREEVENT)WdfFunctions[WdfWmiInstanceFireEventTableIndex])(WdfDriverGlobals, WmiInstance, EventDataSize, EventData);
}

/* END GENERATED DDIs */

#endif /* NDISKIT_WDFWMI_H */
