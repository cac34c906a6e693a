/*
 * ndisprot.h - ndisprot's internal types, shared by its source files:
 *
 *   driver.c   DriverEntry, the control device, file create/cleanup, unload
 *   bind.c     the NDIS side: bind, unbind, status, PnP; the list of opens
 *   ioctl.c    the IOCTLs: open, OIDs, bindings, status, the extensions
 *   recv.c     receive: filter, queue, and hand frames to reads
 *   send.c     write and batched write: checks, send, completion, cancel
 *
 * An NDISPROT_OPEN is the driver's part of a binding (NkBindingContext).
 * At most one file is associated with an open; the association is kept in
 * both directions under Globals.Lock, and code reached from a file takes
 * an I/O reference on the open (NdisprotOpenAcquire) so that an unbind,
 * which waits for those references, never frees an open in use.
 */
#ifndef NDISPROT_H
#define NDISPROT_H

#define NK_LOG_PREFIX "ndisprot: "
#include <ntddk.h>
#include <wdf.h>
#include <ndiskit/binding.h>
#include <ndiskit/context.h>
#include <ndiskit/driver.h>
#include <ndiskit/log.h>
#include <ndiskit/nbl.h>
#include <ndiskit/sync.h>

#include "protuser.h"

#define NDISPROT_TAG 'tpdN'
#define NDISPROT_ETH_HEADER 14
#define NDISPROT_VLAN_TAG 4
/* Frames longer than this (jumbo receives, LSO-sized loopback) are queued
 * truncated, with their OriginalLength. */
#define NDISPROT_MAX_CAPTURE 65535
#define NDISPROT_BIND_WAIT_MS 5000
#define NDISPROT_NBL_POOL_TAG 'lbNN'

typedef struct _NDISPROT_GLOBALS {
    NK_DRIVER_CORE Core;            /* users, the protocol, threads: taken down in that order */
    WDFDEVICE ControlDevice;
    KSPIN_LOCK Lock;                /* Opens, and every file <-> open association */
    LIST_ENTRY Opens;               /* NDISPROT_OPEN, in bind order */
    UCHAR CancelIdPrefix;           /* NdisGeneratePartialCancelId, the high byte of our cancel IDs */
    volatile LONG64 NextCancelId;
} NDISPROT_GLOBALS;
NK_CONTEXT_TYPE(NDISPROT_GLOBALS, NdisprotGlobals)

/* One received frame waiting for a read. */
typedef struct _NDISPROT_FRAME {
    LIST_ENTRY Link;
    ULONG Length;                   /* bytes in Data */
    ULONG OriginalLength;
    LONGLONG Timestamp;
    UCHAR Data[];
} NDISPROT_FRAME, *PNDISPROT_FRAME;

typedef struct _NDISPROT_OPEN {
    PNK_BINDING Binding;
    LIST_ENTRY Link;                /* on Globals.Opens (Globals.Lock) */
    BOOLEAN Listed;
    UNICODE_STRING DeviceName;      /* the adapter's, as bound ("\DEVICE\{GUID}") */
    UNICODE_STRING Description;     /* NdisQueryAdapterInstanceName */
    NDIS_HANDLE NblPool;
    UCHAR Mac[6];
    ULONG MaxFrameSize;             /* payload bytes: OID_GEN_MAXIMUM_FRAME_SIZE */
    volatile LONG LowPower;         /* the adapter is not in D0 */

    /* Globals.Lock */
    WDFFILEOBJECT File;             /* the file that opened it, or NULL */
    BOOLEAN Unbinding;
    LONG IoRefs;                    /* NdisprotOpenAcquire'd and not released */
    NK_EVENT IoDone;                /* IoRefs reached 0 while Unbinding */

    /* Lock: the receive side and the per-open settings */
    KSPIN_LOCK Lock;
    BOOLEAN Receiving;              /* a file has it open: queue what arrives */
    LIST_ENTRY Frames;              /* NDISPROT_FRAME, oldest first */
    ULONG FrameCount;
    ULONG QueueLength;
    BOOLEAN AllEtherTypes;
    ULONG EtherTypeCount;
    USHORT EtherTypes[NDISPROT_MAX_ETHERTYPES];
    BOOLEAN Promiscuous;
    NDISPROT_STATISTICS Stats;      /* QueuedFrames, QueueLength, AdapterReceiveDiscards filled on query */
    ULONG64 DiscardsAtOpen;         /* OID_GEN_RCV_DISCARDS at OPEN_DEVICE ... */
    BOOLEAN DiscardsKnown;          /* ... if the adapter reported it */

    WDFQUEUE ReadQueue;             /* manual: reads and batched reads waiting for frames */
    WDFQUEUE StatusQueue;           /* manual: INDICATE_STATUS requests waiting for one */
} NDISPROT_OPEN, *PNDISPROT_OPEN;

/* The file object's context. */
typedef struct _NDISPROT_FILE {
    PNDISPROT_OPEN Open;            /* Globals.Lock; NULL until OPEN_DEVICE, and after unbind */
} NDISPROT_FILE, *PNDISPROT_FILE;
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(NDISPROT_FILE, NdisprotFileGet)

