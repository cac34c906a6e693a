/*
 * mpproto.h - a test protocol that can be registered more than once (each
 * registration an MP_PROTO with its own open), for the miniport-edge
 * tests: two protocols on one miniport, each counting its sends, receives,
 * OIDs and status indications.  A correct protocol: its pause waits for
 * its sends, its unbind waits for its OIDs and returns what it kept.
 */
#ifndef MPPROTO_H
#define MPPROTO_H

#define NDIS630 1
#include <ndis.h>

typedef struct _MP_PROTO MP_PROTO;

typedef struct _MP_OPEN {
    MP_PROTO *Proto;
    NDIS_HANDLE Binding;
    NDIS_HANDLE Pool;
    UCHAR Mac[6];
    NDIS_HANDLE ImContext;          /* NdisIMGetBindingContext in the bind */
    KSPIN_LOCK Lock;
    BOOLEAN Paused;
    LONG SendsInFlight;
    PNET_PNP_EVENT_NOTIFICATION PendingPause;
    LONG OidsInFlight;
    KEVENT OidsIdle;                /* set while OidsInFlight == 0 */
    volatile LONG Received, SendsCompleted, OidsCompleted, Statuses, DirectCompleted;
    NDIS_STATUS LastDirectStatus;
    NET_PNP_EVENT_CODE LastPnpEvent;
    NDIS_STATUS LastSendStatus, LastOidStatus, LastStatusCode;
    ULONG LastLength;
    UCHAR LastFrame[1514];
    PNET_BUFFER_LIST Kept[64];      /* receives held (Keep) */
    volatile LONG KeptCount;
} MP_OPEN;

struct _MP_PROTO {
    NDIS_HANDLE Handle;
    WCHAR Name[32];
    ULONG Filter;                   /* what the bind sets */
    BOOLEAN Keep;                   /* keep receives until MpReturnKept or unbind */
    PCWSTR Only;                    /* non-NULL: bind only to the adapter of this name */
    MP_OPEN *volatile Open;         /* the latest open (Lock) */
    KSPIN_LOCK Lock;                /* Open, and each open's OidsInFlight */
};

NDIS_STATUS MpRegister(MP_PROTO *p, PCWSTR Name, ULONG Filter);
VOID MpDeregister(MP_PROTO *p);
/* Sends one frame on p's open (FALSE if paused, unbound or out of memory). */
BOOLEAN MpSend(MP_PROTO *p, const VOID *Frame, ULONG Length);
/* An OID on p's open; a pended one is waited for (its final status). */
NDIS_STATUS MpOid(MP_PROTO *p, NDIS_REQUEST_TYPE Type, NDIS_OID Oid, PVOID Buffer, ULONG Length);
/* Issues an OID and returns at once (NDIS_STATUS_PENDING or the status);
 * *Request must live until it completes. */
NDIS_STATUS MpOidAsync(MP_PROTO *p, PNDIS_OID_REQUEST Request, NDIS_REQUEST_TYPE Type, NDIS_OID Oid, PVOID Buffer,
                       ULONG Length);
/* A direct OID on p's open, returning at once (*Request must live until
 * it completes, through ProtocolDirectOidRequestComplete if pended). */
NDIS_STATUS MpDirectOid(MP_PROTO *p, PNDIS_OID_REQUEST Request, NDIS_OID Oid, PVOID Buffer, ULONG Length);
/* Returns what p kept; how many. */
ULONG MpReturnKept(MP_PROTO *p);

#endif
