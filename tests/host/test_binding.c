/*
 * test_binding.c - the NDIS protocol binding layer (<ndiskit/binding.h>)
 * under the host kernel: the state machine through bind, restart, pause
 * and unbind; sends refused unless running; an unbind that waits for held
 * receives and cancels OID requests in flight; synchronous and pended
 * OIDs with cancellation; pended opens; the allocation-failure sweep; and
 * the interleaving explorer over sends, pause/restart, receives and
 * status indications.
 */
#include <ndiskit/binding.h>
#include <ndiskit/nbl.h>
#include <ndiskit/thread.h>
#include <nkhost.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#define TAG ((ULONG)'tsTB')

static const UCHAR Mac[6] = {0x02, 0x00, 0x5e, 0x42, 0x42, 0x01};

typedef struct {
    UCHAR Mac[6];
    ULONG Filter;
    NDIS_HANDLE Pool;
    volatile LONG Received;
    PNET_BUFFER_LIST Held;          /* a receive kept, returned later */
    NK_BINDING_STATE StateInBound;
    NDIS_STATUS LastStatus;
    volatile LONG Unbound;          /* Unbinding has been called */
} MY_BINDING;

static NK_PROTOCOL Protocol;
static PNK_BINDING Bound;
static BOOLEAN HoldReceives;
/* Status or PnP callbacks that reached the driver after (or while) its
 * Unbinding ran: the layer must never let one through. */
static volatile LONG LateCallbacks;

