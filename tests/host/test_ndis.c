/*
 * test_ndis.c - the host kernel's NDIS 6 protocol side, driven by a small
 * protocol written only with WDK names (it uses ndiskit's MDL helpers to
 * copy frames): registration and binding to in-memory adapters, bind
 * parameters, OIDs, sends captured byte-exact, receives with and without
 * NDIS_RECEIVE_FLAGS_RESOURCES, pause/restart, unbind and deregistration,
 * and the verifier's NDIS rules.
 */
#include "nkproto.h"
#include <nkhost.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

static const UCHAR Mac[6] = {0x02, 0x00, 0x5e, 0x10, 0x20, 0x30};

static int Setup(void **state)
{
    (void)state;
    NkHostReset();
    Open = NULL;
    KeepReceives = FALSE;
    return 0;
}

static void test_bind_oids_unbind(void **state)
{
    NK_HOST_ADAPTER *a;
    (void)state;

    Register();                                        /* no adapter yet: no bind */
    assert_null(Open);
    assert_int_equal(NkHostAddAdapter(L"\\DEVICE\\{NK-TEST-0}", Mac, 1500, &a), STATUS_SUCCESS);
    assert_non_null(Open);                             /* bound on arrival */
    assert_memory_equal(Open->Mac, Mac, 6);
    assert_int_equal(Open->Mtu, 1500);
    assert_int_equal(NkHostAdapterPacketFilter(a), NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST);
    {
        UCHAR small[2];
        assert_int_equal(Oid(Open, NdisRequestQueryInformation, OID_802_3_CURRENT_ADDRESS, small, 2),
                         NDIS_STATUS_BUFFER_TOO_SHORT);
    }
    NkHostRemoveAdapter(a);                            /* unbinds */
    assert_null(Open);
    NdisDeregisterProtocolDriver(Protocol);
    assert_int_equal(NkHostCheckLeaks(), 0);
}

/* A protocol binding's configuration is its per-adapter key below the
 * protocol's service key, ...\Services\<Name>\Parameters\Adapters\<the
 * adapter's GUID>, in the one registry: what the test seeds there with
 * NkHostRegistrySetValue is what NdisReadConfiguration returns (a REG_SZ
 * parsed as decimal or hex as asked), the protocol's own key is another
 * key, and NdisWriteConfiguration lands where the test can read it. */
#define NKTEST_PARAMS L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\NKTEST\\Parameters"
#define NKTEST_BINDING NKTEST_PARAMS L"\\Adapters\\{NK-TEST-CFG}"

