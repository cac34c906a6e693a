/*
 * iotarget.c - WDFIOTARGET to local devices, and sending requests.
 *
 * A target is opened by name on another control device of the loaded
 * driver (WdfIoTargetOpenByName, through the host's NkHostCreateFile, so
 * the target device's EvtDeviceFileCreate runs) or on one of its device
 * objects (WdfIoTargetOpenUseExistingDevice).  Sending a request builds the
 * request the target device's queues receive - as the I/O manager builds
 * the next IRP stack location - with a buffered copy of the sender's
 * buffers, and dispatches it.  When the target driver completes it, the
 * host copies the output back, records the completion parameters and calls
 * the sender's completion routine in the completing thread (or completes
 * the sender's request itself for WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET).
 * The ...Synchronously DDIs wait for the completion, with the optional
 * timeout cancelling the request (STATUS_IO_TIMEOUT).
 *
 * Verifier: sending a request that is already sent, or not formatted,
 * completing a driver-created request (io.c), wrong handle types and IRQLs.
 */
#include "kmdf_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct _NK_WDF_IOTARGET {
    NK_WDF_OBJECT Object;
    NK_WDF_DEVICE *Device;          /* the device that created it */
    WDF_IO_TARGET_STATE State;
    HANDLE File;                    /* open by name: the host file handle */
    NK_WDF_DEVICE *TargetDevice;
    LIST_ENTRY Sent;                /* NK_WDF_SEND.Link, while sent */
    KEVENT Idle;                    /* signalled while nothing is sent */
} NK_WDF_IOTARGET;

typedef struct _NK_WDF_SEND {
    LIST_ENTRY Link;                /* in Target->Sent while sent */
    BOOLEAN Formatted;
    WDF_REQUEST_TYPE Type;
    ULONG Code;
    PVOID In, Out;
    SIZE_T InLength, OutLength;
    WDFMEMORY InMemory, OutMemory;
    SIZE_T InOffset, OutOffset;
    PFN_WDF_REQUEST_COMPLETION_ROUTINE Routine;
    WDFCONTEXT RoutineContext;
    WDF_REQUEST_COMPLETION_PARAMS Params;
    BOOLEAN Finished;               /* Params hold the last send's result */
    BOOLEAN Synchronous, Forget;
    NK_WDF_IOTARGET *Target;
    NK_WDF_REQUEST *Inner;          /* the target device's request, while sent */
    KEVENT Done;
} NK_WDF_SEND;

static NK_WDF_IOTARGET *TargetOf(WDFIOTARGET Handle, const char *Ddi)
{
    return (NK_WDF_IOTARGET *)NkWdfLookupType((WDFOBJECT)Handle, NkWdfTypeIoTarget, "WDFIOTARGET", Ddi);
}

static NK_WDF_REQUEST *RequestOf(WDFREQUEST Handle, const char *Ddi)
{
    return (NK_WDF_REQUEST *)NkWdfLookupType((WDFOBJECT)Handle, NkWdfTypeRequest, "WDFREQUEST", Ddi);
}

static VOID SendDestroy(NK_WDF_OBJECT *o)
{
    NK_WDF_REQUEST *r = (NK_WDF_REQUEST *)o;
    free(r->Send);
    r->Send = NULL;
}

/* The request's sending state, created on first use.  Not a fault-injection
 * site: it stands for the IRP's next stack location, which the framework
 * has from the start (WdfRequestFormatRequestUsingCurrentType cannot fail). */
static NK_WDF_SEND *SendOf(NK_WDF_REQUEST *r)
{
    NK_WDF_SEND *s;
    NkWdfLock();
    s = r->Send;
    if (s == NULL) {
        s = calloc(1, sizeof(*s));
        if (s != NULL) {
            InitializeListHead(&s->Link);
            KeInitializeEvent(&s->Done, NotificationEvent, FALSE);
            WDF_REQUEST_COMPLETION_PARAMS_INIT(&s->Params);
            r->Send = s;
            r->Object.FrameworkDestroy = SendDestroy;
        }
    }
    NkWdfUnlock();
    return s;
}

/* ---- the target device's side ------------------------------------------------------- */

/* A request for the target device, as the I/O manager would deliver it:
 * buffered, the input copied in. */
static NTSTATUS NewInner(NK_WDF_IOTARGET *t, WDF_REQUEST_TYPE Type, ULONG Code, const VOID *In, SIZE_T InLength,
                         SIZE_T OutLength, NK_WDF_REQUEST **Inner)
{
    WDF_OBJECT_ATTRIBUTES a;
    NK_WDF_OBJECT *o;
    NK_WDF_REQUEST *r;
    SIZE_T size = InLength > OutLength ? InLength : OutLength;
    NTSTATUS status;

    *Inner = NULL;
    WDF_OBJECT_ATTRIBUTES_INIT(&a);
    a.ParentObject = (WDFOBJECT)t->TargetDevice;
    status = NkWdfCreate(sizeof(NK_WDF_REQUEST), NkWdfTypeRequest, &a, NULL, &o);
    if (!NT_SUCCESS(status))
        return status;
    r = (NK_WDF_REQUEST *)o;
    KeInitializeEvent(&r->Done, NotificationEvent, FALSE);
    InitializeListHead(&r->QueueLink);
    r->File = t->File != NULL ? (NK_WDF_FILE *)t->File : NULL;
    r->InputLength = InLength;
    r->OutputLength = OutLength;
    if (size != 0) {
        r->SystemBuffer = calloc(1, size);
        if (r->SystemBuffer == NULL) {
            NkWdfDelete(o);
            return STATUS_INSUFFICIENT_RESOURCES;
        }
        if (InLength != 0)
            memcpy(r->SystemBuffer, In, InLength);
        r->SystemBufferLength = size;
    }
    if (Type == WdfRequestTypeDeviceControl || Type == WdfRequestTypeDeviceControlInternal)
        r->Neither = METHOD_FROM_CTL_CODE(Code) == METHOD_NEITHER;
    WDF_REQUEST_PARAMETERS_INIT(&r->Parameters);
    r->Parameters.Type = Type;
    switch (Type) {
    case WdfRequestTypeRead:
        r->Parameters.Parameters.Read.Length = OutLength;
        break;
    case WdfRequestTypeWrite:
        r->Parameters.Parameters.Write.Length = InLength;
        break;
    default:
        r->Parameters.Parameters.DeviceIoControl.IoControlCode = Code;
        r->Parameters.Parameters.DeviceIoControl.InputBufferLength = InLength;
        r->Parameters.Parameters.DeviceIoControl.OutputBufferLength = OutLength;
        break;
    }
    *Inner = r;
    return STATUS_SUCCESS;
}

