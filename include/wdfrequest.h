/*
 * wdfrequest.h - I/O requests: parameters, buffers, completion,
 * cancellation, and sending to I/O targets.  Part of <wdf.h>.
 *
 * A request delivered to the driver must be completed exactly once
 * (WdfRequestComplete*), forwarded, or requeued; a request marked
 * cancelable must be unmarked before it is completed.
 */
#ifndef NDISKIT_WDFREQUEST_H
#define NDISKIT_WDFREQUEST_H

#ifndef NDISKIT_WDF_H
#error "include <wdf.h>, not <wdfrequest.h>"
#endif

/* The IRP major function a request carries (values are IRP_MJ_XXX). */
typedef enum _WDF_REQUEST_TYPE {
    WdfRequestTypeCreate = 0x0,
    WdfRequestTypeCreateNamedPipe = 0x1,
    WdfRequestTypeClose = 0x2,
    WdfRequestTypeRead = 0x3,
    WdfRequestTypeWrite = 0x4,
    WdfRequestTypeQueryInformation = 0x5,
    WdfRequestTypeSetInformation = 0x6,
    WdfRequestTypeQueryEA = 0x7,
    WdfRequestTypeSetEA = 0x8,
    WdfRequestTypeFlushBuffers = 0x9,
    WdfRequestTypeQueryVolumeInformation = 0xa,
    WdfRequestTypeSetVolumeInformation = 0xb,
    WdfRequestTypeDirectoryControl = 0xc,
    WdfRequestTypeFileSystemControl = 0xd,
    WdfRequestTypeDeviceControl = 0xe,
    WdfRequestTypeDeviceControlInternal = 0xf,
    WdfRequestTypeShutdown = 0x10,
    WdfRequestTypeLockControl = 0x11,
    WdfRequestTypeCleanup = 0x12,
    WdfRequestTypeCreateMailSlot = 0x13,
    WdfRequestTypeQuerySecurity = 0x14,
    WdfRequestTypeSetSecurity = 0x15,
    WdfRequestTypePower = 0x16,
    WdfRequestTypeSystemControl = 0x17,
    WdfRequestTypeDeviceChange = 0x18,
    WdfRequestTypeQueryQuota = 0x19,
    WdfRequestTypeSetQuota = 0x1A,
    WdfRequestTypePnp = 0x1B,
    WdfRequestTypeOther,
    WdfRequestTypeUsb = 0x40,
    WdfRequestTypeNoFormat = 0xFF,
    WdfRequestTypeMax
} WDF_REQUEST_TYPE;

/* A request's parameters, copied out of its current stack location. */
typedef struct _WDF_REQUEST_PARAMETERS {
    USHORT Size;
    UCHAR MinorFunction;
    WDF_REQUEST_TYPE Type;
    union {
        struct {
            PIO_SECURITY_CONTEXT SecurityContext;
            ULONG Options;
            USHORT POINTER_ALIGNMENT FileAttributes;
            USHORT ShareAccess;
            ULONG POINTER_ALIGNMENT EaLength;
        } Create;
        struct {
            size_t Length;
            ULONG POINTER_ALIGNMENT Key;
            LONGLONG DeviceOffset;
        } Read;
        struct {
            size_t Length;
            ULONG POINTER_ALIGNMENT Key;
            LONGLONG DeviceOffset;
        } Write;
        struct {
            size_t OutputBufferLength;
            size_t POINTER_ALIGNMENT InputBufferLength;
            ULONG POINTER_ALIGNMENT IoControlCode;
            PVOID Type3InputBuffer;
        } DeviceIoControl;
        struct {
            PVOID Arg1;
            PVOID Arg2;
            ULONG POINTER_ALIGNMENT IoControlCode;
            PVOID Arg4;
        } Others;
    } Parameters;
} WDF_REQUEST_PARAMETERS, *PWDF_REQUEST_PARAMETERS;

