/*
 * driver.c - binding (the host's wdfldr.sys: WdfVersionBind and
 * WdfVersionUnbind), the framework driver object and driver unload.
 *
 * WdfVersionBind behaves as the loader does for the stub in lib/kmdf:
 * it refuses a client that wants more DDIs than this framework has, stores
 * the address of the function table through BindInfo->FuncTable (the
 * client's WdfFunctions pointer) and returns fresh driver globals.
 * WdfDriverCreate then makes the driver object every other object is
 * parented to, and installs the framework's unload routine, which calls
 * EvtDriverUnload and deletes the object tree, as the real framework does.
 *
 * Several KMDF drivers bind at once, as on Windows (an NDIS intermediate
 * driver and a protocol driver in one `ndiskit host run`): each bind gets
 * its own globals and, after WdfDriverCreate, its own WDFDRIVER, found
 * again from the globals every DDI receives (NkWdfDriverOf).  Unloading
 * one driver deletes only its tree.  The table is guarded by the object
 * tree's lock (NkWdfLock), which the lookups already take.
 */
#include "kmdf_internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct _NK_WDF_DRIVER {
    NK_WDF_OBJECT Object;
    PDRIVER_OBJECT WdmDriver;
    PFN_WDF_DRIVER_UNLOAD EvtDriverUnload;
    ULONG Flags;
    WCHAR RegistryPath[260];
} NK_WDF_DRIVER;

/* One bound driver: from WdfVersionBind to WdfVersionUnbind.  Driver is
 * set by WdfDriverCreate and cleared when the driver's tree is deleted
 * (unload, or unbind after a failed DriverEntry). */
typedef struct _NK_WDF_BOUND {
    PWDF_DRIVER_GLOBALS Globals;    /* NULL: the slot is free */
    PDRIVER_OBJECT WdmDriver;       /* as bound; NULL for a driver bound without one */
    NK_WDF_DRIVER *Driver;
} NK_WDF_BOUND;

/* Windows has no fixed limit; a host process running more KMDF drivers
 * than this is not a use case, and a fixed table needs no allocation
 * under the tree lock. */
#define NK_WDF_MAX_DRIVERS 32

WDFFUNC NkWdfFunctionTable[WdfFunctionTableNumEntries];
static NK_WDF_BOUND Bound[NK_WDF_MAX_DRIVERS];
static LONG64 Calls[WdfFunctionTableNumEntries]; /* the coverage record, since the last reset */

VOID NkWdfResetObjects(VOID);
VOID NkWdfResetDevices(VOID);

/* With NkWdfLock held: the slot of Globals, or NULL if they are not bound. */
static NK_WDF_BOUND *BoundOfLocked(PWDF_DRIVER_GLOBALS Globals)
{
    if (Globals == NULL)
        return NULL;
    for (ULONG i = 0; i < NK_WDF_MAX_DRIVERS; i++)
        if (Bound[i].Globals == Globals)
            return &Bound[i];
    return NULL;
}

NK_WDF_OBJECT *NkWdfDriverOf(PWDF_DRIVER_GLOBALS Globals)
{
    NK_WDF_BOUND *b;
    NK_WDF_OBJECT *o = NULL;
    NkWdfLock();
    b = BoundOfLocked(Globals);
    if (b != NULL && b->Driver != NULL)
        o = &b->Driver->Object;
    NkWdfUnlock();
    return o;
}

/* NkHostReset: unbind whatever a failed test left bound. */
VOID NkWdfReset(VOID)
{
    NkWdfResetDevices();
    NkWdfResetObjects();
    NkWdfLock();
    for (ULONG i = 0; i < NK_WDF_MAX_DRIVERS; i++) {
        free(Bound[i].Globals);
        RtlZeroMemory(&Bound[i], sizeof(Bound[i]));
    }
    NkWdfUnlock();
    for (ULONG i = 0; i < WdfFunctionTableNumEntries; i++)
        __atomic_store_n(&Calls[i], 0, __ATOMIC_RELAXED);
}

