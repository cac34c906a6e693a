/*
 * test_mux.c - drivers/mux (the source of dist/mux/mux.sys) under the host
 * kernel: an in-memory lower adapter, UpperBindings and per-VELAN VlanID /
 * NetworkAddress seeded in the registry, mux loaded, and a small protocol
 * of the test's own (UP, below) bound to each VELAN as TCP/IP would be.
 * Frames are injected on the lower adapter and captured from it; what the
 * VELANs' protocols see is recorded per binding; \\.\Mux reports the
 * VELANs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "muxtest.h"   /* the fixture, UP, and the driver's types */


/* ---- the scenarios --------------------------------------------------------- */

static void test_velans_come_up(void **state)
{
    static const VELAN_SPEC specs[] = {
        {VELAN_GUID(L"1"), -1, NULL},
        {VELAN_GUID(L"2"), 10, L"02-AA-00-00-00-0A"},
        {VELAN_GUID(L"3"), 4096, NULL},                 /* no such VLAN */
        {VELAN_GUID(L"4"), 30, L"01-00-5E-00-00-01"},   /* a group address */
        {VELAN_GUID(L"5"), 40, L"02AA0000zz0A"},        /* not hex */
    };
    static const BOOLEAN up[] = {TRUE, TRUE, FALSE, FALSE, FALSE};
    MUX_VELAN_INFO infos[8];
    const MUX_VELAN_INFO *i;
    UCHAR mac[6];
    ULONG n;
    (void)state;

    Load(specs, RTL_NUMBER_OF(specs), up);
    /* The failed ones never became adapters, and are reported as failed. */
    for (int t = 0; t < 500; t++) {
        n = QueryVelans(infos, 8);
        i = InfoOf(infos, n, VELAN(L"5"));
        if (i != NULL && i->State == MUX_VELAN_STATE_FAILED && InfoOf(infos, n, VELAN(L"3"))->State ==
                                                                    MUX_VELAN_STATE_FAILED &&
            InfoOf(infos, n, VELAN(L"4"))->State == MUX_VELAN_STATE_FAILED)
            break;
        usleep(10000);
    }
    assert_int_equal(n, 5);
    assert_null(NkHostFindAdapter(VELAN(L"3")));
    assert_null(NkHostFindAdapter(VELAN(L"4")));
    assert_null(NkHostFindAdapter(VELAN(L"5")));

    i = InfoOf(infos, n, VELAN(L"1"));
    assert_non_null(i);
    assert_int_equal(i->State, MUX_VELAN_STATE_RUNNING);
    assert_int_equal(i->VlanId, 0);
    MuxDeriveMac(LowerMac, 0, mac);
    assert_memory_equal(i->MacAddress, mac, 6);
    assert_true(MuxNameEqual(i->LowerName, LOWER_NAME));
    i = InfoOf(infos, n, VELAN(L"2"));
    assert_int_equal(i->VlanId, 10);
    assert_memory_equal(i->MacAddress, Velan10Mac, 6);
    /* UP sees the same addresses through OID_802_3_CURRENT_ADDRESS. */
    assert_memory_equal(UpFind(VELAN(L"2"))->Mac, Velan10Mac, 6);
    assert_int_equal(UpCount(), 2);
    Unload();
}

