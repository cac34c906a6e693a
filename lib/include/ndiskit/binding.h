/*
 * ndiskit/binding.h - the NDIS 6 protocol side, with every binding an
 * object with an explicit state machine.
 *
 * NDIS drives a protocol with about a dozen callbacks, from several threads
 * at once, and expects it to keep track of where each binding is: whether
 * it may send, when a pause may complete, what to wait for before closing.
 * The binding layer registers those callbacks itself and keeps that state:
 *
 *     Opening -> Paused -> Restarting -> Running -> Pausing -> Paused ...
 *        |         |                                              |
 *        v         +---------------> Closing -> Closed <----------+
 *      Failed
 *
 * - NkBindingSend refuses to send unless Running, and counts what it sent;
 *   a pause completes (pended, then NdisCompleteNetPnPEvent) only once the
 *   sends in flight have completed.
 * - Receives are counted until returned with NkBindingReturn; an unbind
 *   waits for them, for OID requests in flight, and for the close.
 * - OID requests are issued synchronously (waiting at PASSIVE_LEVEL) or
 *   asynchronously with a completion routine and a RequestId to cancel
 *   them by; the bytes written/needed are always clamped to the buffer.
 * - Status indications and other PnP events go to the driver's callbacks,
 *   but only from Bound's success until Unbinding: NDIS may indicate
 *   status to a binding that is being unbound until its close completes,
 *   so the layer drops those that come later and Unbinding waits for the
 *   ones in progress (counted like held receives) - the driver never sees
 *   a status racing its teardown.  NetEventBindsComplete sets an event
 *   NkProtocolWaitBindsComplete waits on.
 *
 *     static const NK_PROTOCOL_CALLBACKS Callbacks = {
 *         .BindingContextSize = sizeof(MY_BINDING),
 *         .Bound = MyBound,        // Paused, open: read the MAC, set the filter
 *         .Receive = MyReceive,    // copy or keep; NkBindingReturn later
 *         .Unbinding = MyUnbinding,
 *     };
 *     status = NkProtocolRegister(&Globals.Protocol, L"MYPROTO", 6, 30, &Callbacks, &Globals);
 *     ...
 *     NkProtocolDeregister(&Globals.Protocol);    // unbinds every binding first
 *
 * The binding layer is written against the callback-ordering facts of the
 * design notes: ProtocolBindAdapterEx may wait for the open completion on
 * another thread; receives, send completions, status indications and PnP
 * events may run concurrently with each other.  It is tested under the
 * host kernel's interleaving explorer (tests/host/test_binding.c).
 */
#ifndef NDISKIT_BINDING_H
#define NDISKIT_BINDING_H

#ifndef NDIS630
#define NDIS630 1
#endif
#include <ndis.h>
#include <ndiskit/sync.h>

typedef enum _NK_BINDING_STATE {
    NkBindingOpening = 1,
    NkBindingPaused,
    NkBindingRestarting,
    NkBindingRunning,
    NkBindingPausing,
    NkBindingClosing,
    NkBindingClosed,
    NkBindingFailed
} NK_BINDING_STATE;

typedef struct _NK_PROTOCOL NK_PROTOCOL, *PNK_PROTOCOL;
typedef struct _NK_BINDING NK_BINDING, *PNK_BINDING;

/* The driver's side.  Every callback is optional.  Binding callbacks get
 * the binding; NkBindingContext gives its BindingContextSize bytes. */