static void test_binding_configuration(void **state)
{
    static const WCHAR mtu[] = L"1400", mask[] = L"ff00";
    static const ULONG global = 7;
    NDIS_STRING vMtu = RTL_CONSTANT_STRING(L"MTU"), vMask = RTL_CONSTANT_STRING(L"Mask"),
                vGlobal = RTL_CONSTANT_STRING(L"Global"), vWritten = RTL_CONSTANT_STRING(L"Written");
    NDIS_CONFIGURATION_OBJECT o;
    NDIS_CONFIGURATION_PARAMETER w;
    PNDIS_CONFIGURATION_PARAMETER p;
    NDIS_HANDLE h;
    NDIS_STATUS s;
    NK_HOST_ADAPTER *a;
    ULONG type, value = 0, length;
    (void)state;

    assert_int_equal(NkHostRegistrySetValue(NKTEST_BINDING, L"Mtu", REG_SZ, mtu, sizeof(mtu)), STATUS_SUCCESS);
    assert_int_equal(NkHostRegistrySetValue(NKTEST_BINDING, L"Mask", REG_SZ, mask, sizeof(mask)), STATUS_SUCCESS);
    assert_int_equal(NkHostRegistrySetValue(NKTEST_PARAMS, L"Global", REG_DWORD, &global, sizeof(global)),
                     STATUS_SUCCESS);
    Register();
    assert_int_equal(NkHostAddAdapter(L"\\DEVICE\\{NK-TEST-CFG}", Mac, 1500, &a), STATUS_SUCCESS);
    assert_non_null(Open);

    memset(&o, 0, sizeof(o));
    o.Header.Type = NDIS_OBJECT_TYPE_CONFIGURATION_OBJECT;
    o.Header.Revision = NDIS_CONFIGURATION_OBJECT_REVISION_1;
    o.Header.Size = NDIS_SIZEOF_CONFIGURATION_OBJECT_REVISION_1;
    o.NdisHandle = Open->Binding;
    assert_int_equal(NdisOpenConfigurationEx(&o, &h), NDIS_STATUS_SUCCESS);
    NdisReadConfiguration(&s, &p, h, &vMtu, NdisParameterInteger);
    assert_int_equal(s, NDIS_STATUS_SUCCESS);
    assert_int_equal(p->ParameterType, NdisParameterInteger);
    assert_int_equal(p->ParameterData.IntegerData, 1400);         /* decimal */
    NdisReadConfiguration(&s, &p, h, &vMask, NdisParameterHexInteger);
    assert_int_equal(s, NDIS_STATUS_SUCCESS);
    assert_int_equal(p->ParameterData.IntegerData, 0xff00);       /* hex */
    NdisReadConfiguration(&s, &p, h, &vMask, NdisParameterInteger);
    assert_int_equal(s, NDIS_STATUS_FAILURE);                     /* "ff00" is no decimal */
    NdisReadConfiguration(&s, &p, h, &vGlobal, NdisParameterInteger);
    assert_int_equal(s, NDIS_STATUS_FAILURE);                     /* the protocol's key, not this one */
    w.ParameterType = NdisParameterInteger;
    w.ParameterData.IntegerData = 99;
    NdisWriteConfiguration(&s, h, &vWritten, &w);
    assert_int_equal(s, NDIS_STATUS_SUCCESS);
    NdisCloseConfiguration(h);
    assert_int_equal(NkHostRegistryQueryValue(NKTEST_BINDING, L"Written", &type, &value, sizeof(value), &length),
                     STATUS_SUCCESS);
    assert_int_equal(type, REG_DWORD);
    assert_int_equal(value, 99);

    o.NdisHandle = Protocol;                                      /* the protocol's Parameters key */
    assert_int_equal(NdisOpenConfigurationEx(&o, &h), NDIS_STATUS_SUCCESS);
    NdisReadConfiguration(&s, &p, h, &vGlobal, NdisParameterInteger);
    assert_int_equal(s, NDIS_STATUS_SUCCESS);
    assert_int_equal(p->ParameterData.IntegerData, 7);
    NdisCloseConfiguration(h);

    NkHostRemoveAdapter(a);
    NdisDeregisterProtocolDriver(Protocol);
    assert_int_equal(NkHostCheckLeaks(), 0);
    assert_int_equal(NkHostViolationCount(), 0);
}

/* NdisUnbindAdapter: the unbind comes later from NDIS's thread, never
 * inside the call; NdisReEnumerateProtocolBindings binds again; a direct
 * OID completes inline. */
static void test_unbind_request_and_reenumerate(void **state)
{
    NK_HOST_ADAPTER *a;
    NDIS_OID_REQUEST r;
    ULONG mtu = 0;
    (void)state;

    assert_int_equal(NkHostAddAdapter(L"\\DEVICE\\{NK-TEST-U}", Mac, 1500, &a), STATUS_SUCCESS);
    Register();
    assert_non_null(Open);
    memset(&r, 0, sizeof(r));
    r.Header.Type = NDIS_OBJECT_TYPE_OID_REQUEST;
    r.Header.Revision = NDIS_OID_REQUEST_REVISION_1;
    r.Header.Size = NDIS_SIZEOF_OID_REQUEST_REVISION_1;
    r.RequestType = NdisRequestQueryInformation;
    r.DATA.QUERY_INFORMATION.Oid = OID_GEN_MAXIMUM_FRAME_SIZE;
    r.DATA.QUERY_INFORMATION.InformationBuffer = &mtu;
    r.DATA.QUERY_INFORMATION.InformationBufferLength = sizeof(mtu);
    assert_int_equal(NdisDirectOidRequest(Open->Binding, &r), NDIS_STATUS_SUCCESS);
    assert_int_equal(mtu, 1500);
    NdisCancelDirectOidRequest(Open->Binding, &r); /* nothing pending: nothing happens */

    assert_int_equal(NdisUnbindAdapter(Open->Binding), NDIS_STATUS_PENDING);
    NkHostWaitBinds();
    assert_null(Open);
    NdisReEnumerateProtocolBindings(Protocol);
    NkHostWaitBinds();
    assert_non_null(Open);
    NdisReEnumerateProtocolBindings(Protocol);     /* bound already: nothing new */
    NkHostWaitBinds();
    NdisDeregisterProtocolDriver(Protocol);
    assert_null(Open);
    NkHostRemoveAdapter(a);
    assert_int_equal(NkHostCheckLeaks(), 0);
    assert_int_equal(NkHostViolationCount(), 0);
}

