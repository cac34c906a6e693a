/*
 * device.c - control devices: PWDFDEVICE_INIT, WdfDeviceCreate, names,
 * symbolic links, WdfControlFinishInitializing, file objects.
 *
 * Devices are found by the host's user-mode I/O (userio.c) through a name
 * table: "\\Device\\X" by its name, "\\\\.\\X" or "\\DosDevices\\X" by its
 * symbolic link.  A control device rejects opens until
 * WdfControlFinishInitializing, as on Windows.
 */
#include "kmdf_internal.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NK_INIT_MAGIC 0x4E4B4445564E4954ull /* "NKDEVNIT" */

typedef struct _NK_DEVICE_INIT {
    ULONG64 Magic;
    NK_WDF_DEVICE Template;     /* the settings, copied into the device */
} NK_DEVICE_INIT;

static LIST_ENTRY Devices = {&Devices, &Devices};

static size_t WLen(PCWSTR s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

static BOOLEAN WEqualNoCase(PCWSTR a, PCWSTR b)
{
    for (;; a++, b++) {
        WCHAR x = *a >= L'a' && *a <= L'z' ? (WCHAR)(*a - 32) : *a;
        WCHAR y = *b >= L'a' && *b <= L'z' ? (WCHAR)(*b - 32) : *b;
        if (x != y)
            return FALSE;
        if (x == 0)
            return TRUE;
    }
}

/* Copies a counted string into a NUL-terminated fixed buffer. */
static BOOLEAN CopyName(WCHAR *Dst, size_t DstChars, PCUNICODE_STRING Src)
{
    size_t n = Src->Length / sizeof(WCHAR);
    if (n + 1 > DstChars)
        return FALSE;
    memcpy(Dst, Src->Buffer, n * sizeof(WCHAR));
    Dst[n] = 0;
    return TRUE;
}

static BOOLEAN HasPrefix(PCWSTR s, PCWSTR p, PCWSTR *Rest)
{
    size_t n = WLen(p);
    for (size_t i = 0; i < n; i++) {
        WCHAR x = s[i] >= L'a' && s[i] <= L'z' ? (WCHAR)(s[i] - 32) : s[i];
        WCHAR y = p[i] >= L'a' && p[i] <= L'z' ? (WCHAR)(p[i] - 32) : p[i];
        if (x != y)
            return FALSE;
    }
    *Rest = s + n;
    return TRUE;
}

/* The device named Name (\Device\X), or, for Link non-NULL, the one whose
 * symbolic link is Link (X: the host has one link namespace). */
static NK_WDF_DEVICE *FindDevice(PCWSTR Name, PCWSTR Link)
{
    NK_WDF_DEVICE *found = NULL;

    NkWdfLock();
    for (PLIST_ENTRY e = Devices.Flink; e != &Devices; e = e->Flink) {
        NK_WDF_DEVICE *d = CONTAINING_RECORD(e, NK_WDF_DEVICE, TableLink);
        if (Link ? (d->Link[0] && WEqualNoCase(d->Link, Link)) : (d->Name[0] && WEqualNoCase(d->Name, Name))) {
            found = d;
            break;
        }
    }
    NkWdfUnlock();
    return found;
}

/* Name is an NT name: \Device\X, or a link \??\X / \DosDevices\X (the
 * client's Win32 names reach here converted, NkHostCreateFile). */
NK_WDF_DEVICE *NkWdfFindDevice(PCWSTR Name)
{
    PCWSTR link;
    if (!HasPrefix(Name, L"\\DosDevices\\", &link) && !HasPrefix(Name, L"\\??\\", &link))
        link = NULL;
    return FindDevice(Name, link);
}

static NK_DEVICE_INIT *InitOf(PWDFDEVICE_INIT DeviceInit, const char *Ddi)
{
    NK_DEVICE_INIT *i = (NK_DEVICE_INIT *)DeviceInit;
    if (i == NULL || i->Magic != NK_INIT_MAGIC) {
        NkHostViolation("wdf.bad-device-init", "%s(%p): not a live PWDFDEVICE_INIT", Ddi, (void *)DeviceInit);
        return NULL;
    }
    return i;
}

static PWDFDEVICE_INIT NTAPI NkWdfControlDeviceInitAllocate(PWDF_DRIVER_GLOBALS Globals, WDFDRIVER Driver,
                                                            CONST UNICODE_STRING *SDDLString)
{
    NK_DEVICE_INIT *i;
    (void)Globals;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "WdfControlDeviceInitAllocate"))
        return NULL;
    if (NkWdfLookup((WDFOBJECT)Driver, "WdfControlDeviceInitAllocate") == NULL)
        return NULL;
    if (SDDLString == NULL || SDDLString->Length == 0) {
        NkHostViolation("wdf.no-sddl", "WdfControlDeviceInitAllocate needs an SDDL string");
        return NULL;
    }
    if (NkHostShouldFail(NkFaultPoolAllocation))
        return NULL;
    i = calloc(1, sizeof(*i));
    if (i == NULL)
        return NULL;
    if (!CopyName(i->Template.Sddl, RTL_NUMBER_OF(i->Template.Sddl), SDDLString) ||
        !HasPrefix(i->Template.Sddl, L"D:", &(PCWSTR){0})) {
        free(i);
        NkHostViolation("wdf.bad-sddl", "SDDL string is not a DACL (\"D:...\")");
        return NULL;
    }
    i->Magic = NK_INIT_MAGIC;
    i->Template.IoType = WdfDeviceIoBuffered;
    return (PWDFDEVICE_INIT)i;
}

