/*
 * test_timer.c - the host kernel's timers, DPCs and I/O work items: what
 * the DDI reference says each call does, and each verifier rule in
 * host/nt/timer.c provoked on purpose.
 */
#include <ntddk.h>
#include <nkhost.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "hosttest.h"

#define TEST_TAG ((ULONG)'mTkN')
#define MS(x) (-(LONGLONG)(x) * 10000) /* relative NT time */

/* Polling loops sleep (KeStallExecutionProcessor is for a few microseconds). */
static void Nap(void)
{
    LARGE_INTEGER t;
    t.QuadPart = -1000; /* 100 us */
    KeDelayExecutionThread(KernelMode, FALSE, &t);
}

static LARGE_INTEGER Due(LONGLONG T)
{
    LARGE_INTEGER d;
    d.QuadPart = T;
    return d;
}

/* ---- timers ------------------------------------------------------------------- */

static void test_notification_timer(void **state)
{
    KTIMER t;
    LARGE_INTEGER zero = Due(0);
    ULONGLONG t0;
    (void)state;

    KeInitializeTimer(&t);
    assert_false(KeReadStateTimer(&t));
    t0 = KeQueryInterruptTime();
    /* 200 ms, not less: the "not yet" check below runs right after the set,
     * but a loaded machine (TSan, two cores shared by make -j2) can
     * deschedule the test for tens of milliseconds in between. */
    assert_false(KeSetTimer(&t, Due(MS(200)), NULL));         /* was not armed */
    assert_int_equal(KeWaitForSingleObject(&t, Executive, KernelMode, FALSE, &zero), STATUS_TIMEOUT);
    assert_int_equal(KeWaitForSingleObject(&t, Executive, KernelMode, FALSE, NULL), STATUS_SUCCESS);
    assert_true(KeQueryInterruptTime() - t0 >= 200 * 10000);  /* never early */
    /* A notification timer stays signalled for every waiter until re-set. */
    assert_int_equal(KeWaitForSingleObject(&t, Executive, KernelMode, FALSE, &zero), STATUS_SUCCESS);
    assert_true(KeReadStateTimer(&t));
    assert_false(KeCancelTimer(&t));                           /* expired: not in the queue */
    assert_false(KeSetTimer(&t, Due(MS(10000)), NULL));
    assert_false(KeReadStateTimer(&t));                        /* setting clears the signal */
    assert_true(KeSetTimer(&t, Due(MS(10000)), NULL));         /* TRUE: it was still armed */
    assert_true(KeCancelTimer(&t));
    assert_false(KeCancelTimer(&t));
}

static void test_synchronization_timer(void **state)
{
    KTIMER t;
    LARGE_INTEGER zero = Due(0);
    LARGE_INTEGER abs;
    (void)state;

    KeInitializeTimerEx(&t, SynchronizationTimer);
    KeQuerySystemTimePrecise(&abs);
    abs.QuadPart += 5 * 10000;                                 /* absolute system time */
    KeSetTimer(&t, abs, NULL);
    assert_int_equal(KeWaitForSingleObject(&t, Executive, KernelMode, FALSE, NULL), STATUS_SUCCESS);
    /* Satisfying a wait on a synchronization timer resets it. */
    assert_int_equal(KeWaitForSingleObject(&t, Executive, KernelMode, FALSE, &zero), STATUS_TIMEOUT);
}

static LONG DpcRuns;
static KIRQL DpcIrql;
static PVOID DpcContextSeen, DpcArg1Seen;
static KEVENT DpcDone;

static VOID NTAPI CountingDpc(PKDPC Dpc, PVOID Context, PVOID A1, PVOID A2)
{
    (void)Dpc;
    (void)A2;
    DpcIrql = KeGetCurrentIrql();
    DpcContextSeen = Context;
    DpcArg1Seen = A1;
    if (InterlockedIncrement(&DpcRuns) == 3)
        KeSetEvent(&DpcDone, IO_NO_INCREMENT, FALSE);
}