typedef struct _NK_PROTOCOL_CALLBACKS {
    SIZE_T BindingContextSize;
    /* PASSIVE_LEVEL, binding Paused and open: query and set OIDs here.
     * A failure closes the adapter and fails the bind. */
    NTSTATUS (*Bound)(_In_ PNK_BINDING Binding, _In_ PNDIS_BIND_PARAMETERS Parameters);
    /* PASSIVE_LEVEL, binding Closing: stop using it; return what you hold.
     * New OID requests are refused by now and those in flight have been
     * asked to cancel, so this may wait for threads blocked on one. */
    VOID (*Unbinding)(_In_ PNK_BINDING Binding);
    /* <= DISPATCH_LEVEL.  Without NDIS_RECEIVE_FLAGS_RESOURCES the driver
     * owns the NBLs until NkBindingReturn; with it, it must copy them. */
    VOID (*Receive)(_In_ PNK_BINDING Binding, _In_ PNET_BUFFER_LIST NetBufferLists, _In_ ULONG Count,
                    _In_ ULONG ReceiveFlags);
    /* <= DISPATCH_LEVEL: NBLs sent with NkBindingSend come back here. */
    VOID (*SendComplete)(_In_ PNK_BINDING Binding, _In_ PNET_BUFFER_LIST NetBufferLists, _In_ ULONG Flags);
    /* <= DISPATCH_LEVEL, only after Bound succeeded and never once
     * Unbinding has been called (nor while it runs). */
    VOID (*Status)(_In_ PNK_BINDING Binding, _In_ PNDIS_STATUS_INDICATION Indication);
    /* PASSIVE_LEVEL: PnP events other than pause and restart (Binding is
     * NULL for protocol-wide ones); for a binding, within the same window
     * as Status. */
    NDIS_STATUS (*PnpEvent)(_In_opt_ PNK_BINDING Binding, _In_ PNET_PNP_EVENT_NOTIFICATION Event);
} NK_PROTOCOL_CALLBACKS;

struct _NK_PROTOCOL {
    NDIS_HANDLE Handle;             /* from NdisRegisterProtocolDriver */
    const NK_PROTOCOL_CALLBACKS *Callbacks;
    PVOID DriverContext;
    NK_EVENT BindsComplete;
    KSPIN_LOCK Lock;                /* Bindings */
    LIST_ENTRY Bindings;
    volatile LONG BindingCount;
};

/* One asynchronous OID request (caller-allocated, valid until completion). */
typedef struct _NK_OID NK_OID, *PNK_OID;
typedef VOID NK_OID_COMPLETION(_In_ PNK_BINDING Binding, _In_ PNK_OID Oid, _In_ NDIS_STATUS Status,
                               _In_ ULONG BytesTransferred, _In_ ULONG BytesNeeded);
struct _NK_OID {
    NDIS_OID_REQUEST Request;
    NK_OID_COMPLETION *Completion;
    PVOID Context;                  /* the caller's */
    BOOLEAN CancelSent;             /* the unbind asked NDIS to cancel it */
    LIST_ENTRY Link;                /* on the binding while in flight */
};

struct _NK_BINDING {
    PNK_PROTOCOL Protocol;
    NDIS_HANDLE Handle;             /* NdisBindingHandle */
    volatile LONG State;            /* NK_BINDING_STATE */
    KSPIN_LOCK Lock;                /* State, PendingPause, Oids, Delivering, CallbacksActive */
    volatile LONG SendsInFlight;
    volatile LONG ReceivesHeld;
    BOOLEAN Delivering;             /* Status/PnpEvent may reach the driver (Bound .. Unbinding) */
    LONG CallbacksActive;           /* Status/PnpEvent callbacks running in the driver */
    PNET_PNP_EVENT_NOTIFICATION PendingPause;
    LIST_ENTRY Oids;                /* NK_OID in flight */
    ULONG OidsInFlight;             /* issued and their completion not yet returned */
    NK_EVENT OpenDone, CloseDone, Drained;
    NK_EVENT CallbacksDone;         /* CallbacksActive reached 0 after delivery stopped */
    NDIS_STATUS OpenStatus;
    UCHAR Mac[6];
    ULONG Mtu;
    LIST_ENTRY Link;                /* on the protocol */
    /* BindingContextSize bytes of the driver's follow, 16-byte aligned. */
};

/* Registers the protocol (NDIS 6.x, Major.Minor) with the layer's
 * callbacks; Name is the service name.  Binds may happen before this
 * returns.  One NK_PROTOCOL per driver: NDIS gives protocol-wide PnP
 * events (NetEventBindsComplete) no context to find it by.
 * IRQL == PASSIVE_LEVEL. */