/* Copies a completed inner request's output back (Information bytes, at
 * most OutLength) and frees it; returns its status and information. */
static NTSTATUS FinishInner(NK_WDF_REQUEST *r, PVOID Out, SIZE_T OutLength, ULONG_PTR *Information)
{
    NTSTATUS status = r->Status;
    ULONG_PTR n = r->Information;
    if (NT_SUCCESS(status) || NT_WARNING(status)) {
        if (r->Parameters.Type != WdfRequestTypeWrite && n > OutLength) {
            NkHostViolation("io.information-too-large", "request completed with Information %llu > output "
                            "buffer %zu", (unsigned long long)n, (size_t)OutLength);
            n = OutLength;
        }
        if (Out != NULL && n != 0 && r->Parameters.Type != WdfRequestTypeWrite)
            memcpy(Out, r->SystemBuffer, n);
    }
    *Information = n;
    free(r->SystemBuffer);
    r->SystemBuffer = NULL;
    free(r->SystemBufferMdl);
    r->SystemBufferMdl = NULL;
    NkWdfDelete(&r->Object);
    return status;
}

/* ---- WDFIOTARGET -------------------------------------------------------------------- */

static VOID CancelSent(NK_WDF_IOTARGET *t)
{
    for (;;) {
        NK_WDF_REQUEST *victim = NULL;
        NkWdfLock();
        for (PLIST_ENTRY e = t->Sent.Flink; e != &t->Sent; e = e->Flink) {
            NK_WDF_SEND *s = CONTAINING_RECORD(e, NK_WDF_SEND, Link);
            if (s->Inner != NULL && !s->Inner->CancelRequested) {
                victim = s->Inner;
                break;
            }
        }
        NkWdfUnlock();
        if (victim == NULL)
            return;
        NkWdfCancelRequest(victim);
    }
}

static VOID CloseFile(NK_WDF_IOTARGET *t)
{
    HANDLE h;
    NkWdfLock();
    h = t->File;
    t->File = NULL;
    t->TargetDevice = NULL;
    NkWdfUnlock();
    /* At unload the target device (and the file object on it) may have
     * been deleted before this target: then there is nothing to close. */
    if (h != NULL) {
        NK_WDF_OBJECT *f = NkWdfReferenceIfLive(h, NkWdfTypeFileObject);
        if (f != NULL) {
            NkWdfRelease(f);
            NkHostCloseHandle(h);
        }
    }
}

static VOID TargetDispose(NK_WDF_OBJECT *o)
{
    NK_WDF_IOTARGET *t = (NK_WDF_IOTARGET *)o;
    /* Deleted: what is still sent is cancelled; each send holds a reference
     * on the target, so nothing here waits (the tree lock is held). */
    t->State = WdfIoTargetDeleted;
    CancelSent(t);
    CloseFile(t);
}

static NTSTATUS NTAPI NkWdfIoTargetCreate(PWDF_DRIVER_GLOBALS Globals, WDFDEVICE Device,
                                          PWDF_OBJECT_ATTRIBUTES IoTargetAttributes, WDFIOTARGET *IoTarget)
{
    NK_WDF_OBJECT *d = NkWdfLookupType((WDFOBJECT)Device, NkWdfTypeDevice, "WDFDEVICE", "WdfIoTargetCreate"), *o;
    NK_WDF_IOTARGET *t;
    NTSTATUS status;
    (void)Globals;
    *IoTarget = NULL;
    if (d == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "WdfIoTargetCreate"))
        return STATUS_INVALID_DEVICE_STATE;
    status = NkWdfCreate(sizeof(NK_WDF_IOTARGET), NkWdfTypeIoTarget, IoTargetAttributes, d, &o);
    if (!NT_SUCCESS(status))
        return status;
    t = (NK_WDF_IOTARGET *)o;
    t->Device = (NK_WDF_DEVICE *)d;
    t->State = WdfIoTargetClosed;
    InitializeListHead(&t->Sent);
    KeInitializeEvent(&t->Idle, NotificationEvent, TRUE);
    o->FrameworkDispose = TargetDispose;
    *IoTarget = (WDFIOTARGET)o;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI NkWdfIoTargetOpen(PWDF_DRIVER_GLOBALS Globals, WDFIOTARGET IoTarget,
                                        PWDF_IO_TARGET_OPEN_PARAMS OpenParams)
{
    NK_WDF_IOTARGET *t = TargetOf(IoTarget, "WdfIoTargetOpen");
    NK_WDF_DEVICE *target = NULL;
    HANDLE h = NULL;
    NTSTATUS status;
    (void)Globals;
    if (t == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "WdfIoTargetOpen"))
        return STATUS_INVALID_DEVICE_STATE;
    if (OpenParams == NULL || OpenParams->Size != sizeof(WDF_IO_TARGET_OPEN_PARAMS)) {
        NkHostViolation("wdf.bad-config", "WdfIoTargetOpen: WDF_IO_TARGET_OPEN_PARAMS not initialised");
        return STATUS_INFO_LENGTH_MISMATCH;
    }
    if (t->State == WdfIoTargetStarted || t->State == WdfIoTargetStopped) {
        NkHostViolation("wdf.iotarget-open-twice", "WdfIoTargetOpen(%p): already open", (void *)IoTarget);
        return STATUS_INVALID_DEVICE_STATE;
    }
    switch (OpenParams->Type) {
    case WdfIoTargetOpenByName: {
        WCHAR name[160];
        USHORT n = OpenParams->TargetDeviceName.Length / sizeof(WCHAR);
        if (n == 0 || n >= RTL_NUMBER_OF(name))
            return STATUS_OBJECT_NAME_INVALID;
        memcpy(name, OpenParams->TargetDeviceName.Buffer, n * sizeof(WCHAR));
        name[n] = 0;
        status = NkHostCreateFile(name, &h); /* the target's EvtDeviceFileCreate decides */
        if (!NT_SUCCESS(status))
            return status;
        target = ((NK_WDF_FILE *)h)->Device;
        OpenParams->FileInformation = 1; /* FILE_OPENED */
        break;
    }
    case WdfIoTargetOpenUseExistingDevice: {
        /* One of this host's framework devices, by its WDM device object. */
        PDEVICE_OBJECT wdm = OpenParams->TargetDeviceObject;
        NK_WDF_OBJECT *o = wdm != NULL ? NkWdfLookupType((WDFOBJECT)CONTAINING_RECORD(wdm, NK_WDF_DEVICE, Wdm),
                                                         NkWdfTypeDevice, "WDFDEVICE", "WdfIoTargetOpen")
                                       : NULL;
        if (o == NULL)
            return STATUS_INVALID_PARAMETER;
        target = (NK_WDF_DEVICE *)o;
        break;
    }
    default:
        /* Local targets by file and reopening have no meaning without PnP. */
        return STATUS_NOT_SUPPORTED;
    }
    NkWdfLock();
    t->File = h;
    t->TargetDevice = target;
    t->State = WdfIoTargetStarted;
    NkWdfUnlock();
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI NkWdfIoTargetStart(PWDF_DRIVER_GLOBALS Globals, WDFIOTARGET IoTarget)
{
    NK_WDF_IOTARGET *t = TargetOf(IoTarget, "WdfIoTargetStart");
    NTSTATUS status = STATUS_SUCCESS;
    (void)Globals;
    if (t == NULL)
        return STATUS_INVALID_PARAMETER;
    NkWdfLock();
    if (t->State == WdfIoTargetStopped || t->State == WdfIoTargetStarted)
        t->State = WdfIoTargetStarted;
    else
        status = STATUS_INVALID_DEVICE_STATE; /* closed or deleted */
    NkWdfUnlock();
    return status;
}