static NTSTATUS MyBound(PNK_BINDING Binding, PNDIS_BIND_PARAMETERS Parameters)
{
    MY_BINDING *m = NkBindingContext(Binding);
    NET_BUFFER_LIST_POOL_PARAMETERS pp;
    ULONG bytes;
    NDIS_STATUS status;
    (void)Parameters;

    m->StateInBound = NkBindingState(Binding);
    status = NkBindingOid(Binding, NdisRequestQueryInformation, OID_802_3_CURRENT_ADDRESS, m->Mac,
                          sizeof(m->Mac), &bytes);
    if (status != NDIS_STATUS_SUCCESS || bytes != 6)
        return STATUS_UNSUCCESSFUL;
    m->Filter = NDIS_PACKET_TYPE_DIRECTED;
    status = NkBindingOid(Binding, NdisRequestSetInformation, OID_GEN_CURRENT_PACKET_FILTER, &m->Filter,
                          sizeof(m->Filter), NULL);
    if (status != NDIS_STATUS_SUCCESS)
        return STATUS_UNSUCCESSFUL;
    NkNblPoolParametersInit(&pp, TAG);
    m->Pool = NdisAllocateNetBufferListPool(NULL, &pp);
    if (m->Pool == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    Bound = Binding;
    return STATUS_SUCCESS;
}

static VOID MyUnbinding(PNK_BINDING Binding)
{
    MY_BINDING *m = NkBindingContext(Binding);
    InterlockedExchange(&m->Unbound, 1);
    Bound = NULL;
    /* A status callback that entered before the unbind must be out by now:
     * the scheduler may run it here if the layer did not wait for it. */
    for (int i = 0; i < 4; i++) {
        KIRQL irql;
        KSPIN_LOCK l;
        KeInitializeSpinLock(&l);
        KeAcquireSpinLock(&l, &irql);
        KeReleaseSpinLock(&l, irql);
    }
    InterlockedExchange(&m->Unbound, 2);
}

/* Receives handed to another thread, which returns them while more are
 * indicated (test_returns_race_receives). */
#define HANDOFF_SLOTS 64
static BOOLEAN HandOffReceives;
static KSPIN_LOCK HandOffLock;
static PNET_BUFFER_LIST HandOff[HANDOFF_SLOTS];
static ULONG HandOffHead, HandOffTail;

static BOOLEAN HandOffPush(PNET_BUFFER_LIST Nbls)
{
    BOOLEAN pushed = FALSE;
    KIRQL irql;
    KeAcquireSpinLock(&HandOffLock, &irql);
    if (HandOffTail - HandOffHead < HANDOFF_SLOTS) {
        HandOff[HandOffTail++ % HANDOFF_SLOTS] = Nbls;
        pushed = TRUE;
    }
    KeReleaseSpinLock(&HandOffLock, irql);
    return pushed;
}

static PNET_BUFFER_LIST HandOffPop(void)
{
    PNET_BUFFER_LIST nbls = NULL;
    KIRQL irql;
    KeAcquireSpinLock(&HandOffLock, &irql);
    if (HandOffHead != HandOffTail)
        nbls = HandOff[HandOffHead++ % HANDOFF_SLOTS];
    KeReleaseSpinLock(&HandOffLock, irql);
    return nbls;
}

static VOID MyReceive(PNK_BINDING Binding, PNET_BUFFER_LIST Nbls, ULONG Count, ULONG Flags)
{
    MY_BINDING *m = NkBindingContext(Binding);
    InterlockedAdd(&m->Received, (LONG)Count);
    if (NDIS_TEST_RECEIVE_CANNOT_PEND(Flags))
        return;
    if (HandOffReceives && HandOffPush(Nbls))
        return; /* returned by the test's main thread */
    if (HoldReceives && InterlockedCompareExchangePointer((PVOID volatile *)&m->Held, Nbls, NULL) == NULL)
        return; /* kept: the unbind must wait for it */
    NkBindingReturn(Binding, Nbls, 0);
}

static volatile LONG LastSendStatus;

static VOID MySendComplete(PNK_BINDING Binding, PNET_BUFFER_LIST Nbls, ULONG Flags)
{
    (void)Binding;
    (void)Flags;
    while (Nbls != NULL) {
        PNET_BUFFER_LIST next = NET_BUFFER_LIST_NEXT_NBL(Nbls);
        InterlockedExchange(&LastSendStatus, NET_BUFFER_LIST_STATUS(Nbls));
        PMDL mdl = NET_BUFFER_FIRST_MDL(NET_BUFFER_LIST_FIRST_NB(Nbls));
        PVOID va = MmGetMdlVirtualAddress(mdl);
        NdisFreeNetBufferList(Nbls);
        NdisFreeMdl(mdl);
        ExFreePoolWithTag(va, TAG);
        Nbls = next;
    }
}

static VOID MyStatus(PNK_BINDING Binding, PNDIS_STATUS_INDICATION Indication)
{
    MY_BINDING *m = NkBindingContext(Binding);
    LONG unbound = InterlockedCompareExchange(&m->Unbound, 0, 0);
    KIRQL irql;
    KSPIN_LOCK l;
    /* A schedule point inside the callback, so an unbind can start while
     * it runs (the driver would then free what it is using). */
    KeInitializeSpinLock(&l);
    KeAcquireSpinLock(&l, &irql);
    KeReleaseSpinLock(&l, irql);
    if (unbound != 0 || InterlockedCompareExchange(&m->Unbound, 0, 0) != 0)
        InterlockedIncrement(&LateCallbacks);
    m->LastStatus = Indication->StatusCode;
}

static const NK_PROTOCOL_CALLBACKS Callbacks = {
    .BindingContextSize = sizeof(MY_BINDING),
    .Bound = MyBound,
    .Unbinding = MyUnbinding,
    .Receive = MyReceive,
    .SendComplete = MySendComplete,
    .Status = MyStatus,
};

/* One 60-byte frame through the layer: NDIS_STATUS_SUCCESS, or why not
 * (nothing leaks either way). */
static NDIS_STATUS SendFrame(PNK_BINDING Binding, UCHAR Fill)
{
    MY_BINDING *m = NkBindingContext(Binding);
    PUCHAR buf = ExAllocatePoolWithTag(NonPagedPoolNx, 60, TAG);
    PMDL mdl = buf ? NdisAllocateMdl(Binding->Handle, buf, 60) : NULL;
    PNET_BUFFER_LIST nbl = mdl ? NdisAllocateNetBufferAndNetBufferList(m->Pool, 0, 0, mdl, 0, 60) : NULL;
    NDIS_STATUS status;

    if (nbl == NULL) {
        if (mdl)
            NdisFreeMdl(mdl);
        if (buf)
            ExFreePoolWithTag(buf, TAG);
        return NDIS_STATUS_RESOURCES;
    }
    memset(buf, Fill, 60);
    status = NkBindingSend(Binding, nbl, 0);
    if (status != NDIS_STATUS_SUCCESS) {
        NdisFreeNetBufferList(nbl);
        NdisFreeMdl(mdl);
        ExFreePoolWithTag(buf, TAG);
    }
    return status;
}

static int Setup(void **state)
{
    (void)state;
    NkHostReset();
    Bound = NULL;
    HoldReceives = FALSE;
    HandOffReceives = FALSE;
    HandOffHead = HandOffTail = 0;
    KeInitializeSpinLock(&HandOffLock);
    LateCallbacks = 0;
    return 0;
}

/* ---- the state machine -------------------------------------------------------------- */

static NK_HOST_ADAPTER *Adapter;
static NDIS_HANDLE LastPool;

/* Deregisters (NDIS unbinds the binding) and then frees the binding's NBL
 * pool, which must outlive every send of the binding. */
static VOID Deregister(void)
{
    if (Bound != NULL)
        LastPool = ((MY_BINDING *)NkBindingContext(Bound))->Pool;
    NkProtocolDeregister(&Protocol);
    if (LastPool != NULL) {
        NdisFreeNetBufferListPool(LastPool);
        LastPool = NULL;
    }
}

static void test_bind_send_pause_unbind(void **state)
{
    UCHAR got[64], frame[60];
    MY_BINDING *m;
    (void)state;

    memset(frame, 0, sizeof(frame));
    memcpy(frame, Mac, 6);
    assert_int_equal(NkHostAddAdapter(L"\\DEVICE\\{NK-BINDING}", Mac, 1500, &Adapter), STATUS_SUCCESS);
    assert_int_equal(NkProtocolRegister(&Protocol, L"NKBINDTEST", 6, 30, &Callbacks, NULL), NDIS_STATUS_SUCCESS);
    assert_int_equal(NkProtocolWaitBindsComplete(&Protocol, 1000), STATUS_SUCCESS);
    assert_non_null(Bound);
    m = NkBindingContext(Bound);
    assert_int_equal(m->StateInBound, NkBindingPaused);  /* open, not yet restarted */
    assert_memory_equal(m->Mac, Mac, 6);
    assert_int_equal(NkHostAdapterPacketFilter(Adapter), NDIS_PACKET_TYPE_DIRECTED);
    assert_int_equal(NkBindingState(Bound), NkBindingRunning);
    assert_int_equal(Protocol.BindingCount, 1);

    assert_int_equal(SendFrame(Bound, 0xAB), NDIS_STATUS_SUCCESS);
    assert_int_equal(NkHostAdapterCapture(Adapter, got, sizeof(got)), 60);
    assert_int_equal(got[0], 0xAB);
    assert_int_equal(Bound->SendsInFlight, 0);

    assert_int_equal(NkHostPauseAdapter(Adapter), STATUS_SUCCESS);
    assert_int_equal(NkBindingState(Bound), NkBindingPaused);
    assert_int_equal(SendFrame(Bound, 0xCD), NDIS_STATUS_PAUSED);   /* refused, nothing sent */
    assert_int_equal(NkHostAdapterCapture(Adapter, got, sizeof(got)), 0);
    assert_int_equal(NkHostRestartAdapter(Adapter), STATUS_SUCCESS);
    assert_int_equal(NkBindingState(Bound), NkBindingRunning);

    /* A send the NIC holds when the adapter pauses comes back aborted with
     * the WDK's NDIS_STATUS_SEND_ABORTED, 0xC023000C - not 0xC001000C,
     * which is NDIS_STATUS_REQUEST_ABORTED (an OID's). */
    NkHostSetAdapterPendSends(Adapter, TRUE);
    InterlockedExchange(&LastSendStatus, NDIS_STATUS_SUCCESS);
    assert_int_equal(SendFrame(Bound, 0xEF), NDIS_STATUS_SUCCESS);
    assert_int_equal(Bound->SendsInFlight, 1);
    assert_int_equal(NkHostPauseAdapter(Adapter), STATUS_SUCCESS);
    assert_int_equal(Bound->SendsInFlight, 0);
    assert_int_equal((ULONG)InterlockedCompareExchange(&LastSendStatus, 0, 0), 0xC023000Cu);
    assert_int_equal(NkHostAdapterCapture(Adapter, got, sizeof(got)), 0);
    NkHostSetAdapterPendSends(Adapter, FALSE);
    assert_int_equal(NkHostRestartAdapter(Adapter), STATUS_SUCCESS);

    assert_int_equal(NkHostAdapterInject(Adapter, frame, 60, FALSE), STATUS_SUCCESS);
    assert_int_equal(NkHostAdapterInject(Adapter, frame, 60, TRUE), STATUS_SUCCESS);
    assert_int_equal(m->Received, 2);
    assert_int_equal(Bound->ReceivesHeld, 0);
    NkHostIndicateStatus(Adapter, NDIS_STATUS_LINK_STATE, NULL, 0);
    assert_int_equal(m->LastStatus, NDIS_STATUS_LINK_STATE);

    Deregister();
    assert_null(Bound);
    assert_int_equal(Protocol.BindingCount, 0);
    NkHostRemoveAdapter(Adapter);
    assert_int_equal(NkHostCheckLeaks(), 0);
    assert_int_equal(NkHostViolationCount(), 0);
}

/* ---- unbind waits for held receives and cancels OIDs in flight ------------------------- */

static VOID NTAPI DeregisterThread(PVOID Context)
{
    (void)Context;
    Deregister();
}

static NK_OID Pending;
static volatile LONG PendingDone;
static NDIS_STATUS PendingStatus;

static VOID PendingComplete(PNK_BINDING Binding, PNK_OID Oid, NDIS_STATUS Status, ULONG Bytes, ULONG Needed)
{
    (void)Binding;
    (void)Oid;
    (void)Bytes;
    (void)Needed;
    PendingStatus = Status;
    InterlockedExchange(&PendingDone, 1);
}

static void test_unbind_waits_for_receives_and_oids(void **state)
{
    DEVICE_OBJECT device;
    NK_THREAD t;
    UCHAR frame[60];
    ULONG mtu = 0;
    PNK_BINDING b;
    MY_BINDING *m;
    (void)state;

    memset(&device, 0, sizeof(device));
    memset(frame, 0, sizeof(frame));
    memcpy(frame, Mac, 6);
    assert_int_equal(NkHostAddAdapter(L"\\DEVICE\\{NK-BINDING}", Mac, 1500, &Adapter), STATUS_SUCCESS);
    assert_int_equal(NkProtocolRegister(&Protocol, L"NKBINDTEST", 6, 30, &Callbacks, NULL), NDIS_STATUS_SUCCESS);
    NkHostWaitBinds(); /* NDIS binds from its own thread */
    b = Bound;
    m = NkBindingContext(b);
    HoldReceives = TRUE;
    assert_int_equal(NkHostAdapterInject(Adapter, frame, 60, FALSE), STATUS_SUCCESS);
    assert_non_null(m->Held);
    assert_int_equal(b->ReceivesHeld, 1);

    /* An OID the miniport sits on. */
    NkHostSetAdapterPendOids(Adapter, TRUE);
    PendingDone = 0;
    assert_int_equal(NkBindingOidAsync(b, &Pending, NdisRequestQueryInformation, OID_GEN_MAXIMUM_FRAME_SIZE, &mtu,
                                       sizeof(mtu), PendingComplete, NULL),
                     NDIS_STATUS_PENDING);
    assert_int_equal(b->OidsInFlight, 1);

    assert_int_equal(NkThreadStart(&t, &device, DeregisterThread, NULL), STATUS_SUCCESS);
    /* The unbind cancels the OID and then waits for the held receive. */
    for (int i = 0; i < 2000 && !(NkBindingState(b) == NkBindingClosing && ReadAcquire(&PendingDone)); i++) {
        LARGE_INTEGER d = {.QuadPart = -10000};
        KeDelayExecutionThread(KernelMode, FALSE, &d);
    }
    assert_int_equal(NkBindingState(b), NkBindingClosing);
    assert_int_equal(PendingStatus, NDIS_STATUS_REQUEST_ABORTED);
    assert_int_equal(NkThreadStopAndJoin(&t, 20), STATUS_TIMEOUT);  /* still waiting for our NBL */
    NkBindingReturn(b, m->Held, 0);
    assert_int_equal(NkThreadStopAndJoin(&t, NK_WAIT_FOREVER), STATUS_SUCCESS);
    assert_int_equal(Protocol.BindingCount, 0);
    NkHostRemoveAdapter(Adapter);
    assert_int_equal(NkHostCheckLeaks(), 0);
    assert_int_equal(NkHostViolationCount(), 0);        /* no close-with-oids, no close-with-io */
}

static void test_pended_oids_and_cancel(void **state)
{
    ULONG mtu = 0;
    PNK_BINDING b;
    (void)state;

    assert_int_equal(NkHostAddAdapter(L"\\DEVICE\\{NK-BINDING}", Mac, 1400, &Adapter), STATUS_SUCCESS);
    NkHostSetAdapterPendOpens(Adapter, TRUE);        /* the bind waits for the open */
    assert_int_equal(NkProtocolRegister(&Protocol, L"NKBINDTEST", 6, 30, &Callbacks, NULL), NDIS_STATUS_SUCCESS);
    NkHostWaitBinds(); /* NDIS binds from its own thread */
    b = Bound;
    assert_non_null(b);
    assert_int_equal(b->Mtu, 1400);

    NkHostSetAdapterPendOids(Adapter, TRUE);
    PendingDone = 0;
    assert_int_equal(NkBindingOidAsync(b, &Pending, NdisRequestQueryInformation, OID_GEN_MAXIMUM_FRAME_SIZE, &mtu,
                                       sizeof(mtu), PendingComplete, NULL),
                     NDIS_STATUS_PENDING);
    assert_int_equal(PendingDone, 0);
    assert_int_equal(NkHostCompleteOids(Adapter), 1);
    assert_int_equal(PendingDone, 1);
    assert_int_equal(PendingStatus, NDIS_STATUS_SUCCESS);
    assert_int_equal(mtu, 1400);

    PendingDone = 0;
    assert_int_equal(NkBindingOidAsync(b, &Pending, NdisRequestQueryInformation, OID_GEN_MAXIMUM_FRAME_SIZE, &mtu,
                                       sizeof(mtu), PendingComplete, NULL),
                     NDIS_STATUS_PENDING);
    NkBindingCancelOid(b, &Pending);
    assert_int_equal(PendingDone, 1);
    assert_int_equal(PendingStatus, NDIS_STATUS_REQUEST_ABORTED);
    assert_int_equal(b->OidsInFlight, 0);
    NkBindingCancelOid(b, &Pending);                   /* not in flight: nothing happens */

    NkHostSetAdapterPendOids(Adapter, FALSE);
    Deregister();
    NkHostRemoveAdapter(Adapter);
    assert_int_equal(NkHostCheckLeaks(), 0);
    assert_int_equal(NkHostViolationCount(), 0);
}

/* ---- the allocation-failure sweep ----------------------------------------------------- */

static BOOLEAN SweepScenario(void)
{
    UCHAR frame[60];
    BOOLEAN bound;
    memset(frame, 0, sizeof(frame));
    memcpy(frame, Mac, 6);
    Bound = NULL;
    if (!NT_SUCCESS(NkHostAddAdapter(L"\\DEVICE\\{NK-SWEEP}", Mac, 1500, &Adapter)))
        return FALSE;
    if (NkProtocolRegister(&Protocol, L"NKBINDTEST", 6, 30, &Callbacks, NULL) != NDIS_STATUS_SUCCESS) {
        NkHostRemoveAdapter(Adapter);
        return FALSE;
    }
    NkHostWaitBinds();
    bound = Bound != NULL;
    if (bound) {
        SendFrame(Bound, 0x11);
        NkHostAdapterInject(Adapter, frame, 60, FALSE);
    }
    Deregister();
    NkHostRemoveAdapter(Adapter);
    return bound;
}

static void test_allocation_failure_sweep(void **state)
{
    ULONG64 sites;
    ULONG failed = 0;
    (void)state;

    assert_true(SweepScenario());
    sites = NkHostFaultSiteCount(NkFaultPoolAllocation);
    assert_int_equal(NkHostCheckLeaks(), 0);
    for (ULONG64 k = 1; k <= sites; k++) {
        NkHostReset();
        NkHostFailNth(NkFaultPoolAllocation, k);
        if (!SweepScenario())
            failed++;
        assert_int_equal(NkHostCheckLeaks(), 0);
        assert_int_equal(NkHostViolationCount(), 0);
    }
    assert_true(failed > 0);
    printf("%llu allocation sites failed in turn; %lu of them failed the bind cleanly\n",
           (unsigned long long)sites, (unsigned long)failed);
}

/* ---- the interleaving explorer -------------------------------------------------------------- */

static VOID NTAPI SendSome(PVOID Context)
{
    (void)Context;
    for (int i = 0; i < 6; i++) {
        PNK_BINDING b = Bound;
        if (b != NULL)
            SendFrame(b, 0xEE);
    }
}

static VOID NTAPI PauseRestart(PVOID Context)
{
    (void)Context;
    NkHostPauseAdapter(Adapter);
    NkHostRestartAdapter(Adapter);
}

static VOID NTAPI ReceiveSome(PVOID Context)
{
    UCHAR frame[60];
    (void)Context;
    memset(frame, 0, sizeof(frame));
    memcpy(frame, Mac, 6);
    for (int i = 0; i < 6; i++)
        NkHostAdapterInject(Adapter, frame, 60, (i & 1) != 0);
}

static VOID NTAPI LinkFlaps(PVOID Context)
{
    (void)Context;
    for (int i = 0; i < 3; i++)
        NkHostIndicateStatus(Adapter, NDIS_STATUS_LINK_STATE, NULL, 0);
}

static volatile LONG DeregisterDone;

static VOID NTAPI DeregisterAction(PVOID Context)
{
    (void)Context;
    Deregister();
    InterlockedExchange(&DeregisterDone, 1);
}

/* Link flaps for as long as the unbind takes (bounded). */
static VOID NTAPI FlapsUntilUnbound(PVOID Context)
{
    (void)Context;
    for (int i = 0; i < 256 && !InterlockedCompareExchange(&DeregisterDone, 0, 0); i++)
        NkHostIndicateStatus(Adapter, NDIS_STATUS_LINK_STATE, NULL, 0);
}

/* Status indications racing the unbind, as NDIS may deliver them until the
 * close completes: none reaches the driver once Unbinding has been called,
 * and none is still running in it when Unbinding starts. */
static void test_explored_status_during_unbind(void **state)
{
    NK_HOST_ACTION *const actions[] = {FlapsUntilUnbound, DeregisterAction, FlapsUntilUnbound};
    ULONG64 runs = 0, late = 0;
    (void)state;

    for (ULONG64 seed = 0; NkHostNextSeed(&seed, 48);) {
        NkHostReset();
        LateCallbacks = 0;
        DeregisterDone = 0;
        assert_int_equal(NkHostAddAdapter(L"\\DEVICE\\{NK-EXPLORE}", Mac, 1500, &Adapter), STATUS_SUCCESS);
        assert_int_equal(NkProtocolRegister(&Protocol, L"NKBINDTEST", 6, 30, &Callbacks, NULL),
                         NDIS_STATUS_SUCCESS);
        NkHostWaitBinds(); /* the scenario starts bound */
        NkHostRunInterleaved(seed, actions, NULL, 3, NULL);
        assert_null(Bound);
        assert_int_equal(Protocol.BindingCount, 0);
        if (LateCallbacks != 0 && late++ == 0)
            printf("seed %llu: a status reached the driver during its unbind\n", (unsigned long long)seed);
        NkHostRemoveAdapter(Adapter);
        assert_int_equal(NkHostCheckLeaks(), 0);
        assert_int_equal(NkHostViolationCount(), 0);
        runs++;
    }
    printf("%llu interleavings of status indications and an unbind explored, %llu with a late status\n",
           (unsigned long long)runs, (unsigned long long)late);
    assert_int_equal(late, 0);
}

/* Two OID requests the miniport sits on, completed on two threads while the
 * protocol deregisters: whichever completion comes last, the binding must
 * not be freed while an earlier one is still finishing in the layer. */
static NK_OID TwoOids[2];
static ULONG TwoOidBuffers[2];
static volatile LONG TwoOidsDone;

static VOID TwoOidComplete(PNK_BINDING Binding, PNK_OID Oid, NDIS_STATUS Status, ULONG Bytes, ULONG Needed)
{
    (void)Binding;
    (void)Oid;
    (void)Bytes;
    (void)Needed;
    assert_true(Status == NDIS_STATUS_SUCCESS || Status == NDIS_STATUS_REQUEST_ABORTED);
    InterlockedIncrement(&TwoOidsDone);
    /* A completion that takes a while (schedule points), so the unbind
     * can run its course while this one is still inside the layer. */
    for (int i = 0; i < 32; i++) {
        KSPIN_LOCK l;
        KIRQL irql;
        KeInitializeSpinLock(&l);
        KeAcquireSpinLock(&l, &irql);
        KeReleaseSpinLock(&l, irql);
    }
}

static VOID NTAPI CompleteOids(PVOID Context)
{
    (void)Context;
    (void)NkHostCompleteOids(Adapter);
}

static void test_explored_unbind_with_two_oids(void **state)
{
    NK_HOST_ACTION *const actions[] = {CompleteOids, DeregisterAction, CompleteOids};
    ULONG64 runs = 0;
    (void)state;

    for (ULONG64 seed = 0; NkHostNextSeed(&seed, 48);) {
        NkHostReset();
        DeregisterDone = 0;
        TwoOidsDone = 0;
        assert_int_equal(NkHostAddAdapter(L"\\DEVICE\\{NK-EXPLORE}", Mac, 1500, &Adapter), STATUS_SUCCESS);
        assert_int_equal(NkProtocolRegister(&Protocol, L"NKBINDTEST", 6, 30, &Callbacks, NULL),
                         NDIS_STATUS_SUCCESS);
        NkHostWaitBinds(); /* the scenario starts bound */
        NkHostSetAdapterPendOids(Adapter, TRUE);
        for (int i = 0; i < 2; i++)
            assert_int_equal(NkBindingOidAsync(Bound, &TwoOids[i], NdisRequestQueryInformation,
                                               OID_GEN_MAXIMUM_FRAME_SIZE, &TwoOidBuffers[i],
                                               sizeof(TwoOidBuffers[i]), TwoOidComplete, NULL),
                             NDIS_STATUS_PENDING);
        NkHostRunInterleaved(seed, actions, NULL, 3, NULL);
        assert_int_equal(TwoOidsDone, 2);
        assert_null(Bound);
        assert_int_equal(Protocol.BindingCount, 0);
        NkHostRemoveAdapter(Adapter);
        assert_int_equal(NkHostCheckLeaks(), 0);
        assert_int_equal(NkHostViolationCount(), 0);
        runs++;
    }
    printf("%llu interleavings of two OID completions and an unbind explored\n", (unsigned long long)runs);
}

static void test_explored(void **state)
{
    NK_HOST_ACTION *const actions[] = {SendSome, PauseRestart, ReceiveSome, LinkFlaps};
    ULONG64 runs = 0;
    (void)state;

    for (ULONG64 seed = 0; NkHostNextSeed(&seed, 48);) {
        NkHostReset();
        assert_int_equal(NkHostAddAdapter(L"\\DEVICE\\{NK-EXPLORE}", Mac, 1500, &Adapter), STATUS_SUCCESS);
        assert_int_equal(NkProtocolRegister(&Protocol, L"NKBINDTEST", 6, 30, &Callbacks, NULL),
                         NDIS_STATUS_SUCCESS);
        NkHostWaitBinds(); /* the scenario starts bound */
        NkHostRunInterleaved(seed, actions, NULL, 4, NULL);
        assert_int_equal(NkBindingState(Bound), NkBindingRunning);
        assert_int_equal(Bound->SendsInFlight, 0);
        Deregister();
        NkHostRemoveAdapter(Adapter);
        assert_int_equal(NkHostCheckLeaks(), 0);
        assert_int_equal(NkHostViolationCount(), 0);   /* never a send while paused, never a pause with sends */
        runs++;
    }
    printf("%llu interleavings of sends, pause/restart, receives and status explored\n", (unsigned long long)runs);
}

/* ---- returns on one thread while receives are indicated on another ------------------------- */

#define RACE_FRAMES 20000
static volatile LONG InjectorDone;

static VOID NTAPI InjectThread(PVOID Context)
{
    UCHAR frame[60];
    (void)Context;
    memset(frame, 0, sizeof(frame));
    memcpy(frame, Mac, 6);
    for (int i = 0; i < RACE_FRAMES; i++)
        NkHostAdapterInject(Adapter, frame, sizeof(frame), FALSE);
    InterlockedExchange(&InjectorDone, 1);
}

/* A driver returns receives whenever it is done with them, typically on
 * its reader's thread while NDIS indicates more on another: the count of
 * held receives must stay exact, or an unbind waits forever for one that
 * was returned (ndiskit host run hung at unload this way, held count -1). */
static void test_returns_race_receives(void **state)
{
    DEVICE_OBJECT device;
    NK_THREAD t;
    PNK_BINDING b;
    MY_BINDING *m;
    (void)state;

    memset(&device, 0, sizeof(device));
    assert_int_equal(NkHostAddAdapter(L"\\DEVICE\\{NK-BINDING}", Mac, 1500, &Adapter), STATUS_SUCCESS);
    assert_int_equal(NkProtocolRegister(&Protocol, L"NKBINDTEST", 6, 30, &Callbacks, NULL), NDIS_STATUS_SUCCESS);
    assert_int_equal(NkProtocolWaitBindsComplete(&Protocol, 1000), STATUS_SUCCESS);
    b = Bound;
    m = NkBindingContext(b);
    HandOffReceives = TRUE;
    InjectorDone = 0;
    assert_int_equal(NkThreadStart(&t, &device, InjectThread, NULL), STATUS_SUCCESS);
    for (;;) {
        BOOLEAN done = ReadAcquire(&InjectorDone) != 0; /* read before the last pop */
        PNET_BUFFER_LIST nbls = HandOffPop();
        if (nbls != NULL)
            NkBindingReturn(b, nbls, 0);
        else if (done)
            break;
    }
    assert_int_equal(NkThreadStopAndJoin(&t, NK_WAIT_FOREVER), STATUS_SUCCESS);
    assert_int_equal(m->Received, RACE_FRAMES);
    assert_int_equal(b->ReceivesHeld, 0);
    Deregister();
    NkHostRemoveAdapter(Adapter);
    assert_int_equal(NkHostCheckLeaks(), 0);
    assert_int_equal(NkHostViolationCount(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_bind_send_pause_unbind, Setup),
        cmocka_unit_test_setup(test_unbind_waits_for_receives_and_oids, Setup),
        cmocka_unit_test_setup(test_returns_race_receives, Setup),
        cmocka_unit_test_setup(test_pended_oids_and_cancel, Setup),
        cmocka_unit_test_setup(test_allocation_failure_sweep, Setup),
        cmocka_unit_test_setup(test_explored, Setup),
        cmocka_unit_test_setup(test_explored_status_during_unbind, Setup),
        cmocka_unit_test_setup(test_explored_unbind_with_two_oids, Setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