static void test_tagged_send(void **state)
{
    UCHAR frame[100], got[200];
    UPB *v0, *v10;
    ULONG n;
    (void)state;

    Load(Three, 3, NULL);
    v0 = UpFind(VELAN(L"1"));
    v10 = UpFind(VELAN(L"2"));
    assert_non_null(v0);
    assert_non_null(v10);

    /* VLAN 10, priority 5: tagged 0xA00A. */
    Frame(frame, Peer, Velan10Mac, FALSE, 0, 0, 60, 1);
    assert_true(UpSend(v10, frame, 60, 5));
    assert_true(WaitCount(&v10->SendsCompleted, 1));
    assert_int_equal(v10->LastSendStatus, NDIS_STATUS_SUCCESS);
    n = NkHostAdapterCapture(F.Lower, got, sizeof(got));
    assert_int_equal(n, 64);
    assert_memory_equal(got, frame, 12);
    assert_int_equal(got[12], 0x81);
    assert_int_equal(got[13], 0x00);
    assert_int_equal((got[14] << 8) | got[15], (5 << 13) | 10);
    assert_memory_equal(got + 16, frame + 12, 48);

    /* VLAN 0, priority 0: untagged, as sent. */
    Frame(frame, Peer, v0->Mac, FALSE, 0, 0, 60, 2);
    assert_true(UpSend(v0, frame, 60, 0));
    assert_true(WaitCount(&v0->SendsCompleted, 1));
    n = NkHostAdapterCapture(F.Lower, got, sizeof(got));
    assert_int_equal(n, 60);
    assert_memory_equal(got, frame, 60);

    /* VLAN 0, priority 3: a priority tag. */
    assert_true(UpSend(v0, frame, 60, 3));
    assert_true(WaitCount(&v0->SendsCompleted, 2));
    n = NkHostAdapterCapture(F.Lower, got, sizeof(got));
    assert_int_equal(n, 64);
    assert_int_equal((got[14] << 8) | got[15], 3 << 13);

    /* A runt fails alone; nothing reaches the wire. */
    assert_true(UpSend(v10, frame, 10, 0));
    assert_true(WaitCount(&v10->SendsCompleted, 2));
    assert_int_not_equal(v10->LastSendStatus, NDIS_STATUS_SUCCESS);
    assert_int_equal(NkHostAdapterCapture(F.Lower, got, sizeof(got)), 0);
    Unload();
}

static void test_receive_by_vlan(void **state)
{
    UCHAR frame[100];
    MUX_VELAN_INFO infos[4];
    UPB *v0, *v10, *v20;
    (void)state;

    Load(Three, 3, NULL);
    v0 = UpFind(VELAN(L"1"));
    v10 = UpFind(VELAN(L"2"));
    v20 = UpFind(VELAN(L"3"));

    /* Tagged VLAN 10, priority 6, to VELAN 10's address: stripped, only there. */
    Frame(frame, Velan10Mac, Peer, TRUE, 10, 6, 64, 3);
    assert_int_equal(NkHostAdapterInject(F.Lower, frame, 64, FALSE), STATUS_SUCCESS);
    assert_true(WaitCount(&v10->Received, 1));
    assert_int_equal(v10->LastLength, 60);
    assert_memory_equal(v10->LastFrame, frame, 12);
    assert_memory_equal(v10->LastFrame + 12, frame + 16, 48);
    assert_int_equal(v10->LastPriority, 6);

    /* Untagged broadcast: VLAN 0 only.  Tagged broadcast on VLAN 20: VELAN 20 only. */
    Frame(frame, Broadcast, Peer, FALSE, 0, 0, 60, 4);
    assert_int_equal(NkHostAdapterInject(F.Lower, frame, 60, TRUE), STATUS_SUCCESS);
    assert_true(WaitCount(&v0->Received, 1));
    Frame(frame, Broadcast, Peer, TRUE, 20, 0, 64, 5);
    assert_int_equal(NkHostAdapterInject(F.Lower, frame, 64, FALSE), STATUS_SUCCESS);
    assert_true(WaitCount(&v20->Received, 1));

    /* Unknown VLAN 77, a runt, a truncated tag: nobody, 77 counted. */
    Frame(frame, Broadcast, Peer, TRUE, 77, 0, 64, 6);
    assert_int_equal(NkHostAdapterInject(F.Lower, frame, 64, FALSE), STATUS_SUCCESS);
    {   /* the host may refuse to carry a runt at all; if it does, fine */
        NTSTATUS st = NkHostAdapterInject(F.Lower, frame, 10, FALSE);
        assert_true(st == STATUS_SUCCESS || st == STATUS_INVALID_BUFFER_SIZE);
    }
    assert_int_equal(NkHostAdapterInject(F.Lower, frame, 16, FALSE), STATUS_SUCCESS);
    usleep(50000);
    assert_int_equal(LOAD(v0->Received), 1);
    assert_int_equal(LOAD(v10->Received), 1);
    assert_int_equal(LOAD(v20->Received), 1);
    assert_int_equal(QueryVelans(infos, 4), 3);
    assert_int_equal(infos[0].LowerUnknownVlanDrops, 1);
    assert_int_equal(InfoOf(infos, 3, VELAN(L"2"))->FramesRcvOk, 1);
    Unload();
}

