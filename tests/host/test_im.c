/*
 * test_im.c - intermediate drivers' virtual miniports (host/ndis/im.c): the
 * test miniport (nkminiport.c) registered with NDIS_INTERMEDIATE_DRIVER,
 * its instances started with NdisIMInitializeDeviceInstanceEx on NDIS's
 * thread (and cancelled before they start), the device context reaching
 * MiniportInitializeEx and the protocols above (NdisIMGetBindingContext),
 * NdisIMDeInitializeDeviceInstance, the instance's configuration, the
 * verifier's rules, an explorer scenario (registration, instance start
 * and its cancellation racing) and an allocation-failure sweep.
 */
#include "nkminiport.h"
#include "mpproto.h"
#include <nkhost.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#define VELAN L"\\Device\\{NK-VELAN-1}"

static MP_PROTO P1;
static int ImContext; /* the IM's device context: its address is what matters */
static NDIS_STRING Velan = RTL_CONSTANT_STRING(VELAN);
static const UCHAR Broadcast[60] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 0x09, 0x08, 0x00};

static int Setup(void **state)
{
    (void)state;
    NkHostReset();
    NkmLast = NULL;
    NkmHalts = 0;
    NkmPendOids = NkmPendSends = NkmLoopback = NkmBrokenPause = NkmPendRestart = FALSE;
    NkmIndicateWhilePaused = FALSE;
    NkmInitStatus = NDIS_STATUS_SUCCESS;
    NkmSkipAttributes = 0;
    NkmReadNetworkAddress = FALSE;
    NkmInitCallsSetAttributesTwice = FALSE;
    NkmDeinitInInit = FALSE;
    memset(&P1, 0, sizeof(P1));
    return 0;
}

static void test_instance_lifecycle(void **state)
{
    static const WCHAR address[] = L"02:aa:bb:cc:dd:01";
    static const UCHAR want[6] = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0x01};
    NK_HOST_ADAPTER *a;
    (void)state;
    assert_int_equal(NkHostRegistrySetValue(NK_HOST_NET_CLASS_KEY L"\\{NK-VELAN-1}", L"NetworkAddress", REG_SZ,
                                            address, sizeof(address)),
                     STATUS_SUCCESS);
    NkmReadNetworkAddress = TRUE;
    assert_int_equal(NkmRegister(L"NKIM", NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2, TRUE),
                     NDIS_STATUS_SUCCESS);
    assert_int_equal(MpRegister(&P1, L"MPA", NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST),
                     NDIS_STATUS_SUCCESS);
    NdisIMAssociateMiniport(NkmDriver, P1.Handle);
    assert_int_equal(NdisIMInitializeDeviceInstanceEx(NkmDriver, &Velan, &ImContext), NDIS_STATUS_SUCCESS);
    NkHostWaitBinds(); /* the start is NDIS's, on its own thread */
    a = NkHostFindAdapter(VELAN);
    assert_non_null(a);
    assert_non_null(NkmLast);
    assert_ptr_equal(NkmLast->DeviceContext, &ImContext);
    assert_memory_equal(NkmLast->Mac, want, 6);
    /* The protocol above sees the IM's context for its binding. */
    assert_non_null(P1.Open);
    assert_ptr_equal(P1.Open->ImContext, &ImContext);
    assert_memory_equal(P1.Open->Mac, want, 6);
    assert_true(MpSend(&P1, Broadcast, sizeof(Broadcast)));
    assert_int_equal(P1.Open->SendsCompleted, 1);
    assert_true(NkmIndicate(NkmLast, Broadcast, sizeof(Broadcast), 2, FALSE));
    assert_int_equal(P1.Open->Received, 2);
    /* A second instance name that is taken never starts. */
    assert_int_equal(NdisIMInitializeDeviceInstanceEx(NkmDriver, &Velan, NULL), NDIS_STATUS_SUCCESS);
    NkHostWaitBinds();
    assert_ptr_equal(NkHostFindAdapter(VELAN), a);
    /* Torn down: the protocol unbound, the miniport paused and halted. */
    assert_int_equal(NdisIMDeInitializeDeviceInstance(NkmLast->Handle), NDIS_STATUS_SUCCESS);
    assert_null(P1.Open);
    assert_int_equal(NkmHalts, 1);
    assert_int_equal(NkmLastHaltAction, NdisHaltDeviceInstanceDeInitialized);
    assert_null(NkHostFindAdapter(VELAN));
    MpDeregister(&P1);
    NkmDeregister();
    assert_int_equal(NkHostCheckLeaks(), 0);
}