static VOID NTAPI NkWdfDeviceInitFree(PWDF_DRIVER_GLOBALS Globals, PWDFDEVICE_INIT DeviceInit)
{
    NK_DEVICE_INIT *i = InitOf(DeviceInit, "WdfDeviceInitFree");
    (void)Globals;
    if (i == NULL)
        return;
    i->Magic = 0;
    free(i);
}

static VOID NTAPI NkWdfDeviceInitSetIoType(PWDF_DRIVER_GLOBALS Globals, PWDFDEVICE_INIT DeviceInit,
                                           WDF_DEVICE_IO_TYPE IoType)
{
    NK_DEVICE_INIT *i = InitOf(DeviceInit, "WdfDeviceInitSetIoType");
    (void)Globals;
    if (i != NULL)
        i->Template.IoType = IoType;
}

static VOID NTAPI NkWdfDeviceInitSetExclusive(PWDF_DRIVER_GLOBALS Globals, PWDFDEVICE_INIT DeviceInit,
                                              BOOLEAN IsExclusive)
{
    NK_DEVICE_INIT *i = InitOf(DeviceInit, "WdfDeviceInitSetExclusive");
    (void)Globals;
    if (i != NULL)
        i->Template.Exclusive = IsExclusive;
}

static NTSTATUS NTAPI NkWdfDeviceInitAssignName(PWDF_DRIVER_GLOBALS Globals, PWDFDEVICE_INIT DeviceInit,
                                                PCUNICODE_STRING DeviceName)
{
    NK_DEVICE_INIT *i = InitOf(DeviceInit, "WdfDeviceInitAssignName");
    (void)Globals;
    if (i == NULL)
        return STATUS_INVALID_PARAMETER;
    if (DeviceName == NULL) {
        i->Template.Name[0] = 0;
        return STATUS_SUCCESS;
    }
    return CopyName(i->Template.Name, RTL_NUMBER_OF(i->Template.Name), DeviceName)
               ? STATUS_SUCCESS
               : STATUS_NAME_TOO_LONG;
}

static NTSTATUS NTAPI NkWdfDeviceInitAssignSDDLString(PWDF_DRIVER_GLOBALS Globals, PWDFDEVICE_INIT DeviceInit,
                                                      PCUNICODE_STRING SDDLString)
{
    NK_DEVICE_INIT *i = InitOf(DeviceInit, "WdfDeviceInitAssignSDDLString");
    (void)Globals;
    if (i == NULL)
        return STATUS_INVALID_PARAMETER;
    if (SDDLString == NULL)
        return STATUS_SUCCESS;
    return CopyName(i->Template.Sddl, RTL_NUMBER_OF(i->Template.Sddl), SDDLString) ? STATUS_SUCCESS
                                                                                 : STATUS_NAME_TOO_LONG;
}

static VOID NTAPI NkWdfDeviceInitSetFileObjectConfig(PWDF_DRIVER_GLOBALS Globals, PWDFDEVICE_INIT DeviceInit,
                                                     PWDF_FILEOBJECT_CONFIG FileObjectConfig,
                                                     PWDF_OBJECT_ATTRIBUTES FileObjectAttributes)
{
    NK_DEVICE_INIT *i = InitOf(DeviceInit, "WdfDeviceInitSetFileObjectConfig");
    (void)Globals;
    if (i == NULL)
        return;
    if (FileObjectConfig->Size != sizeof(WDF_FILEOBJECT_CONFIG)) {
        NkHostViolation("wdf.bad-config", "WDF_FILEOBJECT_CONFIG not initialised");
        return;
    }
    i->Template.FileConfig = *FileObjectConfig;
    i->Template.HasFileConfig = TRUE;
    if (FileObjectAttributes != NULL) {
        i->Template.FileAttributes = *FileObjectAttributes;
        i->Template.HasFileAttributes = TRUE;
    }
}