FORCEINLINE VOID WDF_REQUEST_PARAMETERS_INIT(_Out_ PWDF_REQUEST_PARAMETERS Parameters)
{
    RtlZeroMemory(Parameters, sizeof(WDF_REQUEST_PARAMETERS));
    Parameters->Size = sizeof(WDF_REQUEST_PARAMETERS);
}

typedef enum _WDF_REQUEST_SEND_OPTIONS_FLAGS {
    WDF_REQUEST_SEND_OPTION_TIMEOUT = 0x00000001,
    WDF_REQUEST_SEND_OPTION_SYNCHRONOUS = 0x00000002,
    WDF_REQUEST_SEND_OPTION_IGNORE_TARGET_STATE = 0x00000004,
    WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET = 0x00000008
} WDF_REQUEST_SEND_OPTIONS_FLAGS;

typedef struct _WDF_REQUEST_SEND_OPTIONS {
    ULONG Size;
    ULONG Flags;        /* WDF_REQUEST_SEND_OPTIONS_FLAGS */
    LONGLONG Timeout;   /* 100 ns units; see WDF_REL_TIMEOUT_IN_MS */
} WDF_REQUEST_SEND_OPTIONS, *PWDF_REQUEST_SEND_OPTIONS;

FORCEINLINE VOID WDF_REQUEST_SEND_OPTIONS_INIT(_Out_ PWDF_REQUEST_SEND_OPTIONS Options,
                                               _In_ ULONG Flags)
{
    RtlZeroMemory(Options, sizeof(WDF_REQUEST_SEND_OPTIONS));
    Options->Size = sizeof(WDF_REQUEST_SEND_OPTIONS);
    Options->Flags = Flags;
}

FORCEINLINE VOID WDF_REQUEST_SEND_OPTIONS_SET_TIMEOUT(_Inout_ PWDF_REQUEST_SEND_OPTIONS Options,
                                                      _In_ LONGLONG Timeout)
{
    Options->Flags |= WDF_REQUEST_SEND_OPTION_TIMEOUT;
    Options->Timeout = Timeout;
}

typedef struct _WDF_USB_REQUEST_COMPLETION_PARAMS *PWDF_USB_REQUEST_COMPLETION_PARAMS;

/* What a sent request came back with, for its completion routine. */
typedef struct _WDF_REQUEST_COMPLETION_PARAMS {
    ULONG Size;
    WDF_REQUEST_TYPE Type;
    IO_STATUS_BLOCK IoStatus;
    union {
        struct {
            WDFMEMORY Buffer;
            size_t Length;
            size_t Offset;
        } Write;
        struct {
            WDFMEMORY Buffer;
            size_t Length;
            size_t Offset;
        } Read;
        struct {
            ULONG IoControlCode;
            struct {
                WDFMEMORY Buffer;
                size_t Offset;
            } Input;
            struct {
                WDFMEMORY Buffer;
                size_t Offset;
                size_t Length;
            } Output;
        } Ioctl;
        struct {
            union {
                PVOID Ptr;
                ULONG_PTR Value;
            } Argument1;
            union {
                PVOID Ptr;
                ULONG_PTR Value;
            } Argument2;
            union {
                PVOID Ptr;
                ULONG_PTR Value;
            } Argument3;
            union {
                PVOID Ptr;
                ULONG_PTR Value;
            } Argument4;
        } Others;
        struct {
            PWDF_USB_REQUEST_COMPLETION_PARAMS Completion;
        } Usb;
    } Parameters;
} WDF_REQUEST_COMPLETION_PARAMS, *PWDF_REQUEST_COMPLETION_PARAMS;

FORCEINLINE VOID WDF_REQUEST_COMPLETION_PARAMS_INIT(_Out_ PWDF_REQUEST_COMPLETION_PARAMS Params)
{
    RtlZeroMemory(Params, sizeof(WDF_REQUEST_COMPLETION_PARAMS));
    Params->Size = sizeof(WDF_REQUEST_COMPLETION_PARAMS);
    Params->Type = WdfRequestTypeNoFormat;
}