/* Waits (PASSIVE_LEVEL) until nothing sent through t is outstanding. */
static VOID WaitIdle(NK_WDF_IOTARGET *t)
{
    KeWaitForSingleObject(&t->Idle, Executive, KernelMode, FALSE, NULL);
}

static VOID NTAPI NkWdfIoTargetStop(PWDF_DRIVER_GLOBALS Globals, WDFIOTARGET IoTarget,
                                    WDF_IO_TARGET_SENT_IO_ACTION Action)
{
    NK_WDF_IOTARGET *t = TargetOf(IoTarget, "WdfIoTargetStop");
    (void)Globals;
    if (t == NULL)
        return;
    if (!NkHostCheckIrqlMax(Action == WdfIoTargetLeaveSentIoPending ? DISPATCH_LEVEL : PASSIVE_LEVEL,
                            "WdfIoTargetStop"))
        return;
    NkWdfLock();
    if (t->State == WdfIoTargetStarted)
        t->State = WdfIoTargetStopped;
    NkWdfUnlock();
    if (Action == WdfIoTargetCancelSentIo)
        CancelSent(t);
    if (Action != WdfIoTargetLeaveSentIoPending)
        WaitIdle(t);
}

static VOID NTAPI NkWdfIoTargetClose(PWDF_DRIVER_GLOBALS Globals, WDFIOTARGET IoTarget)
{
    NK_WDF_IOTARGET *t = TargetOf(IoTarget, "WdfIoTargetClose");
    (void)Globals;
    if (t == NULL || !NkHostCheckIrqlMax(PASSIVE_LEVEL, "WdfIoTargetClose"))
        return;
    NkWdfLock();
    t->State = WdfIoTargetClosed; /* nothing new is sent */
    NkWdfUnlock();
    CancelSent(t);
    WaitIdle(t);
    CloseFile(t);
}

static VOID NTAPI NkWdfIoTargetCloseForQueryRemove(PWDF_DRIVER_GLOBALS Globals, WDFIOTARGET IoTarget)
{
    NkWdfIoTargetClose(Globals, IoTarget);
}

static WDF_IO_TARGET_STATE NTAPI NkWdfIoTargetGetState(PWDF_DRIVER_GLOBALS Globals, WDFIOTARGET IoTarget)
{
    NK_WDF_IOTARGET *t = TargetOf(IoTarget, "WdfIoTargetGetState");
    WDF_IO_TARGET_STATE s;
    (void)Globals;
    if (t == NULL)
        return WdfIoTargetStateUndefined;
    NkWdfLock();
    s = t->State;
    NkWdfUnlock();
    return s;
}

static WDFDEVICE NTAPI NkWdfIoTargetGetDevice(PWDF_DRIVER_GLOBALS Globals, WDFIOTARGET IoTarget)
{
    NK_WDF_IOTARGET *t = TargetOf(IoTarget, "WdfIoTargetGetDevice");
    (void)Globals;
    return t != NULL ? (WDFDEVICE)t->Device : NULL;
}

static PDEVICE_OBJECT NTAPI NkWdfIoTargetWdmGetTargetDeviceObject(PWDF_DRIVER_GLOBALS Globals, WDFIOTARGET IoTarget)
{
    NK_WDF_IOTARGET *t = TargetOf(IoTarget, "WdfIoTargetWdmGetTargetDeviceObject");
    (void)Globals;
    return t != NULL && t->TargetDevice != NULL ? &t->TargetDevice->Wdm : NULL;
}

static PFILE_OBJECT NTAPI NkWdfIoTargetWdmGetTargetFileObject(PWDF_DRIVER_GLOBALS Globals, WDFIOTARGET IoTarget)
{
    NK_WDF_IOTARGET *t = TargetOf(IoTarget, "WdfIoTargetWdmGetTargetFileObject");
    (void)Globals;
    return t != NULL && t->File != NULL ? &((NK_WDF_FILE *)t->File)->Wdm : NULL;
}

/* ---- synchronous sends ---------------------------------------------------------------- */

