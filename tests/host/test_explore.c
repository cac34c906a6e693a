/*
 * test_explore.c - the interleaving explorer (host/nt/sched.c).
 *
 * First it is shown to work: a lost update only some interleavings expose
 * is found, its seed replays it exactly, and two actions waiting for each
 * other are reported as a deadlock.  Then it explores the NDIS callback
 * orderings the design notes list - receives, status indications and
 * send completions interleaving with each other, with the bind (its open
 * pended or not) and with pause, restart and unbind - over the test protocol (nkproto.c, with its pause gate),
 * for a fixed number of seeds in `make check` and more in `make stress`
 * (NDISKIT_SEEDS).  Every seed must end with no verifier finding and
 * nothing leaked; a failure prints the seed to replay (NDISKIT_SEED).
 */
#include "nkproto.h"
#include <nkhost.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

static int Setup(void **state)
{
    (void)state;
    NkHostReset();
    return 0;
}

/* ---- the explorer itself -------------------------------------------------------- */

static KSPIN_LOCK CounterLock;
static LONG Counter;

/* The classic bug: read outside the lock, write back after it. */
static VOID NTAPI RacyIncrement(PVOID Context)
{
    LONG v;
    KIRQL irql;
    (void)Context;
    v = Counter;
    KeAcquireSpinLock(&CounterLock, &irql);
    KeReleaseSpinLock(&CounterLock, irql);
    Counter = v + 1;
}

static LONG RunRacy(ULONG64 Seed, ULONG64 *Trace)
{
    NK_HOST_ACTION *const actions[] = {RacyIncrement, RacyIncrement};
    Counter = 0;
    KeInitializeSpinLock(&CounterLock);
    assert_true(NkHostRunInterleaved(Seed, actions, NULL, 2, Trace) > 0);
    return Counter;
}

static void test_lost_update_is_found_and_replayed(void **state)
{
    ULONG64 lost = 0, kept = 0, traceA, traceB, first = 0;
    BOOLEAN differ = FALSE;
    (void)state;

    for (ULONG64 seed = 1; seed <= 64; seed++) {
        ULONG64 t;
        if (RunRacy(seed, &t) == 1) {
            if (lost == 0)
                lost = seed;
        } else if (kept == 0) {
            kept = seed;
        }
        if (seed == 1)
            first = t;
        else if (t != first)
            differ = TRUE;
    }
    /* Some interleavings lose the update, some do not; seeds differ. */
    assert_int_not_equal(lost, 0);
    assert_int_not_equal(kept, 0);
    assert_true(differ);
    /* The failing seed fails again, the same way, every time. */
    assert_int_equal(RunRacy(lost, &traceA), 1);
    assert_int_equal(RunRacy(lost, &traceB), 1);
    assert_true(traceA == traceB);
    assert_int_equal(RunRacy(kept, NULL), 2);
    printf("lost update: first at seed %llu, replayed; correct at seed %llu\n", (unsigned long long)lost,
           (unsigned long long)kept);
}

static KEVENT PingEvent, PongEvent;
static NTSTATUS PingWait, PongWait;

static VOID NTAPI Ping(PVOID Context)
{
    LARGE_INTEGER t = {.QuadPart = -30000000}; /* 3 s: the deadlock is seen after 1 s */
    (void)Context;
    PingWait = KeWaitForSingleObject(&PongEvent, Executive, KernelMode, FALSE, &t);
    KeSetEvent(&PingEvent, IO_NO_INCREMENT, FALSE);
}

static VOID NTAPI Pong(PVOID Context)
{
    LARGE_INTEGER t = {.QuadPart = -30000000};
    (void)Context;
    PongWait = KeWaitForSingleObject(&PingEvent, Executive, KernelMode, FALSE, &t);
    KeSetEvent(&PongEvent, IO_NO_INCREMENT, FALSE);
}

static void test_deadlock_is_reported(void **state)
{
    NK_HOST_ACTION *const actions[] = {Ping, Pong};
    (void)state;

    NkHostExpectViolations();
    KeInitializeEvent(&PingEvent, NotificationEvent, FALSE);
    KeInitializeEvent(&PongEvent, NotificationEvent, FALSE);
    NkHostRunInterleaved(7, actions, NULL, 2, NULL);
    assert_int_equal(NkHostViolationCountOf("sched.deadlock"), 1);
    /* Reported, then released: the waits time out as they would. */
    assert_true(PingWait == STATUS_TIMEOUT || PongWait == STATUS_TIMEOUT);
}

/* ---- NDIS orderings ------------------------------------------------------------------- */

static NK_HOST_ADAPTER *Adapter;
static const UCHAR Mac[6] = {0x02, 0, 0, 0, 0, 0x51};
static LONG GatedSent;

static VOID NTAPI ReceiveSome(PVOID Context)
{
    UCHAR frame[60];
    (void)Context;
    memset(frame, 0, sizeof(frame));
    memcpy(frame, Mac, 6);
    frame[12] = 0x88;
    frame[13] = 0x8E;
    for (int i = 0; i < 8; i++) {
        frame[14] = (UCHAR)i;
        NkHostAdapterInject(Adapter, frame, sizeof(frame), (i & 1) != 0);
    }
}