typedef enum _WDF_REQUEST_REUSE_FLAGS {
    WDF_REQUEST_REUSE_NO_FLAGS = 0x00000000,
    WDF_REQUEST_REUSE_SET_NEW_IRP = 0x00000001
} WDF_REQUEST_REUSE_FLAGS;

typedef struct _WDF_REQUEST_REUSE_PARAMS {
    ULONG Size;
    ULONG Flags;        /* WDF_REQUEST_REUSE_FLAGS */
    NTSTATUS Status;
    PIRP NewIrp;
} WDF_REQUEST_REUSE_PARAMS, *PWDF_REQUEST_REUSE_PARAMS;

FORCEINLINE VOID WDF_REQUEST_REUSE_PARAMS_INIT(_Out_ PWDF_REQUEST_REUSE_PARAMS Params,
                                               _In_ ULONG Flags, _In_ NTSTATUS Status)
{
    RtlZeroMemory(Params, sizeof(WDF_REQUEST_REUSE_PARAMS));
    Params->Size = sizeof(WDF_REQUEST_REUSE_PARAMS);
    Params->Flags = Flags;
    Params->Status = Status;
}

FORCEINLINE VOID WDF_REQUEST_REUSE_PARAMS_SET_NEW_IRP(_Inout_ PWDF_REQUEST_REUSE_PARAMS Params,
                                                      _In_ PIRP NewIrp)
{
    Params->Flags |= WDF_REQUEST_REUSE_SET_NEW_IRP;
    Params->NewIrp = NewIrp;
}

/* Called (at most once) when a cancelable request is canceled; the
 * callback owns the request and must complete it. */
typedef _Function_class_(EVT_WDF_REQUEST_CANCEL) _IRQL_requires_max_(DISPATCH_LEVEL)
VOID EVT_WDF_REQUEST_CANCEL(_In_ WDFREQUEST Request);
typedef EVT_WDF_REQUEST_CANCEL *PFN_WDF_REQUEST_CANCEL;

typedef _Function_class_(EVT_WDF_REQUEST_COMPLETION_ROUTINE) _IRQL_requires_max_(DISPATCH_LEVEL)
VOID EVT_WDF_REQUEST_COMPLETION_ROUTINE(_In_ WDFREQUEST Request, _In_ WDFIOTARGET Target,
                                        _In_ PWDF_REQUEST_COMPLETION_PARAMS Params,
                                        _In_ WDFCONTEXT Context);
typedef EVT_WDF_REQUEST_COMPLETION_ROUTINE *PFN_WDF_REQUEST_COMPLETION_ROUTINE;

/* BEGIN GENERATED DDIs: scripts/gen-wdf-ddis from scripts/wdf-ddis.txt. */

typedef _Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFREQUESTCREATE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_opt_ PWDF_OBJECT_ATTRIBUTES RequestAttributes,
    _In_opt_ WDFIOTARGET IoTarget,
    _Out_ WDFREQUEST *Request);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfRequestCreate(
    _In_opt_ PWDF_OBJECT_ATTRIBUTES RequestAttributes,
    _In_opt_ WDFIOTARGET IoTarget,
    _Out_ WDFREQUEST *Request)
{
    return ((PFN_WDFREQUESTCREATE)WdfFunctions[WdfRequestCreateTableIndex])(WdfDriverGlobals, RequestAttributes, IoTarget, Request);
}

typedef _Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFREQUESTREUSE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFREQUEST Request,
    _In_ PWDF_REQUEST_REUSE_PARAMS ReuseParams);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfRequestReuse(
    _In_ WDFREQUEST Request,
    _In_ PWDF_REQUEST_REUSE_PARAMS ReuseParams)
{
    return ((PFN_WDFREQUESTREUSE)WdfFunctions[WdfRequestReuseTableIndex])(WdfDriverGlobals, Request, ReuseParams);
}