WDFFUNC NkWdfImplementation[WdfFunctionTableNumEntries];
static pthread_once_t TableOnce = PTHREAD_ONCE_INIT;

VOID NkWdfCountCall(ULONG Index)
{
    __atomic_fetch_add(&Calls[Index], 1, __ATOMIC_RELAXED);
}

/* A driver called a slot the host does not implement: say which, so the
 * report names the DDI to implement; the stub then fails the call. */
VOID NkWdfUnimplemented(ULONG Index)
{
    NkWdfCountCall(Index);
    DbgPrint("ndiskit host: %s: KMDF DDI not implemented by the host kernel; the call fails\n",
             NkWdfDdis[Index].Name);
    NkHostViolation("wdf.unimplemented", "%s: the driver called a KMDF DDI the host kernel does not implement",
                    NkWdfDdis[Index].Name);
}

VOID NkWdfRegister(ULONG Index, WDFFUNC Function)
{
    NkWdfImplementation[Index] = Function;
}

/* The table never changes once built: every bind hands out the same one. */
static VOID FillTableOnce(VOID)
{
    NkWdfRegisterObjectDdis();
    NkWdfRegisterDriverDdis();
    NkWdfRegisterSyncDdis();
    NkWdfRegisterDeviceDdis();
    NkWdfRegisterIoDdis();
    NkWdfRegisterMemoryDdis();
    NkWdfRegisterTimerDdis();
    NkWdfRegisterRegistryDdis();
    NkWdfRegisterIoTargetDdis();
    NkWdfRegisterWmiDdis();
    for (ULONG i = 0; i < WdfFunctionTableNumEntries; i++) {
        const NK_WDF_DDI *d = &NkWdfDdis[i];
        /* An implementation without a declaration in wdf-ddis.txt has no
         * typed trampoline; it is called directly (and not counted). */
        NkWdfFunctionTable[i] = NkWdfImplementation[i] == NULL ? d->Stub
                                : d->Counter != NULL        ? d->Counter
                                                            : NkWdfImplementation[i];
    }
}

static VOID FillTable(VOID)
{
    pthread_once(&TableOnce, FillTableOnce);
}

ULONG NkHostDdiCoverage(NK_HOST_DDI_COVERAGE_CALLBACK *Callback, PVOID Context)
{
    FillTable();
    for (ULONG i = 0; i < WdfFunctionTableNumEntries; i++) {
        NK_HOST_DDI_COVERAGE c;
        c.Name = NkWdfDdis[i].Name;
        c.Area = NkWdfDdis[i].Area;
        c.Since = NkWdfDdis[i].Since;
        c.Implemented = NkWdfImplementation[i] != NULL;
        c.Calls = (ULONG64)__atomic_load_n(&Calls[i], __ATOMIC_RELAXED);
        Callback(&c, Context);
    }
    return WdfFunctionTableNumEntries;
}