static void test_periodic_timer_queues_its_dpc(void **state)
{
    KTIMER t;
    KDPC d;
    (void)state;

    DpcRuns = 0;
    KeInitializeEvent(&DpcDone, NotificationEvent, FALSE);
    KeInitializeDpc(&d, CountingDpc, (PVOID)(ULONG_PTR)7);
    KeInitializeTimerEx(&t, NotificationTimer);
    KeSetTimerEx(&t, Due(MS(1)), 2 /* ms */, &d);
    assert_int_equal(KeWaitForSingleObject(&DpcDone, Executive, KernelMode, FALSE, NULL), STATUS_SUCCESS);
    assert_true(KeCancelTimer(&t));                            /* periodic: still armed */
    KeFlushQueuedDpcs();                                       /* none left running after this */
    assert_true(DpcRuns >= 3);
    assert_int_equal(DpcIrql, DISPATCH_LEVEL);
    assert_ptr_equal(DpcContextSeen, (PVOID)(ULONG_PTR)7);
    assert_non_null(DpcArg1Seen);                              /* the expiry time, as on Windows */
}

static KEVENT Gate;
static VOID NTAPI BlockingDpc(PKDPC Dpc, PVOID Context, PVOID A1, PVOID A2)
{
    LARGE_INTEGER zero = Due(0);
    (void)Dpc;
    (void)Context;
    (void)A1;
    (void)A2;
    /* A DPC may not wait, only poll: spin on the gate with a zero timeout. */
    while (KeWaitForSingleObject(&Gate, Executive, KernelMode, FALSE, &zero) == STATUS_TIMEOUT)
        ;
    InterlockedIncrement(&DpcRuns);
}

static void test_dpc_queueing(void **state)
{
    KDPC a, b;
    (void)state;

    DpcRuns = 0;
    KeInitializeEvent(&Gate, NotificationEvent, FALSE);
    KeInitializeDpc(&a, BlockingDpc, NULL);
    KeInitializeDpc(&b, CountingDpc, NULL);
    assert_true(KeInsertQueueDpc(&a, NULL, NULL));
    /* a runs (blocked on the gate); b waits behind it and can be removed. */
    assert_true(KeInsertQueueDpc(&b, (PVOID)1, NULL));
    assert_false(KeInsertQueueDpc(&b, (PVOID)2, NULL));        /* already queued */
    assert_true(KeRemoveQueueDpc(&b));
    assert_false(KeRemoveQueueDpc(&b));
    assert_true(KeInsertQueueDpc(&b, (PVOID)3, NULL));
    KeSetEvent(&Gate, IO_NO_INCREMENT, FALSE);
    KeFlushQueuedDpcs();
    assert_int_equal(DpcRuns, 2);
    assert_ptr_equal(DpcArg1Seen, (PVOID)3);
}

/* ---- verifier: timers and DPCs ------------------------------------------------------ */

typedef struct {
    KTIMER Timer;
    KDPC Dpc;
} TIMED_CONTEXT;

static void test_freeing_an_armed_timer_is_caught(void **state)
{
    TIMED_CONTEXT *c;
    (void)state;

    NkHostExpectViolations();
    c = ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(*c), TEST_TAG);
    assert_non_null(c);
    KeInitializeTimer(&c->Timer);
    KeInitializeDpc(&c->Dpc, CountingDpc, NULL);
    KeSetTimer(&c->Timer, Due(MS(60000)), &c->Dpc);
    /* The unload bug: the context goes while its timer can still fire. */
    ExFreePoolWithTag(c, TEST_TAG);
    assert_int_equal(NkHostViolationCountOf("timer.freed-while-armed"), 1);
    assert_int_equal(NkHostCheckLeaks(), 0);                   /* and it no longer fires */
}

static void test_armed_at_leak_check(void **state)
{
    static KTIMER t;
    static KDPC d;
    (void)state;

    NkHostExpectViolations();
    KeInitializeEvent(&Gate, NotificationEvent, FALSE);
    KeInitializeTimer(&t);
    KeSetTimer(&t, Due(MS(60000)), NULL);
    KeInitializeDpc(&d, BlockingDpc, NULL);
    KeInsertQueueDpc(&d, NULL, NULL);         /* runs and blocks on Gate */
    assert_true(NkHostCheckLeaks() >= 1);
    assert_int_equal(NkHostViolationCountOf("timer.armed-at-unload"), 1);
    KeSetEvent(&Gate, IO_NO_INCREMENT, FALSE);
    KeFlushQueuedDpcs();
}

