/*
 * wmi.c - WDFWMIPROVIDER and WDFWMIINSTANCE.  The host has no WMI service:
 * providers and instances are real framework objects (parented, deleted,
 * with contexts, checked like any other) and each registration or event
 * is a log line, but no WMI client ever queries, sets or enables them.
 */
#include "kmdf_internal.h"

typedef struct _NK_WDF_WMI_PROVIDER {
    NK_WDF_OBJECT Object;
    NK_WDF_DEVICE *Device;
    WDF_WMI_PROVIDER_CONFIG Config;
} NK_WDF_WMI_PROVIDER;

typedef struct _NK_WDF_WMI_INSTANCE {
    NK_WDF_OBJECT Object;
    NK_WDF_WMI_PROVIDER *Provider;
    WDF_WMI_INSTANCE_CONFIG Config;
    BOOLEAN Registered;
} NK_WDF_WMI_INSTANCE;

static VOID LogGuid(const char *What, const GUID *g)
{
    DbgPrint("ndiskit host: WMI %s {%08lx-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x} (no WMI service on the host: "
             "never queried)\n", What, (unsigned long)g->Data1, g->Data2, g->Data3, g->Data4[0], g->Data4[1],
             g->Data4[2], g->Data4[3], g->Data4[4], g->Data4[5], g->Data4[6], g->Data4[7]);
}

static NK_WDF_WMI_PROVIDER *ProviderOf(WDFWMIPROVIDER Handle, const char *Ddi)
{
    return (NK_WDF_WMI_PROVIDER *)NkWdfLookupType((WDFOBJECT)Handle, NkWdfTypeWmiProvider, "WDFWMIPROVIDER", Ddi);
}

static NK_WDF_WMI_INSTANCE *InstanceOf(WDFWMIINSTANCE Handle, const char *Ddi)
{
    return (NK_WDF_WMI_INSTANCE *)NkWdfLookupType((WDFOBJECT)Handle, NkWdfTypeWmiInstance, "WDFWMIINSTANCE", Ddi);
}

static NTSTATUS CreateProvider(NK_WDF_OBJECT *Device, PWDF_WMI_PROVIDER_CONFIG Config,
                               PWDF_OBJECT_ATTRIBUTES Attributes, NK_WDF_WMI_PROVIDER **Provider, const char *Ddi)
{
    NK_WDF_OBJECT *o;
    NTSTATUS status;
    *Provider = NULL;
    if (Config == NULL || Config->Size != sizeof(WDF_WMI_PROVIDER_CONFIG) ||
        (Config->Flags & ~(ULONG)WdfWmiProviderValidFlags) != 0) {
        NkHostViolation("wdf.bad-config", "%s: WDF_WMI_PROVIDER_CONFIG not initialised or with unknown flags", Ddi);
        return STATUS_INVALID_PARAMETER;
    }
    status = NkWdfCreate(sizeof(NK_WDF_WMI_PROVIDER), NkWdfTypeWmiProvider, Attributes, Device, &o);
    if (!NT_SUCCESS(status))
        return status;
    ((NK_WDF_WMI_PROVIDER *)o)->Device = (NK_WDF_DEVICE *)Device;
    ((NK_WDF_WMI_PROVIDER *)o)->Config = *Config;
    LogGuid("provider created", &Config->Guid);
    *Provider = (NK_WDF_WMI_PROVIDER *)o;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI NkWdfWmiProviderCreate(PWDF_DRIVER_GLOBALS Globals, WDFDEVICE Device,
                                             PWDF_WMI_PROVIDER_CONFIG WmiProviderConfig,
                                             PWDF_OBJECT_ATTRIBUTES ProviderAttributes, WDFWMIPROVIDER *WmiProvider)
{
    NK_WDF_OBJECT *d = NkWdfLookupType((WDFOBJECT)Device, NkWdfTypeDevice, "WDFDEVICE", "WdfWmiProviderCreate");
    NK_WDF_WMI_PROVIDER *p;
    NTSTATUS status;
    (void)Globals;
    *WmiProvider = NULL;
    if (d == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "WdfWmiProviderCreate"))
        return STATUS_INVALID_DEVICE_STATE;
    status = CreateProvider(d, WmiProviderConfig, ProviderAttributes, &p, "WdfWmiProviderCreate");
    if (NT_SUCCESS(status))
        *WmiProvider = (WDFWMIPROVIDER)p;
    return status;
}