NTSTATUS NTAPI WdfVersionBind(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath,
                              PWDF_BIND_INFO BindInfo, PWDF_COMPONENT_GLOBALS *ComponentGlobals)
{
    static const WCHAR kmdf[] = L"KmdfLibrary";
    PWDF_DRIVER_GLOBALS g;
    NK_WDF_BOUND *slot = NULL;
    (void)RegistryPath;

    *ComponentGlobals = NULL;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "WdfVersionBind"))
        return STATUS_INVALID_DEVICE_STATE;
    if (BindInfo == NULL || BindInfo->Size < sizeof(WDF_BIND_INFO) || BindInfo->Component == NULL ||
        memcmp(BindInfo->Component, kmdf, sizeof(kmdf)) != 0 || BindInfo->FuncTable == NULL)
        return STATUS_INVALID_PARAMETER;
    if (BindInfo->Version.Major != 1 || BindInfo->FuncCount > WdfFunctionTableNumEntries)
        return STATUS_OBJECT_TYPE_MISMATCH; /* asks for a newer framework than this one */
    g = calloc(1, sizeof(*g));
    if (g == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    if (DriverObject != NULL && DriverObject->DriverName.Buffer != NULL) {
        USHORT n = DriverObject->DriverName.Length / sizeof(WCHAR);
        for (USHORT i = 0; i < n && i + 1 < WDF_DRIVER_GLOBALS_NAME_LEN; i++)
            g->DriverName[i] = DriverObject->DriverName.Buffer[i] < 0x80 ? (CHAR)DriverObject->DriverName.Buffer[i] : '?';
    }
    g->DriverTag = 0x6B646E4E; /* "Nndk" */
    FillTable();

    NkWdfLock();
    for (ULONG i = 0; i < NK_WDF_MAX_DRIVERS; i++) {
        /* Other drivers may be bound; the same driver object twice is the
         * stub (or a loader) running FxDriverEntry again without unloading. */
        if (Bound[i].Globals != NULL && DriverObject != NULL && Bound[i].WdmDriver == DriverObject) {
            NkWdfUnlock();
            free(g);
            NkHostViolation("wdf.bind-twice", "WdfVersionBind for driver object %p, which is already bound",
                            (PVOID)DriverObject);
            return STATUS_INVALID_DEVICE_STATE;
        }
        if (Bound[i].Globals == NULL && slot == NULL)
            slot = &Bound[i];
    }
    if (slot == NULL) {
        NkWdfUnlock();
        free(g);
        /* A limit of the host, not a driver bug: say so plainly, not as a finding. */
        fprintf(stderr, "ndiskit host: WdfVersionBind: %d KMDF drivers are already bound, the most the host "
                        "kernel holds at once; this one is refused (STATUS_INSUFFICIENT_RESOURCES)\n",
                NK_WDF_MAX_DRIVERS);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    slot->Globals = g;
    slot->WdmDriver = DriverObject;
    slot->Driver = NULL;
    NkWdfUnlock();
    *BindInfo->FuncTable = (WDFFUNC)(PVOID)NkWdfFunctionTable;
    *ComponentGlobals = (PWDF_COMPONENT_GLOBALS)g;
    return STATUS_SUCCESS;
}

/* Takes the driver's tree from its slot (so nothing parents to it any
 * more) and returns it for deletion, or NULL if it has none. */
static NK_WDF_DRIVER *TakeDriver(NK_WDF_BOUND *Slot)
{
    NK_WDF_DRIVER *d = Slot->Driver;
    Slot->Driver = NULL;
    if (d != NULL)
        Slot->Globals->Driver = NULL;
    return d;
}

NTSTATUS NTAPI WdfVersionUnbind(PUNICODE_STRING RegistryPath, PWDF_BIND_INFO BindInfo,
                                PWDF_COMPONENT_GLOBALS ComponentGlobals)
{
    PWDF_DRIVER_GLOBALS g = (PWDF_DRIVER_GLOBALS)ComponentGlobals;
    NK_WDF_BOUND *slot;
    NK_WDF_DRIVER *d;
    (void)RegistryPath;
    (void)BindInfo;
    NkWdfLock();
    slot = BoundOfLocked(g);
    if (slot == NULL) {
        NkWdfUnlock();
        NkHostViolation("wdf.unbind-unknown", "WdfVersionUnbind with globals %p that are not bound",
                        (PVOID)ComponentGlobals);
        return STATUS_INVALID_PARAMETER;
    }
    d = TakeDriver(slot);
    NkWdfUnlock();
    /* DriverEntry failed after WdfDriverCreate: as the framework does, the
     * unbind tears this driver's objects down (EvtDriverUnload does not
     * run: the driver never loaded).  Other drivers' trees stay. */
    if (d != NULL)
        NkWdfDelete(&d->Object);
    NkWdfLock();
    RtlZeroMemory(slot, sizeof(*slot));
    NkWdfUnlock();
    free(g);
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI WdfVersionBindClass(PWDF_BIND_INFO BindInfo, PWDF_COMPONENT_GLOBALS Globals,
                                   PWDF_CLASS_BIND_INFO ClassBindInfo)
{
    (void)BindInfo;
    (void)Globals;
    (void)ClassBindInfo;
    return STATUS_NOT_SUPPORTED; /* no class extensions on the host */
}

VOID NTAPI WdfVersionUnbindClass(PWDF_BIND_INFO BindInfo, PWDF_COMPONENT_GLOBALS Globals,
                                 PWDF_CLASS_BIND_INFO ClassBindInfo)
{
    (void)BindInfo;
    (void)Globals;
    (void)ClassBindInfo;
}

NTSTATUS NTAPI WdfLdrQueryInterface(PWDF_INTERFACE_HEADER LoaderInterface)
{
    (void)LoaderInterface;
    return STATUS_NOT_SUPPORTED;
}

/* Unloads one driver: its EvtDriverUnload, then its object tree, children
 * first.  The tree leaves the table first, so objects created meanwhile
 * (by another driver) are not parented to a driver on its way out. */
static VOID UnloadDriver(NK_WDF_DRIVER *Driver)
{
    NK_WDF_DRIVER *d = NULL;
    NkWdfLock();
    for (ULONG i = 0; i < NK_WDF_MAX_DRIVERS; i++)
        if (Bound[i].Globals != NULL && Bound[i].Driver == Driver)
            d = TakeDriver(&Bound[i]);
    NkWdfUnlock();
    if (d == NULL)
        return; /* already unloaded */
    if (d->EvtDriverUnload != NULL)
        d->EvtDriverUnload((WDFDRIVER)d);
    NkWdfDelete(&d->Object);
}

/* With NkWdfLock held: the framework driver of a WDM driver object. */
static NK_WDF_DRIVER *DriverOfWdmLocked(PDRIVER_OBJECT DriverObject)
{
    if (DriverObject == NULL)
        return NULL;
    for (ULONG i = 0; i < NK_WDF_MAX_DRIVERS; i++)
        if (Bound[i].Globals != NULL && Bound[i].Driver != NULL && Bound[i].Driver->WdmDriver == DriverObject)
            return Bound[i].Driver;
    return NULL;
}

/* The framework's DRIVER_OBJECT unload, for the driver that owns
 * DriverObject.  The stub unbinds after this. */
static VOID NTAPI FrameworkUnload(PDRIVER_OBJECT DriverObject)
{
    NK_WDF_DRIVER *d;
    NkWdfLock();
    d = DriverOfWdmLocked(DriverObject);
    NkWdfUnlock();
    if (d != NULL)
        UnloadDriver(d);
}

static NTSTATUS NTAPI NkWdfDriverCreate(PWDF_DRIVER_GLOBALS Globals, PDRIVER_OBJECT DriverObject,
                                        PCUNICODE_STRING RegistryPath, PWDF_OBJECT_ATTRIBUTES DriverAttributes,
                                        PWDF_DRIVER_CONFIG DriverConfig, WDFDRIVER *Driver)
{
    NK_WDF_OBJECT *o;
    NK_WDF_DRIVER *d;
    NK_WDF_BOUND *slot;
    BOOLEAN twice;
    NTSTATUS status;

    if (Driver != NULL)
        *Driver = NULL;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "WdfDriverCreate"))
        return STATUS_INVALID_DEVICE_STATE;
    if (DriverConfig == NULL || DriverConfig->Size != sizeof(WDF_DRIVER_CONFIG)) {
        NkHostViolation("wdf.bad-config", "WdfDriverCreate: WDF_DRIVER_CONFIG not initialised");
        return STATUS_INFO_LENGTH_MISMATCH;
    }
    NkWdfLock();
    slot = BoundOfLocked(Globals);
    twice = slot != NULL && slot->Driver != NULL;
    NkWdfUnlock();
    if (slot == NULL) {
        NkHostViolation("wdf.unbound-globals", "WdfDriverCreate with driver globals %p that WdfVersionBind did "
                        "not hand out", (PVOID)Globals);
        return STATUS_INVALID_PARAMETER;
    }
    if (twice) {
        NkHostViolation("wdf.driver-twice", "WdfDriverCreate called twice");
        return STATUS_INVALID_DEVICE_STATE;
    }
    if (DriverAttributes != NULL && DriverAttributes->ParentObject != NULL) {
        NkHostViolation("wdf.driver-parent", "a WDFDRIVER cannot have a parent");
        return STATUS_INVALID_PARAMETER;
    }
    status = NkWdfCreate(sizeof(NK_WDF_DRIVER), NkWdfTypeDriver, DriverAttributes, NULL, &o);
    if (!NT_SUCCESS(status))
        return status;
    d = (NK_WDF_DRIVER *)o;
    d->WdmDriver = DriverObject;
    d->EvtDriverUnload = DriverConfig->EvtDriverUnload;
    d->Flags = DriverConfig->DriverInitFlags;
    if (RegistryPath != NULL) {
        USHORT n = RegistryPath->Length / sizeof(WCHAR);
        if (n >= RTL_NUMBER_OF(d->RegistryPath))
            n = RTL_NUMBER_OF(d->RegistryPath) - 1;
        memcpy(d->RegistryPath, RegistryPath->Buffer, n * sizeof(WCHAR));
    }
    if (!(d->Flags & WdfDriverInitNoDispatchOverride) && DriverObject != NULL) {
        /* The framework owns unload, and asks the stub to run its own
         * unbind after it (DisplaceDriverUnload). */
        DriverObject->DriverUnload = FrameworkUnload;
        Globals->DisplaceDriverUnload = TRUE;
    }
    /* The slot cannot have gone: only this driver's unbind frees it, and
     * the driver is inside DriverEntry. */
    NkWdfLock();
    slot->Driver = d;
    NkWdfUnlock();
    Globals->Driver = (WDFDRIVER)d;
    if (Driver != NULL)
        *Driver = (WDFDRIVER)d;
    return STATUS_SUCCESS;
}