static void test_cancel_before_start(void **state)
{
    (void)state;
    assert_int_equal(NkmRegister(L"NKIM", NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1, TRUE),
                     NDIS_STATUS_SUCCESS);
    NkHostHoldBinds(TRUE); /* NDIS's thread busy elsewhere: the start waits */
    assert_int_equal(NdisIMInitializeDeviceInstanceEx(NkmDriver, &Velan, &ImContext), NDIS_STATUS_SUCCESS);
    assert_null(NkHostFindAdapter(VELAN));
    assert_int_equal(NdisIMCancelInitializeDeviceInstance(NkmDriver, &Velan), NDIS_STATUS_SUCCESS);
    assert_int_equal(NdisIMCancelInitializeDeviceInstance(NkmDriver, &Velan), NDIS_STATUS_FAILURE);
    NkHostHoldBinds(FALSE);
    NkHostWaitBinds();
    assert_null(NkHostFindAdapter(VELAN));
    assert_null(NkmLast);
    /* Once started it can no longer be cancelled. */
    assert_int_equal(NdisIMInitializeDeviceInstanceEx(NkmDriver, &Velan, &ImContext), NDIS_STATUS_SUCCESS);
    NkHostWaitBinds();
    assert_non_null(NkHostFindAdapter(VELAN));
    assert_int_equal(NdisIMCancelInitializeDeviceInstance(NkmDriver, &Velan), NDIS_STATUS_FAILURE);
    /* Deregistration halts it, and drops a start still queued. */
    NkHostHoldBinds(TRUE);
    {
        NDIS_STRING other = RTL_CONSTANT_STRING(L"\\Device\\{NK-VELAN-2}");
        assert_int_equal(NdisIMInitializeDeviceInstanceEx(NkmDriver, &other, NULL), NDIS_STATUS_SUCCESS);
    }
    NkmDeregister();
    NkHostHoldBinds(FALSE);
    NkHostWaitBinds();
    assert_int_equal(NkmHalts, 1);
    assert_null(NkHostFindAdapter(L"\\Device\\{NK-VELAN-2}"));
    assert_int_equal(NkHostCheckLeaks(), 0);
}

static void test_rules(void **state)
{
    NK_HOST_ADAPTER *a, *plain;
    static const UCHAR mac[6] = {0x02, 0, 0, 0, 0, 0x77};
    (void)state;
    NkHostExpectViolations();
    /* A physical miniport has no IM routines. */
    assert_int_equal(NkmRegister(L"NKMP", NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2, FALSE),
                     NDIS_STATUS_SUCCESS);
    assert_int_equal(NdisIMInitializeDeviceInstanceEx(NkmDriver, &Velan, NULL), NDIS_STATUS_FAILURE);
    assert_int_equal(NkHostViolationCountOf("ndis.im.not-intermediate"), 1);
    assert_int_equal(MpRegister(&P1, L"MPA", NDIS_PACKET_TYPE_BROADCAST), NDIS_STATUS_SUCCESS);
    assert_int_equal(NkHostStartMiniport(L"NKMP", VELAN, &a), STATUS_SUCCESS);
    assert_null(P1.Open->ImContext); /* not a virtual miniport */
    assert_int_equal(NdisIMDeInitializeDeviceInstance(NkmLast->Handle), NDIS_STATUS_FAILURE);
    assert_int_equal(NkHostViolationCountOf("ndis.im.not-intermediate"), 2);
    NkHostRemoveAdapter(a);
    assert_int_equal(NkHostAddAdapter(L"\\Device\\{NK-PLAIN}", mac, 1500, &plain), STATUS_SUCCESS);
    assert_null(P1.Open->ImContext);
    assert_null(NdisIMGetBindingContext(P1.Open->Binding));
    NkHostRemoveAdapter(plain);
    NkmDeregister();

    /* An IM tearing its instance down from its own initialization. */
    assert_int_equal(NkmRegister(L"NKIM", NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2, TRUE),
                     NDIS_STATUS_SUCCESS);
    NkmDeinitInInit = TRUE;
    assert_int_equal(NdisIMInitializeDeviceInstanceEx(NkmDriver, &Velan, NULL), NDIS_STATUS_SUCCESS);
    NkHostWaitBinds();
    assert_int_equal(NkmDeinitStatus, NDIS_STATUS_FAILURE);
    assert_int_equal(NkHostViolationCountOf("ndis.miniport.halt-not-paused"), 1);
    assert_non_null(NkHostFindAdapter(VELAN)); /* nothing was torn down */
    NkmDeinitInInit = FALSE;
    assert_int_equal(NdisIMDeInitializeDeviceInstance(NkmLast->Handle), NDIS_STATUS_SUCCESS);
    MpDeregister(&P1);
    NkmDeregister();
    assert_int_equal(NkHostCheckLeaks(), 0);
}