typedef _Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFREQUESTCHANGETARGET)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFREQUEST Request,
    _In_ WDFIOTARGET IoTarget);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfRequestChangeTarget(
    _In_ WDFREQUEST Request,
    _In_ WDFIOTARGET IoTarget)
{
    return ((PFN_WDFREQUESTCHANGETARGET)WdfFunctions[WdfRequestChangeTargetTableIndex])(WdfDriverGlobals, Request, IoTarget);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFREQUESTFORMATREQUESTUSINGCURRENTTYPE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFREQUEST Request);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfRequestFormatRequestUsingCurrentType(
    _In_ WDFREQUEST Request)
{
    ((PFN_WDFREQUESTFORMATREQUESTUSINGCURRENTTYPE)WdfFunctions[WdfRequestFormatRequestUsingCurrentTypeTableIndex])(WdfDriverGlobals, Request);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI BOOLEAN (NTAPI *PFN_WDFREQUESTSEND)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFREQUEST Request,
    _In_ WDFIOTARGET Target,
    _In_opt_ PWDF_REQUEST_SEND_OPTIONS Options);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE BOOLEAN WdfRequestSend(
    _In_ WDFREQUEST Request,
    _In_ WDFIOTARGET Target,
    _In_opt_ PWDF_REQUEST_SEND_OPTIONS Options)
{
    return ((PFN_WDFREQUESTSEND)WdfFunctions[WdfRequestSendTableIndex])(WdfDriverGlobals, Request, Target, Options);
}

typedef _Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFREQUESTGETSTATUS)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFREQUEST Request);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfRequestGetStatus(
    _In_ WDFREQUEST Request)
{
    return ((PFN_WDFREQUESTGETSTATUS)WdfFunctions[WdfRequestGetStatusTableIndex])(WdfDriverGlobals, Request);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFREQUESTMARKCANCELABLE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFREQUEST Request,
    _In_ PFN_WDF_REQUEST_CANCEL EvtRequestCancel);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfRequestMarkCancelable(
    _In_ WDFREQUEST Request,
    _In_ PFN_WDF_REQUEST_CANCEL EvtRequestCancel)
{
    ((PFN_WDFREQUESTMARKCANCELABLE)WdfFunctions[WdfRequestMarkCancelableTableIndex])(WdfDriverGlobals, Request, EvtRequestCancel);
}

typedef _Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFREQUESTMARKCANCELABLEEX)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFREQUEST Request,
    _In_ PFN_WDF_REQUEST_CANCEL EvtRequestCancel);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfRequestMarkCancelableEx(
    _In_ WDFREQUEST Request,
    _In_ PFN_WDF_REQUEST_CANCEL EvtRequestCancel)
{
    return ((PFN_WDFREQUESTMARKCANCELABLEEX)WdfFunctions[WdfRequestMarkCancelableExTableIndex])(WdfDriverGlobals, Request, EvtRequestCancel);
}

