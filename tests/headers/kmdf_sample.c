/*
 * kmdf_sample.c - a KMDF control-device driver written exactly as against
 * the WDK (no ndiskit names), compiled (not linked) by CTest for the
 * Windows target and the host.  If it stops compiling, a WDK driver's
 * source would stop building on ndiskit unchanged.
 *
 * It uses the pieces ndisprot needs: a non-PnP driver, a named control
 * device with an SDDL, file-object callbacks with a typed file context,
 * a parallel default queue for IOCTLs and a manual queue for parked reads,
 * cancelable requests, a spin lock, a timer and a work item.
 */
#include <ntddk.h>
#include <wdf.h>
#include <wdmsec.h>

#define IOCTL_SAMPLE_ECHO CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS)

typedef struct _FILE_CONTEXT {
    WDFQUEUE PendingReads;
    ULONG ReadsParked;
} FILE_CONTEXT, *PFILE_CONTEXT;
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(FILE_CONTEXT, GetFileContext)

typedef struct _DEVICE_CONTEXT {
    WDFSPINLOCK Lock;
    WDFTIMER Timer;
    WDFWORKITEM WorkItem;
    LONG OpenCount;
} DEVICE_CONTEXT, *PDEVICE_CONTEXT;
WDF_DECLARE_CONTEXT_TYPE(DEVICE_CONTEXT)

DRIVER_INITIALIZE DriverEntry;
static EVT_WDF_DRIVER_UNLOAD SampleUnload;
static EVT_WDF_DEVICE_FILE_CREATE SampleCreate;
static EVT_WDF_FILE_CLEANUP SampleCleanup;
static EVT_WDF_FILE_CLOSE SampleClose;
static EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL SampleIoctl;
static EVT_WDF_IO_QUEUE_IO_READ SampleRead;
static EVT_WDF_REQUEST_CANCEL SampleCancelRead;
static EVT_WDF_TIMER SampleTimer;
static EVT_WDF_WORKITEM SampleWork;
static EVT_WDF_OBJECT_CONTEXT_CLEANUP SampleDeviceCleanup;

static VOID SampleUnload(_In_ WDFDRIVER Driver)
{
    UNREFERENCED_PARAMETER(Driver);
}

static VOID SampleCreate(_In_ WDFDEVICE Device, _In_ WDFREQUEST Request, _In_ WDFFILEOBJECT FileObject)
{
    PDEVICE_CONTEXT dev = WdfObjectGet_DEVICE_CONTEXT(Device);
    PFILE_CONTEXT file = GetFileContext(FileObject);
    WDF_IO_QUEUE_CONFIG qc;
    NTSTATUS status;

    WDF_IO_QUEUE_CONFIG_INIT(&qc, WdfIoQueueDispatchManual);
    status = WdfIoQueueCreate(Device, &qc, WDF_NO_OBJECT_ATTRIBUTES, &file->PendingReads);
    if (NT_SUCCESS(status))
        InterlockedIncrement(&dev->OpenCount);
    WdfRequestComplete(Request, status);
}

static VOID SampleCleanup(_In_ WDFFILEOBJECT FileObject)
{
    PFILE_CONTEXT file = GetFileContext(FileObject);

    /* Complete every parked read before the handle goes away. */
    WdfIoQueuePurgeSynchronously(file->PendingReads);
}

static VOID SampleClose(_In_ WDFFILEOBJECT FileObject)
{
    PDEVICE_CONTEXT dev = WdfObjectGet_DEVICE_CONTEXT(WdfFileObjectGetDevice(FileObject));

    InterlockedDecrement(&dev->OpenCount);
}

static VOID SampleIoctl(_In_ WDFQUEUE Queue, _In_ WDFREQUEST Request, _In_ size_t OutputBufferLength,
                        _In_ size_t InputBufferLength, _In_ ULONG IoControlCode)
{
    PVOID in, out;
    size_t inLen, outLen;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(Queue);
    if (IoControlCode != IOCTL_SAMPLE_ECHO) {
        WdfRequestComplete(Request, STATUS_INVALID_DEVICE_REQUEST);
        return;
    }
    if (InputBufferLength > OutputBufferLength) {
        WdfRequestComplete(Request, STATUS_BUFFER_TOO_SMALL);
        return;
    }
    status = WdfRequestRetrieveInputBuffer(Request, 1, &in, &inLen);
    if (!NT_SUCCESS(status))
        goto out;
    status = WdfRequestRetrieveOutputBuffer(Request, inLen, &out, &outLen);
    if (!NT_SUCCESS(status))
        goto out;
    RtlCopyMemory(out, in, inLen);
    WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, inLen);
    return;
out:
    WdfRequestComplete(Request, status);
}

static VOID SampleCancelRead(_In_ WDFREQUEST Request)
{
    WdfRequestComplete(Request, STATUS_CANCELLED);
}

static VOID SampleRead(_In_ WDFQUEUE Queue, _In_ WDFREQUEST Request, _In_ size_t Length)
{
    PFILE_CONTEXT file = GetFileContext(WdfRequestGetFileObject(Request));
    NTSTATUS status;

    UNREFERENCED_PARAMETER(Queue);
    UNREFERENCED_PARAMETER(Length);
    status = WdfRequestForwardToIoQueue(Request, file->PendingReads);
    if (!NT_SUCCESS(status))
        WdfRequestComplete(Request, status);
}