static void test_filter_multicast_promiscuous(void **state)
{
    static const UCHAR group[6] = {0x01, 0x00, 0x5E, 0x00, 0x00, 0x01}, other[6] = {0x01, 0x00, 0x5E, 0x00, 0x00, 2};
    static const UCHAR stranger[6] = {0x02, 0x99, 0x99, 0x99, 0x99, 0x99};
    MUX_VELAN_INFO infos[4];
    UCHAR frame[100];
    ULONG filter;
    LONG seen;
    UPB *v10;
    (void)state;

    Load(Three, 3, NULL);
    v10 = UpFind(VELAN(L"2"));
    /* Mux made the lower adapter promiscuous: VELAN addresses are not its own. */
    assert_true(NkHostAdapterPacketFilter(F.Lower) & NDIS_PACKET_TYPE_PROMISCUOUS);

    /* DIRECTED only: the VLAN's broadcast is filtered out. */
    filter = NDIS_PACKET_TYPE_DIRECTED;
    assert_int_equal(UpOid(v10, NdisRequestSetInformation, OID_GEN_CURRENT_PACKET_FILTER, &filter, 4, NULL),
                     NDIS_STATUS_SUCCESS);
    Frame(frame, Broadcast, Peer, TRUE, 10, 0, 64, 7);
    assert_int_equal(NkHostAdapterInject(F.Lower, frame, 64, FALSE), STATUS_SUCCESS);
    usleep(20000);
    assert_int_equal(LOAD(v10->Received), 0);

    /* MULTICAST with one group: that group only. */
    filter = NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_MULTICAST;
    assert_int_equal(UpOid(v10, NdisRequestSetInformation, OID_802_3_MULTICAST_LIST, (PVOID)group, 6, NULL),
                     NDIS_STATUS_SUCCESS);
    assert_int_equal(UpOid(v10, NdisRequestSetInformation, OID_GEN_CURRENT_PACKET_FILTER, &filter, 4, NULL),
                     NDIS_STATUS_SUCCESS);
    Frame(frame, group, Peer, TRUE, 10, 0, 64, 8);
    assert_int_equal(NkHostAdapterInject(F.Lower, frame, 64, FALSE), STATUS_SUCCESS);
    assert_true(WaitCount(&v10->Received, 1));
    Frame(frame, other, Peer, TRUE, 10, 0, 64, 9);
    assert_int_equal(NkHostAdapterInject(F.Lower, frame, 64, FALSE), STATUS_SUCCESS);
    usleep(20000);
    assert_int_equal(LOAD(v10->Received), 1);
    /* 33 groups do not fit. */
    {
        UCHAR many[33 * 6];
        for (int k = 0; k < 33; k++)
            memcpy(many + k * 6, group, 6), many[k * 6 + 5] = (UCHAR)k;
        assert_int_equal(UpOid(v10, NdisRequestSetInformation, OID_802_3_MULTICAST_LIST, many, sizeof(many), NULL),
                         NDIS_STATUS_MULTICAST_FULL);
    }

    /* ALL_MULTICAST: the other group too. */
    filter = NDIS_PACKET_TYPE_ALL_MULTICAST;
    assert_int_equal(UpOid(v10, NdisRequestSetInformation, OID_GEN_CURRENT_PACKET_FILTER, &filter, 4, NULL),
                     NDIS_STATUS_SUCCESS);
    assert_int_equal(NkHostAdapterInject(F.Lower, frame, 64, FALSE), STATUS_SUCCESS);
    assert_true(WaitCount(&v10->Received, 2));

    /* PROMISCUOUS: a unicast to a stranger. */
    seen = LOAD(v10->Received);
    Frame(frame, stranger, Peer, TRUE, 10, 0, 64, 10);
    assert_int_equal(NkHostAdapterInject(F.Lower, frame, 64, FALSE), STATUS_SUCCESS);
    usleep(20000);
    assert_int_equal(LOAD(v10->Received), seen);
    filter = NDIS_PACKET_TYPE_PROMISCUOUS;
    assert_int_equal(UpOid(v10, NdisRequestSetInformation, OID_GEN_CURRENT_PACKET_FILTER, &filter, 4, NULL),
                     NDIS_STATUS_SUCCESS);
    assert_int_equal(NkHostAdapterInject(F.Lower, frame, 64, FALSE), STATUS_SUCCESS);
    assert_true(WaitCount(&v10->Received, seen + 1));
    /* An unsupported bit is refused. */
    filter = NDIS_PACKET_TYPE_SMT;
    assert_int_equal(UpOid(v10, NdisRequestSetInformation, OID_GEN_CURRENT_PACKET_FILTER, &filter, 4, NULL),
                     NDIS_STATUS_NOT_SUPPORTED);

    assert_int_equal(QueryVelans(infos, 4), 3);
    assert_int_equal(InfoOf(infos, 3, VELAN(L"2"))->PacketFilter, NDIS_PACKET_TYPE_PROMISCUOUS);
    assert_int_equal(InfoOf(infos, 3, VELAN(L"2"))->MulticastCount, 1);
    assert_true(InfoOf(infos, 3, VELAN(L"2"))->FilteredOut >= 3);
    Unload();
}