static VOID NTAPI SendSome(PVOID Context)
{
    UCHAR frame[60];
    (void)Context;
    memset(frame, 0xEE, sizeof(frame));
    for (int i = 0; i < 8; i++)
        if (GatedSend(frame, sizeof(frame)))
            InterlockedIncrement(&GatedSent);
}

static VOID NTAPI SendRaw(PVOID Context)
{
    UCHAR frame[60];
    (void)Context;
    memset(frame, 0xEE, sizeof(frame));
    for (int i = 0; i < 4; i++)
        Send(frame, sizeof(frame)); /* no pause gate: sends whenever asked */
}

static VOID NTAPI PauseRestart(PVOID Context)
{
    (void)Context;
    assert_int_equal(NkHostPauseAdapter(Adapter), STATUS_SUCCESS);
    assert_int_equal(NkHostRestartAdapter(Adapter), STATUS_SUCCESS);
}

static VOID NTAPI LinkFlaps(PVOID Context)
{
    (void)Context;
    for (int i = 0; i < 3; i++)
        NkHostIndicateStatus(Adapter, NDIS_STATUS_LINK_STATE, NULL, 0);
}

static VOID NTAPI Deregister(PVOID Context)
{
    (void)Context;
    /* Unbinds the binding (pause, then unbind, as NDIS does) while frames
     * and status indications may be arriving. */
    NdisDeregisterProtocolDriver(Protocol);
}

static VOID NTAPI RegisterBinds(PVOID Context)
{
    (void)Context;
    /* Binds to the adapter - open (pended on odd seeds, completed on
     * another thread), OIDs, restart - while frames and status arrive. */
    Register();
}

/* The binding's life from its start: indications racing the bind. */
static void BindScenario(ULONG64 Seed)
{
    NK_HOST_ACTION *const actions[] = {RegisterBinds, ReceiveSome, LinkFlaps};

    NkHostReset();
    Open = NULL;
    assert_int_equal(NkHostAddAdapter(L"\\DEVICE\\{EXPLORE}", Mac, 1500, &Adapter), STATUS_SUCCESS);
    NkHostSetAdapterPendOpens(Adapter, (Seed & 1) != 0);
    NkHostRunInterleaved(Seed, actions, NULL, 3, NULL);
    assert_non_null(Open);
    assert_false(Open->Paused);
    NdisDeregisterProtocolDriver(Protocol);
    NkHostRemoveAdapter(Adapter);
    assert_int_equal(NkHostCheckLeaks(), 0);
    assert_int_equal(NkHostViolationCount(), 0);
}

static void Scenario(ULONG64 Seed, BOOLEAN WithUnbind)
{
    NK_HOST_ACTION *const running[] = {ReceiveSome, SendSome, PauseRestart, LinkFlaps};
    NK_HOST_ACTION *const unbinding[] = {ReceiveSome, LinkFlaps, Deregister};
    UCHAR captured[64];
    ULONG n, frames = 0;

    NkHostReset();
    Register();
    assert_int_equal(NkHostAddAdapter(L"\\DEVICE\\{EXPLORE}", Mac, 1500, &Adapter), STATUS_SUCCESS);
    assert_non_null(Open);
    GatedSent = 0;
    if (WithUnbind) {
        NkHostRunInterleaved(Seed, unbinding, NULL, 3, NULL);
        assert_null(Open);
    } else {
        NkHostRunInterleaved(Seed, running, NULL, 4, NULL);
        /* Every send that was accepted went out, byte-exact, and completed. */
        while ((n = NkHostAdapterCapture(Adapter, captured, sizeof(captured))) != 0) {
            assert_int_equal(n, 60);
            assert_int_equal(captured[0], 0xEE);
            frames++;
        }
        assert_int_equal(frames, GatedSent);
        assert_int_equal(Open->SendsInFlight, 0);
        NdisDeregisterProtocolDriver(Protocol);
    }
    NkHostRemoveAdapter(Adapter);
    assert_int_equal(NkHostCheckLeaks(), 0);
    assert_int_equal(NkHostViolationCount(), 0);
}

/* A protocol whose pause does not wait for its sends: only some orderings
 * expose it, and the explorer finds them - the verifier reports the pause
 * completing with a send outstanding, and the sends made while paused. */
static void test_broken_pause_is_found(void **state)
{
    NK_HOST_ACTION *const actions[] = {SendRaw, PauseRestart};
    ULONG64 found = 0, clean = 0;
    (void)state;

    for (ULONG64 seed = 1; seed <= 64; seed++) {
        NkHostReset();
        NkHostExpectViolations();
        PauseIgnoresSends = TRUE;
        Register();
        assert_int_equal(NkHostAddAdapter(L"\\DEVICE\\{EXPLORE}", Mac, 1500, &Adapter), STATUS_SUCCESS);
        NkHostRunInterleaved(seed, actions, NULL, 2, NULL);
        if (NkHostViolationCountOf("ndis.pause-with-sends") != 0) {
            if (found == 0)
                found = seed;
        } else if (NkHostViolationCount() == 0) {
            clean++;
        }
        NdisDeregisterProtocolDriver(Protocol);
        NkHostRemoveAdapter(Adapter);
        PauseIgnoresSends = FALSE;
    }
    assert_int_not_equal(found, 0);
    assert_int_not_equal(clean, 0);
    printf("broken pause: caught first at seed %llu; %llu of 64 orderings hide it\n", (unsigned long long)found,
           (unsigned long long)clean);
}

