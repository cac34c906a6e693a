/*
 * ndis_internal.h - the host kernel's NDIS 6 protocol side: what its files
 * share.  Compiled for NDIS 6.80, the largest NET_BUFFER_LIST, so NBLs it
 * allocates are large enough for a driver built for any NDIS 6.x (the
 * common fields never move; only NetBufferListInfo grows at the end).
 */
#ifndef NDISKIT_HOST_NDIS_INTERNAL_H
#define NDISKIT_HOST_NDIS_INTERNAL_H

#define _GNU_SOURCE 1
#define NDIS680 1
#include <ndis.h>
#include <nkhost.h>
#include "nt_internal.h" /* the NT core's hooks: the explorer's schedule points */

#include <pthread.h>

#define NK_MAX_FRAME 16384
#define NK_MAX_MULTICAST 32         /* OID_802_3_MAXIMUM_LIST_SIZE */

typedef struct _NK_PROTOCOL NK_PROTOCOL;
typedef struct _NK_ADAPTER NK_ADAPTER;

/* One protocol's open of one adapter (the NdisBindingHandle). */
typedef struct _NK_BINDING {
    ULONG64 Magic;
    NK_PROTOCOL *Protocol;
    NK_ADAPTER *Adapter;
    NDIS_HANDLE ProtocolBindingContext;
    BOOLEAN Open;                   /* NdisOpenAdapterEx succeeded */
    BOOLEAN Paused;
    BOOLEAN Pausing;                /* a pause is being delivered: no new indications */
    BOOLEAN Unbinding;              /* being unbound: no receives or PnP events (status until the close) */
    BOOLEAN Bound;                  /* bind completed and restarted: PnP events may come */
    LONG AsyncPending;              /* pended open/close completions still to run */
    PNDIS_HANDLE PendingBindingHandle; /* where a pended open writes the handle */
    LONG Users;                     /* receive indications in progress (NkNdisLock): pause and unbind wait */
    LONG StatusUsers;               /* status indications in progress (NkNdisLock): the close waits */
    LONG SendsOutstanding;          /* NBLs sent, send-complete not yet called */
    /* This open's receive filter (NkNdisLock), as NDIS keeps one per open:
     * the adapter is programmed with the union, and each open is indicated
     * only the frames its own filter accepts. */
    ULONG PacketFilter;
    UCHAR Multicast[NK_MAX_MULTICAST][6];
    ULONG MulticastCount;
    LONG ReceivesOutstanding;       /* NBLs indicated, not yet returned */
    /* The NBLs indicated and not yet returned, looked up before a returned
     * NBL is touched, so a double return is caught, not a use after free. */
    PNET_BUFFER_LIST Indicated[256];
    /* OID requests pended (adapter in pend-OIDs mode), oldest first. */
    PNDIS_OID_REQUEST PendingOids[32];
    ULONG PendingOidCount;
    KEVENT BindDone, UnbindDone, PnpDone;
    NDIS_STATUS BindStatus, PnpStatus;
    LIST_ENTRY Link;                /* on the adapter */
} NK_BINDING;

struct _NK_PROTOCOL {
    ULONG64 Magic;
    NDIS_PROTOCOL_DRIVER_CHARACTERISTICS Chars;
    NDIS_HANDLE Context;
    LIST_ENTRY Link;
};

/* An in-memory adapter: what protocols send is captured for the test to
 * read; what the test injects is indicated to every open binding. */
struct _NK_ADAPTER {
    ULONG64 Magic;
    WCHAR Name[128];
    NDIS_STRING NameString;
    UCHAR Mac[6];
    ULONG Mtu;
    ULONG PacketFilter;
    LIST_ENTRY Bindings;
    LIST_ENTRY Link;
    /* captured frames, oldest first */
    ULONG CaptureHead, CaptureCount;
    struct {
        ULONG Length;
        UCHAR Data[NK_MAX_FRAME];
    } *Capture;
    NDIS_HANDLE ReceivePool;
    /* Backed by a Linux interface (packet.c): -1 for in-memory adapters. */
    int Socket;
    int IfIndex;
    NET_IFINDEX IfIndexNdis;        /* the NDIS interface index (restart parameters, 1, 2, ...) */
    pthread_t Receiver;
    volatile BOOLEAN Stopping;
    BOOLEAN PendOids;               /* NkHostSetAdapterPendOids */
    BOOLEAN PendSends;              /* NkHostSetAdapterPendSends */
    PNET_BUFFER_LIST Held, *HeldTail; /* sends held in pend-sends mode, oldest first (NkNdisLock) */
    BOOLEAN PendOpens;              /* NkHostSetAdapterPendOpens: open and close pend */
    /* NkHostConnectAdapters: what is sent here is received on Peer (itself
     * for a loopback), delivered by the Wire thread from the capture ring. */
    struct _NK_ADAPTER *Peer;
    pthread_t Wire;
    BOOLEAN WireRunning;
    pthread_cond_t WireCond;        /* with NkNdisLock: a frame was captured, or stop */
    LONG Feeding;                   /* wires indicating into this adapter right now */
    /* Frames received but never indicated (OID_GEN_RCV_DISCARDS): NDIS had
     * no memory or the protocol held too many, plus, for a packet
     * adapter, what its socket's full queue dropped (folded in from
     * PACKET_STATISTICS on each query).  Atomic. */
    ULONG64 ReceiveDiscards;
};