static NTSTATUS NTAPI NkWdfDeviceCreate(PWDF_DRIVER_GLOBALS Globals, PWDFDEVICE_INIT *DeviceInit,
                                        PWDF_OBJECT_ATTRIBUTES DeviceAttributes, WDFDEVICE *Device)
{
    NK_DEVICE_INIT *i;
    NK_WDF_OBJECT *o;
    NK_WDF_DEVICE *d;
    NTSTATUS status;

    *Device = NULL;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "WdfDeviceCreate"))
        return STATUS_INVALID_DEVICE_STATE;
    i = InitOf(DeviceInit ? *DeviceInit : NULL, "WdfDeviceCreate");
    if (i == NULL)
        return STATUS_INVALID_PARAMETER;
    if (i->Template.Name[0] && NkWdfFindDevice(i->Template.Name) != NULL)
        return STATUS_OBJECT_NAME_COLLISION;
    status = NkWdfCreate(sizeof(NK_WDF_DEVICE), NkWdfTypeDevice, DeviceAttributes, NkWdfDriverOf(Globals), &o);
    if (!NT_SUCCESS(status))
        return status; /* DeviceInit stays the caller's, to free */
    d = (NK_WDF_DEVICE *)o;
    memcpy((PUCHAR)d + sizeof(NK_WDF_OBJECT), (PUCHAR)&i->Template + sizeof(NK_WDF_OBJECT),
           sizeof(NK_WDF_DEVICE) - sizeof(NK_WDF_OBJECT));
    d->Wdm.Type = 3; /* IO_TYPE_DEVICE */
    d->Wdm.Size = sizeof(DEVICE_OBJECT);
    NkWdfLock();
    InsertTailList(&Devices, &d->TableLink);
    NkWdfUnlock();
    /* The framework owns the init structure now. */
    i->Magic = 0;
    free(i);
    *DeviceInit = NULL;
    *Device = (WDFDEVICE)d;
    return STATUS_SUCCESS;
}

static NK_WDF_DEVICE *DeviceOf(WDFDEVICE Handle, const char *Ddi)
{
    NK_WDF_OBJECT *o = NkWdfLookup((WDFOBJECT)Handle, Ddi);
    if (o != NULL && o->Type != NkWdfTypeDevice) {
        NkHostViolation("wdf.wrong-type", "%s(%p): not a WDFDEVICE", Ddi, (void *)Handle);
        return NULL;
    }
    return (NK_WDF_DEVICE *)o;
}

static NTSTATUS NTAPI NkWdfDeviceCreateSymbolicLink(PWDF_DRIVER_GLOBALS Globals, WDFDEVICE Device,
                                                    PCUNICODE_STRING SymbolicLinkName)
{
    NK_WDF_DEVICE *d = DeviceOf(Device, "WdfDeviceCreateSymbolicLink");
    WCHAR full[160];
    PCWSTR rest, global;
    (void)Globals;
    if (d == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!CopyName(full, RTL_NUMBER_OF(full), SymbolicLinkName))
        return STATUS_NAME_TOO_LONG;
    /* \DosDevices\X, \??\X, and the global namespace's \DosDevices\Global\X
     * and \Global??\X: the host has one namespace, so all name the link X. */
    if (!HasPrefix(full, L"\\DosDevices\\", &rest) && !HasPrefix(full, L"\\??\\", &rest) &&
        !HasPrefix(full, L"\\Global??\\", &rest))
        return STATUS_OBJECT_PATH_SYNTAX_BAD;
    if (HasPrefix(rest, L"Global\\", &global))
        rest = global;
    if (FindDevice(NULL, rest) != NULL) /* whichever spelling made the link */
        return STATUS_OBJECT_NAME_COLLISION;
    if (WLen(rest) + 1 > RTL_NUMBER_OF(d->Link))
        return STATUS_NAME_TOO_LONG;
    memcpy(d->Link, rest, (WLen(rest) + 1) * sizeof(WCHAR));
    return STATUS_SUCCESS;
}

static VOID NTAPI NkWdfControlFinishInitializing(PWDF_DRIVER_GLOBALS Globals, WDFDEVICE Device)
{
    NK_WDF_DEVICE *d = DeviceOf(Device, "WdfControlFinishInitializing");
    (void)Globals;
    if (d != NULL)
        d->Initialized = TRUE;
}

PDEVICE_OBJECT NkWdfWdmDevice(NK_WDF_DEVICE *Device)
{
    return Device->MiniportDevice != NULL ? Device->MiniportDevice : &Device->Wdm;
}