typedef _Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFREQUESTUNMARKCANCELABLE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFREQUEST Request);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfRequestUnmarkCancelable(
    _In_ WDFREQUEST Request)
{
    return ((PFN_WDFREQUESTUNMARKCANCELABLE)WdfFunctions[WdfRequestUnmarkCancelableTableIndex])(WdfDriverGlobals, Request);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI BOOLEAN (NTAPI *PFN_WDFREQUESTISCANCELED)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFREQUEST Request);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE BOOLEAN WdfRequestIsCanceled(
    _In_ WDFREQUEST Request)
{
    return ((PFN_WDFREQUESTISCANCELED)WdfFunctions[WdfRequestIsCanceledTableIndex])(WdfDriverGlobals, Request);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI BOOLEAN (NTAPI *PFN_WDFREQUESTCANCELSENTREQUEST)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFREQUEST Request);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE BOOLEAN WdfRequestCancelSentRequest(
    _In_ WDFREQUEST Request)
{
    return ((PFN_WDFREQUESTCANCELSENTREQUEST)WdfFunctions[WdfRequestCancelSentRequestTableIndex])(WdfDriverGlobals, Request);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI BOOLEAN (NTAPI *PFN_WDFREQUESTISFROM32BITPROCESS)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFREQUEST Request);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE BOOLEAN WdfRequestIsFrom32BitProcess(
    _In_ WDFREQUEST Request)
{
    return ((PFN_WDFREQUESTISFROM32BITPROCESS)WdfFunctions[WdfRequestIsFrom32BitProcessTableIndex])(WdfDriverGlobals, Request);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFREQUESTSETCOMPLETIONROUTINE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFREQUEST Request,
    _In_opt_ PFN_WDF_REQUEST_COMPLETION_ROUTINE CompletionRoutine,
    _In_opt_ WDFCONTEXT CompletionContext);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfRequestSetCompletionRoutine(
    _In_ WDFREQUEST Request,
    _In_opt_ PFN_WDF_REQUEST_COMPLETION_ROUTINE CompletionRoutine,
    _In_opt_ WDFCONTEXT CompletionContext)
{
    ((PFN_WDFREQUESTSETCOMPLETIONROUTINE)WdfFunctions[WdfRequestSetCompletionRoutineTableIndex])(WdfDriverGlobals, Request, CompletionRoutine, CompletionContext);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFREQUESTGETCOMPLETIONPARAMS)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFREQUEST Request,
    _Out_ PWDF_REQUEST_COMPLETION_PARAMS Params);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfRequestGetCompletionParams(
    _In_ WDFREQUEST Request,
    _Out_ PWDF_REQUEST_COMPLETION_PARAMS Params)
{
    ((PFN_WDFREQUESTGETCOMPLETIONPARAMS)WdfFunctions[WdfRequestGetCompletionParamsTableIndex])(WdfDriverGlobals, Request, Params);
}

typedef _Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFREQUESTALLOCATETIMER)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFREQUEST Request);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfRequestAllocateTimer(
    _In_ WDFREQUEST Request)
{
    return ((PFN_WDFREQUESTALLOCATETIMER)WdfFunctions[WdfRequestAllocateTimerTableIndex])(WdfDriverGlobals, Request);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFREQUESTCOMPLETE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFREQUEST Request,
    _In_ NTSTATUS Status);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfRequestComplete(
    _In_ WDFREQUEST Request,
    _In_ NTSTATUS Status)
{
    ((PFN_WDFREQUESTCOMPLETE)WdfFunctions[WdfRequestCompleteTableIndex])(WdfDriverGlobals, Request, Status);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFREQUESTCOMPLETEWITHPRIORITYBOOST)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFREQUEST Request,
    _In_ NTSTATUS Status,
    _In_ CCHAR PriorityBoost);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfRequestCompleteWithPriorityBoost(
    _In_ WDFREQUEST Request,
    _In_ NTSTATUS Status,
    _In_ CCHAR PriorityBoost)
{
    ((PFN_WDFREQUESTCOMPLETEWITHPRIORITYBOOST)WdfFunctions[WdfRequestCompleteWithPriorityBoostTableIndex])(WdfDriverGlobals, Request, Status, PriorityBoost);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFREQUESTCOMPLETEWITHINFORMATION)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFREQUEST Request,
    _In_ NTSTATUS Status,
    _In_ ULONG_PTR Information);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfRequestCompleteWithInformation(
    _In_ WDFREQUEST Request,
    _In_ NTSTATUS Status,
    _In_ ULONG_PTR Information)
{
    ((PFN_WDFREQUESTCOMPLETEWITHINFORMATION)WdfFunctions[WdfRequestCompleteWithInformationTableIndex])(WdfDriverGlobals, Request, Status, Information);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFREQUESTGETPARAMETERS)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFREQUEST Request,
    _Out_ PWDF_REQUEST_PARAMETERS Parameters);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfRequestGetParameters(
    _In_ WDFREQUEST Request,
    _Out_ PWDF_REQUEST_PARAMETERS Parameters)
{
    ((PFN_WDFREQUESTGETPARAMETERS)WdfFunctions[WdfRequestGetParametersTableIndex])(WdfDriverGlobals, Request, Parameters);
}