/* ---- the explorer: registration, instance start and cancel racing ---------------------------- */

static NDIS_STATUS CancelStatus;

static VOID NTAPI StartInstance(PVOID Context)
{
    (void)Context;
    assert_int_equal(NdisIMInitializeDeviceInstanceEx(NkmDriver, &Velan, &ImContext), NDIS_STATUS_SUCCESS);
    NkHostWaitBinds(); /* delivered here, or by another action's wait */
}

static VOID NTAPI RegisterProtocol(PVOID Context)
{
    (void)Context;
    assert_int_equal(MpRegister(&P1, L"MPA", NDIS_PACKET_TYPE_BROADCAST), NDIS_STATUS_SUCCESS);
}

static VOID NTAPI CancelInstance(PVOID Context)
{
    (void)Context;
    CancelStatus = NdisIMCancelInitializeDeviceInstance(NkmDriver, &Velan);
}

static void test_explore_start_racing_registration_and_cancel(void **state)
{
    NK_HOST_ACTION *const actions[] = {StartInstance, RegisterProtocol, CancelInstance};
    ULONG cancelled = 0, started = 0;
    (void)state;
    for (ULONG64 seed = 0; NkHostNextSeed(&seed, 300);) {
        NK_HOST_ADAPTER *a;
        Setup(NULL);
        assert_int_equal(NkmRegister(L"NKIM", NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2, TRUE),
                         NDIS_STATUS_SUCCESS);
        CancelStatus = NDIS_STATUS_PENDING;
        NkHostRunInterleaved(seed, actions, NULL, 3, NULL);
        NkHostWaitBinds(); /* what the actions left queued */
        a = NkHostFindAdapter(VELAN);
        if (CancelStatus == NDIS_STATUS_SUCCESS) {
            /* Cancelled while queued: it never started. */
            assert_null(a);
            assert_null(P1.Open);
            cancelled++;
        } else {
            /* Started: the protocol is bound to it whichever came first. */
            assert_int_equal(CancelStatus, NDIS_STATUS_FAILURE);
            assert_non_null(a);
            assert_non_null(P1.Open);
            assert_ptr_equal(P1.Open->ImContext, &ImContext);
            assert_int_equal(NdisIMDeInitializeDeviceInstance(NkmLast->Handle), NDIS_STATUS_SUCCESS);
            started++;
        }
        MpDeregister(&P1);
        NkmDeregister();
        assert_int_equal(NkHostCheckLeaks(), 0);
        assert_int_equal(NkHostViolationCount(), 0);
    }
    /* Both outcomes happen (unless a single seed was replayed). */
    if (cancelled + started > 1) {
        assert_true(cancelled > 0);
        assert_true(started > 0);
    }
}

/* ---- allocation failures over instance start ------------------------------------------------ */

static void test_start_allocation_failure_sweep(void **state)
{
    ULONG64 n;
    ULONG failed = 0;
    (void)state;
    for (n = 1;; n++) {
        NDIS_STATUS status;
        ULONG64 before;
        NK_HOST_ADAPTER *a;
        Setup(NULL);
        assert_int_equal(NkmRegister(L"NKIM", NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2, TRUE),
                         NDIS_STATUS_SUCCESS);
        assert_int_equal(MpRegister(&P1, L"MPA", NDIS_PACKET_TYPE_BROADCAST), NDIS_STATUS_SUCCESS);
        before = NkHostFaultSiteCount(NkFaultPoolAllocation);
        NkHostFailNth(NkFaultPoolAllocation, n);
        status = NdisIMInitializeDeviceInstanceEx(NkmDriver, &Velan, &ImContext);
        NkHostWaitBinds();
        NkHostFailNth(NkFaultPoolAllocation, 0);
        a = NkHostFindAdapter(VELAN);
        if (status != NDIS_STATUS_SUCCESS || a == NULL) {
            failed++;
            assert_null(a);
        } else {
            assert_int_equal(NdisIMDeInitializeDeviceInstance(NkmLast->Handle), NDIS_STATUS_SUCCESS);
        }
        MpDeregister(&P1);
        NkmDeregister();
        assert_int_equal(NkHostCheckLeaks(), 0);
        if (NkHostFaultSiteCount(NkFaultPoolAllocation) - before < n)
            break;
    }
    assert_true(failed > 0);
    assert_true(n > 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_instance_lifecycle, Setup),
        cmocka_unit_test_setup(test_cancel_before_start, Setup),
        cmocka_unit_test_setup(test_rules, Setup),
        cmocka_unit_test_setup(test_explore_start_racing_registration_and_cancel, Setup),
        cmocka_unit_test_setup(test_start_allocation_failure_sweep, Setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