static PDEVICE_OBJECT NTAPI NkWdfDeviceWdmGetDeviceObject(PWDF_DRIVER_GLOBALS Globals, WDFDEVICE Device)
{
    NK_WDF_DEVICE *d = DeviceOf(Device, "WdfDeviceWdmGetDeviceObject");
    (void)Globals;
    return d ? NkWdfWdmDevice(d) : NULL;
}

/* A miniport's framework device over the device object NDIS created
 * (NdisMGetDeviceProperty), so the miniport can use framework objects that
 * need a device - I/O targets, work items, DPCs.  NDIS keeps the dispatch
 * routines: the device gets no I/O and no name.  Documented: the driver was
 * created with WdfDriverInitNoDispatchOverride. */
static NTSTATUS NTAPI NkWdfDeviceMiniportCreate(PWDF_DRIVER_GLOBALS Globals, WDFDRIVER Driver,
                                                PWDF_OBJECT_ATTRIBUTES Attributes, PDEVICE_OBJECT DeviceObject,
                                                PDEVICE_OBJECT AttachedDeviceObject, PDEVICE_OBJECT Pdo,
                                                WDFDEVICE *Device)
{
    NK_WDF_OBJECT *o;
    NK_WDF_DEVICE *d;
    NTSTATUS status;
    *Device = NULL;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "WdfDeviceMiniportCreate"))
        return STATUS_INVALID_DEVICE_STATE;
    if (NkWdfLookupType((WDFOBJECT)Driver, NkWdfTypeDriver, "WDFDRIVER", "WdfDeviceMiniportCreate") == NULL ||
        DeviceObject == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!(NkWdfDriverFlags(Globals) & WdfDriverInitNoDispatchOverride)) {
        NkHostViolation("wdf.miniport-dispatch", "WdfDeviceMiniportCreate: the driver must be created with "
                        "WdfDriverInitNoDispatchOverride (NDIS owns its dispatch routines)");
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    status = NkWdfCreate(sizeof(NK_WDF_DEVICE), NkWdfTypeDevice, Attributes, NkWdfDriverOf(Globals), &o);
    if (!NT_SUCCESS(status))
        return status;
    d = (NK_WDF_DEVICE *)o;
    d->MiniportDevice = DeviceObject;
    d->MiniportAttached = AttachedDeviceObject;
    d->MiniportPdo = Pdo;
    d->IoType = WdfDeviceIoBuffered;
    /* In the device table without a name or link: no user-mode open finds
     * it (NDIS opens a miniport), but WdfWdmDeviceGetWdfDeviceHandle does. */
    NkWdfLock();
    InsertTailList(&Devices, &d->TableLink);
    NkWdfUnlock();
    *Device = (WDFDEVICE)d;
    return STATUS_SUCCESS;
}

static WDFQUEUE NTAPI NkWdfDeviceGetDefaultQueue(PWDF_DRIVER_GLOBALS Globals, WDFDEVICE Device)
{
    NK_WDF_DEVICE *d = DeviceOf(Device, "WdfDeviceGetDefaultQueue");
    (void)Globals;
    return d ? (WDFQUEUE)d->DefaultQueue : NULL;
}

static WDFDEVICE NTAPI NkWdfFileObjectGetDevice(PWDF_DRIVER_GLOBALS Globals, WDFFILEOBJECT FileObject)
{
    NK_WDF_OBJECT *o = NkWdfLookupType((WDFOBJECT)FileObject, NkWdfTypeFileObject, "WDFFILEOBJECT",
                                       "WdfFileObjectGetDevice");
    (void)Globals;
    return o != NULL ? (WDFDEVICE)((NK_WDF_FILE *)o)->Device : NULL;
}

static PFILE_OBJECT NTAPI NkWdfFileObjectWdmGetFileObject(PWDF_DRIVER_GLOBALS Globals, WDFFILEOBJECT FileObject)
{
    NK_WDF_OBJECT *o = NkWdfLookupType((WDFOBJECT)FileObject, NkWdfTypeFileObject, "WDFFILEOBJECT",
                                       "WdfFileObjectWdmGetFileObject");
    (void)Globals;
    return o != NULL ? &((NK_WDF_FILE *)o)->Wdm : NULL;
}

/* A device leaves the name table when it is destroyed; the name table is
 * checked on every lookup, so a deleted device is simply not found. */
VOID NkWdfForgetDevice(NK_WDF_DEVICE *Device)
{
    NkWdfLock();
    RemoveEntryList(&Device->TableLink);
    InitializeListHead(&Device->TableLink);
    NkWdfUnlock();
}

/* NkHostReset: the objects are forgotten without callbacks, so is the name
 * table (a test that failed with its driver loaded leaves devices in it). */
VOID NkWdfResetDevices(VOID)
{
    NkWdfLock();
    InitializeListHead(&Devices);
    NkWdfUnlock();
}