static VOID SampleTimer(_In_ WDFTIMER Timer)
{
    PDEVICE_CONTEXT dev = WdfObjectGet_DEVICE_CONTEXT(WdfTimerGetParentObject(Timer));

    WdfSpinLockAcquire(dev->Lock);
    WdfSpinLockRelease(dev->Lock);
    WdfWorkItemEnqueue(dev->WorkItem);
}

static VOID SampleWork(_In_ WDFWORKITEM WorkItem)
{
    WDFDEVICE device = (WDFDEVICE)WdfWorkItemGetParentObject(WorkItem);
    WDFREQUEST request;
    WDF_REQUEST_PARAMETERS params;

    WDF_REQUEST_PARAMETERS_INIT(&params);
    UNREFERENCED_PARAMETER(device);
    /* Nothing parked here in the sample; show the manual-queue idiom. */
    if (NT_SUCCESS(WdfIoQueueRetrieveNextRequest(WdfDeviceGetDefaultQueue(device), &request))) {
        WdfRequestGetParameters(request, &params);
        if (!NT_SUCCESS(WdfRequestMarkCancelableEx(request, SampleCancelRead)))
            WdfRequestComplete(request, STATUS_CANCELLED);
    }
}

static VOID SampleDeviceCleanup(_In_ WDFOBJECT Object)
{
    PDEVICE_CONTEXT dev = WdfObjectGet_DEVICE_CONTEXT(Object);

    WdfTimerStop(dev->Timer, TRUE);
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    DECLARE_CONST_UNICODE_STRING(name, L"\\Device\\KmdfSample");
    DECLARE_CONST_UNICODE_STRING(link, L"\\DosDevices\\KmdfSample");
    WDF_DRIVER_CONFIG config;
    WDFDRIVER driver;
    PWDFDEVICE_INIT init = NULL;
    WDF_FILEOBJECT_CONFIG fileConfig;
    WDF_OBJECT_ATTRIBUTES attributes;
    WDF_IO_QUEUE_CONFIG queueConfig;
    WDF_TIMER_CONFIG timerConfig;
    WDF_WORKITEM_CONFIG workConfig;
    WDFDEVICE device;
    PDEVICE_CONTEXT dev;
    NTSTATUS status;

    WDF_DRIVER_CONFIG_INIT(&config, WDF_NO_EVENT_CALLBACK);
    config.DriverInitFlags |= WdfDriverInitNonPnpDriver;
    config.EvtDriverUnload = SampleUnload;
    status = WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config, &driver);
    if (!NT_SUCCESS(status))
        return status;

    init = WdfControlDeviceInitAllocate(driver, &SDDL_DEVOBJ_SYS_ALL_ADM_ALL);
    if (init == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    WdfDeviceInitSetIoType(init, WdfDeviceIoBuffered);
    WdfDeviceInitSetExclusive(init, FALSE);
    status = WdfDeviceInitAssignName(init, &name);
    if (!NT_SUCCESS(status))
        goto out;

    WDF_FILEOBJECT_CONFIG_INIT(&fileConfig, SampleCreate, SampleClose, SampleCleanup);
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, FILE_CONTEXT);
    WdfDeviceInitSetFileObjectConfig(init, &fileConfig, &attributes);

    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, DEVICE_CONTEXT);
    attributes.EvtCleanupCallback = SampleDeviceCleanup;
    status = WdfDeviceCreate(&init, &attributes, &device);
    if (!NT_SUCCESS(status))
        goto out;
    dev = WdfObjectGet_DEVICE_CONTEXT(device);

    status = WdfDeviceCreateSymbolicLink(device, &link);
    if (!NT_SUCCESS(status))
        goto out;

    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&queueConfig, WdfIoQueueDispatchParallel);
    queueConfig.EvtIoDeviceControl = SampleIoctl;
    queueConfig.EvtIoRead = SampleRead;
    status = WdfIoQueueCreate(device, &queueConfig, WDF_NO_OBJECT_ATTRIBUTES, WDF_NO_HANDLE);
    if (!NT_SUCCESS(status))
        goto out;

    WDF_OBJECT_ATTRIBUTES_INIT(&attributes);
    attributes.ParentObject = device;
    status = WdfSpinLockCreate(&attributes, &dev->Lock);
    if (!NT_SUCCESS(status))
        goto out;
    WDF_TIMER_CONFIG_INIT_PERIODIC(&timerConfig, SampleTimer, 1000);
    status = WdfTimerCreate(&timerConfig, &attributes, &dev->Timer);
    if (!NT_SUCCESS(status))
        goto out;
    WDF_WORKITEM_CONFIG_INIT(&workConfig, SampleWork);
    status = WdfWorkItemCreate(&workConfig, &attributes, &dev->WorkItem);
    if (!NT_SUCCESS(status))
        goto out;
    WdfTimerStart(dev->Timer, WDF_REL_TIMEOUT_IN_MS(1000));

    WdfControlFinishInitializing(device);
out:
    /* WdfDeviceCreate sets init to NULL once it owns it. */
    if (init != NULL)
        WdfDeviceInitFree(init);
    return status;
}