typedef _Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFREQUESTRETRIEVEINPUTMEMORY)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFREQUEST Request,
    _Out_ WDFMEMORY *Memory);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfRequestRetrieveInputMemory(
    _In_ WDFREQUEST Request,
    _Out_ WDFMEMORY *Memory)
{
    return ((PFN_WDFREQUESTRETRIEVEINPUTMEMORY)WdfFunctions[WdfRequestRetrieveInputMemoryTableIndex])(WdfDriverGlobals, Request, Memory);
}

typedef _Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFREQUESTRETRIEVEOUTPUTMEMORY)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFREQUEST Request,
    _Out_ WDFMEMORY *Memory);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfRequestRetrieveOutputMemory(
    _In_ WDFREQUEST Request,
    _Out_ WDFMEMORY *Memory)
{
    return ((PFN_WDFREQUESTRETRIEVEOUTPUTMEMORY)WdfFunctions[WdfRequestRetrieveOutputMemoryTableIndex])(WdfDriverGlobals, Request, Memory);
}

typedef _Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFREQUESTRETRIEVEINPUTBUFFER)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFREQUEST Request,
    _In_ size_t MinimumRequiredLength,
    _Outptr_result_bytebuffer_(*Length) PVOID *Buffer,
    _Out_opt_ size_t *Length);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfRequestRetrieveInputBuffer(
    _In_ WDFREQUEST Request,
    _In_ size_t MinimumRequiredLength,
    _Outptr_result_bytebuffer_(*Length) PVOID *Buffer,
    _Out_opt_ size_t *Length)
{
    return ((PFN_WDFREQUESTRETRIEVEINPUTBUFFER)WdfFunctions[WdfRequestRetrieveInputBufferTableIndex])(WdfDriverGlobals, Request, MinimumRequiredLength, Buffer, Length);
}

typedef _Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFREQUESTRETRIEVEOUTPUTBUFFER)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFREQUEST Request,
    _In_ size_t MinimumRequiredSize,
    _Outptr_result_bytebuffer_(*Length) PVOID *Buffer,
    _Out_opt_ size_t *Length);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfRequestRetrieveOutputBuffer(
    _In_ WDFREQUEST Request,
    _In_ size_t MinimumRequiredSize,
    _Outptr_result_bytebuffer_(*Length) PVOID *Buffer,
    _Out_opt_ size_t *Length)
{
    return ((PFN_WDFREQUESTRETRIEVEOUTPUTBUFFER)WdfFunctions[WdfRequestRetrieveOutputBufferTableIndex])(WdfDriverGlobals, Request, MinimumRequiredSize, Buffer, Length);
}

typedef _Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFREQUESTRETRIEVEINPUTWDMMDL)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFREQUEST Request,
    _Outptr_ PMDL *Mdl);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfRequestRetrieveInputWdmMdl(
    _In_ WDFREQUEST Request,
    _Outptr_ PMDL *Mdl)
{
    return ((PFN_WDFREQUESTRETRIEVEINPUTWDMMDL)WdfFunctions[WdfRequestRetrieveInputWdmMdlTableIndex])(WdfDriverGlobals, Request, Mdl);
}

typedef _Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFREQUESTRETRIEVEOUTPUTWDMMDL)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFREQUEST Request,
    _Outptr_ PMDL *Mdl);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfRequestRetrieveOutputWdmMdl(
    _In_ WDFREQUEST Request,
    _Outptr_ PMDL *Mdl)
{
    return ((PFN_WDFREQUESTRETRIEVEOUTPUTWDMMDL)WdfFunctions[WdfRequestRetrieveOutputWdmMdlTableIndex])(WdfDriverGlobals, Request, Mdl);
}

typedef _Must_inspect_result_ _IRQL_requires_max_(PASSIVE_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFREQUESTRETRIEVEUNSAFEUSERINPUTBUFFER)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFREQUEST Request,
    _In_ size_t MinimumRequiredLength,
    _Outptr_result_bytebuffer_maybenull_(*Length) PVOID *InputBuffer,
    _Out_opt_ size_t *Length);