static void test_statistics(void **state)
{
    NDIS_STATISTICS_INFO stats;
    UCHAR frame[100];
    ULONG64 v64;
    ULONG v32, bytes;
    UPB *v10;
    (void)state;

    Load(Three, 3, NULL);
    v10 = UpFind(VELAN(L"2"));
    Frame(frame, Peer, Velan10Mac, FALSE, 0, 0, 60, 11);
    for (int k = 0; k < 3; k++)
        assert_true(UpSend(v10, frame, 60, 0));
    Frame(frame, Broadcast, Peer, FALSE, 0, 0, 60, 11);
    assert_true(UpSend(v10, frame, 60, 0));
    assert_true(WaitCount(&v10->SendsCompleted, 4));
    Frame(frame, Velan10Mac, Peer, TRUE, 10, 0, 64, 12);
    assert_int_equal(NkHostAdapterInject(F.Lower, frame, 64, FALSE), STATUS_SUCCESS);
    assert_true(WaitCount(&v10->Received, 1));

    assert_int_equal(UpOid(v10, NdisRequestQueryStatistics, OID_GEN_STATISTICS, &stats, sizeof(stats), &bytes),
                     NDIS_STATUS_SUCCESS);
    assert_int_equal(bytes, sizeof(stats));
    assert_int_equal(stats.ifHCOutUcastPkts, 3);
    assert_int_equal(stats.ifHCOutBroadcastPkts, 1);
    assert_int_equal(stats.ifHCOutUcastOctets, 3 * 64);     /* tagged on the wire */
    assert_int_equal(stats.ifHCInUcastPkts, 1);
    assert_int_equal(stats.ifHCInOctets, 60);
    assert_int_equal(UpOid(v10, NdisRequestQueryInformation, OID_GEN_XMIT_OK, &v64, 8, &bytes), NDIS_STATUS_SUCCESS);
    assert_int_equal(v64, 4);
    assert_int_equal(UpOid(v10, NdisRequestQueryInformation, OID_GEN_XMIT_OK, &v32, 4, &bytes), NDIS_STATUS_SUCCESS);
    assert_int_equal(bytes, 4);
    assert_int_equal(v32, 4);
    assert_int_equal(UpOid(v10, NdisRequestQueryInformation, OID_GEN_RCV_OK, &v64, 8, NULL), NDIS_STATUS_SUCCESS);
    assert_int_equal(v64, 1);
    assert_int_equal(UpOid(v10, NdisRequestQueryInformation, OID_GEN_STATISTICS, &stats, 10, &bytes),
                     NDIS_STATUS_BUFFER_TOO_SHORT);
    /* The other VELANs counted nothing. */
    assert_int_equal(UpOid(UpFind(VELAN(L"1")), NdisRequestQueryInformation, OID_GEN_XMIT_OK, &v64, 8, NULL),
                     NDIS_STATUS_SUCCESS);
    assert_int_equal(v64, 0);
    Unload();
}

