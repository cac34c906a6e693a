/*
 * mux.h - the mux intermediate driver's shared types.
 *
 * mux sits between one lower Ethernet adapter and up to 64 virtual
 * miniports (VELANs) above it, each a VLAN of its own:
 *
 *   protocols (TCP/IP, ndisprot, ...)    bound to each VELAN
 *        |            |
 *     VELAN 1      VELAN 2 ...           miniport.c: the VELANs' miniport edge
 *        \            /                  send.c / recv.c: tag, strip, filter, copy
 *         MUX_ADAPTER                    protocol.c: the binding to the lower adapter
 *              |
 *        lower adapter (802.3)
 *
 * Files, each one concept, calls going down this list only:
 *   vlan.h      pure helpers (tags, filter, multicast table, MACs, parsing)
 *   velan.c     a VELAN's life: create, find, reference, configuration, destroy
 *   oid.c       the VELANs' OID requests; the lower adapter's filter and list
 *   send.c      VELAN sends: copy, tag, send below, complete above
 *   recv.c      lower receives: parse, strip, filter, indicate per VELAN
 *   miniport.c  MiniportXxx handlers (initialize, halt, pause, restart, ...)
 *   protocol.c  the lower binding: bind, unbind, status, reconfigure
 *   control.c   \Device\Mux and IOCTL_MUX_QUERY_VELANS
 *   driver.c    DriverEntry and unload
 *
 * Locks: MuxGlobals.Lock (adapter list) > MUX_ADAPTER.Lock (its VELAN list,
 * link state, lower filter requests) > MUX_VELAN.Lock (the VELAN's state,
 * filter, multicast table, counts).  A thread holding one may take the
 * ones to its right only.  Nothing calls NDIS holding a spin lock except
 * where NDIS allows it (the lower filter OIDs are issued asynchronously
 * after the lock is dropped).
 */
#ifndef MUX_H
#define MUX_H

#define NK_LOG_PREFIX "mux: "
#include <ntddk.h>
#include <wdf.h>
#include <ndiskit/binding.h>
#include <ndiskit/log.h>
#include <ndiskit/mdl.h>
#include <ndiskit/nbl.h>
#include <ndiskit/sync.h>

#include "muxevent.h"
#include "muxioctl.h"
#include "vlan.h"

#define MUX_TAG 'xuMN'
#define MUX_MAJOR_NDIS 6
#define MUX_MINOR_NDIS 30
#define MUX_VENDOR_DESCRIPTION "ndiskit mux VLAN miniport"
#define MUX_VENDOR_ID 0x00FFFFFF        /* no IEEE OUI: "not assigned", as OID_GEN_VENDOR_ID allows */
#define MUX_DRIVER_VERSION ((MUX_MAJOR_NDIS << 8) | MUX_MINOR_NDIS)
#define MUX_DEFAULT_MTU 1500
#define MUX_MAX_FRAME (MUX_ETH_HEADER + MUX_VLAN_TAG + 9000)  /* the largest copy a send or receive makes */

/* Per-VELAN counters (interlocked; read without the lock for reports). */
typedef struct _MUX_STATS {
    volatile LONG64 XmitOk;
    volatile LONG64 XmitError;
    volatile LONG64 XmitDiscards;       /* refused before reaching the lower adapter */
    volatile LONG64 XmitBytes[3];       /* directed, multicast, broadcast */
    volatile LONG64 XmitFrames[3];
    volatile LONG64 RcvOk;
    volatile LONG64 RcvNoBuffer;
    volatile LONG64 RcvBytes[3];
    volatile LONG64 RcvFrames[3];
    volatile LONG64 FilteredOut;
} MUX_STATS;

#define MUX_CAST_DIRECTED  0
#define MUX_CAST_MULTICAST 1
#define MUX_CAST_BROADCAST 2

FORCEINLINE ULONG MuxCastOf(_In_reads_(6) const UCHAR *Destination)
{
    if (MuxMacIsBroadcast(Destination))
        return MUX_CAST_BROADCAST;
    return MuxMacIsMulticast(Destination) ? MUX_CAST_MULTICAST : MUX_CAST_DIRECTED;
}

typedef struct _MUX_ADAPTER MUX_ADAPTER, *PMUX_ADAPTER;