/* ---- more device-init settings -------------------------------------------------------- */

static VOID NTAPI NkWdfDeviceInitSetDeviceType(PWDF_DRIVER_GLOBALS Globals, PWDFDEVICE_INIT DeviceInit,
                                               DEVICE_TYPE DeviceType)
{
    NK_DEVICE_INIT *i = InitOf(DeviceInit, "WdfDeviceInitSetDeviceType");
    (void)Globals;
    if (i != NULL)
        i->Template.Wdm.DeviceType = DeviceType;
}

static VOID NTAPI NkWdfDeviceInitSetCharacteristics(PWDF_DRIVER_GLOBALS Globals, PWDFDEVICE_INIT DeviceInit,
                                                    ULONG DeviceCharacteristics, BOOLEAN OrInValues)
{
    NK_DEVICE_INIT *i = InitOf(DeviceInit, "WdfDeviceInitSetCharacteristics");
    (void)Globals;
    if (i != NULL)
        i->Template.Wdm.Characteristics = OrInValues ? i->Template.Wdm.Characteristics | DeviceCharacteristics
                                                     : DeviceCharacteristics;
}

static VOID NTAPI NkWdfDeviceInitSetDeviceClass(PWDF_DRIVER_GLOBALS Globals, PWDFDEVICE_INIT DeviceInit,
                                                CONST GUID *DeviceClassGuid)
{
    (void)Globals;
    (void)DeviceClassGuid; /* only the registry's class key would use it */
    (void)InitOf(DeviceInit, "WdfDeviceInitSetDeviceClass");
}

/* Power pageability and inrush only matter to the power manager. */
static VOID NTAPI NkWdfDeviceInitSetPowerNotPageable(PWDF_DRIVER_GLOBALS Globals, PWDFDEVICE_INIT DeviceInit)
{
    (void)Globals;
    (void)InitOf(DeviceInit, "WdfDeviceInitSetPowerNotPageable");
}

static VOID NTAPI NkWdfDeviceInitSetPowerPageable(PWDF_DRIVER_GLOBALS Globals, PWDFDEVICE_INIT DeviceInit)
{
    (void)Globals;
    (void)InitOf(DeviceInit, "WdfDeviceInitSetPowerPageable");
}

static VOID NTAPI NkWdfDeviceInitSetPowerInrush(PWDF_DRIVER_GLOBALS Globals, PWDFDEVICE_INIT DeviceInit)
{
    (void)Globals;
    (void)InitOf(DeviceInit, "WdfDeviceInitSetPowerInrush");
}

/* Control devices get no PnP or power events (documented), and the host
 * has no PnP manager: the callbacks are accepted and never called. */
static VOID NTAPI NkWdfDeviceInitSetPnpPowerEventCallbacks(PWDF_DRIVER_GLOBALS Globals, PWDFDEVICE_INIT DeviceInit,
                                                           PWDF_PNPPOWER_EVENT_CALLBACKS PnpPowerEventCallbacks)
{
    (void)Globals;
    (void)PnpPowerEventCallbacks;
    if (InitOf(DeviceInit, "WdfDeviceInitSetPnpPowerEventCallbacks") != NULL)
        DbgPrint("ndiskit host: WdfDeviceInitSetPnpPowerEventCallbacks: no PnP on the host; never called\n");
}

static VOID NTAPI NkWdfDeviceInitSetPowerPolicyEventCallbacks(PWDF_DRIVER_GLOBALS Globals,
                                                              PWDFDEVICE_INIT DeviceInit,
                                                              PWDF_POWER_POLICY_EVENT_CALLBACKS Callbacks)
{
    (void)Globals;
    (void)Callbacks;
    if (InitOf(DeviceInit, "WdfDeviceInitSetPowerPolicyEventCallbacks") != NULL)
        DbgPrint("ndiskit host: WdfDeviceInitSetPowerPolicyEventCallbacks: no power policy on the host; never "
                 "called\n");
}

static VOID NTAPI NkWdfDeviceInitSetPowerPolicyOwnership(PWDF_DRIVER_GLOBALS Globals, PWDFDEVICE_INIT DeviceInit,
                                                         BOOLEAN IsPowerPolicyOwner)
{
    (void)Globals;
    (void)IsPowerPolicyOwner;
    (void)InitOf(DeviceInit, "WdfDeviceInitSetPowerPolicyOwnership");
}

