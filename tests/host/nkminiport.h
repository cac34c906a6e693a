/*
 * nkminiport.h - a small NDIS 6 miniport written only with WDK names, for
 * the host kernel's miniport-edge tests: an 802.3 adapter with knobs - pend
 * OIDs, hold sends until the test completes them, loop sends back as
 * receives, indicate frames on demand (with or without
 * NDIS_RECEIVE_FLAGS_RESOURCES), a pause that waits for its NBLs (or a
 * broken one that does not).  Registered as a physical miniport or as
 * an intermediate driver's miniport edge.
 */
#ifndef NKMINIPORT_H
#define NKMINIPORT_H

#define NDIS630 1
#define NDIS_MINIPORT_DRIVER 1
#define NDIS630_MINIPORT 1
#include <ndis.h>

typedef struct _NKM_ADAPTER {
    NDIS_HANDLE Handle;             /* the NdisMiniportHandle */
    PVOID DeviceContext;            /* NdisIMGetDeviceContext in MiniportInitializeEx */
    UCHAR Mac[6];
    NDIS_HANDLE Pool;               /* receive NBLs */
    KSPIN_LOCK Lock;
    ULONG Filter;
    LONG RxOutstanding;             /* indicated, not yet returned */
    LONG Returned;                  /* NBLs given back through MiniportReturnNetBufferLists */
    PNET_BUFFER_LIST Held;          /* sends held (NkmPendSends), oldest first */
    LONG SendsHeld;
    LONG SendsSeen;
    PNDIS_OID_REQUEST PendingOid;   /* NkmPendOids */
    PNDIS_OID_REQUEST PendingDirect; /* NkmPendDirect */
    LONG DirectSeen;
    LONG OidsSeen, OidsInDriver, MaxOidsInDriver;
    NDIS_OID LastOid;
    BOOLEAN PausePending;
    BOOLEAN Running;                /* between its restart and its pause (Lock) */
    LONG Indicating;                /* indications in progress (Lock): a pause waits */
    LONG Pauses, Restarts;
    UCHAR LastSent[1514];
    ULONG LastSentLength;
} NKM_ADAPTER;

extern NDIS_HANDLE NkmDriver;
extern PDRIVER_OBJECT NkmDriverObject; /* what NkmRegister passes (NULL by default) */
extern LONG NkmUnloads;             /* MiniportDriverUnload calls (it deregisters) */
extern NKM_ADAPTER *NkmLast;        /* the instance initialized last */
extern LONG NkmHalts;
extern NDIS_HALT_ACTION NkmLastHaltAction;
/* Knobs (set before the event they affect). */
extern BOOLEAN NkmPendOids, NkmPendSends, NkmLoopback, NkmBrokenPause, NkmPendRestart;
/* A miniport that indicates whatever its state (the verifier's case);
 * otherwise NkmIndicate does nothing (FALSE) while the adapter is paused. */
extern BOOLEAN NkmIndicateWhilePaused;
extern BOOLEAN NkmPendDirect;       /* MiniportDirectOidRequest pends (NkmCompleteDirect) */
extern NDIS_STATUS NkmInitStatus;   /* MiniportInitializeEx fails with this (after attributes) */
extern NDIS_STATUS NkmRestartStatus; /* MiniportRestart returns this (a failure leaves it paused) */
extern ULONG NkmSkipAttributes;     /* 1: no general attributes, 2: none at all */
extern BOOLEAN NkmReadNetworkAddress; /* take the MAC from NetworkAddress if present */
extern BOOLEAN NkmInitCallsSetAttributesTwice; /* nothing wrong: both in init */
/* An IM whose MiniportInitializeEx tears its own instance down (wrong):
 * what NdisIMDeInitializeDeviceInstance returned there. */
extern BOOLEAN NkmDeinitInInit;
/* Non-NULL: MiniportInitializeEx publishes its handle in NkmInitHandle,
 * then waits for this event before going on (a slow device start). */
extern PKEVENT NkmInitGate;
extern NDIS_HANDLE volatile NkmInitHandle;
extern NDIS_STATUS NkmDeinitStatus;

/* Every knob above back to its default and the instance record cleared:
 * each test's setup, after NkHostReset. */
VOID NkmReset(VOID);
/* Registers as service Service (RegistryPath ...\Services\<Service>), with
 * characteristics of Revision; Intermediate sets NDIS_INTERMEDIATE_DRIVER. */
NDIS_STATUS NkmRegister(PCWSTR Service, UCHAR Revision, BOOLEAN Intermediate);
VOID NkmDeregister(VOID);
/* Indicates Count copies of Frame as one chain; FALSE if allocation failed. */
BOOLEAN NkmIndicate(NKM_ADAPTER *a, const VOID *Frame, ULONG Length, ULONG Count, BOOLEAN Resources);
/* Completes the held sends with Status; returns how many. */
ULONG NkmCompleteSends(NKM_ADAPTER *a, NDIS_STATUS Status);
/* Completes the pended OID (answering it first); FALSE if none. */
BOOLEAN NkmCompleteOid(NKM_ADAPTER *a);
BOOLEAN NkmCompleteDirect(NKM_ADAPTER *a);

#endif