typedef struct _MUX_VELAN {
    LIST_ENTRY Link;                    /* on Adapter->Velans (Adapter->Lock) */
    PMUX_ADAPTER Adapter;
    ULONG Index;                        /* slot 0..63 on the adapter: its derived MAC */
    WCHAR InstanceName[MUX_INSTANCE_NAME_CHARS];
    UNICODE_STRING InstanceString;      /* over InstanceName, for NdisIM* */
    NK_EVENT InitDone;                  /* MiniportInitializeEx returned, or the start failed */
    NK_EVENT Idle;                      /* Busy is 0 */
    NK_EVENT HaltDone;                  /* MiniportHaltEx ran */

    KSPIN_LOCK Lock;
    LONG State;                         /* MUX_VELAN_STATE_* */
    BOOLEAN Initialized;                /* between MiniportInitializeEx's success and MiniportHaltEx */
    BOOLEAN InitEntered;                /* MiniportInitializeEx has begun (at least once) */
    BOOLEAN Abandoned;                  /* destroyed before its start began: a late start fails */
    BOOLEAN PausePending;               /* MiniportPause returned PENDING */
    LONG Outstanding;                   /* send copies below + NBLs indicated above, not back yet */
    LONG Busy;                          /* status indications in progress (halt waits) */
    NDIS_HANDLE MiniportHandle;         /* from MiniportInitializeEx */
    ULONG VlanId;
    UCHAR Mac[MUX_ETH_ADDRESS];
    UCHAR PermanentMac[MUX_ETH_ADDRESS];
    ULONG PacketFilter;
    MUX_MULTICAST_TABLE Multicast;
    ULONG Lookahead;
    LIST_ENTRY Oids;                    /* MUX_OID_FORWARD in flight */

    NDIS_HANDLE NblPool;                /* the VELAN's sends' and receives' NBLs */
    MUX_STATS Stats;
} MUX_VELAN, *PMUX_VELAN;

/* The driver's part of a lower binding (NkBindingContext). */
struct _MUX_ADAPTER {
    PNK_BINDING Binding;
    LIST_ENTRY Link;                    /* on MuxGlobals.Adapters */
    BOOLEAN Listed;
    WCHAR Name[MUX_INSTANCE_NAME_CHARS];
    UCHAR Mac[MUX_ETH_ADDRESS];
    ULONG Mtu;
    ULONG LowerMaxMulticast;
    NK_WAIT_LOCK ConfigLock;            /* bind, reconfigure and unbind change the VELAN set one at a time */
    volatile LONG64 UnknownVlanDrops;

    KSPIN_LOCK Lock;
    LIST_ENTRY Velans;                  /* MUX_VELAN */
    ULONG VelanCount;
    BOOLEAN Unbinding;                  /* no new VELANs, no lower filter requests */
    NDIS_LINK_STATE LinkState;          /* the lower adapter's, as last indicated */

    /* The lower adapter's packet filter and multicast list, the union of
     * what the VELANs need: one request of each in flight at a time,
     * reissued when a VELAN changed its settings meanwhile. */
    NK_OID FilterOid;
    ULONG FilterValue;                  /* the request's buffer while FilterBusy */
    ULONG FilterSent;                   /* what the lower adapter has */
    BOOLEAN FilterBusy, FilterAgain;
    NK_OID ListOid;
    UCHAR ListValue[MUX_MAX_MULTICAST * MUX_ETH_ADDRESS];
    ULONG ListCount;
    MUX_MULTICAST_TABLE ListSent;
    BOOLEAN ListBusy, ListAgain;
};

typedef struct _MUX_GLOBALS {
    NK_PROTOCOL Protocol;
    BOOLEAN ProtocolRegistered;
    NDIS_HANDLE MiniportDriver;         /* NdisMRegisterMiniportDriver */
    WDFDRIVER Driver;
    WDFDEVICE ControlDevice;
    NK_RUNDOWN Users;                   /* control device requests */
    KSPIN_LOCK Lock;                    /* Adapters, Abandoned */
    LIST_ENTRY Adapters;
    /* VELANs destroyed while NDIS might still start them (the cancel came
     * too late, the start had not reached MiniportInitializeEx): kept,
     * so a late MiniportInitializeEx finds them and fails, until
     * NdisMDeregisterMiniportDriver rules that out at unload. */
    LIST_ENTRY Abandoned;
} MUX_GLOBALS;

extern MUX_GLOBALS MuxGlobals;

#endif