/* NkHostHoldBinds, as `ndiskit host run` uses it around DriverEntry: a
 * registration's binds wait until the hold is released, and then come. */
static void test_binds_held_until_released(void **state)
{
    NK_HOST_ADAPTER *a;
    (void)state;

    assert_int_equal(NkHostAddAdapter(L"\\DEVICE\\{NK-TEST-H}", Mac, 1500, &a), STATUS_SUCCESS);
    NkHostHoldBinds(TRUE);
    assert_int_equal(RegisterEx(FALSE, FALSE), NDIS_STATUS_SUCCESS);
    assert_null(Open);                                 /* queued, held */
    NkHostHoldBinds(FALSE);
    NkHostWaitBinds();
    assert_non_null(Open);
    NdisDeregisterProtocolDriver(Protocol);
    NkHostRemoveAdapter(a);
    assert_int_equal(NkHostCheckLeaks(), 0);
    assert_int_equal(NkHostViolationCount(), 0);
}

/* Pended open and close: ProtocolOpenAdapterCompleteEx runs on another
 * thread while ProtocolBindAdapterEx waits for it (the design notes'
 * reason to think NDIS uses separate threads for the two), and the new
 * binding is Paused until NDIS restarts it. */
static void test_pended_open_and_close(void **state)
{
    NK_HOST_ADAPTER *a;
    UCHAR frame[60];
    (void)state;

    memset(frame, 0x5A, sizeof(frame));
    memcpy(frame, Mac, 6);
    assert_int_equal(NkHostAddAdapter(L"\\DEVICE\\{NK-TEST-P}", Mac, 1500, &a), STATUS_SUCCESS);
    NkHostSetAdapterPendOpens(a, TRUE);
    Register();
    assert_non_null(Open);                             /* the bind waited for the completion */
    assert_int_equal(Open->OpenStatus, NDIS_STATUS_SUCCESS);
    assert_ptr_not_equal(Open->OpenCompletedOn, PsGetCurrentThreadId());
    assert_false(Open->Paused);                        /* restarted after the bind */
    assert_true(Send(frame, 60));                      /* running: sends are fine */
    assert_int_equal(NkHostAdapterInject(a, frame, 60, FALSE), STATUS_SUCCESS);
    assert_int_equal(Open->Received, 1);
    NdisDeregisterProtocolDriver(Protocol);            /* the close pends too */
    assert_null(Open);
    NkHostRemoveAdapter(a);
    assert_int_equal(NkHostCheckLeaks(), 0);
    assert_int_equal(NkHostViolationCount(), 0);
}

static BOOLEAN WaitReceived(LONG N)
{
    for (int i = 0; i < 2000 && InterlockedCompareExchange(&TotalReceived, 0, 0) < N; i++) {
        LARGE_INTEGER t = {.QuadPart = -10000}; /* 1 ms */
        KeDelayExecutionThread(KernelMode, FALSE, &t);
    }
    return InterlockedCompareExchange(&TotalReceived, 0, 0) >= N;
}

/* Wires: a loopback adapter gives a protocol its own frames back; a pair
 * carries one adapter's sends to the other's receive path. */
