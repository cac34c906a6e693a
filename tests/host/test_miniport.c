/*
 * test_miniport.c - the host kernel's miniport edge (host/ndis/miniport.c)
 * with a physical test miniport (nkminiport.c) and two instances of a test
 * protocol (mpproto.c) bound to it: registration by revision, attributes,
 * start and halt, send completions routed back to the right protocol,
 * receives returned to the driver only when every open has returned them
 * (and at once with NDIS_RECEIVE_FLAGS_RESOURCES), OIDs one at a time,
 * status indications, pause waiting for what is outstanding, each
 * verifier rule provoked on purpose, the instance's configuration key and
 * NdisReadNetworkAddress, explorer scenarios and an allocation-failure
 * sweep over instance start.
 */
#include "nkminiport.h"
#include "mpproto.h"
#include <nkhost.h>

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#define INSTANCE L"\\Device\\{NK-MINIPORT-1}"
#define CLASS_KEY(guid) NK_HOST_NET_CLASS_KEY L"\\" guid

static const UCHAR Broadcast[60] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 0x09, 0x08, 0x00};
static MP_PROTO P1, P2;

static int Setup(void **state)
{
    (void)state;
    NkHostReset();
    NkmReset();
    memset(&P1, 0, sizeof(P1));
    memset(&P2, 0, sizeof(P2));
    return 0;
}

/* The driver registered, one instance started, P1 (and P2) bound to it. */
static NK_HOST_ADAPTER *Start(BOOLEAN Two)
{
    NK_HOST_ADAPTER *a = NULL;
    assert_int_equal(NkmRegister(L"NKMP", NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2, FALSE),
                     NDIS_STATUS_SUCCESS);
    assert_int_equal(MpRegister(&P1, L"MPA", NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST),
                     NDIS_STATUS_SUCCESS);
    if (Two)
        assert_int_equal(MpRegister(&P2, L"MPB", NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST),
                         NDIS_STATUS_SUCCESS);
    assert_int_equal(NkHostStartMiniport(L"NKMP", INSTANCE, &a), STATUS_SUCCESS);
    assert_non_null(a);
    assert_non_null(NkmLast);
    assert_non_null(P1.Open);
    if (Two)
        assert_non_null(P2.Open);
    return a;
}

static VOID Stop(NK_HOST_ADAPTER *a, BOOLEAN Two)
{
    NkHostRemoveAdapter(a);
    MpDeregister(&P1);
    if (Two)
        MpDeregister(&P2);
    NkmDeregister();
}

/* ---- registration, attributes, start and halt ---------------------------------------------- */

