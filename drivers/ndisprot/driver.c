/*
 * driver.c - ndisprot's driver object, control device and files.
 *
 * \Device\Ndisprot is a non-PnP KMDF control device, as in Microsoft's
 * sample, so clients written for the sample open \\.\NdisProt unchanged.
 * Unlike the sample, its SDDL admits only SYSTEM and Administrators
 * (SDDL_DEVOBJ_SYS_ALL_ADM_ALL): a handle to it sends and receives
 * arbitrary frames on any adapter, which is not something to give every
 * local user.
 *
 * The driver's state lives in a typed driver context (NDISPROT_GLOBALS);
 * every entry point enters it through the driver core's rundown, so the
 * unload (NkDriverCoreUnload) waits for them, then unbinds every adapter,
 * before the framework deletes anything.
 */
#include "ndisprot.h"

#include <wdmsec.h>

DRIVER_INITIALIZE DriverEntry;

NDISPROT_GLOBALS *NdisprotGlobalsEnter(VOID)
{
    NDISPROT_GLOBALS *globals = NdisprotGlobalsGet(WdfGetDriver());
    if (globals == NULL || !NkDriverCoreEnter(&globals->Core))
        return NULL;
    return globals;
}

VOID NdisprotGlobalsLeave(NDISPROT_GLOBALS *Globals)
{
    NkDriverCoreLeave(&Globals->Core);
}

static NTSTATUS InitGlobals(WDFOBJECT Driver, NDISPROT_GLOBALS *Globals, PVOID Argument)
{
    UNREFERENCED_PARAMETER(Driver);
    UNREFERENCED_PARAMETER(Argument);
    NkDriverCoreInit(&Globals->Core);
    KeInitializeSpinLock(&Globals->Lock);
    InitializeListHead(&Globals->Opens);
    return STATUS_SUCCESS;
}

/* From the driver's EvtDestroy: the unload has taken every binding down. */
VOID NdisprotGlobalsDrop(WDFOBJECT Driver, NDISPROT_GLOBALS *Globals)
{
    UNREFERENCED_PARAMETER(Driver);
    if (!IsListEmpty(&Globals->Opens))
        NkLogError("driver context dropped with bindings left"); /* cannot happen: the unload unbinds all */
}

static VOID EvtDriverUnload(WDFDRIVER Driver)
{
    NDISPROT_GLOBALS *globals = NdisprotGlobalsGet(Driver);
    if (globals != NULL)
        NkDriverCoreUnload(&globals->Core);
    NkLogInfo("unloaded");
}

static VOID EvtFileCreate(WDFDEVICE Device, WDFREQUEST Request, WDFFILEOBJECT File)
{
    UNREFERENCED_PARAMETER(Device);
    NdisprotFileGet(File)->Open = NULL; /* bound to an adapter by IOCTL_NDISPROT_OPEN_DEVICE */
    WdfRequestComplete(Request, STATUS_SUCCESS);
}

static VOID EvtFileCleanup(WDFFILEOBJECT File)
{
    NDISPROT_GLOBALS *globals = NdisprotGlobalsGet(WdfGetDriver());
    /* Not through the rundown: the unload cannot begin while a handle is
     * open, and a cleanup must run even if it has. */
    if (globals != NULL)
        NdisprotFileCleanup(globals, File);
}

static NTSTATUS CreateControlDevice(WDFDRIVER Driver, NDISPROT_GLOBALS *Globals)
{
    DECLARE_CONST_UNICODE_STRING(name, L"\\Device\\Ndisprot");
    DECLARE_CONST_UNICODE_STRING(link, L"\\DosDevices\\Global\\NdisProt");
    WDF_FILEOBJECT_CONFIG fileConfig;
    WDF_OBJECT_ATTRIBUTES fileAttributes;
    WDF_IO_QUEUE_CONFIG queueConfig;
    PWDFDEVICE_INIT init;
    WDFDEVICE device = NULL;
    NTSTATUS status;

    init = WdfControlDeviceInitAllocate(Driver, &SDDL_DEVOBJ_SYS_ALL_ADM_ALL);
    if (init == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    WdfDeviceInitSetIoType(init, WdfDeviceIoDirect); /* reads and writes: frames straight from user pages */
    status = WdfDeviceInitAssignName(init, &name);
    if (!NT_SUCCESS(status))
        goto out;
    WDF_FILEOBJECT_CONFIG_INIT(&fileConfig, EvtFileCreate, NULL, EvtFileCleanup);
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&fileAttributes, NDISPROT_FILE);
    WdfDeviceInitSetFileObjectConfig(init, &fileConfig, &fileAttributes);
    status = WdfDeviceCreate(&init, WDF_NO_OBJECT_ATTRIBUTES, &device);
    if (!NT_SUCCESS(status))
        goto out;
    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&queueConfig, WdfIoQueueDispatchParallel);
    queueConfig.EvtIoRead = NdisprotEvtIoRead;
    queueConfig.EvtIoWrite = NdisprotEvtIoWrite;
    queueConfig.EvtIoDeviceControl = NdisprotEvtIoDeviceControl;
    status = WdfIoQueueCreate(device, &queueConfig, WDF_NO_OBJECT_ATTRIBUTES, WDF_NO_HANDLE);
    if (!NT_SUCCESS(status))
        goto out;
    status = WdfDeviceCreateSymbolicLink(device, &link);
    if (!NT_SUCCESS(status))
        goto out;
    Globals->ControlDevice = device;
    WdfControlFinishInitializing(device);
out:
    if (init != NULL)
        WdfDeviceInitFree(init);
    return status; /* a device created before a failure goes with the driver object */
}

_Use_decl_annotations_
NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    WDF_DRIVER_CONFIG config;
    WDF_OBJECT_ATTRIBUTES attributes;
    NDISPROT_GLOBALS *globals;
    WDFDRIVER driver;
    NDIS_STATUS ndisStatus;
    NTSTATUS status;

    WDF_DRIVER_CONFIG_INIT(&config, WDF_NO_EVENT_CALLBACK);
    config.DriverInitFlags |= WdfDriverInitNonPnpDriver;
    config.EvtDriverUnload = EvtDriverUnload;
    NdisprotGlobalsAttributes(&attributes);
    status = WdfDriverCreate(DriverObject, RegistryPath, &attributes, &config, &driver);
    if (NT_SUCCESS(status))
        status = NdisprotGlobalsInit(driver, InitGlobals, NULL);
    if (!NT_SUCCESS(status)) {
        NkLogError("driver set-up failed: 0x%08x", (unsigned)status);
        return status;
    }
    globals = NdisprotGlobalsGet(driver);
    globals->CancelIdPrefix = NdisGeneratePartialCancelId();

    /* The device first: binds that happen during registration may already
     * find a file waiting in BIND_WAIT. */
    status = CreateControlDevice(driver, globals);
    if (!NT_SUCCESS(status)) {
        NkLogError("control device: 0x%08x", (unsigned)status);
        return status;
    }
    ndisStatus = NkDriverCoreRegisterProtocol(&globals->Core, L"NDISPROT", 6, 0, &NdisprotProtocol, globals);
    if (ndisStatus != NDIS_STATUS_SUCCESS) {
        NkLogError("NdisRegisterProtocolDriver: 0x%08x", (unsigned)ndisStatus);
        return STATUS_UNSUCCESSFUL;
    }
    return STATUS_SUCCESS;
}