/* datapath.c: the adapter object both kinds share. */
NTSTATUS NkNdisCreateAdapter(PCWSTR Name, const UCHAR *Mac, ULONG Mtu, int Socket, NK_ADAPTER **Adapter);
VOID NkNdisBindAll(NK_ADAPTER *Adapter);
/* protocol.c: drops binds queued for Adapter and waits for one being
 * delivered to it (before the adapter's bindings are unbound). */
VOID NkNdisCancelAdapterBinds(NK_ADAPTER *Adapter);
/* Waits until no receive indication is being delivered to b (Users == 0). */
VOID NkNdisDrainUsers(NK_BINDING *b);
/* The adapter's filter: the union of its opens' (with NkNdisLock held). */
ULONG NkNdisAdapterFilterLocked(NK_ADAPTER *Adapter);
/* An open's filter changed or an open went: reprogram the adapter. */
VOID NkNdisRefreshFilter(NK_ADAPTER *Adapter);
/* Completes the sends held for b (pend-sends mode) with Status: a miniport
 * completes what it holds when the open is paused or goes away. */
VOID NkNdisFlushHeldSends(NK_BINDING *b, NDIS_STATUS Status);
/* packet.c: stops the receiver and closes the socket. */
VOID NkNdisStopPacketAdapter(NK_ADAPTER *Adapter);
/* Indicates frames that arrived together to every open whose filter
 * accepts them, one chain per open (the frames are copied). */
#define NK_INDICATE_MAX 64
VOID NkNdisIndicateReceived(NK_ADAPTER *Adapter, const UCHAR *const *Frames, const ULONG *Lengths, ULONG Count);
/* packet.c: Adapter->ReceiveDiscards, with its socket's drops folded in. */
ULONG64 NkNdisReceiveDiscards(NK_ADAPTER *Adapter);

/* Recursive: held while a frame is indicated, and the protocol's receive
 * handler calls back into NDIS. */
extern pthread_mutex_t NkNdisLock;
extern LIST_ENTRY NkProtocols, NkAdapters;

/* object.c: NDIS objects taken from a caller, read by Header.Revision.
 * Revisions is ascending: each revision and NDIS_SIZEOF_..._REVISION_n. */
typedef struct _NK_NDIS_REVISION {
    UCHAR Revision;
    USHORT Size;
} NK_NDIS_REVISION;
/* Validates Type, Revision and Size (a verifier finding "ndis.bad-object-header"
 * and FALSE if wrong); *Size: the bytes the caller's revision defines. */
BOOLEAN NkNdisCheckObject(const NDIS_OBJECT_HEADER *Header, UCHAR Type, const NK_NDIS_REVISION *Revisions,
                          ULONG Count, USHORT *Size, const char *Ddi);
/* Validates, then copies only the caller's revision's bytes into Out and
 * zeroes the rest of Out (OutSize bytes, the host's newest structure). */
BOOLEAN NkNdisTakeObject(const NDIS_OBJECT_HEADER *Header, UCHAR Type, const NK_NDIS_REVISION *Revisions,
                         ULONG Count, PVOID Out, SIZE_T OutSize, const char *Ddi);

/* A finding "ndis.unimplemented: Name" for an NDIS routine whose edge the
 * host does not have (miniport, filter, IM); the caller then fails. */
VOID NkNdisUnimplemented(const char *Name);

NK_BINDING *NkNdisBindingOf(NDIS_HANDLE Handle, const char *Ddi);
VOID NkNdisBind(NK_PROTOCOL *Protocol, NK_ADAPTER *Adapter);
VOID NkNdisUnbind(NK_BINDING *Binding);
SIZE_T NkNdisReportLeaks(VOID);
VOID NkNdisReset(VOID);
/* support.c: forgets the live generic objects. */
VOID NkNdisSupportReset(VOID);
/* nbl.c: forgets the live NET_BUFFERs. */
VOID NkNdisNblReset(VOID);

#endif