static WDFDEVICE NTAPI NkWdfWmiProviderGetDevice(PWDF_DRIVER_GLOBALS Globals, WDFWMIPROVIDER WmiProvider)
{
    NK_WDF_WMI_PROVIDER *p = ProviderOf(WmiProvider, "WdfWmiProviderGetDevice");
    (void)Globals;
    return p != NULL ? (WDFDEVICE)p->Device : NULL;
}

/* No WMI client ever enables collection or events on the host. */
static BOOLEAN NTAPI NkWdfWmiProviderIsEnabled(PWDF_DRIVER_GLOBALS Globals, WDFWMIPROVIDER WmiProvider,
                                               WDF_WMI_PROVIDER_CONTROL ProviderControl)
{
    (void)Globals;
    (void)ProviderControl;
    (void)ProviderOf(WmiProvider, "WdfWmiProviderIsEnabled");
    return FALSE;
}

static ULONGLONG NTAPI NkWdfWmiProviderGetTracingHandle(PWDF_DRIVER_GLOBALS Globals, WDFWMIPROVIDER WmiProvider)
{
    (void)Globals;
    (void)ProviderOf(WmiProvider, "WdfWmiProviderGetTracingHandle");
    return 0; /* tracing is never enabled */
}

static NTSTATUS NTAPI NkWdfWmiInstanceRegister(PWDF_DRIVER_GLOBALS Globals, WDFWMIINSTANCE WmiInstance);

static NTSTATUS NTAPI NkWdfWmiInstanceCreate(PWDF_DRIVER_GLOBALS Globals, WDFDEVICE Device,
                                             PWDF_WMI_INSTANCE_CONFIG InstanceConfig,
                                             PWDF_OBJECT_ATTRIBUTES InstanceAttributes, WDFWMIINSTANCE *Instance)
{
    NK_WDF_OBJECT *d = NkWdfLookupType((WDFOBJECT)Device, NkWdfTypeDevice, "WDFDEVICE", "WdfWmiInstanceCreate");
    NK_WDF_WMI_PROVIDER *p = NULL;
    NK_WDF_OBJECT *o;
    PWDF_WMI_INSTANCE_CONFIG c = InstanceConfig;
    NTSTATUS status;

    if (Instance != NULL)
        *Instance = NULL;
    if (d == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "WdfWmiInstanceCreate"))
        return STATUS_INVALID_DEVICE_STATE;
    if (c == NULL || c->Size != sizeof(WDF_WMI_INSTANCE_CONFIG) || (c->Provider == NULL) == (c->ProviderConfig == NULL) ||
        (c->UseContextForQuery && (c->EvtWmiInstanceSetInstance != NULL || c->EvtWmiInstanceSetItem != NULL))) {
        /* Documented: exactly one of Provider and ProviderConfig; context-backed data is read-only. */
        NkHostViolation("wdf.bad-config", "WdfWmiInstanceCreate: WDF_WMI_INSTANCE_CONFIG not initialised, with both "
                        "or neither of Provider/ProviderConfig, or writable context data");
        return STATUS_INVALID_PARAMETER;
    }
    if (InstanceAttributes != NULL && InstanceAttributes->ParentObject != NULL) {
        NkHostViolation("wdf.bad-attributes", "WdfWmiInstanceCreate: the instance's parent is its provider");
        return STATUS_INVALID_PARAMETER;
    }
    if (c->Provider != NULL) {
        p = ProviderOf(c->Provider, "WdfWmiInstanceCreate");
        if (p == NULL)
            return STATUS_INVALID_PARAMETER;
    } else {
        status = CreateProvider(d, c->ProviderConfig, NULL, &p, "WdfWmiInstanceCreate");
        if (!NT_SUCCESS(status))
            return status;
    }
    status = NkWdfCreate(sizeof(NK_WDF_WMI_INSTANCE), NkWdfTypeWmiInstance, InstanceAttributes, &p->Object, &o);
    if (!NT_SUCCESS(status)) {
        if (c->Provider == NULL)
            NkWdfDelete(&p->Object);
        return status;
    }
    ((NK_WDF_WMI_INSTANCE *)o)->Provider = p;
    ((NK_WDF_WMI_INSTANCE *)o)->Config = *c;
    if (c->Register)
        (void)NkWdfWmiInstanceRegister(Globals, (WDFWMIINSTANCE)o);
    if (Instance != NULL)
        *Instance = (WDFWMIINSTANCE)o;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI NkWdfWmiInstanceRegister(PWDF_DRIVER_GLOBALS Globals, WDFWMIINSTANCE WmiInstance)
{
    NK_WDF_WMI_INSTANCE *i = InstanceOf(WmiInstance, "WdfWmiInstanceRegister");
    (void)Globals;
    if (i == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "WdfWmiInstanceRegister"))
        return STATUS_INVALID_DEVICE_STATE;
    NkWdfLock();
    i->Registered = TRUE;
    NkWdfUnlock();
    LogGuid("instance registered", &i->Provider->Config.Guid);
    return STATUS_SUCCESS;
}