static void test_wires(void **state)
{
    static const UCHAR MacB[6] = {0x02, 0x00, 0x5e, 0x10, 0x20, 0x31};
    NK_HOST_ADAPTER *a, *b;
    UCHAR frame[60], got[64];
    OPEN *first;
    (void)state;

    memset(frame, 0x77, sizeof(frame));
    memcpy(frame, Mac, 6);
    TotalReceived = 0;
    assert_int_equal(NkHostAddAdapter(L"\\DEVICE\\{NK-WIRE-A}", Mac, 1500, &a), STATUS_SUCCESS);
    assert_int_equal(NkHostConnectAdapters(a, a), STATUS_SUCCESS);
    Register();
    first = Open;
    assert_true(Send(frame, 60));
    assert_true(WaitReceived(1));
    assert_int_equal(first->Received, 1);
    assert_memory_equal(first->LastFrame, frame, 60);
    assert_int_equal(NkHostAdapterCapture(a, got, sizeof(got)), 0); /* on the wire, not captured */

    /* A second adapter joined to the first: B's sends arrive at A. */
    assert_int_equal(NkHostAddAdapter(L"\\DEVICE\\{NK-WIRE-B}", MacB, 1500, &b), STATUS_SUCCESS);
    assert_ptr_not_equal(Open, first);                 /* the protocol bound B too */
    assert_int_equal(NkHostConnectAdapters(a, b), STATUS_SUCCESS);
    assert_true(Send(frame, 60));                      /* on B */
    assert_true(WaitReceived(2));
    assert_int_equal(first->Received, 2);
    assert_int_equal(Open->Received, 0);

    /* Other PnP events reach the bound bindings with their buffer. */
    {
        NET_DEVICE_POWER_STATE d3 = NetDeviceStateD3;
        assert_int_equal(NkHostIndicatePnpEvent(b, NetEventSetPower, &d3, sizeof(d3)), STATUS_SUCCESS);
        assert_int_equal(Open->LastPnpEvent, NetEventSetPower);
        assert_int_equal(Open->LastPnpBufferLength, sizeof(d3));
    }
    NkHostRemoveAdapter(b);                            /* cuts the wire */
    NkHostRemoveAdapter(a);
    NdisDeregisterProtocolDriver(Protocol);
    assert_int_equal(NkHostCheckLeaks(), 0);
    assert_int_equal(NkHostViolationCount(), 0);
}

static void test_send_and_receive(void **state)
{
    NK_HOST_ADAPTER *a;
    UCHAR frame[60], got[2000];
    (void)state;

    for (int i = 0; i < 60; i++)
        frame[i] = (UCHAR)(i + 1);
    memcpy(frame, Mac, 6); /* to the adapter: the open's DIRECTED filter accepts it */
    assert_int_equal(NkHostAddAdapter(L"\\DEVICE\\{NK-TEST-1}", Mac, 1500, &a), STATUS_SUCCESS);
    Register();                                        /* binds to the existing adapter */
    assert_non_null(Open);

    assert_true(Send(frame, 60));
    assert_int_equal(Open->SendsCompleted, 1);
    assert_int_equal(NkHostAdapterCapture(a, got, sizeof(got)), 60);
    assert_memory_equal(got, frame, 60);
    assert_int_equal(NkHostAdapterCapture(a, got, sizeof(got)), 0);

    assert_int_equal(NkHostAdapterInject(a, frame, 60, FALSE), STATUS_SUCCESS);
    assert_int_equal(Open->Received, 1);
    assert_int_equal(Open->LastLength, 60);
    assert_memory_equal(Open->LastFrame, frame, 60);
    assert_int_equal(NkHostAdapterInject(a, frame, 14, TRUE), STATUS_SUCCESS);  /* RESOURCES: copied only */
    assert_int_equal(Open->Received, 2);
    assert_int_equal(NkHostAdapterInject(a, frame, 13, FALSE), STATUS_INVALID_BUFFER_SIZE);

    KeepReceives = TRUE;                               /* keep one: returned at unbind */
    assert_int_equal(NkHostAdapterInject(a, frame, 60, FALSE), STATUS_SUCCESS);
    assert_non_null(Open->Kept);

    /* Paused: nothing is indicated. */
    assert_int_equal(NkHostPauseAdapter(a), NDIS_STATUS_SUCCESS);
    assert_int_equal(NkHostAdapterInject(a, frame, 60, FALSE), STATUS_SUCCESS);
    assert_int_equal(Open->Received, 3);
    assert_int_equal(NkHostRestartAdapter(a), NDIS_STATUS_SUCCESS);

    NdisDeregisterProtocolDriver(Protocol);            /* unbinds first */
    assert_null(Open);
    NkHostRemoveAdapter(a);
    assert_int_equal(NkHostCheckLeaks(), 0);
}