static void test_uninitialised_objects(void **state)
{
    KTIMER t;
    KDPC d;
    (void)state;

    NkHostExpectViolations();
    memset(&t, 0x5A, sizeof(t));
    memset(&d, 0, sizeof(d));
    assert_false(KeSetTimer(&t, Due(MS(1)), NULL));
    assert_int_equal(NkHostViolationCountOf("timer.uninitialized"), 1);
    assert_false(KeInsertQueueDpc(&d, NULL, NULL));
    assert_int_equal(NkHostViolationCountOf("dpc.uninitialized"), 1);
}

/* ---- work items -------------------------------------------------------------------- */

static DEVICE_OBJECT Device;
static KEVENT WorkDone, WorkGo;
static KIRQL WorkIrql;
static LONG WorkReferences;
static PIO_WORKITEM SelfFreeing;
static LONG Started, Finished;

static VOID NTAPI Work(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
    LARGE_INTEGER zero = Due(0);
    assert_ptr_equal(DeviceObject, &Device);
    InterlockedIncrement(&Started);
    /* Several items may run at once (the concurrency tests): atomic stores. */
    __atomic_store_n(&WorkIrql, KeGetCurrentIrql(), __ATOMIC_RELAXED);
    /* The I/O manager holds the device (so the driver) for the routine. */
    __atomic_store_n(&WorkReferences, NkHostObjectReferences(DeviceObject), __ATOMIC_RELAXED);
    if (Context == &WorkGo)
        KeWaitForSingleObject(&WorkGo, Executive, KernelMode, FALSE, NULL);
    if (Context == &SelfFreeing)
        IoFreeWorkItem(SelfFreeing); /* the usual pattern: the item frees itself */
    (void)zero;
    InterlockedIncrement(&Finished);
    KeSetEvent(&WorkDone, IO_NO_INCREMENT, FALSE);
}

static void test_work_item_runs_at_passive_holding_the_device(void **state)
{
    PIO_WORKITEM w;
    (void)state;

    KeInitializeEvent(&WorkDone, SynchronizationEvent, FALSE);
    w = IoAllocateWorkItem(&Device);
    assert_non_null(w);
    /* Queued from DISPATCH_LEVEL, as drivers do from DPCs. */
    {
        KIRQL old;
        KeRaiseIrql(DISPATCH_LEVEL, &old);
        IoQueueWorkItem(w, Work, DelayedWorkQueue, NULL);
        KeLowerIrql(old);
    }
    KeWaitForSingleObject(&WorkDone, Executive, KernelMode, FALSE, NULL);
    assert_int_equal(WorkIrql, PASSIVE_LEVEL);
    assert_int_equal(WorkReferences, 1);
    KeFlushQueuedDpcs();
    /* Re-queue the same item once it has run. */
    IoQueueWorkItem(w, Work, DelayedWorkQueue, NULL);
    KeWaitForSingleObject(&WorkDone, Executive, KernelMode, FALSE, NULL);
    while (NkHostObjectReferences(&Device) != 0)
        Nap();
    IoFreeWorkItem(w);

    SelfFreeing = IoAllocateWorkItem(&Device);
    IoQueueWorkItem(SelfFreeing, Work, DelayedWorkQueue, &SelfFreeing);
    KeWaitForSingleObject(&WorkDone, Executive, KernelMode, FALSE, NULL);
    while (NkHostObjectReferences(&Device) != 0)
        Nap();
}

static void test_work_items_run_concurrently(void **state)
{
    PIO_WORKITEM blocked, other;
    (void)state;

    /* One item waiting on an event another sets must not deadlock the
     * worker pool, as it would not on Windows. */
    KeInitializeEvent(&WorkDone, SynchronizationEvent, FALSE);
    KeInitializeEvent(&WorkGo, NotificationEvent, FALSE);
    blocked = IoAllocateWorkItem(&Device);
    other = IoAllocateWorkItem(&Device);
    IoQueueWorkItem(blocked, Work, DelayedWorkQueue, &WorkGo);
    IoQueueWorkItem(other, Work, DelayedWorkQueue, NULL);
    KeWaitForSingleObject(&WorkDone, Executive, KernelMode, FALSE, NULL); /* other finished */
    KeSetEvent(&WorkGo, IO_NO_INCREMENT, FALSE);
    KeWaitForSingleObject(&WorkDone, Executive, KernelMode, FALSE, NULL);
    while (NkHostObjectReferences(&Device) != 0)
        Nap();
    IoFreeWorkItem(blocked);
    IoFreeWorkItem(other);
}

