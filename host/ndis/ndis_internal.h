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
typedef struct _NK_MINIPORT NK_MINIPORT;

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
    LONG MiniportOids;              /* OID requests with (or queued for) a miniport, not completed */
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
    /* Being removed (NkNdisLock): no bind to it is queued or started any
     * more, so none can outlive it. */
    BOOLEAN Removing;
    /* Non-NULL: a miniport instance (miniport.c) - sends, OIDs and
     * returns go to its driver instead of the capture ring. */
    NK_MINIPORT *Miniport;
};

/* ---- the miniport edge (miniport.c, im.c) ------------------------------- */

/* A registered miniport driver (NdisMRegisterMiniportDriver). */
typedef struct _NK_MINIPORT_DRIVER {
    ULONG64 Magic;
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars;
    NDIS_HANDLE Context;            /* MiniportDriverContext */
    WCHAR ServiceName[64];          /* last component of the RegistryPath */
    BOOLEAN Intermediate;           /* NDIS_INTERMEDIATE_DRIVER */
    NK_PROTOCOL *Protocol;          /* NdisIMAssociateMiniport */
    PDRIVER_OBJECT DriverObject;    /* whose DriverUnload NDIS took over */
    LIST_ENTRY Link;                /* NkMiniportDrivers */
} NK_MINIPORT_DRIVER;

/* An instance's state, as NDIS keeps it: Halt only from Paused. */
typedef enum _NK_MINIPORT_STATE {
    NkMiniportInitializing,
    NkMiniportPaused,
    NkMiniportRestarting,
    NkMiniportRunning,
    NkMiniportPausing,
    NkMiniportHalted
} NK_MINIPORT_STATE;

#define NK_MINIPORT_TRACK 512       /* NBLs one instance may have out at once */
#define NK_MINIPORT_OID_QUEUE 64

/* A miniport instance (the NdisMiniportHandle).  Its NK_ADAPTER exists from
 * the end of a successful MiniportInitializeEx to the halt. */
struct _NK_MINIPORT {
    ULONG64 Magic;
    NK_MINIPORT_DRIVER *Driver;
    NK_ADAPTER *Adapter;
    WCHAR Name[128];                /* the device instance name */
    NDIS_HANDLE Context;            /* MiniportAdapterContext (registration attributes) */
    NDIS_HANDLE DeviceContext;      /* NdisIMInitializeDeviceInstanceEx's */
    NK_MINIPORT_STATE State;        /* NkNdisLock */
    pthread_t InitThread;           /* the thread running MiniportInitializeEx */
    BOOLEAN InInitialize;
    BOOLEAN Started;                /* its start (init, restart, binds) is over (NkNdisLock) */
    BOOLEAN HaveRegistration, HaveGeneral;
    UCHAR Mac[6];
    ULONG Mtu;
    LONG SendsEntering;             /* sends between the state check and the driver's return */
    LONG IndicationsEntering;       /* receive indications in progress */
    /* Sends handed to the driver and not completed: NBL and its binding. */
    struct {
        PNET_BUFFER_LIST Nbl;
        NK_BINDING *Binding;
    } Sent[NK_MINIPORT_TRACK];
    LONG SentCount;
    /* NBLs the driver indicated that opens still hold: how many opens. */
    struct {
        PNET_BUFFER_LIST Nbl;
        LONG Opens;
    } Held[NK_MINIPORT_TRACK];
    LONG HeldCount;
    /* OID requests, one at a time: the active one and the queue behind it. */
    PNDIS_OID_REQUEST OidActive;
    NK_BINDING *OidActiveBinding;
    BOOLEAN OidActiveCompleted;     /* finished (returned or completed): a second finish is a finding */
    struct {
        PNDIS_OID_REQUEST Request;
        NK_BINDING *Binding;
    } OidQueue[NK_MINIPORT_OID_QUEUE];
    ULONG OidQueued;
    /* A packet filter set by one open reaches the driver as the union of
     * every open's, through FilterUnion; the protocol's buffer is put back
     * in its request when it completes. */
    ULONG FilterUnion;
    PVOID FilterSavedBuffer;
    ULONG FilterSavedLength;
    BOOLEAN FilterSwapped;
    /* Direct OID requests with the driver (not serialised), and whose. */
    struct {
        PNDIS_OID_REQUEST Request;
        NK_BINDING *Binding;
    } Direct[NK_MINIPORT_OID_QUEUE];
    KEVENT PauseDone, RestartDone;  /* NdisMPauseComplete, NdisMRestartComplete */
    BOOLEAN PauseCompleted, RestartCompleted;
    NDIS_STATUS RestartStatus;
    LIST_ENTRY Link;                /* NkMiniports */
};

extern LIST_ENTRY NkMiniportDrivers, NkMiniports;

/* Adapter, instance and service names compare case-insensitively (ASCII,
 * what device instance and service names are made of). */
static inline WCHAR NkNdisUpcase(WCHAR c)
{
    return c >= L'a' && c <= L'z' ? (WCHAR)(c - L'a' + L'A') : c;
}