static VOID NTAPI NkWdfDeviceInitSetRequestAttributes(PWDF_DRIVER_GLOBALS Globals, PWDFDEVICE_INIT DeviceInit,
                                                      PWDF_OBJECT_ATTRIBUTES RequestAttributes)
{
    NK_DEVICE_INIT *i = InitOf(DeviceInit, "WdfDeviceInitSetRequestAttributes");
    (void)Globals;
    if (i == NULL)
        return;
    if (RequestAttributes == NULL || RequestAttributes->Size != sizeof(WDF_OBJECT_ATTRIBUTES) ||
        RequestAttributes->ParentObject != NULL) {
        /* Documented: a request's parent is the framework's to choose. */
        NkHostViolation("wdf.bad-attributes", "WdfDeviceInitSetRequestAttributes: attributes not initialised or "
                        "with a ParentObject");
        return;
    }
    i->Template.RequestAttributes = *RequestAttributes;
    i->Template.HasRequestAttributes = TRUE;
}

static VOID NTAPI NkWdfDeviceInitSetIoInCallerContextCallback(PWDF_DRIVER_GLOBALS Globals, PWDFDEVICE_INIT DeviceInit,
                                                               PFN_WDF_IO_IN_CALLER_CONTEXT EvtIoInCallerContext)
{
    NK_DEVICE_INIT *i = InitOf(DeviceInit, "WdfDeviceInitSetIoInCallerContextCallback");
    (void)Globals;
    if (i != NULL)
        i->Template.InCallerContext = EvtIoInCallerContext;
}

static VOID NTAPI NkWdfControlDeviceInitSetShutdownNotification(PWDF_DRIVER_GLOBALS Globals,
                                                                PWDFDEVICE_INIT DeviceInit,
                                                                PFN_WDF_DEVICE_SHUTDOWN_NOTIFICATION Notification,
                                                                UCHAR Flags)
{
    NK_DEVICE_INIT *i = InitOf(DeviceInit, "WdfControlDeviceInitSetShutdownNotification");
    (void)Globals;
    (void)Flags;
    if (i != NULL)
        i->Template.ShutdownNotification = Notification;
}

/* ---- more device DDIs --------------------------------------------------------------- */

static WDFDRIVER NTAPI NkWdfDeviceGetDriver(PWDF_DRIVER_GLOBALS Globals, WDFDEVICE Device)
{
    NK_WDF_DEVICE *d = DeviceOf(Device, "WdfDeviceGetDriver");
    (void)Globals;
    return d != NULL ? (WDFDRIVER)d->Object.Parent : NULL;
}

static ULONG NTAPI NkWdfDeviceGetCharacteristics(PWDF_DRIVER_GLOBALS Globals, WDFDEVICE Device)
{
    NK_WDF_DEVICE *d = DeviceOf(Device, "WdfDeviceGetCharacteristics");
    (void)Globals;
    return d != NULL ? d->Wdm.Characteristics : 0;
}

static VOID NTAPI NkWdfDeviceSetCharacteristics(PWDF_DRIVER_GLOBALS Globals, WDFDEVICE Device,
                                                ULONG DeviceCharacteristics)
{
    NK_WDF_DEVICE *d = DeviceOf(Device, "WdfDeviceSetCharacteristics");
    (void)Globals;
    if (d != NULL)
        d->Wdm.Characteristics = DeviceCharacteristics;
}

static NTSTATUS NTAPI NkWdfDeviceRetrieveDeviceName(PWDF_DRIVER_GLOBALS Globals, WDFDEVICE Device, WDFSTRING String)
{
    NK_WDF_DEVICE *d = DeviceOf(Device, "WdfDeviceRetrieveDeviceName");
    UNICODE_STRING name;
    (void)Globals;
    if (d == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "WdfDeviceRetrieveDeviceName"))
        return STATUS_INVALID_DEVICE_STATE;
    name.Buffer = d->Name;
    name.Length = name.MaximumLength = (USHORT)(WLen(d->Name) * sizeof(WCHAR));
    return NkWdfStringSet(String, &name, "WdfDeviceRetrieveDeviceName");
}

/* The framework device behind a WDM device object, or NULL if it is not one. */
static WDFDEVICE NTAPI NkWdfWdmDeviceGetWdfDeviceHandle(PWDF_DRIVER_GLOBALS Globals, PDEVICE_OBJECT DeviceObject)
{
    WDFDEVICE found = NULL;
    (void)Globals;
    NkWdfLock();
    for (PLIST_ENTRY e = Devices.Flink; e != &Devices; e = e->Flink) {
        NK_WDF_DEVICE *d = CONTAINING_RECORD(e, NK_WDF_DEVICE, TableLink);
        if (NkWdfWdmDevice(d) == DeviceObject)
            found = (WDFDEVICE)d;
    }
    NkWdfUnlock();
    return found;
}