static void WaitFinished(LONG N)
{
    while (InterlockedCompareExchange(&Finished, 0, 0) < N || NkHostObjectReferences(&Device) != 0)
        Nap();
}

static void test_work_item_misuse(void **state)
{
    PIO_WORKITEM busy[8], extra, leaked;
    (void)state;

    NkHostExpectViolations();
    Started = Finished = 0;
    KeInitializeEvent(&WorkDone, NotificationEvent, FALSE);
    KeInitializeEvent(&WorkGo, NotificationEvent, FALSE);
    /* Occupy every worker (the pool has eight), so the next item stays queued. */
    for (int i = 0; i < 8; i++) {
        busy[i] = IoAllocateWorkItem(&Device);
        IoQueueWorkItem(busy[i], Work, DelayedWorkQueue, &WorkGo);
    }
    while (InterlockedCompareExchange(&Started, 0, 0) < 8)
        Nap();
    extra = IoAllocateWorkItem(&Device);
    IoQueueWorkItem(extra, Work, DelayedWorkQueue, NULL);
    IoQueueWorkItem(extra, Work, DelayedWorkQueue, NULL);
    assert_int_equal(NkHostViolationCountOf("workitem.queued-twice"), 1);
    IoFreeWorkItem(extra);                                     /* refused: its routine has not run */
    assert_int_equal(NkHostViolationCountOf("workitem.free-queued"), 1);
    KeSetEvent(&WorkGo, IO_NO_INCREMENT, FALSE);
    WaitFinished(9);
    for (int i = 0; i < 8; i++)
        IoFreeWorkItem(busy[i]);
    IoFreeWorkItem(extra);
    IoFreeWorkItem(extra);                                     /* twice */
    assert_int_equal(NkHostViolationCountOf("workitem.invalid"), 1);

    leaked = IoAllocateWorkItem(&Device);
    assert_int_equal(NkHostCheckLeaks(), 1);
    assert_int_equal(NkHostViolationCountOf("workitem.leak"), 1);
    IoFreeWorkItem(leaked);
}

static VOID NTAPI LeavesIrqlRaised(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
    KIRQL old;
    (void)DeviceObject;
    (void)Context;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    KeSetEvent(&WorkDone, IO_NO_INCREMENT, FALSE);
}

static void test_work_item_irql_leak(void **state)
{
    PIO_WORKITEM w;
    (void)state;

    NkHostExpectViolations();
    KeInitializeEvent(&WorkDone, SynchronizationEvent, FALSE);
    w = IoAllocateWorkItem(&Device);
    IoQueueWorkItem(w, LeavesIrqlRaised, DelayedWorkQueue, NULL);
    KeWaitForSingleObject(&WorkDone, Executive, KernelMode, FALSE, NULL);
    while (NkHostObjectReferences(&Device) != 0)
        Nap();
    assert_int_equal(NkHostViolationCountOf("workitem.irql-leak"), 1);
    IoFreeWorkItem(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_notification_timer, Setup, TeardownNoLeaks),
        cmocka_unit_test_setup_teardown(test_synchronization_timer, Setup, TeardownNoLeaks),
        cmocka_unit_test_setup_teardown(test_periodic_timer_queues_its_dpc, Setup, TeardownNoLeaks),
        cmocka_unit_test_setup_teardown(test_dpc_queueing, Setup, TeardownNoLeaks),
        cmocka_unit_test_setup(test_freeing_an_armed_timer_is_caught, Setup),
        cmocka_unit_test_setup(test_armed_at_leak_check, Setup),
        cmocka_unit_test_setup(test_uninitialised_objects, Setup),
        cmocka_unit_test_setup_teardown(test_work_item_runs_at_passive_holding_the_device, Setup,
                                        TeardownNoLeaks),
        cmocka_unit_test_setup_teardown(test_work_items_run_concurrently, Setup, TeardownNoLeaks),
        cmocka_unit_test_setup(test_work_item_misuse, Setup),
        cmocka_unit_test_setup(test_work_item_irql_leak, Setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