static void test_oid_forwarding(void **state)
{
    ULONG medium = 0, size;
    UPB *v10;
    (void)state;

    Load(Three, 3, NULL);
    v10 = UpFind(VELAN(L"2"));
    /* Answered by the VELAN: its frame size (VLAN 10 gives up 4 bytes to the tag). */
    assert_int_equal(UpOid(v10, NdisRequestQueryInformation, OID_GEN_MAXIMUM_FRAME_SIZE, &size, 4, NULL),
                     NDIS_STATUS_SUCCESS);
    assert_int_equal(size, 1496);
    assert_int_equal(UpOid(UpFind(VELAN(L"1")), NdisRequestQueryInformation, OID_GEN_MAXIMUM_FRAME_SIZE, &size, 4,
                           NULL),
                     NDIS_STATUS_SUCCESS);
    assert_int_equal(size, 1500);
    /* Not the VELAN's: passed to the lower adapter, which holds it (pend
     * mode) until the test completes it; its answer comes back up. */
    NkHostSetAdapterPendOids(F.Lower, TRUE);
    {
        UP_OID r;
        NDIS_STATUS status;
        assert_true(UpOidStart(VELAN(L"2"), &r, NdisRequestQueryInformation, OID_GEN_PHYSICAL_MEDIUM, &medium,
                               sizeof(medium), &status));
        assert_int_equal(status, NDIS_STATUS_PENDING);
        for (int t = 0; t < 500 && NkHostAdapterHeldOids(F.Lower) == 0; t++)
            usleep(10000);
        assert_int_equal(NkHostAdapterHeldOids(F.Lower), 1);
        assert_int_equal(NkHostCompleteOids(F.Lower), 1);
        KeWaitForSingleObject(&r.Done, Executive, KernelMode, FALSE, NULL);
        /* The in-memory adapter does not know the OID: its answer, relayed. */
        assert_int_equal(r.Status, NDIS_STATUS_NOT_SUPPORTED);
        assert_int_equal(r.Completions, 1);
    }
    NkHostSetAdapterPendOids(F.Lower, FALSE);
    Unload();
}

static void test_link_state(void **state)
{
    NDIS_LINK_STATE link;
    ULONG connect;
    UPB *v0, *v10;
    (void)state;

    Load(Three, 3, NULL);
    v0 = UpFind(VELAN(L"1"));
    v10 = UpFind(VELAN(L"2"));
    memset(&link, 0, sizeof(link));
    link.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    link.Header.Revision = NDIS_LINK_STATE_REVISION_1;
    link.Header.Size = NDIS_SIZEOF_LINK_STATE_REVISION_1;
    link.MediaConnectState = MediaConnectStateDisconnected;
    link.XmitLinkSpeed = link.RcvLinkSpeed = NDIS_LINK_SPEED_UNKNOWN;
    NkHostIndicateStatus(F.Lower, NDIS_STATUS_LINK_STATE, &link, sizeof(link));
    assert_true(WaitCount(&v0->StatusCount, 1));
    assert_true(WaitCount(&v10->StatusCount, 1));
    assert_int_equal(v0->LastStatusCode, NDIS_STATUS_LINK_STATE);
    assert_int_equal(UpOid(v10, NdisRequestQueryInformation, OID_GEN_MEDIA_CONNECT_STATUS, &connect, 4, NULL),
                     NDIS_STATUS_SUCCESS);
    assert_int_equal(connect, NdisMediaStateDisconnected);
    link.MediaConnectState = MediaConnectStateConnected;
    link.XmitLinkSpeed = link.RcvLinkSpeed = 1000000000ull;
    NkHostIndicateStatus(F.Lower, NDIS_STATUS_LINK_STATE, &link, sizeof(link));
    assert_true(WaitCount(&v10->StatusCount, 2));
    assert_int_equal(UpOid(v10, NdisRequestQueryInformation, OID_GEN_LINK_SPEED, &connect, 4, NULL),
                     NDIS_STATUS_SUCCESS);
    assert_int_equal(connect, 10000000);
    Unload();
}