_IRQL_requires_(PASSIVE_LEVEL)
NDIS_STATUS NkProtocolRegister(_Out_ PNK_PROTOCOL Protocol, _In_z_ PCWSTR Name, _In_ UCHAR MajorVersion,
                               _In_ UCHAR MinorVersion, _In_ const NK_PROTOCOL_CALLBACKS *Callbacks,
                               _In_opt_ PVOID DriverContext);

/* Deregisters: NDIS unbinds every binding first (each waits for its sends,
 * receives and OIDs, then closes).  IRQL == PASSIVE_LEVEL. */
_IRQL_requires_(PASSIVE_LEVEL)
VOID NkProtocolDeregister(_Inout_ PNK_PROTOCOL Protocol);

/* Waits for NetEventBindsComplete: STATUS_SUCCESS or STATUS_TIMEOUT. */
_IRQL_requires_max_(APC_LEVEL)
NTSTATUS NkProtocolWaitBindsComplete(_Inout_ PNK_PROTOCOL Protocol, _In_ ULONG Ms);

/* The driver's per-binding area and the protocol's driver context.  Any IRQL. */
FORCEINLINE PVOID NkBindingContext(_In_ PNK_BINDING Binding)
{
    return (PUCHAR)Binding + ((sizeof(NK_BINDING) + 15) & ~(SIZE_T)15);
}

FORCEINLINE NK_BINDING_STATE NkBindingState(_In_ PNK_BINDING Binding)
{
    return (NK_BINDING_STATE)ReadAcquire(&Binding->State);
}

/* Sends NetBufferLists if the binding is Running: STATUS_SUCCESS (they
 * come back through SendComplete), or NDIS_STATUS_PAUSED / _CLOSING with
 * nothing sent (the caller still owns them).  <= DISPATCH_LEVEL. */
_IRQL_requires_max_(DISPATCH_LEVEL)
NDIS_STATUS NkBindingSend(_Inout_ PNK_BINDING Binding, _In_ PNET_BUFFER_LIST NetBufferLists, _In_ ULONG SendFlags);

/* Returns NBLs indicated without NDIS_RECEIVE_FLAGS_RESOURCES.  <= DISPATCH. */
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID NkBindingReturn(_Inout_ PNK_BINDING Binding, _In_ PNET_BUFFER_LIST NetBufferLists, _In_ ULONG ReturnFlags);

/* A query or set, waiting for it at PASSIVE_LEVEL.  *Bytes gets the bytes
 * written/read (at most Length) or, on NDIS_STATUS_BUFFER_TOO_SHORT /
 * _INVALID_LENGTH, the bytes needed. */
_IRQL_requires_(PASSIVE_LEVEL)
NDIS_STATUS NkBindingOid(_Inout_ PNK_BINDING Binding, _In_ NDIS_REQUEST_TYPE Type, _In_ NDIS_OID Oid,
                         _Inout_updates_bytes_opt_(Length) PVOID Buffer, _In_ ULONG Length,
                         _Out_opt_ PULONG Bytes);

/* The same, asynchronously: Completion runs (at <= DISPATCH_LEVEL) when it
 * completes or is cancelled; Request stays the caller's until then.  Its
 * address is the RequestId for NkBindingCancelOid.  Returns
 * NDIS_STATUS_PENDING or the failure (Completion then does not run). */
_IRQL_requires_max_(DISPATCH_LEVEL)
NDIS_STATUS NkBindingOidAsync(_Inout_ PNK_BINDING Binding, _Out_ PNK_OID Request, _In_ NDIS_REQUEST_TYPE Type,
                              _In_ NDIS_OID Oid, _Inout_updates_bytes_opt_(Length) PVOID Buffer, _In_ ULONG Length,
                              _In_ NK_OID_COMPLETION *Completion, _In_opt_ PVOID Context);

/* Asks NDIS to cancel an asynchronous request (its completion still runs,
 * with NDIS_STATUS_REQUEST_ABORTED).  <= DISPATCH_LEVEL. */
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID NkBindingCancelOid(_Inout_ PNK_BINDING Binding, _In_ PNK_OID Request);

#endif
