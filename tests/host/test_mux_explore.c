/*
 * test_mux_explore.c - drivers/mux under the host's interleaving explorer
 * (NkHostRunInterleaved): the fixture of test_mux.c (muxtest.h), three
 * VELANs over an in-memory lower adapter with UP bound to each, and per
 * seed a few actions racing:
 *   - sends from a VELAN and tagged receives from below while the lower
 *     adapter and the VELAN itself are paused and restarted;
 *   - OIDs the VELANs forward to the lower adapter while it is removed
 *     (held there or answered at once, by seed);
 *   - a reconfigure that removes one VELAN and adds another (whose start
 *     NDIS runs on its bind thread, delivered by an action's
 *     NkHostWaitBinds) while another VELAN sends and frames arrive.
 * Afterwards every send completed exactly once, every OID once, every
 * indication came back, nothing leaked and the verifier found nothing.
 * NDISKIT_SEEDS raises the seed count (make stress); NDISKIT_SEED=S
 * replays seed S.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "muxtest.h"

/* Seeds per scenario in `make check` (make stress raises them): fewer under
 * ThreadSanitizer, whose runs are several times slower. */
#if defined(__SANITIZE_THREAD__)
#define MUX_SEEDS 60
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define MUX_SEEDS 60
#endif
#endif
#ifndef MUX_SEEDS
#define MUX_SEEDS 200
#endif

#define BURST 4

static double Now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* What the lower adapter transmitted: it completes sends at once, so every
 * send that succeeded is in its capture ring. */
static LONG DrainCaptured(void)
{
    UCHAR got[200];
    LONG n = 0;
    while (NkHostAdapterCapture(F.Lower, got, sizeof(got)) != 0)
        n++;
    return n;
}

/* ---- 1. sends and receives racing pauses ------------------------------------ */

static UPB *ExV10;
static LONG ExSent, ExInjected;

static VOID NTAPI SendBurst(PVOID Context)
{
    UCHAR frame[100];
    (void)Context;
    Frame(frame, Peer, Velan10Mac, FALSE, 0, 0, 60, 21);
    for (int i = 0; i < BURST; i++)
        ExSent += UpSend(ExV10, frame, 60, (ULONG)i);
}

static VOID NTAPI ReceiveBurst(PVOID Context)
{
    UCHAR frame[100];
    (void)Context;
    for (int i = 0; i < BURST; i++) {
        /* To VELAN 10's address and VLAN 10's broadcast, copied or not. */
        Frame(frame, (i & 2) ? Broadcast : Velan10Mac, Peer, TRUE, 10, (ULONG)i, 64, (UCHAR)(22 + i));
        ExInjected += NkHostAdapterInject(F.Lower, frame, 64, (i & 1) != 0) == STATUS_SUCCESS;
    }
}

static VOID NTAPI PauseRestartLower(PVOID Context)
{
    (void)Context;
    assert_int_equal(NkHostPauseAdapter(F.Lower), STATUS_SUCCESS);
    assert_int_equal(NkHostRestartAdapter(F.Lower), STATUS_SUCCESS);
}

static VOID NTAPI PauseRestartVelan(PVOID Context)
{
    NK_HOST_ADAPTER *velan = NkHostFindAdapter(VELAN(L"2"));
    (void)Context;
    assert_int_equal(NkHostPauseAdapter(velan), STATUS_SUCCESS);
    assert_int_equal(NkHostRestartAdapter(velan), STATUS_SUCCESS);
}

static void test_explore_traffic_racing_pause(void **state)
{
    NK_HOST_ACTION *const actions[] = {SendBurst, ReceiveBurst, PauseRestartLower, PauseRestartVelan};
    MUX_VELAN_INFO infos[4];
    LONG sent = 0, failed = 0, received = 0;
    ULONG64 seeds = 0;
    double t0 = Now();
    (void)state;
    for (ULONG64 seed = 0; NkHostNextSeed(&seed, MUX_SEEDS); seeds++) {
        Load(Three, 3, NULL);
        ExV10 = UpFind(VELAN(L"2"));
        assert_non_null(ExV10);
        ExSent = ExInjected = 0;
        /* Even seeds: the lower adapter's pause alone, which UP does not
         * see (mux fails what it cannot pass down); odd seeds: the VELAN's
         * too, which pauses UP (its sends refused until the restart). */
        NkHostRunInterleaved(seed, actions, NULL, (seed & 1) ? 4 : 3, NULL);
        /* Each accepted send completed once; each success reached the wire. */
        assert_int_equal(LOAD(ExV10->SendsCompleted), ExSent);
        assert_int_equal(ExV10->SendsInFlight, 0);
        assert_int_equal(DrainCaptured(), ExSent - LOAD(ExV10->SendsFailed));
        assert_true(LOAD(ExV10->Received) <= ExInjected);
        assert_false(ExV10->Paused);
        /* Everything indicated came back and the VELAN runs again. */
        assert_int_equal(QueryVelans(infos, 4), 3);
        assert_int_equal(InfoOf(infos, 3, VELAN(L"2"))->State, MUX_VELAN_STATE_RUNNING);
        sent += ExSent;
        failed += LOAD(ExV10->SendsFailed);
        received += LOAD(ExV10->Received);
        Unload();
        CheckLeaks();
    }
    printf("traffic racing pause: %llu seeds, %ld sends (%ld failed), %ld received, %.2f s\n",
           (unsigned long long)seeds, (long)sent, (long)failed, (long)received, Now() - t0);
}