static void test_verifier_rules(void **state)
{
    NK_HOST_ADAPTER *a;
    UCHAR frame[60] = {0};
    PNET_BUFFER_LIST kept;
    (void)state;

    assert_int_equal(NkHostAddAdapter(L"\\DEVICE\\{NK-TEST-2}", Mac, 1500, &a), STATUS_SUCCESS);
    Register();
    NkHostExpectViolations();
    memcpy(frame, Mac, 6);

    KeepReceives = TRUE;
    NkHostAdapterInject(a, frame, 60, FALSE);
    kept = Open->Kept;
    Open->Kept = NULL;
    NdisReturnNetBufferLists(Open->Binding, kept, 0);
    NdisReturnNetBufferLists(Open->Binding, kept, 0);  /* returned twice */
    assert_int_equal(NkHostViolationCountOf("ndis.return-not-owned"), 1);

    NkHostPauseAdapter(a);
    Send(frame, 60);                                   /* while paused */
    assert_int_equal(NkHostViolationCountOf("ndis.send-while-paused"), 1);
    NkHostRestartAdapter(a);

    NkHostCheckLeaks();                                /* still registered */
    assert_int_equal(NkHostViolationCountOf("ndis.protocol-leak"), 1);
    NdisDeregisterProtocolDriver(Protocol);
    NkHostRemoveAdapter(a);
}

static void InitOid(PNDIS_OID_REQUEST r, PVOID Id, PVOID Buffer, ULONG Length)
{
    memset(r, 0, sizeof(*r));
    r->Header.Type = NDIS_OBJECT_TYPE_OID_REQUEST;
    r->Header.Revision = NDIS_OID_REQUEST_REVISION_1;
    r->Header.Size = NDIS_SIZEOF_OID_REQUEST_REVISION_1;
    r->RequestType = NdisRequestQueryInformation;
    r->RequestId = Id;
    r->DATA.QUERY_INFORMATION.Oid = OID_802_3_CURRENT_ADDRESS;
    r->DATA.QUERY_INFORMATION.InformationBuffer = Buffer;
    r->DATA.QUERY_INFORMATION.InformationBufferLength = Length;
}

static void test_async_oids_and_status(void **state)
{
    NK_HOST_ADAPTER *a;
    NDIS_OID_REQUEST r1, r2, r3;
    UCHAR mac1[6], mac2[6], mac3[6];
    NDIS_LINK_STATE ls;
    (void)state;

    assert_int_equal(NkHostAddAdapter(L"\\DEVICE\\{NK-TEST-3}", Mac, 1500, &a), STATUS_SUCCESS);
    Register();
    NkHostSetAdapterPendOids(a, TRUE);
    InitOid(&r1, (PVOID)1, mac1, 6);
    InitOid(&r2, (PVOID)2, mac2, 6);
    assert_int_equal(NdisOidRequest(Open->Binding, &r1), NDIS_STATUS_PENDING);
    assert_int_equal(NdisOidRequest(Open->Binding, &r2), NDIS_STATUS_PENDING);
    NdisCancelOidRequest(Open->Binding, (PVOID)2);
    assert_int_equal(Open->OidsCompleted, 1);
    assert_int_equal(Open->LastOidStatus, NDIS_STATUS_REQUEST_ABORTED);
    NdisCancelOidRequest(Open->Binding, (PVOID)99);      /* not pending: ignored */
    assert_int_equal(NkHostCompleteOids(a), 1);
    assert_int_equal(Open->OidsCompleted, 2);
    assert_int_equal(Open->LastOidStatus, NDIS_STATUS_SUCCESS);
    assert_int_equal(r1.DATA.QUERY_INFORMATION.BytesWritten, 6);
    assert_memory_equal(mac1, Mac, 6);

    memset(&ls, 0, sizeof(ls));
    ls.MediaConnectState = MediaConnectStateDisconnected;
    NkHostIndicateStatus(a, NDIS_STATUS_LINK_STATE, &ls, sizeof(ls));
    assert_int_equal(Open->LastStatusCode, NDIS_STATUS_LINK_STATE);

    /* Closing with an OID still pending is a protocol bug NDIS would hang on. */
    InitOid(&r3, (PVOID)3, mac3, 6);
    assert_int_equal(NdisOidRequest(Open->Binding, &r3), NDIS_STATUS_PENDING);
    NkHostExpectViolations();
    NdisDeregisterProtocolDriver(Protocol);
    assert_int_equal(NkHostViolationCountOf("ndis.close-with-oids"), 1);
    NkHostRemoveAdapter(a);
}