static PDRIVER_OBJECT NTAPI NkWdfDriverWdmGetDriverObject(PWDF_DRIVER_GLOBALS Globals, WDFDRIVER Driver)
{
    NK_WDF_OBJECT *o = NkWdfLookupType((WDFOBJECT)Driver, NkWdfTypeDriver, "WDFDRIVER", "WdfDriverWdmGetDriverObject");
    (void)Globals;
    return o != NULL ? ((NK_WDF_DRIVER *)o)->WdmDriver : NULL;
}

ULONG NkWdfDriverFlags(PWDF_DRIVER_GLOBALS Globals)
{
    NK_WDF_DRIVER *d = (NK_WDF_DRIVER *)NkWdfDriverOf(Globals);
    return d != NULL ? d->Flags : 0;
}

PCWSTR NkWdfDriverRegistryPath(NK_WDF_OBJECT *Driver)
{
    return ((NK_WDF_DRIVER *)Driver)->RegistryPath;
}

static PWSTR NTAPI NkWdfDriverGetRegistryPath(PWDF_DRIVER_GLOBALS Globals, WDFDRIVER Driver)
{
    NK_WDF_OBJECT *o = NkWdfLookupType((WDFOBJECT)Driver, NkWdfTypeDriver, "WDFDRIVER", "WdfDriverGetRegistryPath");
    (void)Globals;
    return o != NULL ? ((NK_WDF_DRIVER *)o)->RegistryPath : NULL;
}