/* ---- 2. forwarded OIDs racing the lower adapter's removal ------------------- */

typedef struct {
    PCWSTR Velan;
    UP_OID Request;
    ULONG Medium;
    BOOLEAN Issued;
    NDIS_STATUS First;      /* what NdisOidRequest returned */
    NDIS_STATUS Final;      /* ... or, pended, what it completed with */
} OID_ACTION;

static OID_ACTION ExOid[2];

static VOID NTAPI ForwardedOid(PVOID Context)
{
    OID_ACTION *a = Context;
    /* Not the VELAN's to answer (oid.c): passed to the lower adapter. */
    a->Issued = UpOidStart(a->Velan, &a->Request, NdisRequestQueryInformation, OID_GEN_PHYSICAL_MEDIUM,
                           &a->Medium, sizeof(a->Medium), &a->First);
    if (!a->Issued)
        return;
    a->Final = a->First;
    if (a->First == NDIS_STATUS_PENDING) {
        KeWaitForSingleObject(&a->Request.Done, Executive, KernelMode, FALSE, NULL);
        a->Final = a->Request.Status;
    }
}

/* The removal starts after a few turns given away (the seed says how
 * many: spin lock acquires and releases are schedule points), or most
 * seeds would find the lower binding closing before any OID reached it. */
static ULONG ExRemoveDelay;

static VOID NTAPI RemoveLower(PVOID Context)
{
    KSPIN_LOCK lock;
    KIRQL irql;
    (void)Context;
    KeInitializeSpinLock(&lock);
    for (ULONG i = 0; i < ExRemoveDelay; i++) {
        KeAcquireSpinLock(&lock, &irql);
        KeReleaseSpinLock(&lock, irql);
    }
    NkHostRemoveAdapter(F.Lower);
}

static void test_explore_oid_racing_unbind(void **state)
{
    NK_HOST_ACTION *const actions[] = {ForwardedOid, ForwardedOid, RemoveLower};
    PVOID const contexts[] = {&ExOid[0], &ExOid[1], NULL};
    ULONG issued = 0, pended = 0, aborted = 0, relayed = 0, closing = 0;
    ULONG64 seeds = 0;
    double t0 = Now();
    (void)state;
    for (ULONG64 seed = 0; NkHostNextSeed(&seed, MUX_SEEDS); seeds++) {
        Load(Three, 3, NULL);
        memset(ExOid, 0, sizeof(ExOid));
        ExOid[0].Velan = VELAN(L"2");
        ExOid[1].Velan = VELAN(L"1");
        /* Odd seeds: the lower adapter holds OIDs (a slow NIC), so they are
         * still there when it goes and only a cancel completes them. */
        NkHostSetAdapterPendOids(F.Lower, (seed & 1) != 0);
        ExRemoveDelay = seed % 4 == 0 ? 0 : (ULONG)(seed >> 2) % 12;
        NkHostRunInterleaved(seed, actions, contexts, RTL_NUMBER_OF(actions), NULL);
        F.Lower = NULL;
        for (int i = 0; i < 2; i++) {
            OID_ACTION *a = &ExOid[i];
            if (!a->Issued)
                continue;   /* UP was unbound before it asked */
            issued++;
            /* Completed exactly once, by its return or its completion. */
            assert_int_equal(a->Request.Completions, a->First == NDIS_STATUS_PENDING ? 1 : 0);
            assert_int_not_equal(a->Final, NDIS_STATUS_PENDING);
            /* The in-memory adapter knows no such OID: relayed, or failed
             * because the VELAN was going, or aborted by the unbind. */
            assert_int_not_equal(a->Final, NDIS_STATUS_SUCCESS);
            pended += a->First == NDIS_STATUS_PENDING;
            aborted += a->Final == NDIS_STATUS_REQUEST_ABORTED;
            relayed += a->Final == NDIS_STATUS_NOT_SUPPORTED;
            closing += a->Final == NDIS_STATUS_CLOSING;
        }
        /* The VELANs went with the lower adapter, UP's bindings with them. */
        assert_int_equal(UpCount(), 0);
        assert_null(NkHostFindAdapter(VELAN(L"1")));
        assert_null(NkHostFindAdapter(VELAN(L"2")));
        assert_int_equal(QueryVelans(NULL, 0), 0);
        Unload();
        CheckLeaks();
    }
    printf("OIDs racing unbind: %llu seeds, %lu issued, %lu pended, %lu aborted, %lu relayed, %lu refused "
           "(closing), %.2f s\n",
           (unsigned long long)seeds, (unsigned long)issued, (unsigned long)pended, (unsigned long)aborted,
           (unsigned long)relayed, (unsigned long)closing, Now() - t0);
}

/* ---- 3. a VELAN added and one removed under traffic -------------------------- */