/* The framework file object behind a WDM one this device opened, or NULL. */
static WDFFILEOBJECT NTAPI NkWdfDeviceGetFileObject(PWDF_DRIVER_GLOBALS Globals, WDFDEVICE Device,
                                                    PFILE_OBJECT FileObject)
{
    NK_WDF_DEVICE *d = DeviceOf(Device, "WdfDeviceGetFileObject");
    NK_WDF_OBJECT *f;
    WDFFILEOBJECT found = NULL;
    (void)Globals;
    if (d == NULL || FileObject == NULL)
        return NULL;
    f = NkWdfReferenceIfLive(CONTAINING_RECORD(FileObject, NK_WDF_FILE, Wdm), NkWdfTypeFileObject);
    if (f != NULL) {
        if (((NK_WDF_FILE *)f)->Device == d)
            found = (WDFFILEOBJECT)f;
        NkWdfRelease(f);
    }
    return found;
}

/* A control device has no device below it and no PDO (documented: NULL);
 * a miniport's device has what WdfDeviceMiniportCreate was given. */
static PDEVICE_OBJECT NTAPI NkWdfDeviceWdmGetAttachedDevice(PWDF_DRIVER_GLOBALS Globals, WDFDEVICE Device)
{
    NK_WDF_DEVICE *d = DeviceOf(Device, "WdfDeviceWdmGetAttachedDevice");
    (void)Globals;
    return d != NULL ? d->MiniportAttached : NULL;
}

static PDEVICE_OBJECT NTAPI NkWdfDeviceWdmGetPhysicalDevice(PWDF_DRIVER_GLOBALS Globals, WDFDEVICE Device)
{
    NK_WDF_DEVICE *d = DeviceOf(Device, "WdfDeviceWdmGetPhysicalDevice");
    (void)Globals;
    return d != NULL ? d->MiniportPdo : NULL;
}

/* The local I/O target is the next-lower driver: a control device has none. */
static WDFIOTARGET NTAPI NkWdfDeviceGetIoTarget(PWDF_DRIVER_GLOBALS Globals, WDFDEVICE Device)
{
    (void)Globals;
    (void)DeviceOf(Device, "WdfDeviceGetIoTarget");
    return NULL;
}

static VOID NTAPI NkWdfDeviceSetFailed(PWDF_DRIVER_GLOBALS Globals, WDFDEVICE Device,
                                       WDF_DEVICE_FAILED_ACTION FailedAction)
{
    (void)Globals;
    if (DeviceOf(Device, "WdfDeviceSetFailed") != NULL)
        DbgPrint("ndiskit host: WdfDeviceSetFailed(%d): no PnP manager on the host to remove the device\n",
                 (int)FailedAction);
}

static PUNICODE_STRING NTAPI NkWdfFileObjectGetFileName(PWDF_DRIVER_GLOBALS Globals, WDFFILEOBJECT FileObject)
{
    NK_WDF_OBJECT *o = NkWdfLookupType((WDFOBJECT)FileObject, NkWdfTypeFileObject, "WDFFILEOBJECT",
                                       "WdfFileObjectGetFileName");
    (void)Globals;
    /* What followed the device's name when it was opened: the host opens
     * devices by name only, so it is empty. */
    return o != NULL ? &((NK_WDF_FILE *)o)->Wdm.FileName : NULL;
}

static ULONG NTAPI NkWdfFileObjectGetFlags(PWDF_DRIVER_GLOBALS Globals, WDFFILEOBJECT FileObject)
{
    NK_WDF_OBJECT *o = NkWdfLookupType((WDFOBJECT)FileObject, NkWdfTypeFileObject, "WDFFILEOBJECT",
                                       "WdfFileObjectGetFlags");
    (void)Globals;
    return o != NULL ? ((NK_WDF_FILE *)o)->Wdm.Flags : 0;
}

static ULONG NTAPI NkWdfFileObjectGetInitiatorProcessId(PWDF_DRIVER_GLOBALS Globals, WDFFILEOBJECT FileObject)
{
    (void)Globals;
    if (NkWdfLookupType((WDFOBJECT)FileObject, NkWdfTypeFileObject, "WDFFILEOBJECT",
                        "WdfFileObjectGetInitiatorProcessId") == NULL)
        return 0;
    return (ULONG)getpid(); /* every host file is opened by this process */
}