static VOID NTAPI NkWdfDriverMiniportUnload(PWDF_DRIVER_GLOBALS Globals, WDFDRIVER Driver)
{
    (void)Globals;
    if (NkWdfLookupType((WDFOBJECT)Driver, NkWdfTypeDriver, "WDFDRIVER", "WdfDriverMiniportUnload") != NULL)
        UnloadDriver((NK_WDF_DRIVER *)Driver);
}

/* The framework driver for a WDM driver object (NULL for any other). */
static WDFDRIVER NTAPI NkWdfWdmDriverGetWdfDriverHandle(PWDF_DRIVER_GLOBALS Globals, PDRIVER_OBJECT DriverObject)
{
    NK_WDF_DRIVER *d;
    (void)Globals; /* any driver may ask about any driver object */
    NkWdfLock();
    d = DriverOfWdmLocked(DriverObject);
    NkWdfUnlock();
    return (WDFDRIVER)d;
}

static NTSTATUS NTAPI NkWdfDriverRetrieveVersionString(PWDF_DRIVER_GLOBALS Globals, WDFDRIVER Driver, WDFSTRING String)
{
    static const WCHAR version[] = L"Kernel Mode Driver Framework version 1.33 (ndiskit host kernel)";
    UNICODE_STRING u = {sizeof(version) - sizeof(WCHAR), sizeof(version), (PWCH)version};
    (void)Globals;
    if (NkWdfLookupType((WDFOBJECT)Driver, NkWdfTypeDriver, "WDFDRIVER", "WdfDriverRetrieveVersionString") == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "WdfDriverRetrieveVersionString"))
        return STATUS_INVALID_DEVICE_STATE;
    return NkWdfStringSet(String, &u, "WdfDriverRetrieveVersionString");
}