static const VELAN_SPEC After[] = {
    {VELAN_GUID(L"2"), 10, L"02-AA-00-00-00-0A"},
    {VELAN_GUID(L"3"), 20, NULL},
    {VELAN_GUID(L"4"), 40, NULL},
};
static MUX_RECONFIG ExReconfig;

static VOID NTAPI Reconfigure(PVOID Context)
{
    (void)Context;
    /* VELAN 1 goes, VELAN 4 comes; its start is queued for NDIS's thread. */
    assert_int_equal(NkHostIndicatePnpEvent(F.Lower, NetEventReconfigure, &ExReconfig, sizeof(ExReconfig)),
                     STATUS_SUCCESS);
}

static VOID NTAPI ReceiveMix(PVOID Context)
{
    static const ULONG vlans[BURST] = {10, 0, 40, 20};
    UCHAR frame[100];
    (void)Context;
    for (int i = 0; i < BURST; i++) {
        /* Broadcasts to the staying, the going and the coming VELAN. */
        Frame(frame, Broadcast, Peer, vlans[i] != 0, vlans[i], 0, vlans[i] != 0 ? 64 : 60, (UCHAR)(30 + i));
        ExInjected += NkHostAdapterInject(F.Lower, frame, vlans[i] != 0 ? 64 : 60, (i & 1) != 0) ==
                      STATUS_SUCCESS;
    }
}

/* NDIS's bind thread: VELAN 4's start and UP's bind to it, if queued yet. */
static VOID NTAPI DeliverQueued(PVOID Context)
{
    (void)Context;
    NkHostWaitBinds();
}

static void test_explore_reconfigure_under_traffic(void **state)
{
    NK_HOST_ACTION *const actions[] = {Reconfigure, SendBurst, ReceiveMix, DeliverQueued};
    MUX_VELAN_INFO infos[4];
    LONG sent = 0;
    ULONG64 seeds = 0;
    double t0 = Now();
    (void)state;
    memset(&ExReconfig, 0, sizeof(ExReconfig));
    ExReconfig.Version = MUX_RECONFIG_VERSION;
    ExReconfig.Operation = MUX_RECONFIG_ADD;
    memcpy(ExReconfig.InstanceName, VELAN(L"4"), sizeof(VELAN(L"4")));
    for (ULONG64 seed = 0; NkHostNextSeed(&seed, MUX_SEEDS); seeds++) {
        UPB *v40;
        Load(Three, 3, NULL);
        SeedVelan(&After[2]);
        SeedUpperBindings(After, RTL_NUMBER_OF(After));
        ExV10 = UpFind(VELAN(L"2"));
        assert_non_null(ExV10);
        ExSent = ExInjected = 0;
        NkHostRunInterleaved(seed, actions, NULL, RTL_NUMBER_OF(actions), NULL);
        NkHostWaitBinds(); /* what the actions left queued */
        assert_true(WaitAdapter(VELAN(L"4"), TRUE));
        assert_true(WaitAdapter(VELAN(L"1"), FALSE));
        NkHostWaitBinds(); /* UP's bind to VELAN 4 */
        assert_null(UpFind(VELAN(L"1")));
        v40 = UpFind(VELAN(L"4"));
        assert_non_null(v40);
        assert_int_equal(QueryVelans(infos, 4), 3);
        assert_int_equal(InfoOf(infos, 3, VELAN(L"4"))->VlanId, 40);
        assert_int_equal(InfoOf(infos, 3, VELAN(L"4"))->State, MUX_VELAN_STATE_RUNNING);
        assert_null(InfoOf(infos, 3, VELAN(L"1")));
        /* VELAN 10 was not disturbed: each send completed once, each
         * success transmitted. */
        assert_int_equal(LOAD(ExV10->SendsCompleted), ExSent);
        assert_int_equal(DrainCaptured(), ExSent - LOAD(ExV10->SendsFailed));
        assert_int_equal(ExSent, BURST);
        assert_int_equal(LOAD(ExV10->SendsFailed), 0);
        assert_int_equal(LOAD(ExV10->Received), 1);
        /* The new VELAN works. */
        {
            UCHAR frame[100];
            LONG before = LOAD(v40->Received);
            Frame(frame, Broadcast, Peer, TRUE, 40, 0, 64, 40);
            assert_int_equal(NkHostAdapterInject(F.Lower, frame, 64, FALSE), STATUS_SUCCESS);
            assert_true(WaitCount(&v40->Received, before + 1));
        }
        sent += ExSent;
        Unload();
        CheckLeaks();
    }
    printf("reconfigure under traffic: %llu seeds, %ld sends, %.2f s\n", (unsigned long long)seeds, (long)sent,
           Now() - t0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_explore_traffic_racing_pause),
        cmocka_unit_test(test_explore_oid_racing_unbind),
        cmocka_unit_test(test_explore_reconfigure_under_traffic),
    };
    /* MUX_TEST=pattern runs only the matching tests (cmocka's filter). */
    if (getenv("MUX_TEST") != NULL)
        cmocka_set_test_filter(getenv("MUX_TEST"));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