/* A WDF_MEMORY_DESCRIPTOR as a pointer and length. */
static NTSTATUS Describe(PWDF_MEMORY_DESCRIPTOR d, PVOID *Buffer, SIZE_T *Length)
{
    *Buffer = NULL;
    *Length = 0;
    if (d == NULL)
        return STATUS_SUCCESS;
    switch (d->Type) {
    case WdfMemoryDescriptorTypeBuffer:
        *Buffer = d->u.BufferType.Buffer;
        *Length = d->u.BufferType.Length;
        return STATUS_SUCCESS;
    case WdfMemoryDescriptorTypeMdl:
        *Buffer = MmGetSystemAddressForMdlSafe(d->u.MdlType.Mdl, NormalPagePriority | MdlMappingNoExecute);
        *Length = d->u.MdlType.BufferLength;
        return *Buffer != NULL ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
    case WdfMemoryDescriptorTypeHandle: {
        NK_WDF_OBJECT *m = NkWdfLookupType((WDFOBJECT)d->u.HandleType.Memory, NkWdfTypeMemory, "WDFMEMORY",
                                           "WDF_MEMORY_DESCRIPTOR");
        SIZE_T size, offset = 0;
        PUCHAR p;
        if (m == NULL)
            return STATUS_INVALID_PARAMETER;
        p = NkWdfMemoryBuffer(m, &size);
        *Length = size;
        if (d->u.HandleType.Offsets != NULL) {
            offset = d->u.HandleType.Offsets->BufferOffset;
            *Length = d->u.HandleType.Offsets->BufferLength != 0 ? d->u.HandleType.Offsets->BufferLength
                                                                 : size - offset;
            if (offset > size || *Length > size - offset)
                return STATUS_INVALID_BUFFER_SIZE;
        }
        *Buffer = p + offset;
        return STATUS_SUCCESS;
    }
    default:
        return STATUS_INVALID_PARAMETER;
    }
}

static NTSTATUS SendSynchronously(WDFIOTARGET IoTarget, WDFREQUEST Request, WDF_REQUEST_TYPE Type, ULONG Code,
                                  PWDF_MEMORY_DESCRIPTOR InDesc, PWDF_MEMORY_DESCRIPTOR OutDesc,
                                  PWDF_REQUEST_SEND_OPTIONS Options, PULONG_PTR Bytes, const char *Ddi)
{
    NK_WDF_IOTARGET *t = TargetOf(IoTarget, Ddi);
    NK_WDF_REQUEST *inner, *r = NULL;
    PVOID in, out;
    SIZE_T inLength, outLength;
    ULONG_PTR info = 0;
    LARGE_INTEGER timeout;
    BOOLEAN timed = FALSE;
    NTSTATUS status;

    if (Bytes != NULL)
        *Bytes = 0;
    if (t == NULL || (Request != NULL && (r = RequestOf(Request, Ddi)) == NULL))
        return STATUS_INVALID_PARAMETER;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, Ddi))
        return STATUS_INVALID_DEVICE_STATE;
    if (Options != NULL && Options->Size != sizeof(WDF_REQUEST_SEND_OPTIONS)) {
        NkHostViolation("wdf.bad-config", "%s: WDF_REQUEST_SEND_OPTIONS not initialised", Ddi);
        return STATUS_INFO_LENGTH_MISMATCH;
    }
    status = Describe(InDesc, &in, &inLength);
    if (NT_SUCCESS(status))
        status = Describe(OutDesc, &out, &outLength);
    if (!NT_SUCCESS(status))
        return status;
    NkWdfLock();
    if (t->State != WdfIoTargetStarted &&
        !(Options != NULL && (Options->Flags & WDF_REQUEST_SEND_OPTION_IGNORE_TARGET_STATE) &&
          t->TargetDevice != NULL))
        status = STATUS_INVALID_DEVICE_STATE;
    NkWdfUnlock();
    if (!NT_SUCCESS(status))
        return status;
    status = NewInner(t, Type, Code, in, inLength, outLength, &inner);
    if (!NT_SUCCESS(status))
        return status;
    NkWdfDispatchRequest(t->TargetDevice, inner);
    if (Options != NULL && (Options->Flags & WDF_REQUEST_SEND_OPTION_TIMEOUT) && Options->Timeout != 0) {
        timeout.QuadPart = Options->Timeout;
        if (KeWaitForSingleObject(&inner->Done, Executive, KernelMode, FALSE, &timeout) == STATUS_TIMEOUT) {
            NkWdfCancelRequest(inner); /* as the framework does when the timer expires */
            timed = TRUE;
        }
    }
    KeWaitForSingleObject(&inner->Done, Executive, KernelMode, FALSE, NULL);
    status = FinishInner(inner, out, outLength, &info);
    if (timed && status == STATUS_CANCELLED)
        status = STATUS_IO_TIMEOUT;
    if (r != NULL) {
        NK_WDF_SEND *s = SendOf(r);
        if (s != NULL) {
            s->Params.Type = Type;
            s->Params.IoStatus.Status = status;
            s->Params.IoStatus.Information = info;
            s->Finished = TRUE;
        }
    }
    if (Bytes != NULL)
        *Bytes = info;
    return status;
}

static NTSTATUS NTAPI NkWdfIoTargetSendIoctlSynchronously(PWDF_DRIVER_GLOBALS Globals, WDFIOTARGET IoTarget,
                                                          WDFREQUEST Request, ULONG IoctlCode,
                                                          PWDF_MEMORY_DESCRIPTOR InputBuffer,
                                                          PWDF_MEMORY_DESCRIPTOR OutputBuffer,
                                                          PWDF_REQUEST_SEND_OPTIONS RequestOptions,
                                                          PULONG_PTR BytesReturned)
{
    (void)Globals;
    return SendSynchronously(IoTarget, Request, WdfRequestTypeDeviceControl, IoctlCode, InputBuffer, OutputBuffer,
                             RequestOptions, BytesReturned, "WdfIoTargetSendIoctlSynchronously");
}

static NTSTATUS NTAPI NkWdfIoTargetSendInternalIoctlSynchronously(PWDF_DRIVER_GLOBALS Globals, WDFIOTARGET IoTarget,
                                                                  WDFREQUEST Request, ULONG IoctlCode,
                                                                  PWDF_MEMORY_DESCRIPTOR InputBuffer,
                                                                  PWDF_MEMORY_DESCRIPTOR OutputBuffer,
                                                                  PWDF_REQUEST_SEND_OPTIONS RequestOptions,
                                                                  PULONG_PTR BytesReturned)
{
    (void)Globals;
    return SendSynchronously(IoTarget, Request, WdfRequestTypeDeviceControlInternal, IoctlCode, InputBuffer,
                             OutputBuffer, RequestOptions, BytesReturned,
                             "WdfIoTargetSendInternalIoctlSynchronously");
}

