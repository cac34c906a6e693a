/*
 * wdfio.h - I/O queues: how the framework presents requests to a driver.
 * Part of <wdf.h>.
 *
 * A sequential queue presents one request at a time, a parallel queue as
 * many as arrive, a manual queue none (the driver pulls them with
 * WdfIoQueueRetrieveNextRequest, e.g. to park reads until data comes).
 */
#ifndef NDISKIT_WDFIO_H
#define NDISKIT_WDFIO_H

#ifndef NDISKIT_WDF_H
#error "include <wdf.h>, not <wdfio.h>"
#endif

typedef enum _WDF_IO_QUEUE_DISPATCH_TYPE {
    WdfIoQueueDispatchInvalid = 0,
    WdfIoQueueDispatchSequential,
    WdfIoQueueDispatchParallel,
    WdfIoQueueDispatchManual,
    WdfIoQueueDispatchMax
} WDF_IO_QUEUE_DISPATCH_TYPE;

/* Bits of what WdfIoQueueGetState returns. */
typedef enum _WDF_IO_QUEUE_STATE {
    WdfIoQueueAcceptRequests = 0x01,
    WdfIoQueueDispatchRequests = 0x02,
    WdfIoQueueNoRequests = 0x04,
    WdfIoQueueDriverNoRequests = 0x08,
    WdfIoQueuePnpHeld = 0x10
} WDF_IO_QUEUE_STATE;

/* Idle: nothing queued and nothing owned by the driver. */
FORCEINLINE BOOLEAN WDF_IO_QUEUE_IDLE(_In_ WDF_IO_QUEUE_STATE State)
{
    return ((State & WdfIoQueueNoRequests) && (State & WdfIoQueueDriverNoRequests)) ? TRUE : FALSE;
}

/* Ready: accepting and dispatching. */
FORCEINLINE BOOLEAN WDF_IO_QUEUE_READY(_In_ WDF_IO_QUEUE_STATE State)
{
    return ((State & WdfIoQueueDispatchRequests) && (State & WdfIoQueueAcceptRequests)) ? TRUE
                                                                                         : FALSE;
}

/* Why EvtIoStop is called for a request the driver owns. */
typedef enum _WDF_REQUEST_STOP_ACTION_FLAGS {
    WdfRequestStopActionInvalid = 0,
    WdfRequestStopActionSuspend = 0x01,
    WdfRequestStopActionPurge = 0x2,
    WdfRequestStopRequestCancelable = 0x10000000
} WDF_REQUEST_STOP_ACTION_FLAGS;

typedef _Function_class_(EVT_WDF_IO_QUEUE_IO_DEFAULT) _IRQL_requires_max_(DISPATCH_LEVEL)
VOID EVT_WDF_IO_QUEUE_IO_DEFAULT(_In_ WDFQUEUE Queue, _In_ WDFREQUEST Request);
typedef EVT_WDF_IO_QUEUE_IO_DEFAULT *PFN_WDF_IO_QUEUE_IO_DEFAULT;

typedef _Function_class_(EVT_WDF_IO_QUEUE_IO_READ) _IRQL_requires_max_(DISPATCH_LEVEL)
VOID EVT_WDF_IO_QUEUE_IO_READ(_In_ WDFQUEUE Queue, _In_ WDFREQUEST Request, _In_ size_t Length);
typedef EVT_WDF_IO_QUEUE_IO_READ *PFN_WDF_IO_QUEUE_IO_READ;

typedef _Function_class_(EVT_WDF_IO_QUEUE_IO_WRITE) _IRQL_requires_max_(DISPATCH_LEVEL)
VOID EVT_WDF_IO_QUEUE_IO_WRITE(_In_ WDFQUEUE Queue, _In_ WDFREQUEST Request, _In_ size_t Length);
typedef EVT_WDF_IO_QUEUE_IO_WRITE *PFN_WDF_IO_QUEUE_IO_WRITE;