static void test_register_by_revision(void **state)
{
    NDIS_HANDLE h;
    (void)state;
    for (UCHAR rev = 1; rev <= 2; rev++) {
        assert_int_equal(NkmRegister(L"NKMP", rev, FALSE), NDIS_STATUS_SUCCESS);
        assert_non_null(NkmDriver);
        NkmDeregister();
    }
    assert_int_equal(NkHostCheckLeaks(), 0);

    /* A header that is no miniport characteristics, and one too small for
     * its revision: findings, nothing registered. */
    NkHostExpectViolations();
    {
        NDIS_MINIPORT_DRIVER_CHARACTERISTICS c;
        UNICODE_STRING path = RTL_CONSTANT_STRING(L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\X");
        memset(&c, 0, sizeof(c));
        c.Header.Type = NDIS_OBJECT_TYPE_PROTOCOL_DRIVER_CHARACTERISTICS;
        c.Header.Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1;
        c.Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1;
        assert_int_equal(NdisMRegisterMiniportDriver(NULL, &path, NULL, &c, &h), NDIS_STATUS_BAD_VERSION);
        assert_null(h);
        c.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS;
        c.Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1 - 8;
        assert_int_equal(NdisMRegisterMiniportDriver(NULL, &path, NULL, &c, &h), NDIS_STATUS_BAD_VERSION);
        assert_int_equal(NkHostViolationCountOf("ndis.bad-object-header"), 2);
        /* Well formed but without handlers. */
        c.Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1;
        c.MajorNdisVersion = 6;
        assert_int_equal(NdisMRegisterMiniportDriver(NULL, &path, NULL, &c, &h), NDIS_STATUS_BAD_CHARACTERISTICS);
        assert_int_equal(NkHostViolationCountOf("ndis.bad-characteristics"), 1);
    }
    assert_int_equal(NkHostCheckLeaks(), 0);
}

static void test_start_and_halt(void **state)
{
    NK_HOST_ADAPTER *a, *b;
    (void)state;
    a = Start(FALSE);
    assert_ptr_equal(NkHostFindAdapter(L"\\DEVICE\\{nk-miniport-1}"), a);
    assert_null(NkHostFindAdapter(L"\\Device\\{NOPE}"));
    assert_memory_equal(P1.Open->Mac, NkmLast->Mac, 6);
    assert_int_equal(NkmLast->Restarts, 1); /* started bottom up: running before the binds */
    assert_int_equal(NkmLast->Filter, NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST);
    assert_int_equal(NkHostStartMiniport(L"NOSUCH", L"\\Device\\{X}", &b), STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(NkHostStartMiniport(L"nkmp", INSTANCE, &b), STATUS_OBJECT_NAME_COLLISION);
    /* A second instance of the same driver. */
    assert_int_equal(NkHostStartMiniport(L"NKMP", L"\\Device\\{NK-MINIPORT-2}", &b), STATUS_SUCCESS);
    assert_ptr_equal(NkHostFindAdapter(L"\\Device\\{NK-MINIPORT-2}"), b);
    NkHostRemoveAdapter(b);
    assert_int_equal(NkmHalts, 1);
    assert_int_equal(NkmLastHaltAction, NdisHaltDeviceDisabled);
    assert_null(NkHostFindAdapter(L"\\Device\\{NK-MINIPORT-2}"));
    /* Deregistration halts what is left (after the protocol unbinds). */
    NkmDeregister();
    assert_int_equal(NkmHalts, 2);
    assert_null(P1.Open);
    assert_null(NkHostFindAdapter(INSTANCE));
    MpDeregister(&P1);
    assert_int_equal(NkHostCheckLeaks(), 0);
}

/* NDIS takes the DRIVER_OBJECT's unload: unloading the driver runs its
 * MiniportDriverUnload, whose deregistration halts what still runs. */
static void test_driver_unload_through_ndis(void **state)
{
    DRIVER_OBJECT drv;
    NK_HOST_ADAPTER *a;
    (void)state;
    memset(&drv, 0, sizeof(drv));
    NkmDriverObject = &drv;
    a = Start(FALSE);
    (void)a;
    assert_non_null(drv.DriverUnload);
    drv.DriverUnload(&drv);
    assert_int_equal(NkmUnloads, 1);
    assert_int_equal(NkmHalts, 1);
    assert_null(P1.Open);
    assert_null(NkHostFindAdapter(INSTANCE));
    MpDeregister(&P1);
    assert_int_equal(NkHostCheckLeaks(), 0);
}

static void test_initialize_failures_and_attributes(void **state)
{
    NK_HOST_ADAPTER *a;
    NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES reg;
    (void)state;
    assert_int_equal(NkmRegister(L"NKMP", NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1, FALSE),
                     NDIS_STATUS_SUCCESS);
    NkmInitStatus = NDIS_STATUS_ADAPTER_NOT_FOUND;
    assert_int_equal(NkHostStartMiniport(L"NKMP", INSTANCE, &a), NDIS_STATUS_ADAPTER_NOT_FOUND);
    assert_null(a);
    assert_null(NkHostFindAdapter(INSTANCE));
    NkmInitStatus = NDIS_STATUS_SUCCESS;
    /* Initialization that sets every attribute twice is still fine. */
    NkmInitCallsSetAttributesTwice = TRUE;
    assert_int_equal(NkHostStartMiniport(L"NKMP", INSTANCE, &a), STATUS_SUCCESS);

    NkHostExpectViolations();
    /* Attributes outside MiniportInitializeEx. */
    memset(&reg, 0, sizeof(reg));
    reg.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES;
    reg.Header.Revision = NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1;
    reg.Header.Size = NDIS_SIZEOF_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1;
    assert_int_equal(NdisMSetMiniportAttributes(NkmLast->Handle, (PNDIS_MINIPORT_ADAPTER_ATTRIBUTES)&reg),
                     NDIS_STATUS_FAILURE);
    assert_int_equal(NkHostViolationCountOf("ndis.miniport.attributes-outside-initialize"), 1);
    NkHostRemoveAdapter(a);
    /* An initialization that never says what the adapter is. */
    NkmSkipAttributes = 1;
    assert_int_equal(NkHostStartMiniport(L"NKMP", INSTANCE, &a), NDIS_STATUS_FAILURE);
    assert_int_equal(NkHostViolationCountOf("ndis.miniport.no-attributes"), 1);
    assert_int_equal(NkmHalts, 2); /* the one removed, and the one NDIS halted for it */
    NkmDeregister();
    assert_int_equal(NkHostCheckLeaks(), 0);
}

/* ---- the data path ------------------------------------------------------------------------------- */

static void test_send_completions_routed_by_protocol(void **state)
{
    NK_HOST_ADAPTER *a;
    UCHAR frame[60];
    (void)state;
    a = Start(TRUE);
    memset(frame, 0xA1, sizeof(frame));
    memcpy(frame, NkmLast->Mac, 6);
    /* Completed inline by the miniport. */
    assert_true(MpSend(&P1, frame, sizeof(frame)));
    assert_int_equal(P1.Open->SendsCompleted, 1);
    assert_int_equal(NkmLast->LastSentLength, 60);
    assert_int_equal(NkmLast->LastSent[6], 0xA1);
    /* Held, then completed in one call carrying both protocols' NBLs. */
    NkmPendSends = TRUE;
    assert_true(MpSend(&P1, frame, sizeof(frame)));
    frame[6] = 0xB2;
    assert_true(MpSend(&P2, frame, sizeof(frame)));
    assert_true(MpSend(&P1, frame, sizeof(frame)));
    assert_int_equal(NkmLast->SendsHeld, 3);
    assert_int_equal(P1.Open->SendsCompleted, 1);
    assert_int_equal(NkmCompleteSends(NkmLast, NDIS_STATUS_SUCCESS), 3);
    assert_int_equal(P1.Open->SendsCompleted, 3);
    assert_int_equal(P2.Open->SendsCompleted, 1);
    assert_int_equal(P1.Open->LastSendStatus, NDIS_STATUS_SUCCESS);
    /* A failed send's status reaches its protocol. */
    assert_true(MpSend(&P2, frame, sizeof(frame)));
    assert_int_equal(NkmCompleteSends(NkmLast, NDIS_STATUS_MEDIA_DISCONNECTED), 1);
    assert_int_equal(P2.Open->LastSendStatus, NDIS_STATUS_MEDIA_DISCONNECTED);
    Stop(a, TRUE);
    assert_int_equal(NkHostCheckLeaks(), 0);
}

static void test_receives_returned_when_every_open_has(void **state)
{
    NK_HOST_ADAPTER *a;
    UCHAR directed[60];
    (void)state;
    a = Start(TRUE);
    P1.Keep = P2.Keep = TRUE;
    assert_true(NkmIndicate(NkmLast, Broadcast, sizeof(Broadcast), 1, FALSE));
    assert_int_equal(P1.Open->Received, 1);
    assert_int_equal(P2.Open->Received, 1);
    assert_int_equal(NkmLast->Returned, 0);
    assert_int_equal(MpReturnKept(&P1), 1);
    assert_int_equal(NkmLast->Returned, 0); /* P2 still has it */
    assert_int_equal(MpReturnKept(&P2), 1);
    assert_int_equal(NkmLast->Returned, 1);
    assert_int_equal(NkmLast->RxOutstanding, 0);
    /* A chain of three, to the MAC: each open gets all three. */
    memcpy(directed, Broadcast, sizeof(directed));
    memcpy(directed, NkmLast->Mac, 6);
    assert_true(NkmIndicate(NkmLast, directed, sizeof(directed), 3, FALSE));
    assert_int_equal(P1.Open->Received, 4);
    assert_int_equal(P2.Open->Received, 4);
    assert_int_equal(MpReturnKept(&P2), 3);
    assert_int_equal(MpReturnKept(&P1), 3);
    assert_int_equal(NkmLast->Returned, 4);
    /* Per-open filters: P2 takes only directed frames now; what nobody
     * takes goes straight back. */
    {
        ULONG filter = NDIS_PACKET_TYPE_DIRECTED;
        assert_int_equal(MpOid(&P2, NdisRequestSetInformation, OID_GEN_CURRENT_PACKET_FILTER, &filter,
                               sizeof(filter)),
                         NDIS_STATUS_SUCCESS);
        assert_int_equal(NkHostAdapterPacketFilter(a), NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST);
        /* The driver is programmed with the union, as NDIS does. */
        assert_int_equal(NkmLast->Filter, NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST);
    }
    assert_true(NkmIndicate(NkmLast, Broadcast, sizeof(Broadcast), 1, FALSE));
    assert_int_equal(P1.Open->Received, 5);
    assert_int_equal(P2.Open->Received, 4);
    assert_int_equal(MpReturnKept(&P1), 1);
    assert_int_equal(NkmLast->Returned, 5);
    directed[0] ^= 0x02; /* someone else's unicast: nobody's */
    assert_true(NkmIndicate(NkmLast, directed, sizeof(directed), 1, FALSE));
    assert_int_equal(NkmLast->Returned, 6);
    assert_int_equal(P1.Open->Received, 5);
    Stop(a, TRUE);
    assert_int_equal(NkHostCheckLeaks(), 0);
}

static void test_receive_with_resources(void **state)
{
    NK_HOST_ADAPTER *a;
    (void)state;
    a = Start(TRUE);
    P1.Keep = P2.Keep = TRUE; /* RESOURCES: they may not keep, and do not */
    assert_true(NkmIndicate(NkmLast, Broadcast, sizeof(Broadcast), 2, TRUE));
    assert_int_equal(P1.Open->Received, 2);
    assert_int_equal(P2.Open->Received, 2);
    assert_int_equal(P1.Open->KeptCount, 0);
    assert_int_equal(NkmLast->Returned, 0); /* never through MiniportReturnNetBufferLists */
    /* Loopback: the miniport indicates what it is sent, with RESOURCES. */
    NkmLoopback = TRUE;
    assert_true(MpSend(&P1, Broadcast, sizeof(Broadcast)));
    assert_int_equal(P2.Open->Received, 3);
    assert_int_equal(P1.Open->Received, 3);
    Stop(a, TRUE);
    assert_int_equal(NkHostCheckLeaks(), 0);
}

static void test_oids_one_at_a_time(void **state)
{
    NK_HOST_ADAPTER *a;
    NDIS_OID_REQUEST r1, r2, r3;
    UCHAR mac1[6], mac2[6];
    ULONG filter = NDIS_PACKET_TYPE_PROMISCUOUS;
    (void)state;
    a = Start(TRUE);
    NkmPendOids = TRUE;
    assert_int_equal(MpOidAsync(&P1, &r1, NdisRequestQueryInformation, OID_802_3_CURRENT_ADDRESS, mac1, 6),
                     NDIS_STATUS_PENDING);
    assert_int_equal(MpOidAsync(&P2, &r2, NdisRequestQueryInformation, OID_802_3_CURRENT_ADDRESS, mac2, 6),
                     NDIS_STATUS_PENDING);
    assert_int_equal(MpOidAsync(&P2, &r3, NdisRequestSetInformation, OID_GEN_CURRENT_PACKET_FILTER, &filter,
                                sizeof(filter)),
                     NDIS_STATUS_PENDING);
    LONG seen = NkmLast->OidsSeen;
    assert_ptr_equal(NkmLast->PendingOid, &r1); /* the others wait behind it */
    assert_true(NkmCompleteOid(NkmLast));
    assert_int_equal(P1.Open->OidsCompleted, 1);
    assert_int_equal(P1.Open->LastOidStatus, NDIS_STATUS_SUCCESS);
    assert_memory_equal(mac1, NkmLast->Mac, 6);
    assert_int_equal(NkmLast->OidsSeen, seen + 1);
    assert_ptr_equal(NkmLast->PendingOid, &r2);
    assert_int_equal(P2.Open->OidsCompleted, 0);
    assert_true(NkmCompleteOid(NkmLast));
    assert_true(NkmCompleteOid(NkmLast));
    assert_int_equal(P2.Open->OidsCompleted, 2);
    assert_int_equal(NkmLast->MaxOidsInDriver, 1);
    /* The driver got the union of both opens' filters; the protocol's own
     * request and buffer are as it made them. */
    assert_int_equal(NkmLast->Filter, NDIS_PACKET_TYPE_PROMISCUOUS | NDIS_PACKET_TYPE_DIRECTED |
                                          NDIS_PACKET_TYPE_BROADCAST);
    assert_ptr_equal(r3.DATA.SET_INFORMATION.InformationBuffer, &filter);
    assert_int_equal(r3.DATA.SET_INFORMATION.InformationBufferLength, sizeof(filter));
    assert_int_equal(filter, NDIS_PACKET_TYPE_PROMISCUOUS);
    /* The host tracks each open's filter from what succeeded. */
    assert_int_equal(NkHostAdapterPacketFilter(a), NDIS_PACKET_TYPE_PROMISCUOUS | NDIS_PACKET_TYPE_DIRECTED |
                                                       NDIS_PACKET_TYPE_BROADCAST);
    /* A queued request cancelled never reaches the driver. */
    assert_int_equal(MpOidAsync(&P1, &r1, NdisRequestQueryInformation, OID_802_3_CURRENT_ADDRESS, mac1, 6),
                     NDIS_STATUS_PENDING);
    assert_int_equal(MpOidAsync(&P2, &r2, NdisRequestQueryInformation, OID_802_3_CURRENT_ADDRESS, mac2, 6),
                     NDIS_STATUS_PENDING);
    NdisCancelOidRequest(P2.Open->Binding, r2.RequestId);
    assert_int_equal(P2.Open->LastOidStatus, NDIS_STATUS_REQUEST_ABORTED);
    /* The active one is cancelled through MiniportCancelOidRequest. */
    NdisCancelOidRequest(P1.Open->Binding, r1.RequestId);
    assert_int_equal(P1.Open->LastOidStatus, NDIS_STATUS_REQUEST_ABORTED);
    NkmPendOids = FALSE;
    assert_int_equal(MpOid(&P1, NdisRequestQueryInformation, OID_802_3_CURRENT_ADDRESS, mac1, 6),
                     NDIS_STATUS_SUCCESS);
    Stop(a, TRUE);
    assert_int_equal(NkHostCheckLeaks(), 0);
}

/* Direct OIDs skip the queue: one reaches the driver while a normal one
 * is pending there; a pended one completes through
 * ProtocolDirectOidRequestComplete, a cancelled one aborted; completing
 * one twice is a finding. */
static void test_direct_oids(void **state)
{
    NK_HOST_ADAPTER *a;
    NDIS_OID_REQUEST r, d, d2;
    UCHAR mac[6], dmac[6];
    (void)state;
    a = Start(TRUE);
    NkmPendOids = TRUE;
    assert_int_equal(MpOidAsync(&P1, &r, NdisRequestQueryInformation, OID_802_3_CURRENT_ADDRESS, mac, 6),
                     NDIS_STATUS_PENDING);
    assert_int_equal(MpDirectOid(&P2, &d, OID_802_3_CURRENT_ADDRESS, dmac, 6), NDIS_STATUS_SUCCESS);
    assert_memory_equal(dmac, NkmLast->Mac, 6);
    NkmPendDirect = TRUE;
    assert_int_equal(MpDirectOid(&P2, &d, OID_802_3_CURRENT_ADDRESS, dmac, 6), NDIS_STATUS_PENDING);
    assert_true(NkmCompleteDirect(NkmLast));
    assert_int_equal(P2.Open->DirectCompleted, 1);
    assert_int_equal(P2.Open->LastDirectStatus, NDIS_STATUS_SUCCESS);
    assert_int_equal(P2.Open->OidsCompleted, 0); /* not through the other path */
    assert_int_equal(MpDirectOid(&P1, &d2, OID_802_3_CURRENT_ADDRESS, dmac, 6), NDIS_STATUS_PENDING);
    NdisCancelDirectOidRequest(P1.Open->Binding, d2.RequestId);
    assert_int_equal(P1.Open->LastDirectStatus, NDIS_STATUS_REQUEST_ABORTED);
    assert_true(NkmCompleteOid(NkmLast));
    assert_int_equal(P1.Open->OidsCompleted, 1);
    NkHostExpectViolations();
    NdisMDirectOidRequestComplete(NkmLast->Handle, &d, NDIS_STATUS_SUCCESS);
    assert_int_equal(NkHostViolationCountOf("ndis.miniport.oid-completed-twice"), 1);
    NkmPendDirect = NkmPendOids = FALSE;
    Stop(a, TRUE);
    assert_int_equal(NkHostCheckLeaks(), 0);
}

static void test_status_indication(void **state)
{
    NK_HOST_ADAPTER *a;
    NDIS_STATUS_INDICATION si;
    NDIS_LINK_STATE link;
    (void)state;
    a = Start(TRUE);
    memset(&link, 0, sizeof(link));
    memset(&si, 0, sizeof(si));
    si.Header.Type = NDIS_OBJECT_TYPE_STATUS_INDICATION;
    si.Header.Revision = NDIS_STATUS_INDICATION_REVISION_1;
    si.Header.Size = NDIS_SIZEOF_STATUS_INDICATION_REVISION_1;
    si.SourceHandle = NkmLast->Handle;
    si.StatusCode = NDIS_STATUS_LINK_STATE;
    si.StatusBuffer = &link;
    si.StatusBufferSize = sizeof(link);
    NdisMIndicateStatusEx(NkmLast->Handle, &si);
    assert_int_equal(P1.Open->Statuses, 1);
    assert_int_equal(P2.Open->Statuses, 1);
    assert_int_equal(P2.Open->LastStatusCode, NDIS_STATUS_LINK_STATE);
    Stop(a, TRUE);
    assert_int_equal(NkHostCheckLeaks(), 0);
}

/* NdisMNetPnPEvent: an event the miniport raises reaches every protocol
 * above; the stack's own events are refused. */
static void test_miniport_pnp_event(void **state)
{
    NK_HOST_ADAPTER *a;
    NET_PNP_EVENT_NOTIFICATION n;
    (void)state;
    a = Start(TRUE);
    memset(&n, 0, sizeof(n));
    n.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    n.Header.Revision = NET_PNP_EVENT_NOTIFICATION_REVISION_1;
    n.Header.Size = NDIS_SIZEOF_NET_PNP_EVENT_NOTIFICATION_REVISION_1;
    n.NetPnPEvent.NetEvent = NetEventPortActivation;
    assert_int_equal(NdisMNetPnPEvent(NkmLast->Handle, &n), NDIS_STATUS_SUCCESS);
    assert_int_equal(P1.Open->LastPnpEvent, NetEventPortActivation);
    assert_int_equal(P2.Open->LastPnpEvent, NetEventPortActivation);
    n.NetPnPEvent.NetEvent = NetEventPause;
    assert_int_equal(NdisMNetPnPEvent(NkmLast->Handle, &n), NDIS_STATUS_INVALID_PARAMETER);
    assert_false(P1.Open->Paused);
    Stop(a, TRUE);
    assert_int_equal(NkHostCheckLeaks(), 0);
}

/* ---- pause and restart -------------------------------------------------------------------------------- */

static NK_HOST_ADAPTER *PausedAdapter;
static volatile BOOLEAN PauseDoneFlag;

static void *PauseThread(void *Arg)
{
    (void)Arg;
    assert_int_equal(NkHostPauseAdapter(PausedAdapter), STATUS_SUCCESS);
    __atomic_store_n(&PauseDoneFlag, TRUE, __ATOMIC_RELEASE);
    return NULL;
}

/* The miniport's pause has pended (read under its lock). */
static BOOLEAN MiniportPausePending(VOID)
{
    KIRQL irql;
    BOOLEAN pending;
    KeAcquireSpinLock(&NkmLast->Lock, &irql);
    pending = NkmLast->PausePending;
    KeReleaseSpinLock(&NkmLast->Lock, irql);
    return pending;
}

/* P1's pause has pended, waiting for its sends (under its lock). */
static BOOLEAN ProtocolPausePending(VOID)
{
    KIRQL irql;
    BOOLEAN pending;
    KeAcquireSpinLock(&P1.Open->Lock, &irql);
    pending = P1.Open->PendingPause != NULL;
    KeReleaseSpinLock(&P1.Open->Lock, irql);
    return pending;
}

/* Waits (polling) for a condition another thread brings about. */
static VOID WaitUntil(BOOLEAN (*Condition)(VOID))
{
    while (!Condition())
        sched_yield();
}

static void test_pause_waits_for_returns_and_sends(void **state)
{
    NK_HOST_ADAPTER *a;
    pthread_t t;
    (void)state;
    a = Start(FALSE);
    PausedAdapter = a;
    /* A receive kept: the miniport's pause waits for it. */
    P1.Keep = TRUE;
    assert_true(NkmIndicate(NkmLast, Broadcast, sizeof(Broadcast), 1, FALSE));
    PauseDoneFlag = FALSE;
    assert_int_equal(pthread_create(&t, NULL, PauseThread, NULL), 0);
    WaitUntil(MiniportPausePending);
    assert_false(__atomic_load_n(&PauseDoneFlag, __ATOMIC_ACQUIRE));
    assert_int_equal(MpReturnKept(&P1), 1); /* completes the pause */
    pthread_join(t, NULL);
    assert_true(PauseDoneFlag);
    assert_true(P1.Open->Paused);
    assert_false(MpSend(&P1, Broadcast, sizeof(Broadcast))); /* a correct protocol does not send */
    assert_int_equal(NkHostRestartAdapter(a), STATUS_SUCCESS);
    assert_int_equal(NkmLast->Restarts, 2);
    assert_false(P1.Open->Paused);
    /* A send held: the protocol's pause waits for it, the stack with it. */
    NkmPendSends = TRUE;
    assert_true(MpSend(&P1, Broadcast, sizeof(Broadcast)));
    PauseDoneFlag = FALSE;
    assert_int_equal(pthread_create(&t, NULL, PauseThread, NULL), 0);
    WaitUntil(ProtocolPausePending);
    assert_int_equal(NkmLast->Pauses, 1); /* the miniport's pause has not begun */
    assert_int_equal(NkmCompleteSends(NkmLast, NDIS_STATUS_SUCCESS), 1);
    pthread_join(t, NULL);
    assert_int_equal(NkmLast->Pauses, 2);
    /* A restart the driver completes through NdisMRestartComplete. */
    NkmPendRestart = TRUE;
    assert_int_equal(NkHostRestartAdapter(a), STATUS_SUCCESS);
    NkmPendSends = FALSE;
    assert_true(MpSend(&P1, Broadcast, sizeof(Broadcast)));
    assert_int_equal(P1.Open->SendsCompleted, 2);
    Stop(a, FALSE);
    assert_int_equal(NkHostCheckLeaks(), 0);
}

/* A miniport whose restart failed stays paused, yet the protocols that
 * bind restart their bindings: their sends are completed by the host with
 * NDIS_STATUS_PAUSED, never handed to the driver. */
static void test_sends_to_a_paused_miniport(void **state)
{
    NK_HOST_ADAPTER *a;
    (void)state;
    NkmRestartStatus = NDIS_STATUS_RESOURCES;
    a = Start(FALSE);
    assert_false(P1.Open->Paused);
    assert_true(MpSend(&P1, Broadcast, sizeof(Broadcast)));
    assert_int_equal(P1.Open->SendsCompleted, 1);
    assert_int_equal(P1.Open->LastSendStatus, NDIS_STATUS_PAUSED);
    assert_int_equal(NkmLast->SendsSeen, 0);
    /* Nor may it indicate: it is not running (a correct one does not try). */
    assert_false(NkmIndicate(NkmLast, Broadcast, sizeof(Broadcast), 1, FALSE));
    /* Restarted for real: the data path opens. */
    NkmRestartStatus = NDIS_STATUS_SUCCESS;
    assert_int_equal(NkHostPauseAdapter(a), STATUS_SUCCESS);
    assert_int_equal(NkHostRestartAdapter(a), STATUS_SUCCESS);
    assert_true(MpSend(&P1, Broadcast, sizeof(Broadcast)));
    assert_int_equal(NkmLast->SendsSeen, 1);
    assert_int_equal(P1.Open->LastSendStatus, NDIS_STATUS_SUCCESS);
    Stop(a, FALSE);
    assert_int_equal(NkHostCheckLeaks(), 0);
}

/* A driver left registered at unload is a leak, like a protocol. */
static void test_driver_leak_reported(void **state)
{
    (void)state;
    assert_int_equal(NkmRegister(L"NKMP", NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1, FALSE),
                     NDIS_STATUS_SUCCESS);
    NkHostExpectViolations();
    assert_int_equal(NkHostCheckLeaks(), 1);
    assert_int_equal(NkHostViolationCountOf("ndis.miniport-driver-leak"), 1);
}

/* ---- verifier rules ------------------------------------------------------------------------------- */

static void test_verifier_rules(void **state)
{
    NK_HOST_ADAPTER *a;
    PNET_BUFFER_LIST held, kept;
    PNDIS_OID_REQUEST r;
    NDIS_OID_REQUEST req;
    UCHAR mac[6];
    (void)state;
    a = Start(FALSE);
    NkHostExpectViolations();

    /* A send completed twice: the second is caught by the table, the
     * (freed) NBL not touched. */
    NkmPendSends = TRUE;
    assert_true(MpSend(&P1, Broadcast, sizeof(Broadcast)));
    held = NkmLast->Held;
    assert_int_equal(NkmCompleteSends(NkmLast, NDIS_STATUS_SUCCESS), 1);
    NdisMSendNetBufferListsComplete(NkmLast->Handle, held, 0);
    assert_int_equal(NkHostViolationCountOf("ndis.miniport.send-completed-twice"), 1);
    NkmPendSends = FALSE;

    /* An OID completed twice. */
    NkmPendOids = TRUE;
    assert_int_equal(MpOidAsync(&P1, &req, NdisRequestQueryInformation, OID_802_3_CURRENT_ADDRESS, mac, 6),
                     NDIS_STATUS_PENDING);
    r = NkmLast->PendingOid;
    assert_true(NkmCompleteOid(NkmLast));
    NdisMOidRequestComplete(NkmLast->Handle, r, NDIS_STATUS_SUCCESS);
    assert_int_equal(NkHostViolationCountOf("ndis.miniport.oid-completed-twice"), 1);
    assert_int_equal(P1.Open->OidsCompleted, 1);
    NkmPendOids = FALSE;

    /* An NBL indicated again while the protocol still has it, and one a
     * protocol returns twice. */
    P1.Keep = TRUE;
    assert_true(NkmIndicate(NkmLast, Broadcast, sizeof(Broadcast), 1, FALSE));
    kept = P1.Open->Kept[0];
    {
        KIRQL irql;
        KeRaiseIrql(DISPATCH_LEVEL, &irql);
        NdisMIndicateReceiveNetBufferLists(NkmLast->Handle, kept, 0, 1, NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL);
        KeLowerIrql(irql);
    }
    assert_int_equal(NkHostViolationCountOf("ndis.miniport.nbl-indicated-twice"), 1);
    assert_int_equal(MpReturnKept(&P1), 1);
    NdisReturnNetBufferLists(P1.Open->Binding, kept, 0);
    assert_int_equal(NkHostViolationCountOf("ndis.miniport.nbl-returned-twice"), 1);
    assert_int_equal(NkmLast->Returned, 1);

    /* A pause completed while a receive is still out; then an indication
     * while paused (given straight back). */
    assert_true(NkmIndicate(NkmLast, Broadcast, sizeof(Broadcast), 1, FALSE));
    NkmBrokenPause = TRUE;
    assert_int_equal(NkHostPauseAdapter(a), STATUS_SUCCESS);
    assert_int_equal(NkHostViolationCountOf("ndis.miniport.pause-complete-early"), 1);
    assert_int_equal(MpReturnKept(&P1), 1);
    assert_false(NkmIndicate(NkmLast, Broadcast, sizeof(Broadcast), 1, FALSE)); /* a correct miniport does not */
    NkmIndicateWhilePaused = TRUE;
    assert_true(NkmIndicate(NkmLast, Broadcast, sizeof(Broadcast), 1, FALSE));
    NkmIndicateWhilePaused = FALSE;
    assert_int_equal(NkHostViolationCountOf("ndis.miniport.indicate-while-paused"), 1);
    assert_int_equal(NkmLast->RxOutstanding, 0);
    /* Completions nobody asked for. */
    NdisMPauseComplete(NkmLast->Handle);
    NdisMRestartComplete(NkmLast->Handle, NDIS_STATUS_SUCCESS);
    assert_int_equal(NkHostViolationCountOf("ndis.miniport.pause-complete-unexpected"), 1);
    assert_int_equal(NkHostViolationCountOf("ndis.miniport.restart-complete-unexpected"), 1);
    assert_int_equal(NkHostRestartAdapter(a), STATUS_SUCCESS);
    NkmBrokenPause = FALSE;
    P1.Keep = FALSE;
    Stop(a, FALSE);
    assert_int_equal(NkHostCheckLeaks(), 0);
}

/* A send the driver never completes: its pause (broken, completing at
 * once) and the halt are reported, and so is the leak. */
static void test_send_never_completed(void **state)
{
    NK_HOST_ADAPTER *a;
    (void)state;
    a = Start(FALSE);
    NkHostExpectViolations();
    NkmPendSends = TRUE;
    NkmBrokenPause = TRUE;
    /* Sent behind the protocol's own accounting, as a protocol with no
     * pause gate does: the binding's pause does not wait for it. */
    P1.Open->SendsInFlight--;
    assert_true(MpSend(&P1, Broadcast, sizeof(Broadcast)));
    {
        /* The driver loses it; the test frees it, as its protocol would
         * have on completion (the host only ever compares the pointer). */
        PNET_BUFFER_LIST lost = NkmLast->Held;
        PMDL mdl = NET_BUFFER_FIRST_MDL(NET_BUFFER_LIST_FIRST_NB(lost));
        PVOID va = MmGetMdlVirtualAddress(mdl);
        NkmLast->SendsHeld = 0;
        NkmLast->Held = NULL;
        NdisFreeNetBufferList(lost);
        NdisFreeMdl(mdl);
        ExFreePoolWithTag(va, (ULONG)'T' | ((ULONG)'m' << 8) | ((ULONG)'p' << 16) | ((ULONG)'r' << 24));
    }
    NkHostRemoveAdapter(a);
    assert_int_equal(NkHostViolationCountOf("ndis.miniport.pause-complete-early"), 1);
    assert_int_equal(NkHostViolationCountOf("ndis.miniport.send-never-completed"), 1);
    MpDeregister(&P1);
    NkmDeregister();
    assert_int_equal(NkHostCheckLeaks(), 0);
}

/* A protocol that closes with a receive kept and an OID still queued at
 * the miniport (findings at its close): the host forgets its binding - the
 * driver gets its NBL back, the queued OID never reaches the driver, the
 * other protocol's OID still completes, and the pause and halt that
 * follow do not hang on what the gone binding held. */
static void test_binding_gone_with_work_at_the_miniport(void **state)
{
    NK_HOST_ADAPTER *a;
    NDIS_OID_REQUEST r1, r2;
    UCHAR mac1[6], mac2[6];
    (void)state;
    a = Start(TRUE);
    NkHostExpectViolations();
    P1.Keep = TRUE;
    assert_true(NkmIndicate(NkmLast, Broadcast, sizeof(Broadcast), 1, FALSE));
    assert_int_equal(P1.Open->KeptCount, 1);
    NkmPendOids = TRUE;
    assert_int_equal(MpOidAsync(&P2, &r2, NdisRequestQueryInformation, OID_802_3_CURRENT_ADDRESS, mac2, 6),
                     NDIS_STATUS_PENDING);
    assert_int_equal(MpOidAsync(&P1, &r1, NdisRequestQueryInformation, OID_802_3_CURRENT_ADDRESS, mac1, 6),
                     NDIS_STATUS_PENDING);
    /* P1 loses track of both (the bugs), then is unbound. */
    P1.Open->KeptCount = 0;
    P1.Open->OidsInFlight = 0;
    KeSetEvent(&P1.Open->OidsIdle, IO_NO_INCREMENT, FALSE);
    MpDeregister(&P1);
    assert_int_equal(NkHostViolationCountOf("ndis.close-with-oids"), 1);
    assert_int_equal(NkHostViolationCountOf("ndis.close-with-io"), 1);
    /* P2 had returned it at once: with P1's copy forgotten, it is back. */
    assert_int_equal(NkmLast->RxOutstanding, 0);
    assert_int_equal(NkmLast->Returned, 1);
    assert_true(NkmCompleteOid(NkmLast));
    assert_int_equal(P2.Open->OidsCompleted, 1);
    assert_null(NkmLast->PendingOid); /* P1's was forgotten, never issued */
    NkmPendOids = FALSE;
    NkHostRemoveAdapter(a);
    MpDeregister(&P2);
    NkmDeregister();
    assert_int_equal(NkHostCheckLeaks(), 0);
}

/* ---- configuration --------------------------------------------------------------------------------------- */

static NDIS_STATUS ReadAddress(NDIS_HANDLE Miniport, PCWSTR Value, ULONG Type, UCHAR *Out)
{
    NDIS_CONFIGURATION_OBJECT o;
    NDIS_HANDLE h;
    NDIS_STATUS status;
    PVOID addr;
    UINT len;
    ULONG size = 0;
    while (Value != NULL && Value[size / sizeof(WCHAR)] != 0)
        size += sizeof(WCHAR);
    if (Value != NULL)
        assert_int_equal(NkHostRegistrySetValue(CLASS_KEY(L"{NK-MINIPORT-1}"), L"NetworkAddress", Type, Value,
                                                size + sizeof(WCHAR)),
                         STATUS_SUCCESS);
    memset(&o, 0, sizeof(o));
    o.Header.Type = NDIS_OBJECT_TYPE_CONFIGURATION_OBJECT;
    o.Header.Revision = NDIS_CONFIGURATION_OBJECT_REVISION_1;
    o.Header.Size = NDIS_SIZEOF_CONFIGURATION_OBJECT_REVISION_1;
    o.NdisHandle = Miniport;
    assert_int_equal(NdisOpenConfigurationEx(&o, &h), NDIS_STATUS_SUCCESS);
    NdisReadNetworkAddress(&status, &addr, &len, h);
    if (status == NDIS_STATUS_SUCCESS) {
        assert_int_equal(len, 6);
        memcpy(Out, addr, 6);
    } else {
        assert_null(addr);
        assert_int_equal(len, 0);
    }
    NdisCloseConfiguration(h);
    return status;
}

static void test_configuration_and_network_address(void **state)
{
    static const WCHAR set[] = L"02-11-22-33-44-5A";
    static const UCHAR want[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x5a};
    NK_HOST_ADAPTER *a;
    UCHAR mac[6];
    ULONG vlan = 0;
    NDIS_HANDLE h;
    (void)state;
    assert_int_equal(NkHostRegistrySetValue(CLASS_KEY(L"{NK-MINIPORT-1}"), L"NetworkAddress", REG_SZ, set,
                                            sizeof(set)),
                     STATUS_SUCCESS);
    NkmReadNetworkAddress = TRUE;
    a = Start(FALSE);
    assert_memory_equal(NkmLast->Mac, want, 6);
    assert_memory_equal(P1.Open->Mac, want, 6); /* what the adapter reports */
    /* The instance's key: what the driver writes lands there. */
    {
        NDIS_CONFIGURATION_OBJECT o;
        NDIS_CONFIGURATION_PARAMETER p;
        NDIS_STRING kw = RTL_CONSTANT_STRING(L"VlanID");
        NDIS_STATUS s;
        memset(&o, 0, sizeof(o));
        o.Header.Type = NDIS_OBJECT_TYPE_CONFIGURATION_OBJECT;
        o.Header.Revision = NDIS_CONFIGURATION_OBJECT_REVISION_1;
        o.Header.Size = NDIS_SIZEOF_CONFIGURATION_OBJECT_REVISION_1;
        o.NdisHandle = NkmLast->Handle;
        assert_int_equal(NdisOpenConfigurationEx(&o, &h), NDIS_STATUS_SUCCESS);
        memset(&p, 0, sizeof(p));
        p.ParameterType = NdisParameterInteger;
        p.ParameterData.IntegerData = 42;
        NdisWriteConfiguration(&s, h, &kw, &p);
        assert_int_equal(s, NDIS_STATUS_SUCCESS);
        NdisCloseConfiguration(h);
        assert_int_equal(NkHostRegistryQueryValue(CLASS_KEY(L"{NK-MINIPORT-1}"), L"VlanID", NULL, &vlan,
                                                  sizeof(vlan), NULL),
                         STATUS_SUCCESS);
        assert_int_equal(vlan, 42);
    }
    /* The forms NetworkAddress takes, and what is malformed. */
    assert_int_equal(ReadAddress(NkmLast->Handle, L"0211223344 5a", REG_SZ, mac), NDIS_STATUS_FAILURE);
    assert_int_equal(ReadAddress(NkmLast->Handle, L"02112233445A", REG_SZ, mac), NDIS_STATUS_SUCCESS);
    assert_memory_equal(mac, want, 6);
    assert_int_equal(ReadAddress(NkmLast->Handle, L"02:11:22:33:44:5a", REG_SZ, mac), NDIS_STATUS_SUCCESS);
    assert_memory_equal(mac, want, 6);
    assert_int_equal(ReadAddress(NkmLast->Handle, L"02-11:22-33-44-5a", REG_SZ, mac), NDIS_STATUS_FAILURE);
    assert_int_equal(ReadAddress(NkmLast->Handle, L"0211223344", REG_SZ, mac), NDIS_STATUS_FAILURE);
    assert_int_equal(ReadAddress(NkmLast->Handle, L"02112233445566", REG_SZ, mac), NDIS_STATUS_FAILURE);
    assert_int_equal(ReadAddress(NkmLast->Handle, L"0g1122334455", REG_SZ, mac), NDIS_STATUS_FAILURE);
    assert_int_equal(ReadAddress(NkmLast->Handle, L"021-122334455", REG_SZ, mac), NDIS_STATUS_FAILURE);
    assert_int_equal(ReadAddress(NkmLast->Handle, L"-02112233445", REG_SZ, mac), NDIS_STATUS_FAILURE);
    Stop(a, FALSE);
    /* Absent. */
    assert_int_equal(NkmRegister(L"NKMP", NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1, FALSE),
                     NDIS_STATUS_SUCCESS);
    assert_int_equal(NkHostStartMiniport(L"NKMP", L"\\Device\\{NK-MINIPORT-NOADDR}", &a), STATUS_SUCCESS);
    {
        NDIS_CONFIGURATION_OBJECT o;
        NDIS_STATUS s;
        PVOID addr;
        UINT len;
        memset(&o, 0, sizeof(o));
        o.Header.Type = NDIS_OBJECT_TYPE_CONFIGURATION_OBJECT;
        o.Header.Revision = NDIS_CONFIGURATION_OBJECT_REVISION_1;
        o.Header.Size = NDIS_SIZEOF_CONFIGURATION_OBJECT_REVISION_1;
        o.NdisHandle = NkmLast->Handle;
        assert_int_equal(NdisOpenConfigurationEx(&o, &h), NDIS_STATUS_SUCCESS);
        NdisReadNetworkAddress(&s, &addr, &len, h);
        assert_int_equal(s, NDIS_STATUS_FAILURE);
        NdisCloseConfiguration(h);
    }
    NkHostRemoveAdapter(a);
    NkmDeregister();
    assert_int_equal(NkHostCheckLeaks(), 0);
}

/* ---- the explorer ------------------------------------------------------------------------------------------------ */

static NK_HOST_ADAPTER *ExAdapter;
static LONG ExSent;
static volatile LONG ExSending;

static VOID NTAPI SendSome(PVOID Context)
{
    (void)Context;
    for (int i = 0; i < 3; i++)
        if (MpSend(&P1, Broadcast, sizeof(Broadcast)))
            ExSent++;
    InterlockedExchange(&ExSending, 0);
}

static VOID NTAPI ReceiveSome(PVOID Context)
{
    (void)Context;
    for (int i = 0; i < 3; i++)
        (void)NkmIndicate(NkmLast, Broadcast, sizeof(Broadcast), 1, (i & 1) != 0);
}

static VOID NTAPI PauseRestart(PVOID Context)
{
    (void)Context;
    assert_int_equal(NkHostPauseAdapter(ExAdapter), STATUS_SUCCESS);
    assert_int_equal(NkHostRestartAdapter(ExAdapter), STATUS_SUCCESS);
}

/* The NIC's completion side: until the sender is done and nothing is
 * held (a pause waits for what is held; each pass hands the turn over at
 * the miniport's spin lock). */
static VOID NTAPI CompleteHeld(PVOID Context)
{
    (void)Context;
    do
        (void)NkmCompleteSends(NkmLast, NDIS_STATUS_SUCCESS);
    while (InterlockedCompareExchange(&ExSending, 0, 0) != 0 || NkmLast->SendsHeld != 0);
}

/* Receives, sends (some held, completed by another action) and a pause /
 * restart racing: the miniport (which gates its indications on its own
 * pause) never indicates while paused, every send completes, every
 * receive is returned, nothing leaks, no finding. */
static void test_explore_data_path_racing_pause(void **state)
{
    NK_HOST_ACTION *const actions[] = {SendSome, ReceiveSome, PauseRestart, CompleteHeld};
    (void)state;
    for (ULONG64 seed = 0; NkHostNextSeed(&seed, 200);) {
        Setup(NULL);
        ExAdapter = Start(FALSE);
        NkmPendSends = (seed & 1) != 0;
        ExSent = 0;
        ExSending = 1;
        NkHostRunInterleaved(seed, actions, NULL, 4, NULL);
        (void)NkmCompleteSends(NkmLast, NDIS_STATUS_SUCCESS);
        assert_int_equal(P1.Open->SendsCompleted, ExSent);
        assert_int_equal(P1.Open->SendsInFlight, 0);
        assert_int_equal(NkmLast->RxOutstanding, 0);
        Stop(ExAdapter, FALSE);
        assert_int_equal(NkHostCheckLeaks(), 0);
    }
}

static NDIS_OID_REQUEST ExRequest;
static UCHAR ExMac[6];
static volatile LONG ExIssuing;
static KSPIN_LOCK ExYield;

static VOID NTAPI OidAndWait(PVOID Context)
{
    (void)Context;
    (void)MpOidAsync(&P1, &ExRequest, NdisRequestQueryInformation, OID_802_3_CURRENT_ADDRESS, ExMac, 6);
    InterlockedExchange(&ExIssuing, 0);
}

/* The miniport's completion side: until the request was issued and
 * nothing is pending (the spin lock hands the turn over each pass). */
static VOID NTAPI CompleteOids(PVOID Context)
{
    NKM_ADAPTER *m = NkmLast;
    (void)Context;
    for (;;) {
        KIRQL irql;
        (void)NkmCompleteOid(m);
        KeAcquireSpinLock(&ExYield, &irql);
        KeReleaseSpinLock(&ExYield, irql);
        if (InterlockedCompareExchange(&ExIssuing, 0, 0) == 0 && m->PendingOid == NULL)
            break;
    }
}

static VOID NTAPI Unbind(PVOID Context)
{
    (void)Context;
    MpDeregister(&P1); /* unbinds: the protocol waits for its OID first */
}

/* An OID racing the unbind: the protocol's unbind waits for it, the
 * miniport completes it, and the close finds nothing pending. */
static void test_explore_oid_racing_unbind(void **state)
{
    NK_HOST_ACTION *const actions[] = {OidAndWait, CompleteOids, Unbind};
    (void)state;
    for (ULONG64 seed = 0; NkHostNextSeed(&seed, 200);) {
        Setup(NULL);
        ExAdapter = Start(FALSE);
        NkmPendOids = (seed & 1) != 0;
        ExIssuing = 1;
        KeInitializeSpinLock(&ExYield);
        NkHostRunInterleaved(seed, actions, NULL, 3, NULL);
        assert_null(P1.Open);
        NkHostRemoveAdapter(ExAdapter);
        NkmDeregister();
        assert_int_equal(NkHostCheckLeaks(), 0);
        assert_int_equal(NkHostViolationCount(), 0);
    }
}

/* ---- allocation failures ----------------------------------------------------------------------------- */

static void test_start_allocation_failure_sweep(void **state)
{
    ULONG64 n;
    ULONG failed = 0;
    (void)state;
    for (n = 1;; n++) {
        NK_HOST_ADAPTER *a = NULL;
        NTSTATUS status;
        ULONG64 before;
        Setup(NULL);
        assert_int_equal(NkmRegister(L"NKMP", NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2, FALSE),
                         NDIS_STATUS_SUCCESS);
        assert_int_equal(MpRegister(&P1, L"MPA", NDIS_PACKET_TYPE_BROADCAST), NDIS_STATUS_SUCCESS);
        before = NkHostFaultSiteCount(NkFaultPoolAllocation);
        NkHostFailNth(NkFaultPoolAllocation, n);
        status = NkHostStartMiniport(L"NKMP", INSTANCE, &a);
        NkHostFailNth(NkFaultPoolAllocation, 0);
        if (NT_SUCCESS(status)) {
            /* The protocol's bind may be what failed: the instance runs anyway. */
            NkHostRemoveAdapter(a);
        } else {
            failed++;
            assert_null(a);
            assert_null(NkHostFindAdapter(INSTANCE));
        }
        MpDeregister(&P1);
        NkmDeregister();
        assert_int_equal(NkHostCheckLeaks(), 0);
        if (NkHostFaultSiteCount(NkFaultPoolAllocation) - before < n)
            break; /* the Nth allocation never came: every one was failed once */
    }
    assert_true(failed > 0);
    assert_true(n > 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_register_by_revision, Setup),
        cmocka_unit_test_setup(test_start_and_halt, Setup),
        cmocka_unit_test_setup(test_driver_unload_through_ndis, Setup),
        cmocka_unit_test_setup(test_initialize_failures_and_attributes, Setup),
        cmocka_unit_test_setup(test_send_completions_routed_by_protocol, Setup),
        cmocka_unit_test_setup(test_receives_returned_when_every_open_has, Setup),
        cmocka_unit_test_setup(test_receive_with_resources, Setup),
        cmocka_unit_test_setup(test_oids_one_at_a_time, Setup),
        cmocka_unit_test_setup(test_direct_oids, Setup),
        cmocka_unit_test_setup(test_status_indication, Setup),
        cmocka_unit_test_setup(test_miniport_pnp_event, Setup),
        cmocka_unit_test_setup(test_pause_waits_for_returns_and_sends, Setup),
        cmocka_unit_test_setup(test_sends_to_a_paused_miniport, Setup),
        cmocka_unit_test_setup(test_driver_leak_reported, Setup),
        cmocka_unit_test_setup(test_verifier_rules, Setup),
        cmocka_unit_test_setup(test_send_never_completed, Setup),
        cmocka_unit_test_setup(test_binding_gone_with_work_at_the_miniport, Setup),
        cmocka_unit_test_setup(test_configuration_and_network_address, Setup),
        cmocka_unit_test_setup(test_explore_data_path_racing_pause, Setup),
        cmocka_unit_test_setup(test_explore_oid_racing_unbind, Setup),
        cmocka_unit_test_setup(test_start_allocation_failure_sweep, Setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