_Must_inspect_result_ _IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE NTSTATUS WdfRequestRetrieveUnsafeUserInputBuffer(
    _In_ WDFREQUEST Request,
    _In_ size_t MinimumRequiredLength,
    _Outptr_result_bytebuffer_maybenull_(*Length) PVOID *InputBuffer,
    _Out_opt_ size_t *Length)
{
    return ((PFN_WDFREQUESTRETRIEVEUNSAFEUSERINPUTBUFFER)WdfFunctions[WdfRequestRetrieveUnsafeUserInputBufferTableIndex])(WdfDriverGlobals, Request, MinimumRequiredLength, InputBuffer, Length);
}

typedef _Must_inspect_result_ _IRQL_requires_max_(PASSIVE_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFREQUESTRETRIEVEUNSAFEUSEROUTPUTBUFFER)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFREQUEST Request,
    _In_ size_t MinimumRequiredLength,
    _Outptr_result_bytebuffer_maybenull_(*Length) PVOID *OutputBuffer,
    _Out_opt_ size_t *Length);

_Must_inspect_result_ _IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE NTSTATUS WdfRequestRetrieveUnsafeUserOutputBuffer(
    _In_ WDFREQUEST Request,
    _In_ size_t MinimumRequiredLength,
    _Outptr_result_bytebuffer_maybenull_(*Length) PVOID *OutputBuffer,
    _Out_opt_ size_t *Length)
{
    return ((PFN_WDFREQUESTRETRIEVEUNSAFEUSEROUTPUTBUFFER)WdfFunctions[WdfRequestRetrieveUnsafeUserOutputBufferTableIndex])(WdfDriverGlobals, Request, MinimumRequiredLength, OutputBuffer, Length);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFREQUESTSETINFORMATION)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFREQUEST Request,
    _In_ ULONG_PTR Information);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfRequestSetInformation(
    _In_ WDFREQUEST Request,
    _In_ ULONG_PTR Information)
{
    ((PFN_WDFREQUESTSETINFORMATION)WdfFunctions[WdfRequestSetInformationTableIndex])(WdfDriverGlobals, Request, Information);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI ULONG_PTR (NTAPI *PFN_WDFREQUESTGETINFORMATION)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFREQUEST Request);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE ULONG_PTR WdfRequestGetInformation(
    _In_ WDFREQUEST Request)
{
    return ((PFN_WDFREQUESTGETINFORMATION)WdfFunctions[WdfRequestGetInformationTableIndex])(WdfDriverGlobals, Request);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI WDFFILEOBJECT (NTAPI *PFN_WDFREQUESTGETFILEOBJECT)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFREQUEST Request);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE WDFFILEOBJECT WdfRequestGetFileObject(
    _In_ WDFREQUEST Request)
{
    return ((PFN_WDFREQUESTGETFILEOBJECT)WdfFunctions[WdfRequestGetFileObjectTableIndex])(WdfDriverGlobals, Request);
}

typedef _Must_inspect_result_ _IRQL_requires_max_(PASSIVE_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFREQUESTPROBEANDLOCKUSERBUFFERFORREAD)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFREQUEST Request,
    _In_reads_bytes_(Length) PVOID Buffer,
    _In_ size_t Length,
    _Out_ WDFMEMORY *MemoryObject);

_Must_inspect_result_ _IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE NTSTATUS WdfRequestProbeAndLockUserBufferForRead(
    _In_ WDFREQUEST Request,
    _In_reads_bytes_(Length) PVOID Buffer,
    _In_ size_t Length,
    _Out_ WDFMEMORY *MemoryObject)
{
    return ((PFN_WDFREQUESTPROBEANDLOCKUSERBUFFERFORREAD)WdfFunctions[WdfRequestProbeAndLockUserBufferForReadTableIndex])(WdfDriverGlobals, Request, Buffer, Length, MemoryObject);
}

typedef _Must_inspect_result_ _IRQL_requires_max_(PASSIVE_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFREQUESTPROBEANDLOCKUSERBUFFERFORWRITE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFREQUEST Request,
    _In_reads_bytes_(Length) PVOID Buffer,
    _In_ size_t Length,
    _Out_ WDFMEMORY *MemoryObject);