static void test_reconfigure(void **state)
{
    static const VELAN_SPEC after[] = {
        {VELAN_GUID(L"2"), 10, L"02-AA-00-00-00-0A"},
        {VELAN_GUID(L"3"), 20, NULL},
        {VELAN_GUID(L"4"), 40, NULL},
    };
    MUX_RECONFIG r;
    MUX_VELAN_INFO infos[4];
    (void)state;

    Load(Three, 3, NULL);
    /* VELAN 1 goes, VELAN 4 comes. */
    SeedVelan(&after[2]);
    SeedUpperBindings(after, 3);
    memset(&r, 0, sizeof(r));
    r.Version = MUX_RECONFIG_VERSION;
    r.Operation = MUX_RECONFIG_ADD;
    memcpy(r.InstanceName, VELAN(L"4"), sizeof(VELAN(L"4")));
    /* A malformed payload changes nothing. */
    r.Version = 99;
    assert_int_not_equal(NkHostIndicatePnpEvent(F.Lower, NetEventReconfigure, &r, sizeof(r)), STATUS_SUCCESS);
    assert_non_null(NkHostFindAdapter(VELAN(L"1")));
    assert_null(NkHostFindAdapter(VELAN(L"4")));
    r.Version = MUX_RECONFIG_VERSION;
    assert_int_equal(NkHostIndicatePnpEvent(F.Lower, NetEventReconfigure, &r, sizeof(r)), STATUS_SUCCESS);
    assert_true(WaitAdapter(VELAN(L"4"), TRUE));
    assert_true(WaitAdapter(VELAN(L"1"), FALSE));
    assert_null(UpFind(VELAN(L"1")));
    assert_int_equal(QueryVelans(infos, 4), 3);
    assert_int_equal(InfoOf(infos, 3, VELAN(L"4"))->VlanId, 40);
    assert_null(InfoOf(infos, 3, VELAN(L"1")));
    /* A rescan without a payload, nothing changed: nothing happens. */
    assert_int_equal(NkHostIndicatePnpEvent(F.Lower, NetEventReconfigure, NULL, 0), STATUS_SUCCESS);
    assert_int_equal(QueryVelans(NULL, 0), 3);
    Unload();
}

static void test_lower_unbind_halts_velans(void **state)
{
    UCHAR frame[100];
    UPB *v10;
    (void)state;

    Load(Three, 3, NULL);
    v10 = UpFind(VELAN(L"2"));
    /* A send held by the busy lower adapter while it goes away. */
    NkHostSetAdapterPendSends(F.Lower, TRUE);
    Frame(frame, Peer, Velan10Mac, FALSE, 0, 0, 60, 13);
    assert_true(UpSend(v10, frame, 60, 0));
    NkHostRemoveAdapter(F.Lower);
    F.Lower = NULL;
    assert_null(NkHostFindAdapter(VELAN(L"1")));
    assert_null(NkHostFindAdapter(VELAN(L"2")));
    assert_null(NkHostFindAdapter(VELAN(L"3")));
    assert_int_equal(UpCount(), 0);
    assert_int_equal(QueryVelans(NULL, 0), 0);
    Unload();
}

typedef struct {
    NK_HOST_ADAPTER *Adapter;
    NTSTATUS Status;
    volatile LONG Done;
} PAUSER;

static void *PauseThread(void *Arg)
{
    PAUSER *p = Arg;
    p->Status = NkHostPauseAdapter(p->Adapter);
    __atomic_store_n(&p->Done, 1, __ATOMIC_RELEASE);
    return NULL;
}