/* The host's framework is KMDF 1.33: every 1.x up to it is available. */
static BOOLEAN NTAPI NkWdfDriverIsVersionAvailable(PWDF_DRIVER_GLOBALS Globals, WDFDRIVER Driver,
                                                   PWDF_DRIVER_VERSION_AVAILABLE_PARAMS Params)
{
    (void)Globals;
    if (NkWdfLookupType((WDFOBJECT)Driver, NkWdfTypeDriver, "WDFDRIVER", "WdfDriverIsVersionAvailable") == NULL)
        return FALSE;
    if (Params == NULL || Params->Size != sizeof(WDF_DRIVER_VERSION_AVAILABLE_PARAMS)) {
        NkHostViolation("wdf.bad-config", "WdfDriverIsVersionAvailable: parameters not initialised");
        return FALSE;
    }
    return Params->MajorVersion == 1 && Params->MinorVersion <= 33;
}

static VOID NTAPI NkWdfVerifierDbgBreakPoint(PWDF_DRIVER_GLOBALS Globals)
{
    (void)Globals;
    /* No debugger to break into: say where it would have stopped. */
    DbgPrint("ndiskit host: WdfVerifierDbgBreakPoint (no debugger attached; continuing)\n");
}

static VOID NTAPI NkWdfVerifierKeBugCheck(PWDF_DRIVER_GLOBALS Globals, ULONG BugCheckCode, ULONG_PTR P1, ULONG_PTR P2,
                                          ULONG_PTR P3, ULONG_PTR P4)
{
    (void)Globals;
    NkHostViolation("wdf.bugcheck", "WdfVerifierKeBugCheck(0x%lx, %#llx, %#llx, %#llx, %#llx)",
                    (unsigned long)BugCheckCode, (unsigned long long)P1, (unsigned long long)P2,
                    (unsigned long long)P3, (unsigned long long)P4);
}

VOID NkWdfRegisterDriverDdis(VOID)
{
    NK_WDF_REGISTER(WdfWdmDriverGetWdfDriverHandle, NkWdfWdmDriverGetWdfDriverHandle);
    NK_WDF_REGISTER(WdfDriverRetrieveVersionString, NkWdfDriverRetrieveVersionString);
    NK_WDF_REGISTER(WdfDriverIsVersionAvailable, NkWdfDriverIsVersionAvailable);
    NK_WDF_REGISTER(WdfVerifierDbgBreakPoint, NkWdfVerifierDbgBreakPoint);
    NK_WDF_REGISTER(WdfVerifierKeBugCheck, NkWdfVerifierKeBugCheck);
    NK_WDF_REGISTER(WdfDriverCreate, NkWdfDriverCreate);
    NK_WDF_REGISTER(WdfDriverWdmGetDriverObject, NkWdfDriverWdmGetDriverObject);
    NK_WDF_REGISTER(WdfDriverGetRegistryPath, NkWdfDriverGetRegistryPath);
    NK_WDF_REGISTER(WdfDriverMiniportUnload, NkWdfDriverMiniportUnload);
}