VOID NkWdfRegisterDeviceDdis(VOID)
{
    NK_WDF_REGISTER(WdfControlDeviceInitAllocate, NkWdfControlDeviceInitAllocate);
    NK_WDF_REGISTER(WdfDeviceInitFree, NkWdfDeviceInitFree);
    NK_WDF_REGISTER(WdfDeviceInitSetIoType, NkWdfDeviceInitSetIoType);
    NK_WDF_REGISTER(WdfDeviceInitSetExclusive, NkWdfDeviceInitSetExclusive);
    NK_WDF_REGISTER(WdfDeviceInitAssignName, NkWdfDeviceInitAssignName);
    NK_WDF_REGISTER(WdfDeviceInitAssignSDDLString, NkWdfDeviceInitAssignSDDLString);
    NK_WDF_REGISTER(WdfDeviceInitSetFileObjectConfig, NkWdfDeviceInitSetFileObjectConfig);
    NK_WDF_REGISTER(WdfDeviceCreate, NkWdfDeviceCreate);
    NK_WDF_REGISTER(WdfDeviceCreateSymbolicLink, NkWdfDeviceCreateSymbolicLink);
    NK_WDF_REGISTER(WdfControlFinishInitializing, NkWdfControlFinishInitializing);
    NK_WDF_REGISTER(WdfDeviceWdmGetDeviceObject, NkWdfDeviceWdmGetDeviceObject);
    NK_WDF_REGISTER(WdfDeviceGetDefaultQueue, NkWdfDeviceGetDefaultQueue);
    NK_WDF_REGISTER(WdfFileObjectGetDevice, NkWdfFileObjectGetDevice);
    NK_WDF_REGISTER(WdfFileObjectWdmGetFileObject, NkWdfFileObjectWdmGetFileObject);
    NK_WDF_REGISTER(WdfDeviceInitSetDeviceType, NkWdfDeviceInitSetDeviceType);
    NK_WDF_REGISTER(WdfDeviceInitSetCharacteristics, NkWdfDeviceInitSetCharacteristics);
    NK_WDF_REGISTER(WdfDeviceInitSetDeviceClass, NkWdfDeviceInitSetDeviceClass);
    NK_WDF_REGISTER(WdfDeviceInitSetPowerNotPageable, NkWdfDeviceInitSetPowerNotPageable);
    NK_WDF_REGISTER(WdfDeviceInitSetPowerPageable, NkWdfDeviceInitSetPowerPageable);
    NK_WDF_REGISTER(WdfDeviceInitSetPowerInrush, NkWdfDeviceInitSetPowerInrush);
    NK_WDF_REGISTER(WdfDeviceInitSetPnpPowerEventCallbacks, NkWdfDeviceInitSetPnpPowerEventCallbacks);
    NK_WDF_REGISTER(WdfDeviceInitSetPowerPolicyEventCallbacks, NkWdfDeviceInitSetPowerPolicyEventCallbacks);
    NK_WDF_REGISTER(WdfDeviceInitSetPowerPolicyOwnership, NkWdfDeviceInitSetPowerPolicyOwnership);
    NK_WDF_REGISTER(WdfDeviceInitSetRequestAttributes, NkWdfDeviceInitSetRequestAttributes);
    NK_WDF_REGISTER(WdfControlDeviceInitSetShutdownNotification, NkWdfControlDeviceInitSetShutdownNotification);
    NK_WDF_REGISTER(WdfDeviceGetDriver, NkWdfDeviceGetDriver);
    NK_WDF_REGISTER(WdfDeviceMiniportCreate, NkWdfDeviceMiniportCreate);
    NK_WDF_REGISTER(WdfDeviceGetFileObject, NkWdfDeviceGetFileObject);
    NK_WDF_REGISTER(WdfDeviceWdmGetAttachedDevice, NkWdfDeviceWdmGetAttachedDevice);
    NK_WDF_REGISTER(WdfDeviceWdmGetPhysicalDevice, NkWdfDeviceWdmGetPhysicalDevice);
    NK_WDF_REGISTER(WdfDeviceGetIoTarget, NkWdfDeviceGetIoTarget);
    NK_WDF_REGISTER(WdfDeviceSetFailed, NkWdfDeviceSetFailed);
    NK_WDF_REGISTER(WdfDeviceInitSetIoInCallerContextCallback, NkWdfDeviceInitSetIoInCallerContextCallback);
    NK_WDF_REGISTER(WdfDeviceGetCharacteristics, NkWdfDeviceGetCharacteristics);
    NK_WDF_REGISTER(WdfDeviceSetCharacteristics, NkWdfDeviceSetCharacteristics);
    NK_WDF_REGISTER(WdfDeviceRetrieveDeviceName, NkWdfDeviceRetrieveDeviceName);
    NK_WDF_REGISTER(WdfWdmDeviceGetWdfDeviceHandle, NkWdfWdmDeviceGetWdfDeviceHandle);
    NK_WDF_REGISTER(WdfFileObjectGetFileName, NkWdfFileObjectGetFileName);
    NK_WDF_REGISTER(WdfFileObjectGetFlags, NkWdfFileObjectGetFlags);
    NK_WDF_REGISTER(WdfFileObjectGetInitiatorProcessId, NkWdfFileObjectGetInitiatorProcessId);
}
