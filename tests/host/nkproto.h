/*
 * nkproto.h - a small NDIS 6 protocol written only with WDK names, shared
 * by the host kernel's NDIS tests: it binds to every Ethernet adapter,
 * sets a packet filter, counts and copies what it receives (with
 * ndiskit's MDL helpers), and frees what it sent on completion.  One
 * binding at a time (Open).
 */
#ifndef NKPROTO_H
#define NKPROTO_H

#define NDIS630 1
#include <ndis.h>

typedef struct _OPEN {
    NDIS_HANDLE Binding;
    NDIS_HANDLE Pool;
    UCHAR Mac[6];
    ULONG Mtu;
    volatile ULONG Received;
    ULONG LongestChain;             /* most NBLs in one receive indication */
    UCHAR LastFrame[1514];
    ULONG LastLength;
    PNET_BUFFER_LIST Kept;          /* a receive held on to (KeepReceives) */
    LONG SendsCompleted;
    LONG OidsCompleted;             /* through ProtocolOidRequestComplete */
    NDIS_STATUS LastOidStatus;
    NDIS_STATUS LastStatusCode;     /* the last status indication */
    NET_PNP_EVENT_CODE LastPnpEvent;
    ULONG LastPnpBufferLength;
    /* The pause gate (what every real protocol needs): sends in flight
     * under Lock; a pause waits for them, pended, and GatedSend refuses
     * to send while paused or pausing. */
    KSPIN_LOCK Lock;
    BOOLEAN Paused;
    LONG SendsInFlight;
    PNET_PNP_EVENT_NOTIFICATION PendingPause;
    /* Pended open and close (NkHostSetAdapterPendOpens) complete here. */
    KEVENT OpenDone, CloseDone;
    NDIS_STATUS OpenStatus;
    HANDLE OpenCompletedOn;         /* the thread ProtocolOpenAdapterCompleteEx ran on */
} OPEN;

extern NDIS_HANDLE Protocol;
extern OPEN *Open;
extern BOOLEAN KeepReceives;
/* Frames received on any binding (Open is only the latest one). */
extern volatile LONG TotalReceived;
/* Test knob: a broken protocol whose pause completes at once, even with
 * sends outstanding (what the explorer and the verifier must catch). */
extern BOOLEAN PauseIgnoresSends;
/* Set before Register(): the packet filter the bind sets. */
extern ULONG ProtocolFilter;

/* Registers the protocol; asserts success unless MayFail. */
NDIS_STATUS RegisterEx(BOOLEAN MayFail);
#define Register() ((void)RegisterEx(FALSE))
/* Sends one frame; FALSE (nothing sent, nothing leaked) if an allocation
 * failed.  Send ignores the pause state (tests use it to provoke the
 * verifier); GatedSend is what a correct protocol does: it also returns
 * FALSE while the binding is paused or pausing. */
BOOLEAN Send(const UCHAR *Frame, ULONG Length);
BOOLEAN GatedSend(const UCHAR *Frame, ULONG Length);
NDIS_STATUS Oid(OPEN *o, NDIS_REQUEST_TYPE Type, NDIS_OID Id, PVOID Buffer, ULONG Length);

#endif