/* datapath.c hands miniport adapters' traffic to miniport.c. */
VOID NkNdisMiniportSend(NK_BINDING *b, PNET_BUFFER_LIST Nbls, NDIS_PORT_NUMBER Port, ULONG SendFlags);
/* One NBL a protocol returned (already untracked from b->Indicated):
 * FALSE if it is not the driver's (a frame the host injected). */
BOOLEAN NkNdisMiniportReturn(NK_BINDING *b, PNET_BUFFER_LIST Nbl);
NDIS_STATUS NkNdisMiniportOid(NK_BINDING *b, PNDIS_OID_REQUEST Request);
/* A binding of a miniport adapter is being freed with work still at the
 * miniport (reported at its close): its sends' completions are dropped,
 * its OIDs forgotten, and the driver's NBLs it held count as returned -
 * nothing reaches the freed binding, nothing is lost for the driver. */
VOID NkNdisMiniportForgetBinding(NK_BINDING *b);
/* NdisCancelOidRequest for a request queued or active at b's miniport. */
VOID NkNdisMiniportCancelOid(NK_BINDING *b, PVOID RequestId);
/* NdisDirectOidRequest / NdisCancelDirectOidRequest on a miniport adapter:
 * MiniportDirectOidRequest, not serialised (NDIS_STATUS_NOT_SUPPORTED if
 * the driver has none). */
NDIS_STATUS NkNdisMiniportDirectOid(NK_BINDING *b, PNDIS_OID_REQUEST Request);
VOID NkNdisMiniportCancelDirectOid(NK_BINDING *b, PVOID RequestId);
/* Pause (bindings first) and restart (bindings last) of a miniport adapter. */
NTSTATUS NkNdisMiniportPause(NK_MINIPORT *m);
NTSTATUS NkNdisMiniportRestart(NK_MINIPORT *m);
/* NkHostRemoveAdapter of a miniport adapter: unbind, pause, halt, free. */
NDIS_STATUS NkNdisMiniportRemove(NK_MINIPORT *m, NDIS_HALT_ACTION Action);
/* With NkNdisLock: the instance Handle is, or NULL (no finding). */
NK_MINIPORT *NkNdisMiniportLocked(NDIS_HANDLE Handle);
/* Creates an instance of Driver named Name and runs MiniportInitializeEx,
 * then restarts it and offers it to protocols (on the calling thread). */
NDIS_STATUS NkNdisStartInstance(NK_MINIPORT_DRIVER *Driver, PCWSTR Name, NDIS_HANDLE DeviceContext,
                                NK_MINIPORT **Instance);
VOID NkNdisMiniportReset(VOID);
SIZE_T NkNdisMiniportReportLeaks(VOID);
/* protocol.c: queue an IM device instance start for the bind thread
 * (manual under the explorer, like binds); cancel it while still queued. */
NDIS_STATUS NkNdisQueueInstanceStart(NK_MINIPORT_DRIVER *Driver, PCUNICODE_STRING Name, NDIS_HANDLE DeviceContext);
BOOLEAN NkNdisCancelInstanceStart(NK_MINIPORT_DRIVER *Driver, PCUNICODE_STRING Name);

/* datapath.c: the adapter object all kinds share.  Ex: a miniport
 * instance's (no capture ring; Miniport set before anyone can see it). */
NTSTATUS NkNdisCreateAdapter(PCWSTR Name, const UCHAR *Mac, ULONG Mtu, int Socket, NK_ADAPTER **Adapter);
NTSTATUS NkNdisCreateAdapterEx(PCWSTR Name, const UCHAR *Mac, ULONG Mtu, int Socket, NK_MINIPORT *Miniport,
                               NK_ADAPTER **Adapter);
/* Frees an adapter whose bindings are gone (off NkAdapters first). */
VOID NkNdisFreeAdapter(NK_ADAPTER *Adapter);
/* Would NDIS indicate a frame starting with Header (6 bytes) to b?  Its
 * own filter decides.  NkNdisLock held. */
BOOLEAN NkNdisFilterAcceptsLocked(NK_BINDING *b, const UCHAR *Header);
/* The first Length bytes of Nb's data; FALSE if it has fewer. */
BOOLEAN NkNdisPeekNb(PNET_BUFFER Nb, PUCHAR Out, ULONG Length);
/* b->Indicated: remember / forget an indicated NBL (NkNdisLock held). */
BOOLEAN NkNdisTrackLocked(NK_BINDING *b, PNET_BUFFER_LIST Nbl);
BOOLEAN NkNdisUntrackLocked(NK_BINDING *b, PNET_BUFFER_LIST Nbl);
/* The host's own answer to an OID for b (no fault injection): per-open
 * filter and multicast list, the adapter's address, MTU, ... */
NDIS_STATUS NkNdisOidAnswer(NK_BINDING *b, PNDIS_OID_REQUEST OidRequest);
/* A status indication to every open binding of Adapter. */
VOID NkNdisIndicateStatus(NK_ADAPTER *Adapter, const NDIS_STATUS_INDICATION *Indication);
VOID NkNdisBindAll(NK_ADAPTER *Adapter);
/* protocol.c: marks Adapter as being removed (no new binds to it), drops
 * binds queued for it and waits for one being delivered to it - before
 * the adapter's bindings are unbound. */
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