typedef _Function_class_(EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL) _IRQL_requires_max_(DISPATCH_LEVEL)
VOID EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL(_In_ WDFQUEUE Queue, _In_ WDFREQUEST Request,
                                        _In_ size_t OutputBufferLength,
                                        _In_ size_t InputBufferLength, _In_ ULONG IoControlCode);
typedef EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL *PFN_WDF_IO_QUEUE_IO_DEVICE_CONTROL;

typedef _Function_class_(EVT_WDF_IO_QUEUE_IO_INTERNAL_DEVICE_CONTROL)
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID EVT_WDF_IO_QUEUE_IO_INTERNAL_DEVICE_CONTROL(_In_ WDFQUEUE Queue, _In_ WDFREQUEST Request,
                                                 _In_ size_t OutputBufferLength,
                                                 _In_ size_t InputBufferLength,
                                                 _In_ ULONG IoControlCode);
typedef EVT_WDF_IO_QUEUE_IO_INTERNAL_DEVICE_CONTROL *PFN_WDF_IO_QUEUE_IO_INTERNAL_DEVICE_CONTROL;

typedef _Function_class_(EVT_WDF_IO_QUEUE_IO_STOP) _IRQL_requires_max_(DISPATCH_LEVEL)
VOID EVT_WDF_IO_QUEUE_IO_STOP(_In_ WDFQUEUE Queue, _In_ WDFREQUEST Request,
                              _In_ ULONG ActionFlags);
typedef EVT_WDF_IO_QUEUE_IO_STOP *PFN_WDF_IO_QUEUE_IO_STOP;

typedef _Function_class_(EVT_WDF_IO_QUEUE_IO_RESUME) _IRQL_requires_max_(DISPATCH_LEVEL)
VOID EVT_WDF_IO_QUEUE_IO_RESUME(_In_ WDFQUEUE Queue, _In_ WDFREQUEST Request);
typedef EVT_WDF_IO_QUEUE_IO_RESUME *PFN_WDF_IO_QUEUE_IO_RESUME;

typedef _Function_class_(EVT_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE) _IRQL_requires_max_(DISPATCH_LEVEL)
VOID EVT_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE(_In_ WDFQUEUE Queue, _In_ WDFREQUEST Request);
typedef EVT_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE *PFN_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE;

/* Completion of an asynchronous stop, drain, purge or ready notification. */
typedef _Function_class_(EVT_WDF_IO_QUEUE_STATE) _IRQL_requires_max_(DISPATCH_LEVEL)
VOID EVT_WDF_IO_QUEUE_STATE(_In_ WDFQUEUE Queue, _In_ WDFCONTEXT Context);
typedef EVT_WDF_IO_QUEUE_STATE *PFN_WDF_IO_QUEUE_STATE;

typedef struct _WDF_IO_QUEUE_CONFIG {
    ULONG Size;
    WDF_IO_QUEUE_DISPATCH_TYPE DispatchType;
    WDF_TRI_STATE PowerManaged;
    BOOLEAN AllowZeroLengthRequests;
    BOOLEAN DefaultQueue;
    PFN_WDF_IO_QUEUE_IO_DEFAULT EvtIoDefault;
    PFN_WDF_IO_QUEUE_IO_READ EvtIoRead;
    PFN_WDF_IO_QUEUE_IO_WRITE EvtIoWrite;
    PFN_WDF_IO_QUEUE_IO_DEVICE_CONTROL EvtIoDeviceControl;
    PFN_WDF_IO_QUEUE_IO_INTERNAL_DEVICE_CONTROL EvtIoInternalDeviceControl;
    PFN_WDF_IO_QUEUE_IO_STOP EvtIoStop;
    PFN_WDF_IO_QUEUE_IO_RESUME EvtIoResume;
    PFN_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE EvtIoCanceledOnQueue;
    union {
        struct {
            ULONG NumberOfPresentedRequests;    /* (ULONG)-1: unlimited */
        } Parallel;
    } Settings;
    WDFDRIVER Driver;
} WDF_IO_QUEUE_CONFIG, *PWDF_IO_QUEUE_CONFIG;