static VOID NTAPI NkWdfWmiInstanceDeregister(PWDF_DRIVER_GLOBALS Globals, WDFWMIINSTANCE WmiInstance)
{
    NK_WDF_WMI_INSTANCE *i = InstanceOf(WmiInstance, "WdfWmiInstanceDeregister");
    (void)Globals;
    if (i == NULL || !NkHostCheckIrqlMax(PASSIVE_LEVEL, "WdfWmiInstanceDeregister"))
        return;
    NkWdfLock();
    i->Registered = FALSE;
    NkWdfUnlock();
    LogGuid("instance deregistered", &i->Provider->Config.Guid);
}

static WDFDEVICE NTAPI NkWdfWmiInstanceGetDevice(PWDF_DRIVER_GLOBALS Globals, WDFWMIINSTANCE WmiInstance)
{
    NK_WDF_WMI_INSTANCE *i = InstanceOf(WmiInstance, "WdfWmiInstanceGetDevice");
    (void)Globals;
    return i != NULL ? (WDFDEVICE)i->Provider->Device : NULL;
}

static WDFWMIPROVIDER NTAPI NkWdfWmiInstanceGetProvider(PWDF_DRIVER_GLOBALS Globals, WDFWMIINSTANCE WmiInstance)
{
    NK_WDF_WMI_INSTANCE *i = InstanceOf(WmiInstance, "WdfWmiInstanceGetProvider");
    (void)Globals;
    return i != NULL ? (WDFWMIPROVIDER)i->Provider : NULL;
}

static NTSTATUS NTAPI NkWdfWmiInstanceFireEvent(PWDF_DRIVER_GLOBALS Globals, WDFWMIINSTANCE WmiInstance,
                                                ULONG EventDataSize, PVOID EventData)
{
    NK_WDF_WMI_INSTANCE *i = InstanceOf(WmiInstance, "WdfWmiInstanceFireEvent");
    (void)Globals;
    (void)EventData;
    if (i == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "WdfWmiInstanceFireEvent"))
        return STATUS_INVALID_DEVICE_STATE;
    DbgPrint("ndiskit host: WMI event of %lu byte(s) fired; no consumer on the host\n", (unsigned long)EventDataSize);
    return STATUS_SUCCESS;
}

VOID NkWdfRegisterWmiDdis(VOID)
{
    NK_WDF_REGISTER(WdfWmiProviderCreate, NkWdfWmiProviderCreate);
    NK_WDF_REGISTER(WdfWmiProviderGetDevice, NkWdfWmiProviderGetDevice);
    NK_WDF_REGISTER(WdfWmiProviderIsEnabled, NkWdfWmiProviderIsEnabled);
    NK_WDF_REGISTER(WdfWmiProviderGetTracingHandle, NkWdfWmiProviderGetTracingHandle);
    NK_WDF_REGISTER(WdfWmiInstanceCreate, NkWdfWmiInstanceCreate);
    NK_WDF_REGISTER(WdfWmiInstanceRegister, NkWdfWmiInstanceRegister);
    NK_WDF_REGISTER(WdfWmiInstanceDeregister, NkWdfWmiInstanceDeregister);
    NK_WDF_REGISTER(WdfWmiInstanceGetDevice, NkWdfWmiInstanceGetDevice);
    NK_WDF_REGISTER(WdfWmiInstanceGetProvider, NkWdfWmiInstanceGetProvider);
    NK_WDF_REGISTER(WdfWmiInstanceFireEvent, NkWdfWmiInstanceFireEvent);
}