/* One whole scenario - register, adapter arrives (bind, open, OIDs), send,
 * receive, adapter leaves, deregister - with each allocation in it failed in
 * turn: every failure must be clean (the bind fails or the frame is lost),
 * with nothing leaked and no verifier report. */
static int Scenario(void)
{
    NK_HOST_ADAPTER *a;
    UCHAR frame[60] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    int bound;

    if (RegisterEx(TRUE, TRUE) != NDIS_STATUS_SUCCESS)
        return 0;
    if (!NT_SUCCESS(NkHostAddAdapter(L"\\DEVICE\\{NK-SWEEP}", Mac, 1500, &a))) {
        NdisDeregisterProtocolDriver(Protocol);
        return 0;
    }
    bound = Open != NULL;
    if (bound) {
        Send(frame, 60);
        NkHostAdapterInject(a, frame, 60, FALSE);
    }
    NdisDeregisterProtocolDriver(Protocol);
    NkHostRemoveAdapter(a);
    return bound;
}

static void test_allocation_failure_sweep(void **state)
{
    ULONG64 sites;
    ULONG failedBinds = 0;
    (void)state;

    NkHostReset();
    assert_true(Scenario());
    assert_int_equal(NkHostCheckLeaks(), 0);
    sites = NkHostFaultSiteCount(NkFaultPoolAllocation);
    assert_true(sites >= 5);
    for (ULONG64 k = 1; k <= sites; k++) {
        NkHostReset();
        NkHostFailNth(NkFaultPoolAllocation, k);
        if (!Scenario())
            failedBinds++;
        assert_int_equal(NkHostCheckLeaks(), 0);
        assert_int_equal(NkHostViolationCount(), 0);
    }
    assert_true(failedBinds > 0);
}

/* The same scenario with each NdisOpenAdapterEx and each OID request
 * failing in turn (NkFaultNdisOpen, NkFaultNdisOid): the bind fails
 * cleanly or the scenario carries on, and nothing leaks either way. */
static void test_open_and_oid_failure_sweep(void **state)
{
    static const NK_FAULT_SITE sites[] = {NkFaultNdisOpen, NkFaultNdisOid};
    (void)state;

    for (ULONG s = 0; s < RTL_NUMBER_OF(sites); s++) {
        ULONG64 count;
        ULONG failedBinds = 0;
        NkHostReset();
        assert_true(Scenario());
        count = NkHostFaultSiteCount(sites[s]);
        assert_true(count >= 1);
        for (ULONG64 k = 1; k <= count; k++) {
            NkHostReset();
            NkHostFailNth(sites[s], k);
            if (!Scenario())
                failedBinds++;
            assert_int_equal(NkHostCheckLeaks(), 0);
            assert_int_equal(NkHostViolationCount(), 0);
        }
        assert_true(failedBinds > 0); /* the first open, and the bind's OIDs, fail the bind */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_bind_oids_unbind, Setup),
        cmocka_unit_test_setup(test_binding_configuration, Setup),
        cmocka_unit_test_setup(test_unbind_request_and_reenumerate, Setup),
        cmocka_unit_test_setup(test_binds_held_until_released, Setup),
        cmocka_unit_test_setup(test_send_and_receive, Setup),
        cmocka_unit_test_setup(test_pended_open_and_close, Setup),
        cmocka_unit_test_setup(test_wires, Setup),
        cmocka_unit_test_setup(test_verifier_rules, Setup),
        cmocka_unit_test_setup(test_allocation_failure_sweep, Setup),
        cmocka_unit_test_setup(test_open_and_oid_failure_sweep, Setup),
        cmocka_unit_test_setup(test_async_oids_and_status, Setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