/* A VELAN's pause completes only once what it indicated is back. */
static void test_pause_waits_for_returns(void **state)
{
    MUX_VELAN_INFO infos[4];
    PAUSER p = {0};
    UCHAR frame[100];
    pthread_t t;
    UPB *v10;
    (void)state;

    Load(Three, 3, NULL);
    v10 = UpFind(VELAN(L"2"));
    __atomic_store_n(&UpKeep, 1, __ATOMIC_RELEASE);
    Frame(frame, Velan10Mac, Peer, TRUE, 10, 0, 64, 19);
    assert_int_equal(NkHostAdapterInject(F.Lower, frame, 64, FALSE), STATUS_SUCCESS);
    assert_true(WaitCount(&v10->Received, 1));
    __atomic_store_n(&UpKeep, 0, __ATOMIC_RELEASE);
    assert_non_null(v10->Kept);

    p.Adapter = NkHostFindAdapter(VELAN(L"2"));
    assert_non_null(p.Adapter);
    assert_int_equal(pthread_create(&t, NULL, PauseThread, &p), 0);
    usleep(100000);
    assert_int_equal(__atomic_load_n(&p.Done, __ATOMIC_ACQUIRE), 0);
    assert_int_equal(QueryVelans(infos, 4), 3);
    assert_int_equal(InfoOf(infos, 3, VELAN(L"2"))->State, MUX_VELAN_STATE_PAUSING);
    NdisReturnNetBufferLists(v10->Binding, v10->Kept, 0);
    v10->Kept = NULL;
    pthread_join(t, NULL);
    assert_int_equal(p.Status, STATUS_SUCCESS);
    assert_int_equal(QueryVelans(infos, 4), 3);
    assert_int_equal(InfoOf(infos, 3, VELAN(L"2"))->State, MUX_VELAN_STATE_PAUSED);
    assert_int_equal(NkHostRestartAdapter(p.Adapter), STATUS_SUCCESS);
    assert_int_equal(QueryVelans(infos, 4), 3);
    assert_int_equal(InfoOf(infos, 3, VELAN(L"2"))->State, MUX_VELAN_STATE_RUNNING);
    Unload();
}

typedef struct {
    volatile LONG Stop;
    UPB *Velan;
} TRAFFIC;

static void *SendLoop(void *Arg)
{
    TRAFFIC *t = Arg;
    UCHAR frame[100];
    Frame(frame, Peer, Velan10Mac, FALSE, 0, 0, 60, 14);
    while (!__atomic_load_n(&t->Stop, __ATOMIC_ACQUIRE))
        (void)UpSend(t->Velan, frame, 60, 1);
    return NULL;
}

static void *InjectLoop(void *Arg)
{
    TRAFFIC *t = Arg;
    UCHAR frame[100];
    Frame(frame, Broadcast, Peer, TRUE, 10, 2, 64, 15);
    while (!__atomic_load_n(&t->Stop, __ATOMIC_ACQUIRE))
        (void)NkHostAdapterInject(F.Lower, frame, 64, FALSE);
    return NULL;
}

static void *CompleteLater(void *Arg)
{
    (void)Arg;
    usleep(100000);
    NkHostSetAdapterPendSends(F.Lower, FALSE);
    (void)NkHostCompleteSends(F.Lower);
    return NULL;
}

static void test_unload_under_traffic(void **state)
{
    TRAFFIC t = {0}, in = {0};
    pthread_t s, r, c;
    UCHAR frame[64];
    (void)state;

    Load(Three, 3, NULL);
    t.Velan = UpFind(VELAN(L"2"));
    in.Velan = t.Velan;
    assert_int_equal(pthread_create(&s, NULL, SendLoop, &t), 0);
    assert_int_equal(pthread_create(&r, NULL, InjectLoop, &in), 0);
    assert_true(WaitCount(&t.Velan->Received, 20));
    assert_true(WaitCount(&t.Velan->SendsCompleted, 20));
    /* The lower adapter paused and restarted under traffic. */
    assert_int_equal(NkHostPauseAdapter(F.Lower), STATUS_SUCCESS);
    assert_int_equal(NkHostRestartAdapter(F.Lower), STATUS_SUCCESS);
    __atomic_store_n(&t.Stop, 1, __ATOMIC_RELEASE);
    pthread_join(s, NULL);
    /* A send held by a busy lower adapter: UP's unbind (the VELAN's pause
     * before it) waits until the adapter completes it, 100 ms later. */
    NkHostSetAdapterPendSends(F.Lower, TRUE);
    Frame(frame, Peer, Velan10Mac, FALSE, 0, 0, 60, 16);
    assert_true(UpSend(t.Velan, frame, 60, 0));
    assert_int_equal(pthread_create(&c, NULL, CompleteLater, NULL), 0);
    NdisDeregisterProtocolDriver(UpHandle);
    UpHandle = NULL;
    pthread_join(c, NULL);
    /* mux unloads with frames still arriving below. */
    F.Driver.DriverUnload(&F.Driver);
    F.Loaded = FALSE;
    __atomic_store_n(&in.Stop, 1, __ATOMIC_RELEASE);
    pthread_join(r, NULL);
    Unload();
}