static NTSTATUS NTAPI NkWdfIoTargetSendReadSynchronously(PWDF_DRIVER_GLOBALS Globals, WDFIOTARGET IoTarget,
                                                         WDFREQUEST Request, PWDF_MEMORY_DESCRIPTOR OutputBuffer,
                                                         PLONGLONG DeviceOffset,
                                                         PWDF_REQUEST_SEND_OPTIONS RequestOptions,
                                                         PULONG_PTR BytesRead)
{
    (void)Globals;
    (void)DeviceOffset; /* control devices have no byte offsets */
    return SendSynchronously(IoTarget, Request, WdfRequestTypeRead, 0, NULL, OutputBuffer, RequestOptions, BytesRead,
                             "WdfIoTargetSendReadSynchronously");
}

static NTSTATUS NTAPI NkWdfIoTargetSendWriteSynchronously(PWDF_DRIVER_GLOBALS Globals, WDFIOTARGET IoTarget,
                                                          WDFREQUEST Request, PWDF_MEMORY_DESCRIPTOR InputBuffer,
                                                          PLONGLONG DeviceOffset,
                                                          PWDF_REQUEST_SEND_OPTIONS RequestOptions,
                                                          PULONG_PTR BytesWritten)
{
    (void)Globals;
    (void)DeviceOffset;
    return SendSynchronously(IoTarget, Request, WdfRequestTypeWrite, 0, InputBuffer, NULL, RequestOptions,
                             BytesWritten, "WdfIoTargetSendWriteSynchronously");
}

/* ---- formatting and WdfRequestSend -------------------------------------------------------- */

/* A memory object window as a pointer and length (for the Format DDIs). */
static NTSTATUS Window(WDFMEMORY Memory, PWDFMEMORY_OFFSET Offset, PVOID *Buffer, SIZE_T *Length, SIZE_T *Start,
                       const char *Ddi)
{
    WDF_MEMORY_DESCRIPTOR d;
    *Buffer = NULL;
    *Length = 0;
    *Start = Offset != NULL ? Offset->BufferOffset : 0;
    if (Memory == NULL)
        return STATUS_SUCCESS;
    if (NkWdfLookupType((WDFOBJECT)Memory, NkWdfTypeMemory, "WDFMEMORY", Ddi) == NULL)
        return STATUS_INVALID_PARAMETER;
    d.Type = WdfMemoryDescriptorTypeHandle;
    d.u.HandleType.Memory = Memory;
    d.u.HandleType.Offsets = Offset;
    return Describe(&d, Buffer, Length);
}