/* A write or batched write in flight (the request's context). */
typedef struct _NDISPROT_WRITE {
    PNDISPROT_OPEN Open;
    PVOID CancelId;
    volatile LONG Outstanding;      /* NBLs not yet completed */
    volatile LONG CancelRace;       /* cancel routine vs. completion: the second one completes */
    BOOLEAN Cancelable;
    ULONG Frames;                   /* batched: records in the request */
    PLONG Results;                  /* batched: per-frame NTSTATUS, in the system buffer */
    volatile LONG Sent;             /* frames completed with success */
    ULONG_PTR Bytes;                /* single write: bytes on success */
    NTSTATUS FirstError;
} NDISPROT_WRITE, *PNDISPROT_WRITE;
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(NDISPROT_WRITE, NdisprotWriteGet)

extern const NK_PROTOCOL_CALLBACKS NdisprotProtocol;

/* driver.c */
_IRQL_requires_max_(DISPATCH_LEVEL)
NDISPROT_GLOBALS *NdisprotGlobalsEnter(VOID);
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID NdisprotGlobalsLeave(_In_ NDISPROT_GLOBALS *Globals);

/* bind.c */
_IRQL_requires_max_(DISPATCH_LEVEL)
PNDISPROT_OPEN NdisprotOpenAcquire(_In_ NDISPROT_GLOBALS *Globals, _In_ WDFFILEOBJECT File);
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID NdisprotOpenRelease(_In_ NDISPROT_GLOBALS *Globals, _In_ PNDISPROT_OPEN Open);
_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS NdisprotOpenDevice(_In_ NDISPROT_GLOBALS *Globals, _In_ WDFFILEOBJECT File,
                            _In_reads_bytes_(NameBytes) PCWCH Name, _In_ SIZE_T NameBytes);
_IRQL_requires_(PASSIVE_LEVEL)
VOID NdisprotFileCleanup(_In_ NDISPROT_GLOBALS *Globals, _In_ WDFFILEOBJECT File);
_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS NdisprotQueryBinding(_In_ NDISPROT_GLOBALS *Globals, _Inout_updates_bytes_(Length) PUCHAR Buffer,
                              _In_ SIZE_T InLength, _In_ SIZE_T Length, _Out_ PULONG_PTR Information);
_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS NdisprotSetPacketFilter(_In_ PNDISPROT_OPEN Open, _In_ ULONG Filter);
NTSTATUS NdisprotNdisToNtStatus(_In_ NDIS_STATUS Status);

/* ioctl.c */
_IRQL_requires_max_(PASSIVE_LEVEL)
VOID NdisprotEvtIoDeviceControl(_In_ WDFQUEUE Queue, _In_ WDFREQUEST Request, _In_ size_t OutputBufferLength,
                                _In_ size_t InputBufferLength, _In_ ULONG IoControlCode);
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID NdisprotStatusIndicate(_In_ PNDISPROT_OPEN Open, _In_ PNDIS_STATUS_INDICATION Indication);

/* recv.c */
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID NdisprotReceive(_In_ PNK_BINDING Binding, _In_ PNET_BUFFER_LIST Nbls, _In_ ULONG Count, _In_ ULONG Flags);
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID NdisprotServiceReads(_In_ PNDISPROT_OPEN Open);
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID NdisprotFlushFrames(_In_ PNDISPROT_OPEN Open);
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID NdisprotResetSettings(_In_ PNDISPROT_OPEN Open);
_IRQL_requires_max_(PASSIVE_LEVEL)
VOID NdisprotEvtIoRead(_In_ WDFQUEUE Queue, _In_ WDFREQUEST Request, _In_ size_t Length);
_IRQL_requires_max_(PASSIVE_LEVEL)
VOID NdisprotReadBatch(_In_ NDISPROT_GLOBALS *Globals, _In_ WDFREQUEST Request, _In_ size_t OutputLength);
NTSTATUS NdisprotSetEtherTypes(_In_ PNDISPROT_OPEN Open, _In_reads_bytes_(Length) const VOID *Buffer,
                               _In_ SIZE_T Length);
NTSTATUS NdisprotSetQueueLength(_In_ PNDISPROT_OPEN Open, _In_ ULONG Frames);
_IRQL_requires_(PASSIVE_LEVEL)
VOID NdisprotGetStatistics(_In_ PNDISPROT_OPEN Open, _Out_ PNDISPROT_STATISTICS Stats);
_IRQL_requires_(PASSIVE_LEVEL)
BOOLEAN NdisprotQueryReceiveDiscards(_In_ PNDISPROT_OPEN Open, _Out_ ULONG64 *Discards);

/* send.c */
_IRQL_requires_max_(PASSIVE_LEVEL)
VOID NdisprotEvtIoWrite(_In_ WDFQUEUE Queue, _In_ WDFREQUEST Request, _In_ size_t Length);
_IRQL_requires_max_(PASSIVE_LEVEL)
VOID NdisprotWriteBatch(_In_ NDISPROT_GLOBALS *Globals, _In_ WDFREQUEST Request, _In_ size_t InputLength,
                        _In_ size_t OutputLength);
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID NdisprotSendComplete(_In_ PNK_BINDING Binding, _In_ PNET_BUFFER_LIST Nbls, _In_ ULONG Flags);

#endif