static void test_allocation_failure_sweep(void **state)
{
    UNICODE_STRING path = RTL_CONSTANT_STRING(SERVICE);
    UCHAR frame[100];
    ULONG64 sites = 0;
    ULONG failed = 0;
    (void)state;

    for (ULONG64 nth = 1;; nth++) {
        NTSTATUS status;
        NkHostReset();
        memset(&F, 0, sizeof(F));
        SeedVelan(&Three[1]);
        SeedUpperBindings(&Three[1], 1);
        assert_int_equal(NkHostAddAdapter(LOWER_NAME, LowerMac, 1500, &F.Lower), STATUS_SUCCESS);
        NkHostFailNth(NkFaultPoolAllocation, nth);
        status = FxDriverEntry(&F.Driver, &path);
        if (NT_SUCCESS(status)) {
            F.Loaded = TRUE;
            /* The bind queues the VELAN's start on NDIS's thread; the
             * second wait delivers it (started, or failed for good). */
            NkHostWaitBinds();
            NkHostWaitBinds();
            if (WaitStartSettled(VELAN(L"2")) && UpRegisterEx(TRUE) == NDIS_STATUS_SUCCESS) {
                UPB *u = UpFind(VELAN(L"2"));
                if (u != NULL) {
                    Frame(frame, Peer, Velan10Mac, FALSE, 0, 0, 60, 17);
                    if (UpSend(u, frame, 60, 0))
                        (void)WaitCount(&u->SendsCompleted, 1);
                    Frame(frame, Velan10Mac, Peer, TRUE, 10, 0, 64, 18);
                    (void)NkHostAdapterInject(F.Lower, frame, 64, FALSE);
                }
            }
        } else {
            failed++;
        }
        Unload();
        sites = NkHostFaultSiteCount(NkFaultPoolAllocation);
        NkHostFailNth(NkFaultPoolAllocation, 0);
        if (NT_SUCCESS(status)) {
            CheckLeaks();
        } else {
            assert_int_equal(NkHostCheckLeaks(), 0);    /* a failed entry unbinds the stub itself */
            assert_int_equal(NkHostViolationCount(), 0);
        }
        if (nth > sites)
            break;
    }
    printf("allocation sweep: %llu sites, %lu made DriverEntry fail cleanly\n", (unsigned long long)sites,
           (unsigned long)failed);
}

static int TeardownChecks(void **state)
{
    (void)state;
    CheckLeaks();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_velans_come_up, TeardownChecks),
        cmocka_unit_test_teardown(test_tagged_send, TeardownChecks),
        cmocka_unit_test_teardown(test_receive_by_vlan, TeardownChecks),
        cmocka_unit_test_teardown(test_filter_multicast_promiscuous, TeardownChecks),
        cmocka_unit_test_teardown(test_statistics, TeardownChecks),
        cmocka_unit_test_teardown(test_oid_forwarding, TeardownChecks),
        cmocka_unit_test_teardown(test_link_state, TeardownChecks),
        cmocka_unit_test_teardown(test_reconfigure, TeardownChecks),
        cmocka_unit_test_teardown(test_lower_unbind_halts_velans, TeardownChecks),
        cmocka_unit_test_teardown(test_pause_waits_for_returns, TeardownChecks),
        cmocka_unit_test_teardown(test_unload_under_traffic, TeardownChecks),
        cmocka_unit_test(test_allocation_failure_sweep),
    };
    /* MUX_TEST=pattern runs only the matching tests (cmocka's filter). */
    if (getenv("MUX_TEST") != NULL)
        cmocka_set_test_filter(getenv("MUX_TEST"));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