FORCEINLINE VOID WDF_IO_QUEUE_CONFIG_INIT(_Out_ PWDF_IO_QUEUE_CONFIG Config,
                                          _In_ WDF_IO_QUEUE_DISPATCH_TYPE DispatchType)
{
    RtlZeroMemory(Config, sizeof(WDF_IO_QUEUE_CONFIG));
    Config->Size = sizeof(WDF_IO_QUEUE_CONFIG);
    Config->PowerManaged = WdfUseDefault;
    Config->DispatchType = DispatchType;
    if (Config->DispatchType == WdfIoQueueDispatchParallel) {
        Config->Settings.Parallel.NumberOfPresentedRequests = (ULONG)-1;
    }
}

FORCEINLINE VOID WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(_Out_ PWDF_IO_QUEUE_CONFIG Config,
                                                        _In_ WDF_IO_QUEUE_DISPATCH_TYPE DispatchType)
{
    WDF_IO_QUEUE_CONFIG_INIT(Config, DispatchType);
    Config->DefaultQueue = TRUE;
}

/* BEGIN GENERATED DDIs: scripts/gen-wdf-ddis from scripts/wdf-ddis.txt. */

typedef _Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFIOQUEUECREATE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFDEVICE Device,
    _In_ PWDF_IO_QUEUE_CONFIG Config,
    _In_opt_ PWDF_OBJECT_ATTRIBUTES QueueAttributes,
    _Out_opt_ WDFQUEUE *Queue);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfIoQueueCreate(
    _In_ WDFDEVICE Device,
    _In_ PWDF_IO_QUEUE_CONFIG Config,
    _In_opt_ PWDF_OBJECT_ATTRIBUTES QueueAttributes,
    _Out_opt_ WDFQUEUE *Queue)
{
    return ((PFN_WDFIOQUEUECREATE)WdfFunctions[WdfIoQueueCreateTableIndex])(WdfDriverGlobals, Device, Config, QueueAttributes, Queue);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI WDF_IO_QUEUE_STATE (NTAPI *PFN_WDFIOQUEUEGETSTATE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFQUEUE Queue,
    _Out_opt_ PULONG QueueRequests,
    _Out_opt_ PULONG DriverRequests);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE WDF_IO_QUEUE_STATE WdfIoQueueGetState(
    _In_ WDFQUEUE Queue,
    _Out_opt_ PULONG QueueRequests,
    _Out_opt_ PULONG DriverRequests)
{
    return ((PFN_WDFIOQUEUEGETSTATE)WdfFunctions[WdfIoQueueGetStateTableIndex])(WdfDriverGlobals, Queue, QueueRequests, DriverRequests);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFIOQUEUESTART)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFQUEUE Queue);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfIoQueueStart(
    _In_ WDFQUEUE Queue)
{
    ((PFN_WDFIOQUEUESTART)WdfFunctions[WdfIoQueueStartTableIndex])(WdfDriverGlobals, Queue);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFIOQUEUESTOP)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFQUEUE Queue,
    _In_opt_ PFN_WDF_IO_QUEUE_STATE StopComplete,
    _In_opt_ WDFCONTEXT Context);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfIoQueueStop(
    _In_ WDFQUEUE Queue,
    _In_opt_ PFN_WDF_IO_QUEUE_STATE StopComplete,
    _In_opt_ WDFCONTEXT Context)
{
    ((PFN_WDFIOQUEUESTOP)WdfFunctions[WdfIoQueueStopTableIndex])(WdfDriverGlobals, Queue, StopComplete, Context);
}

typedef _IRQL_requires_max_(PASSIVE_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFIOQUEUESTOPSYNCHRONOUSLY)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFQUEUE Queue);

_IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE VOID WdfIoQueueStopSynchronously(
    _In_ WDFQUEUE Queue)
{
    ((PFN_WDFIOQUEUESTOPSYNCHRONOUSLY)WdfFunctions[WdfIoQueueStopSynchronouslyTableIndex])(WdfDriverGlobals, Queue);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI WDFDEVICE (NTAPI *PFN_WDFIOQUEUEGETDEVICE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFQUEUE Queue);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE WDFDEVICE WdfIoQueueGetDevice(
    _In_ WDFQUEUE Queue)
{
    return ((PFN_WDFIOQUEUEGETDEVICE)WdfFunctions[WdfIoQueueGetDeviceTableIndex])(WdfDriverGlobals, Queue);
}

typedef _Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFIOQUEUERETRIEVENEXTREQUEST)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFQUEUE Queue,
    _Out_ WDFREQUEST *OutRequest);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfIoQueueRetrieveNextRequest(
    _In_ WDFQUEUE Queue,
    _Out_ WDFREQUEST *OutRequest)
{
    return ((PFN_WDFIOQUEUERETRIEVENEXTREQUEST)WdfFunctions[WdfIoQueueRetrieveNextRequestTableIndex])(WdfDriverGlobals, Queue, OutRequest);
}

typedef _Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFIOQUEUERETRIEVEREQUESTBYFILEOBJECT)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFQUEUE Queue,
    _In_ WDFFILEOBJECT FileObject,
    _Out_ WDFREQUEST *OutRequest);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfIoQueueRetrieveRequestByFileObject(
    _In_ WDFQUEUE Queue,
    _In_ WDFFILEOBJECT FileObject,
    _Out_ WDFREQUEST *OutRequest)
{
    return ((PFN_WDFIOQUEUERETRIEVEREQUESTBYFILEOBJECT)WdfFunctions[WdfIoQueueRetrieveRequestByFileObjectTableIndex])(WdfDriverGlobals, Queue, FileObject, OutRequest);
}

typedef _Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFIOQUEUEFINDREQUEST)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFQUEUE Queue,
    _In_opt_ WDFREQUEST FoundRequest,
    _In_opt_ WDFFILEOBJECT FileObject,
    _Inout_opt_ PWDF_REQUEST_PARAMETERS Parameters,
    _Out_ WDFREQUEST *OutRequest);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfIoQueueFindRequest(
    _In_ WDFQUEUE Queue,
    _In_opt_ WDFREQUEST FoundRequest,
    _In_opt_ WDFFILEOBJECT FileObject,
    _Inout_opt_ PWDF_REQUEST_PARAMETERS Parameters,
    _Out_ WDFREQUEST *OutRequest)
{
    return ((PFN_WDFIOQUEUEFINDREQUEST)WdfFunctions[WdfIoQueueFindRequestTableIndex])(WdfDriverGlobals, Queue, FoundRequest, FileObject, Parameters, OutRequest);
}

typedef _Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFIOQUEUERETRIEVEFOUNDREQUEST)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFQUEUE Queue,
    _In_ WDFREQUEST FoundRequest,
    _Out_ WDFREQUEST *OutRequest);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfIoQueueRetrieveFoundRequest(
    _In_ WDFQUEUE Queue,
    _In_ WDFREQUEST FoundRequest,
    _Out_ WDFREQUEST *OutRequest)
{
    return ((PFN_WDFIOQUEUERETRIEVEFOUNDREQUEST)WdfFunctions[WdfIoQueueRetrieveFoundRequestTableIndex])(WdfDriverGlobals, Queue, FoundRequest, OutRequest);
}

typedef _IRQL_requires_max_(PASSIVE_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFIOQUEUEDRAINSYNCHRONOUSLY)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFQUEUE Queue);

_IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE VOID WdfIoQueueDrainSynchronously(
    _In_ WDFQUEUE Queue)
{
    ((PFN_WDFIOQUEUEDRAINSYNCHRONOUSLY)WdfFunctions[WdfIoQueueDrainSynchronouslyTableIndex])(WdfDriverGlobals, Queue);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFIOQUEUEDRAIN)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFQUEUE Queue,
    _In_opt_ PFN_WDF_IO_QUEUE_STATE DrainComplete,
    _In_opt_ WDFCONTEXT Context);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfIoQueueDrain(
    _In_ WDFQUEUE Queue,
    _In_opt_ PFN_WDF_IO_QUEUE_STATE DrainComplete,
    _In_opt_ WDFCONTEXT Context)
{
    ((PFN_WDFIOQUEUEDRAIN)WdfFunctions[WdfIoQueueDrainTableIndex])(WdfDriverGlobals, Queue, DrainComplete, Context);
}

typedef _IRQL_requires_max_(PASSIVE_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFIOQUEUEPURGESYNCHRONOUSLY)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFQUEUE Queue);

_IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE VOID WdfIoQueuePurgeSynchronously(
    _In_ WDFQUEUE Queue)
{
    ((PFN_WDFIOQUEUEPURGESYNCHRONOUSLY)WdfFunctions[WdfIoQueuePurgeSynchronouslyTableIndex])(WdfDriverGlobals, Queue);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFIOQUEUEPURGE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFQUEUE Queue,
    _In_opt_ PFN_WDF_IO_QUEUE_STATE PurgeComplete,
    _In_opt_ WDFCONTEXT Context);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfIoQueuePurge(
    _In_ WDFQUEUE Queue,
    _In_opt_ PFN_WDF_IO_QUEUE_STATE PurgeComplete,
    _In_opt_ WDFCONTEXT Context)
{
    ((PFN_WDFIOQUEUEPURGE)WdfFunctions[WdfIoQueuePurgeTableIndex])(WdfDriverGlobals, Queue, PurgeComplete, Context);
}

typedef _Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFIOQUEUEREADYNOTIFY)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFQUEUE Queue,
    _In_opt_ PFN_WDF_IO_QUEUE_STATE QueueReady,
    _In_opt_ WDFCONTEXT Context);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfIoQueueReadyNotify(
    _In_ WDFQUEUE Queue,
    _In_opt_ PFN_WDF_IO_QUEUE_STATE QueueReady,
    _In_opt_ WDFCONTEXT Context)
{
    return ((PFN_WDFIOQUEUEREADYNOTIFY)WdfFunctions[WdfIoQueueReadyNotifyTableIndex])(WdfDriverGlobals, Queue, QueueReady, Context);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFIOQUEUESTOPANDPURGE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFQUEUE Queue,
    _In_opt_ PFN_WDF_IO_QUEUE_STATE StopAndPurgeComplete,
    _In_opt_ WDFCONTEXT Context);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfIoQueueStopAndPurge(
    _In_ WDFQUEUE Queue,
    _In_opt_ PFN_WDF_IO_QUEUE_STATE StopAndPurgeComplete,
    _In_opt_ WDFCONTEXT Context)
{
    ((PFN_WDFIOQUEUESTOPANDPURGE)WdfFunctions[WdfIoQueueStopAndPurgeTableIndex])(WdfDriverGlobals, Queue, StopAndPurgeComplete, Context);
}

typedef _IRQL_requires_max_(PASSIVE_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFIOQUEUESTOPANDPURGESYNCHRONOUSLY)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFQUEUE Queue);

_IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE VOID WdfIoQueueStopAndPurgeSynchronously(
    _In_ WDFQUEUE Queue)
{
    ((PFN_WDFIOQUEUESTOPANDPURGESYNCHRONOUSLY)WdfFunctions[WdfIoQueueStopAndPurgeSynchronouslyTableIndex])(WdfDriverGlobals, Queue);
}

/* END GENERATED DDIs */

#endif /* NDISKIT_WDFIO_H */