_Must_inspect_result_ _IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE NTSTATUS WdfRequestProbeAndLockUserBufferForWrite(
    _In_ WDFREQUEST Request,
    _In_reads_bytes_(Length) PVOID Buffer,
    _In_ size_t Length,
    _Out_ WDFMEMORY *MemoryObject)
{
    return ((PFN_WDFREQUESTPROBEANDLOCKUSERBUFFERFORWRITE)WdfFunctions[WdfRequestProbeAndLockUserBufferForWriteTableIndex])(WdfDriverGlobals, Request, Buffer, Length, MemoryObject);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI KPROCESSOR_MODE (NTAPI *PFN_WDFREQUESTGETREQUESTORMODE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFREQUEST Request);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE KPROCESSOR_MODE WdfRequestGetRequestorMode(
    _In_ WDFREQUEST Request)
{
    return ((PFN_WDFREQUESTGETREQUESTORMODE)WdfFunctions[WdfRequestGetRequestorModeTableIndex])(WdfDriverGlobals, Request);
}

typedef _Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFREQUESTFORWARDTOIOQUEUE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFREQUEST Request,
    _In_ WDFQUEUE DestinationQueue);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfRequestForwardToIoQueue(
    _In_ WDFREQUEST Request,
    _In_ WDFQUEUE DestinationQueue)
{
    return ((PFN_WDFREQUESTFORWARDTOIOQUEUE)WdfFunctions[WdfRequestForwardToIoQueueTableIndex])(WdfDriverGlobals, Request, DestinationQueue);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI WDFQUEUE (NTAPI *PFN_WDFREQUESTGETIOQUEUE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFREQUEST Request);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE WDFQUEUE WdfRequestGetIoQueue(
    _In_ WDFREQUEST Request)
{
    return ((PFN_WDFREQUESTGETIOQUEUE)WdfFunctions[WdfRequestGetIoQueueTableIndex])(WdfDriverGlobals, Request);
}

typedef _Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFREQUESTREQUEUE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFREQUEST Request);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfRequestRequeue(
    _In_ WDFREQUEST Request)
{
    return ((PFN_WDFREQUESTREQUEUE)WdfFunctions[WdfRequestRequeueTableIndex])(WdfDriverGlobals, Request);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFREQUESTSTOPACKNOWLEDGE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFREQUEST Request,
    _In_ BOOLEAN Requeue);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfRequestStopAcknowledge(
    _In_ WDFREQUEST Request,
    _In_ BOOLEAN Requeue)
{
    ((PFN_WDFREQUESTSTOPACKNOWLEDGE)WdfFunctions[WdfRequestStopAcknowledgeTableIndex])(WdfDriverGlobals, Request, Requeue);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI PIRP (NTAPI *PFN_WDFREQUESTWDMGETIRP)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFREQUEST Request);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE PIRP WdfRequestWdmGetIrp(
    _In_ WDFREQUEST Request)
{
    return ((PFN_WDFREQUESTWDMGETIRP)WdfFunctions[WdfRequestWdmGetIrpTableIndex])(WdfDriverGlobals, Request);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI BOOLEAN (NTAPI *PFN_WDFREQUESTISRESERVED)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFREQUEST Request);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE BOOLEAN WdfRequestIsReserved(
    _In_ WDFREQUEST Request)
{
    return ((PFN_WDFREQUESTISRESERVED)WdfFunctions[WdfRequestIsReservedTableIndex])(WdfDriverGlobals, Request);
}

#if KMDF_VERSION_MINOR >= 21
typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI ULONG (NTAPI *PFN_WDFREQUESTGETREQUESTORPROCESSID)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFREQUEST Request);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE ULONG WdfRequestGetRequestorProcessId(
    _In_ WDFREQUEST Request)
{
    return ((PFN_WDFREQUESTGETREQUESTORPROCESSID)WdfFunctions[WdfRequestGetRequestorProcessIdTableIndex])(WdfDriverGlobals, Request);
}
#endif

/* END GENERATED DDIs */

#endif /* NDISKIT_WDFREQUEST_H */