static void test_ndis_callbacks_interleaved(void **state)
{
    ULONG64 runs = 0;
    (void)state;
    for (ULONG64 seed = 0; NkHostNextSeed(&seed, 48);) {
        Scenario(seed, FALSE);
        runs++;
    }
    printf("%llu interleavings of receive, send, pause/restart and status explored\n", (unsigned long long)runs);
}

static void test_ndis_callbacks_interleaved_with_unbind(void **state)
{
    ULONG64 runs = 0;
    (void)state;
    for (ULONG64 seed = 0; NkHostNextSeed(&seed, 48);) {
        Scenario(seed, TRUE);
        runs++;
    }
    printf("%llu interleavings of receive and status with unbind explored\n", (unsigned long long)runs);
}

static void test_ndis_bind_interleaved(void **state)
{
    ULONG64 runs = 0;
    (void)state;
    for (ULONG64 seed = 0; NkHostNextSeed(&seed, 48);) {
        BindScenario(seed);
        runs++;
    }
    printf("%llu interleavings of bind (open pended on odd seeds) with receive and status explored\n",
           (unsigned long long)runs);
}

/* Registration racing the first bind: NDIS binds from its own thread, so
 * the bind may run before NdisRegisterProtocolDriver returns (while the
 * driver's entry is still in it) or after.  One action registers without
 * waiting; another is NDIS's bind thread: it waits for the registration
 * to have queued the binds and delivers them; frames arrive meanwhile.
 * Both orders must occur over the seeds and each end bound and running. */
static volatile LONG BoundBeforeReturn, BoundAfterReturn;

/* A DriverEntry: registers, then goes on with its set-up (one more
 * spin-locked step: a schedule point on each side). */
static VOID NTAPI RegisterOnly(PVOID Context)
{
    KSPIN_LOCK lock;
    KIRQL irql;
    (void)Context;
    (void)RegisterEx(FALSE, FALSE);
    KeInitializeSpinLock(&lock);
    KeAcquireSpinLock(&lock, &irql);
    KeReleaseSpinLock(&lock, irql);
    if (__atomic_load_n(&Open, __ATOMIC_ACQUIRE) != NULL)
        InterlockedIncrement(&BoundBeforeReturn);
    else
        InterlockedIncrement(&BoundAfterReturn);
}

static VOID NTAPI BindThread(PVOID Context)
{
    (void)Context;
    /* Each call is a schedule point: the registration gets its turns. */
    while (__atomic_load_n(&Open, __ATOMIC_ACQUIRE) == NULL)
        NkHostWaitBinds();
}

static void test_register_races_first_bind(void **state)
{
    NK_HOST_ACTION *const actions[] = {RegisterOnly, BindThread, ReceiveSome};
    ULONG64 runs = 0;
    (void)state;
    BoundBeforeReturn = BoundAfterReturn = 0;
    for (ULONG64 seed = 0; NkHostNextSeed(&seed, 48);) {
        NkHostReset();
        Open = NULL;
        Protocol = NULL;
        assert_int_equal(NkHostAddAdapter(L"\\DEVICE\\{EXPLORE}", Mac, 1500, &Adapter), STATUS_SUCCESS);
        NkHostSetAdapterPendOpens(Adapter, (seed & 1) != 0);
        NkHostRunInterleaved(seed, actions, NULL, 3, NULL);
        NkHostWaitBinds();
        assert_non_null(Open);
        assert_false(Open->Paused);
        NdisDeregisterProtocolDriver(Protocol);
        NkHostRemoveAdapter(Adapter);
        assert_int_equal(NkHostCheckLeaks(), 0);
        assert_int_equal(NkHostViolationCount(), 0);
        runs++;
    }
    printf("%llu interleavings of registration and the first bind: %ld bound before the entry returned, %ld after\n",
           (unsigned long long)runs, (long)BoundBeforeReturn, (long)BoundAfterReturn);
    if (runs >= 16) {
        assert_true(BoundBeforeReturn > 0);
        assert_true(BoundAfterReturn > 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_lost_update_is_found_and_replayed, Setup),
        cmocka_unit_test_setup(test_deadlock_is_reported, Setup),
        cmocka_unit_test_setup(test_broken_pause_is_found, Setup),
        cmocka_unit_test_setup(test_ndis_callbacks_interleaved, Setup),
        cmocka_unit_test_setup(test_ndis_callbacks_interleaved_with_unbind, Setup),
        cmocka_unit_test_setup(test_ndis_bind_interleaved, Setup),
        cmocka_unit_test_setup(test_register_races_first_bind, Setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