static NTSTATUS Format(WDFIOTARGET IoTarget, WDFREQUEST Request, WDF_REQUEST_TYPE Type, ULONG Code, WDFMEMORY In,
                       PWDFMEMORY_OFFSET InOffset, WDFMEMORY Out, PWDFMEMORY_OFFSET OutOffset, const char *Ddi)
{
    NK_WDF_IOTARGET *t = TargetOf(IoTarget, Ddi);
    NK_WDF_REQUEST *r = RequestOf(Request, Ddi);
    NK_WDF_SEND *s;
    PVOID in, out;
    SIZE_T inLength, outLength, inStart, outStart;
    NTSTATUS status;

    if (t == NULL || r == NULL)
        return STATUS_INVALID_PARAMETER;
    status = Window(In, InOffset, &in, &inLength, &inStart, Ddi);
    if (NT_SUCCESS(status))
        status = Window(Out, OutOffset, &out, &outLength, &outStart, Ddi);
    if (!NT_SUCCESS(status))
        return status;
    s = SendOf(r);
    if (s == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    NkWdfLock();
    if (s->Inner != NULL) {
        NkWdfUnlock();
        NkHostViolation("wdf.format-sent-request", "%s(%p): the request is still sent", Ddi, (void *)Request);
        return STATUS_INVALID_DEVICE_STATE;
    }
    s->Formatted = TRUE;
    s->Type = Type;
    s->Code = Code;
    s->In = in;
    s->InLength = inLength;
    s->InMemory = In;
    s->InOffset = inStart;
    s->Out = out;
    s->OutLength = outLength;
    s->OutMemory = Out;
    s->OutOffset = outStart;
    NkWdfUnlock();
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI NkWdfIoTargetFormatRequestForIoctl(PWDF_DRIVER_GLOBALS Globals, WDFIOTARGET IoTarget,
                                                         WDFREQUEST Request, ULONG IoctlCode, WDFMEMORY InputBuffer,
                                                         PWDFMEMORY_OFFSET InputBufferOffset, WDFMEMORY OutputBuffer,
                                                         PWDFMEMORY_OFFSET OutputBufferOffset)
{
    (void)Globals;
    return Format(IoTarget, Request, WdfRequestTypeDeviceControl, IoctlCode, InputBuffer, InputBufferOffset,
                  OutputBuffer, OutputBufferOffset, "WdfIoTargetFormatRequestForIoctl");
}

static NTSTATUS NTAPI NkWdfIoTargetFormatRequestForInternalIoctl(PWDF_DRIVER_GLOBALS Globals, WDFIOTARGET IoTarget,
                                                                 WDFREQUEST Request, ULONG IoctlCode,
                                                                 WDFMEMORY InputBuffer,
                                                                 PWDFMEMORY_OFFSET InputBufferOffset,
                                                                 WDFMEMORY OutputBuffer,
                                                                 PWDFMEMORY_OFFSET OutputBufferOffset)
{
    (void)Globals;
    return Format(IoTarget, Request, WdfRequestTypeDeviceControlInternal, IoctlCode, InputBuffer, InputBufferOffset,
                  OutputBuffer, OutputBufferOffset, "WdfIoTargetFormatRequestForInternalIoctl");
}

static NTSTATUS NTAPI NkWdfIoTargetFormatRequestForRead(PWDF_DRIVER_GLOBALS Globals, WDFIOTARGET IoTarget,
                                                        WDFREQUEST Request, WDFMEMORY OutputBuffer,
                                                        PWDFMEMORY_OFFSET OutputBufferOffset, PLONGLONG DeviceOffset)
{
    (void)Globals;
    (void)DeviceOffset;
    return Format(IoTarget, Request, WdfRequestTypeRead, 0, NULL, NULL, OutputBuffer, OutputBufferOffset,
                  "WdfIoTargetFormatRequestForRead");
}

static NTSTATUS NTAPI NkWdfIoTargetFormatRequestForWrite(PWDF_DRIVER_GLOBALS Globals, WDFIOTARGET IoTarget,
                                                         WDFREQUEST Request, WDFMEMORY InputBuffer,
                                                         PWDFMEMORY_OFFSET InputBufferOffset, PLONGLONG DeviceOffset)
{
    (void)Globals;
    (void)DeviceOffset;
    return Format(IoTarget, Request, WdfRequestTypeWrite, 0, InputBuffer, InputBufferOffset, NULL, NULL,
                  "WdfIoTargetFormatRequestForWrite");
}

/* Forwarding a request the driver received: the same type and buffers. */
static VOID NTAPI NkWdfRequestFormatRequestUsingCurrentType(PWDF_DRIVER_GLOBALS Globals, WDFREQUEST Request)
{
    NK_WDF_REQUEST *r = RequestOf(Request, "WdfRequestFormatRequestUsingCurrentType");
    NK_WDF_SEND *s;
    PVOID in, out;
    SIZE_T inLength, outLength;
    (void)Globals;
    if (r == NULL || (s = SendOf(r)) == NULL)
        return;
    if (r->DriverCreated) {
        NkHostViolation("wdf.format-current-created", "WdfRequestFormatRequestUsingCurrentType(%p): a request the "
                        "driver created has no current type", (void *)Request);
        return;
    }
    NkWdfRequestBuffer(r, FALSE, &in, &inLength);
    NkWdfRequestBuffer(r, TRUE, &out, &outLength);
    NkWdfLock();
    s->Formatted = TRUE;
    s->Type = r->Parameters.Type;
    s->Code = r->Parameters.Parameters.DeviceIoControl.IoControlCode;
    s->In = in;
    s->InLength = inLength;
    s->Out = out;
    s->OutLength = outLength;
    s->InMemory = s->OutMemory = NULL;
    s->InOffset = s->OutOffset = 0;
    NkWdfUnlock();
}

static VOID NTAPI NkWdfRequestSetCompletionRoutine(PWDF_DRIVER_GLOBALS Globals, WDFREQUEST Request,
                                                   PFN_WDF_REQUEST_COMPLETION_ROUTINE CompletionRoutine,
                                                   WDFCONTEXT CompletionContext)
{
    NK_WDF_REQUEST *r = RequestOf(Request, "WdfRequestSetCompletionRoutine");
    NK_WDF_SEND *s;
    (void)Globals;
    if (r == NULL || (s = SendOf(r)) == NULL)
        return;
    NkWdfLock();
    s->Routine = CompletionRoutine;
    s->RoutineContext = CompletionContext;
    NkWdfUnlock();
}

/* The target device completed what r sent: report back to the sender. */
static VOID InnerCompleted(NK_WDF_REQUEST *Inner)
{
    NK_WDF_REQUEST *r = Inner->OnCompleteContext;
    NK_WDF_SEND *s = r->Send;
    NK_WDF_IOTARGET *t = s->Target;
    PFN_WDF_REQUEST_COMPLETION_ROUTINE routine;
    WDFCONTEXT context;
    BOOLEAN forget, synchronous;
    ULONG_PTR info;
    NTSTATUS status;

    status = FinishInner(Inner, s->Out, s->OutLength, &info);
    NkWdfLock();
    s->Inner = NULL;
    RemoveEntryList(&s->Link);
    InitializeListHead(&s->Link);
    if (IsListEmpty(&t->Sent))
        KeSetEvent(&t->Idle, IO_NO_INCREMENT, FALSE);
    WDF_REQUEST_COMPLETION_PARAMS_INIT(&s->Params);
    s->Params.Type = s->Type;
    s->Params.IoStatus.Status = status;
    s->Params.IoStatus.Information = info;
    switch (s->Type) {
    case WdfRequestTypeRead:
        s->Params.Parameters.Read.Buffer = s->OutMemory;
        s->Params.Parameters.Read.Length = info;
        s->Params.Parameters.Read.Offset = s->OutOffset;
        break;
    case WdfRequestTypeWrite:
        s->Params.Parameters.Write.Buffer = s->InMemory;
        s->Params.Parameters.Write.Length = info;
        s->Params.Parameters.Write.Offset = s->InOffset;
        break;
    default:
        s->Params.Parameters.Ioctl.IoControlCode = s->Code;
        s->Params.Parameters.Ioctl.Input.Buffer = s->InMemory;
        s->Params.Parameters.Ioctl.Input.Offset = s->InOffset;
        s->Params.Parameters.Ioctl.Output.Buffer = s->OutMemory;
        s->Params.Parameters.Ioctl.Output.Offset = s->OutOffset;
        s->Params.Parameters.Ioctl.Output.Length = info;
        break;
    }
    s->Finished = TRUE;
    routine = s->Routine;
    context = s->RoutineContext;
    forget = s->Forget;
    synchronous = s->Synchronous;
    NkWdfUnlock();
    if (synchronous)
        KeSetEvent(&s->Done, IO_NO_INCREMENT, FALSE); /* the sender reports; no completion routine */
    else if (forget)
        NkWdfCompleteRequest(r, status, info);
    else if (routine != NULL)
        routine((WDFREQUEST)r, (WDFIOTARGET)t, &s->Params, context);
    NkWdfRelease(&t->Object);
    NkWdfRelease(&r->Object);
}

static BOOLEAN NTAPI NkWdfRequestSend(PWDF_DRIVER_GLOBALS Globals, WDFREQUEST Request, WDFIOTARGET Target,
                                      PWDF_REQUEST_SEND_OPTIONS Options)
{
    NK_WDF_REQUEST *r = RequestOf(Request, "WdfRequestSend");
    NK_WDF_IOTARGET *t = TargetOf(Target, "WdfRequestSend");
    NK_WDF_REQUEST *inner;
    NK_WDF_SEND *s;
    ULONG flags = Options != NULL ? Options->Flags : 0;
    NTSTATUS status = STATUS_SUCCESS;
    (void)Globals;

    if (r == NULL || t == NULL || !NkHostCheckIrqlMax(DISPATCH_LEVEL, "WdfRequestSend"))
        return FALSE;
    if (Options != NULL && Options->Size != sizeof(WDF_REQUEST_SEND_OPTIONS)) {
        NkHostViolation("wdf.bad-config", "WdfRequestSend: WDF_REQUEST_SEND_OPTIONS not initialised");
        return FALSE;
    }
    if ((flags & WDF_REQUEST_SEND_OPTION_SYNCHRONOUS) && !NkHostCheckIrqlMax(PASSIVE_LEVEL, "WdfRequestSend"))
        return FALSE;
    if ((s = SendOf(r)) == NULL)
        return FALSE;
    NkWdfLock();
    if (s->Inner != NULL) {
        NkWdfUnlock();
        NkHostViolation("wdf.request-sent-twice", "WdfRequestSend(%p): already sent and not completed",
                        (void *)Request);
        return FALSE;
    }
    if (!s->Formatted) {
        NkWdfUnlock();
        NkHostViolation("wdf.send-unformatted", "WdfRequestSend(%p): format it first (WdfIoTargetFormat... or "
                        "WdfRequestFormatRequestUsingCurrentType)", (void *)Request);
        return FALSE;
    }
    if (t->TargetDevice == NULL ||
        (t->State != WdfIoTargetStarted && !(flags & WDF_REQUEST_SEND_OPTION_IGNORE_TARGET_STATE)))
        status = STATUS_INVALID_DEVICE_STATE;
    s->Finished = FALSE;
    NkWdfUnlock();
    if (NT_SUCCESS(status))
        status = NewInner(t, s->Type, s->Code, s->In, s->InLength, s->OutLength, &inner);
    if (!NT_SUCCESS(status)) {
        /* Not sent: WdfRequestGetStatus reports why. */
        NkWdfLock();
        s->Params.IoStatus.Status = status;
        s->Params.IoStatus.Information = 0;
        s->Finished = TRUE;
        NkWdfUnlock();
        return FALSE;
    }
    NkWdfLock();
    s->Target = t;
    s->Inner = inner;
    s->Forget = (flags & WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET) != 0;
    s->Synchronous = (flags & WDF_REQUEST_SEND_OPTION_SYNCHRONOUS) != 0;
    KeClearEvent(&s->Done);
    InsertTailList(&t->Sent, &s->Link);
    KeClearEvent(&t->Idle);
    r->Object.References++; /* both held until the completion is reported */
    t->Object.References++;
    inner->OnComplete = InnerCompleted;
    inner->OnCompleteContext = r;
    NkWdfUnlock();
    NkWdfDispatchRequest(t->TargetDevice, inner);
    if (s->Synchronous) {
        BOOLEAN timed = FALSE;
        if ((flags & WDF_REQUEST_SEND_OPTION_TIMEOUT) && Options->Timeout != 0) {
            LARGE_INTEGER timeout;
            timeout.QuadPart = Options->Timeout;
            if (KeWaitForSingleObject(&s->Done, Executive, KernelMode, FALSE, &timeout) == STATUS_TIMEOUT) {
                NkWdfLock();
                inner = s->Inner;
                NkWdfUnlock();
                if (inner != NULL)
                    NkWdfCancelRequest(inner);
                timed = TRUE;
            }
        }
        KeWaitForSingleObject(&s->Done, Executive, KernelMode, FALSE, NULL);
        NkWdfLock();
        if (timed && s->Params.IoStatus.Status == STATUS_CANCELLED)
            s->Params.IoStatus.Status = STATUS_IO_TIMEOUT;
        NkWdfUnlock();
    }
    return TRUE;
}

static VOID NTAPI NkWdfRequestGetCompletionParams(PWDF_DRIVER_GLOBALS Globals, WDFREQUEST Request,
                                                  PWDF_REQUEST_COMPLETION_PARAMS Params)
{
    NK_WDF_REQUEST *r = RequestOf(Request, "WdfRequestGetCompletionParams");
    (void)Globals;
    if (Params == NULL)
        return;
    WDF_REQUEST_COMPLETION_PARAMS_INIT(Params);
    if (r == NULL)
        return;
    NkWdfLock();
    if (r->Send != NULL)
        *Params = r->Send->Params;
    NkWdfUnlock();
}

static BOOLEAN NTAPI NkWdfRequestCancelSentRequest(PWDF_DRIVER_GLOBALS Globals, WDFREQUEST Request)
{
    NK_WDF_REQUEST *r = RequestOf(Request, "WdfRequestCancelSentRequest");
    NK_WDF_REQUEST *inner = NULL;
    (void)Globals;
    if (r == NULL)
        return FALSE;
    NkWdfLock();
    if (r->Send != NULL)
        inner = r->Send->Inner;
    NkWdfUnlock();
    if (inner == NULL)
        return FALSE; /* not sent, or already completed */
    NkWdfCancelRequest(inner);
    return TRUE;
}

static NTSTATUS NTAPI NkWdfRequestCreate(PWDF_DRIVER_GLOBALS Globals, PWDF_OBJECT_ATTRIBUTES RequestAttributes,
                                         WDFIOTARGET IoTarget, WDFREQUEST *Request)
{
    NK_WDF_OBJECT *o;
    NK_WDF_REQUEST *r;
    NTSTATUS status;
    *Request = NULL;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "WdfRequestCreate"))
        return STATUS_INVALID_DEVICE_STATE;
    if (IoTarget != NULL && TargetOf(IoTarget, "WdfRequestCreate") == NULL)
        return STATUS_INVALID_PARAMETER;
    status = NkWdfCreate(sizeof(NK_WDF_REQUEST), NkWdfTypeRequest, RequestAttributes, NkWdfDriverOf(Globals), &o);
    if (!NT_SUCCESS(status))
        return status;
    r = (NK_WDF_REQUEST *)o;
    KeInitializeEvent(&r->Done, NotificationEvent, FALSE);
    InitializeListHead(&r->QueueLink);
    WDF_REQUEST_PARAMETERS_INIT(&r->Parameters);
    r->Parameters.Type = WdfRequestTypeNoFormat;
    r->DriverCreated = TRUE;
    *Request = (WDFREQUEST)o;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI NkWdfRequestReuse(PWDF_DRIVER_GLOBALS Globals, WDFREQUEST Request,
                                        PWDF_REQUEST_REUSE_PARAMS ReuseParams)
{
    NK_WDF_REQUEST *r = RequestOf(Request, "WdfRequestReuse");
    NK_WDF_SEND *s;
    (void)Globals;
    if (r == NULL)
        return STATUS_INVALID_PARAMETER;
    if (ReuseParams == NULL || ReuseParams->Size != sizeof(WDF_REQUEST_REUSE_PARAMS)) {
        NkHostViolation("wdf.bad-config", "WdfRequestReuse: WDF_REQUEST_REUSE_PARAMS not initialised");
        return STATUS_INFO_LENGTH_MISMATCH;
    }
    if ((s = SendOf(r)) == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    NkWdfLock();
    if (s->Inner != NULL) {
        NkWdfUnlock();
        NkHostViolation("wdf.reuse-sent-request", "WdfRequestReuse(%p): the request is still sent", (void *)Request);
        return STATUS_INVALID_DEVICE_STATE;
    }
    s->Formatted = FALSE;
    s->Routine = NULL;
    s->RoutineContext = NULL;
    WDF_REQUEST_COMPLETION_PARAMS_INIT(&s->Params);
    s->Params.IoStatus.Status = ReuseParams->Status;
    s->Finished = TRUE;
    NkWdfUnlock();
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI NkWdfRequestChangeTarget(PWDF_DRIVER_GLOBALS Globals, WDFREQUEST Request, WDFIOTARGET IoTarget)
{
    NK_WDF_IOTARGET *t = TargetOf(IoTarget, "WdfRequestChangeTarget");
    (void)Globals;
    if (RequestOf(Request, "WdfRequestChangeTarget") == NULL || t == NULL)
        return STATUS_INVALID_PARAMETER;
    /* The host's requests need no stack locations: any open target fits. */
    return t->TargetDevice != NULL ? STATUS_SUCCESS : STATUS_INVALID_DEVICE_STATE;
}

static NTSTATUS NTAPI NkWdfRequestAllocateTimer(PWDF_DRIVER_GLOBALS Globals, WDFREQUEST Request)
{
    (void)Globals;
    /* Timeouts wait on the host's clock; nothing to preallocate. */
    return RequestOf(Request, "WdfRequestAllocateTimer") != NULL ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
}

/* The request r was cancelled (its sender gave up): what it sent on is
 * cancelled too, as the I/O manager cancels the IRP a driver passed down. */
VOID NkWdfCancelSent(NK_WDF_REQUEST *r)
{
    NK_WDF_REQUEST *inner = NULL;
    NkWdfLock();
    if (r->Send != NULL && r->Send->Inner != NULL) {
        inner = r->Send->Inner;
        inner->Object.References++; /* it may complete and go meanwhile */
    }
    NkWdfUnlock();
    if (inner != NULL) {
        NkWdfCancelRequest(inner);
        NkWdfRelease(&inner->Object);
    }
}

/* For a sent request, the status its target completed it with (or why it
 * was not sent); otherwise the request's own. */
NTSTATUS NkWdfSentStatus(NK_WDF_REQUEST *r, NTSTATUS *Status)
{
    BOOLEAN known = FALSE;
    NkWdfLock();
    if (r->Send != NULL && (r->Send->Finished || r->Send->Inner != NULL)) {
        *Status = r->Send->Inner != NULL ? STATUS_PENDING : r->Send->Params.IoStatus.Status;
        known = TRUE;
    }
    NkWdfUnlock();
    return known ? STATUS_SUCCESS : STATUS_NOT_FOUND;
}

VOID NkWdfRegisterIoTargetDdis(VOID)
{
    NK_WDF_REGISTER(WdfIoTargetCreate, NkWdfIoTargetCreate);
    NK_WDF_REGISTER(WdfIoTargetOpen, NkWdfIoTargetOpen);
    NK_WDF_REGISTER(WdfIoTargetStart, NkWdfIoTargetStart);
    NK_WDF_REGISTER(WdfIoTargetStop, NkWdfIoTargetStop);
    NK_WDF_REGISTER(WdfIoTargetClose, NkWdfIoTargetClose);
    NK_WDF_REGISTER(WdfIoTargetCloseForQueryRemove, NkWdfIoTargetCloseForQueryRemove);
    NK_WDF_REGISTER(WdfIoTargetGetState, NkWdfIoTargetGetState);
    NK_WDF_REGISTER(WdfIoTargetGetDevice, NkWdfIoTargetGetDevice);
    NK_WDF_REGISTER(WdfIoTargetWdmGetTargetDeviceObject, NkWdfIoTargetWdmGetTargetDeviceObject);
    NK_WDF_REGISTER(WdfIoTargetWdmGetTargetFileObject, NkWdfIoTargetWdmGetTargetFileObject);
    NK_WDF_REGISTER(WdfIoTargetSendIoctlSynchronously, NkWdfIoTargetSendIoctlSynchronously);
    NK_WDF_REGISTER(WdfIoTargetSendInternalIoctlSynchronously, NkWdfIoTargetSendInternalIoctlSynchronously);
    NK_WDF_REGISTER(WdfIoTargetSendReadSynchronously, NkWdfIoTargetSendReadSynchronously);
    NK_WDF_REGISTER(WdfIoTargetSendWriteSynchronously, NkWdfIoTargetSendWriteSynchronously);
    NK_WDF_REGISTER(WdfIoTargetFormatRequestForIoctl, NkWdfIoTargetFormatRequestForIoctl);
    NK_WDF_REGISTER(WdfIoTargetFormatRequestForInternalIoctl, NkWdfIoTargetFormatRequestForInternalIoctl);
    NK_WDF_REGISTER(WdfIoTargetFormatRequestForRead, NkWdfIoTargetFormatRequestForRead);
    NK_WDF_REGISTER(WdfIoTargetFormatRequestForWrite, NkWdfIoTargetFormatRequestForWrite);
    NK_WDF_REGISTER(WdfRequestFormatRequestUsingCurrentType, NkWdfRequestFormatRequestUsingCurrentType);
    NK_WDF_REGISTER(WdfRequestSetCompletionRoutine, NkWdfRequestSetCompletionRoutine);
    NK_WDF_REGISTER(WdfRequestSend, NkWdfRequestSend);
    NK_WDF_REGISTER(WdfRequestGetCompletionParams, NkWdfRequestGetCompletionParams);
    NK_WDF_REGISTER(WdfRequestCancelSentRequest, NkWdfRequestCancelSentRequest);
    NK_WDF_REGISTER(WdfRequestCreate, NkWdfRequestCreate);
    NK_WDF_REGISTER(WdfRequestReuse, NkWdfRequestReuse);
    NK_WDF_REGISTER(WdfRequestChangeTarget, NkWdfRequestChangeTarget);
    NK_WDF_REGISTER(WdfRequestAllocateTimer, NkWdfRequestAllocateTimer);
}
