/*
 * test_nt.c - the host kernel's NT core: each DDI's documented behaviour,
 * and each verifier rule provoked on purpose (NkHostExpectViolations) so
 * the report is shown to fire.  Every test starts from NkHostReset and,
 * unless it provokes violations, ends with no leaks.
 */
#include <ntddk.h>
#include <nkhost.h>

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "hosttest.h"

#define TAG(a, b, c, d) ((ULONG)(a) | ((ULONG)(b) << 8) | ((ULONG)(c) << 16) | ((ULONG)(d) << 24))
#define TEST_TAG TAG('T', 'e', 's', 't')

/* ---- pool -------------------------------------------------------------------- */

static void test_pool_basics(void **state)
{
    PUCHAR p, q;
    (void)state;

    p = ExAllocatePoolWithTag(NonPagedPoolNx, 100, TEST_TAG);
    assert_non_null(p);
    assert_int_equal((ULONG_PTR)p % MEMORY_ALLOCATION_ALIGNMENT, 0);
    assert_int_equal(p[0], 0xCD);           /* not zeroed: uninitialised pool */
    q = ExAllocatePool2(POOL_FLAG_NON_PAGED, 64, TEST_TAG);
    assert_non_null(q);
    for (int i = 0; i < 64; i++)
        assert_int_equal(q[i], 0);          /* ExAllocatePool2 zeroes */
    ExFreePoolWithTag(p, TEST_TAG);
    ExFreePool(q);
}

static void test_pool_misuse(void **state)
{
    PVOID p;
    KIRQL old;
    (void)state;

    NkHostExpectViolations();
    p = ExAllocatePoolWithTag(NonPagedPoolNx, 8, TEST_TAG);
    ExFreePoolWithTag(p, TEST_TAG);
    ExFreePoolWithTag(p, TEST_TAG);                       /* double free */
    assert_int_equal(NkHostViolationCountOf("pool.free-unknown"), 1);

    p = ExAllocatePoolWithTag(NonPagedPoolNx, 8, TEST_TAG);
    ExFreePoolWithTag(p, TAG('B', 'a', 'd', '!'));        /* wrong tag: kept */
    assert_int_equal(NkHostViolationCountOf("pool.wrong-tag"), 1);
    ExFreePoolWithTag(p, TEST_TAG);

    KeRaiseIrql(DISPATCH_LEVEL, &old);
    assert_null(ExAllocatePoolWithTag(PagedPool, 8, TEST_TAG)); /* paged at DISPATCH */
    KeLowerIrql(old);
    assert_int_equal(NkHostViolationCountOf("irql.above-apc"), 1);

    p = ExAllocatePoolWithTag(NonPagedPoolNx, 24, TAG('L', 'e', 'a', 'k'));
    assert_non_null(p);
    assert_int_equal(NkHostCheckLeaks(), 1);              /* reported with its tag */
    assert_string_equal(NkHostLastViolation(), "pool.leak");
}

static void test_pool_fault_injection(void **state)
{
    PVOID a, b, c;
    ULONG64 before = NkHostFaultSiteCount(NkFaultPoolAllocation);
    (void)state;

    NkHostFailNth(NkFaultPoolAllocation, 2);
    a = ExAllocatePoolWithTag(NonPagedPoolNx, 8, TEST_TAG);
    b = ExAllocatePoolWithTag(NonPagedPoolNx, 8, TEST_TAG);
    c = ExAllocatePoolWithTag(NonPagedPoolNx, 8, TEST_TAG);
    assert_non_null(a);
    assert_null(b);                       /* only the second one fails */
    assert_non_null(c);
    assert_int_equal(NkHostFaultSiteCount(NkFaultPoolAllocation), before + 3);
    ExFreePoolWithTag(a, TEST_TAG);
    ExFreePoolWithTag(c, TEST_TAG);
}

/* ---- IRQL and spin locks ------------------------------------------------------ */

static void test_irql(void **state)
{
    KIRQL old, old2;
    (void)state;

    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
    KeRaiseIrql(APC_LEVEL, &old);
    KeRaiseIrql(DISPATCH_LEVEL, &old2);
    assert_int_equal(old, PASSIVE_LEVEL);
    assert_int_equal(old2, APC_LEVEL);
    assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
    KeLowerIrql(old2);
    KeLowerIrql(old);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);

    NkHostExpectViolations();
    KeLowerIrql(DISPATCH_LEVEL);                 /* "lowering" to a higher IRQL */
    assert_string_equal(NkHostLastViolation(), "irql.lower-to-higher");
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
}

static KSPIN_LOCK Lock;
static volatile LONG Counter;

static void *Hammer(void *arg)
{
    (void)arg;
    for (int i = 0; i < 20000; i++) {
        KIRQL old;
        KeAcquireSpinLock(&Lock, &old);
        assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
        Counter = Counter + 1;                   /* not atomic: the lock must exclude */
        KeReleaseSpinLock(&Lock, old);
    }
    return NULL;
}

static void test_spin_lock_excludes(void **state)
{
    pthread_t t[3];
    KLOCK_QUEUE_HANDLE h;
    (void)state;

    KeInitializeSpinLock(&Lock);
    Counter = 0;
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, Hammer, NULL);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(Counter, 60000);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);

    KeAcquireInStackQueuedSpinLock(&Lock, &h);
    assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
    KeAcquireSpinLockAtDpcLevel(&(KSPIN_LOCK){0});    /* fine at DISPATCH */
    KeReleaseInStackQueuedSpinLock(&h);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
}

static void test_spin_lock_misuse(void **state)
{
    KSPIN_LOCK l;
    KIRQL old;
    (void)state;

    NkHostExpectViolations();
    KeInitializeSpinLock(&l);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    KeReleaseSpinLockFromDpcLevel(&l);           /* not held */
    assert_string_equal(NkHostLastViolation(), "spinlock.not-owner");
    KeLowerIrql(old);
    KeAcquireSpinLockAtDpcLevel(&l);             /* at PASSIVE */
    assert_string_equal(NkHostLastViolation(), "irql.below-dispatch");
}

/* ---- events, waits, mutexes ------------------------------------------------------ */

static KEVENT Ev;
static volatile LONG Woken;

static void *Waiter(void *arg)
{
    (void)arg;
    assert_int_equal(KeWaitForSingleObject(&Ev, Executive, KernelMode, FALSE, NULL), STATUS_SUCCESS);
    __atomic_add_fetch(&Woken, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

static void test_events(void **state)
{
    pthread_t t[3];
    LARGE_INTEGER ten_ms = {.QuadPart = -100000}, zero = {.QuadPart = 0};
    (void)state;

    /* Notification: one set wakes every waiter and stays set. */
    KeInitializeEvent(&Ev, NotificationEvent, FALSE);
    Woken = 0;
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, Waiter, NULL);
    assert_int_equal(KeWaitForSingleObject(&Ev, Executive, KernelMode, FALSE, &ten_ms), STATUS_TIMEOUT);
    assert_int_equal(KeSetEvent(&Ev, IO_NO_INCREMENT, FALSE), 0);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(Woken, 3);
    assert_int_equal(KeReadStateEvent(&Ev), 1);
    assert_int_equal(KeResetEvent(&Ev), 1);

    /* Synchronization: a satisfied wait resets it. */
    KeInitializeEvent(&Ev, SynchronizationEvent, TRUE);
    assert_int_equal(KeWaitForSingleObject(&Ev, Executive, KernelMode, FALSE, &zero), STATUS_SUCCESS);
    assert_int_equal(KeWaitForSingleObject(&Ev, Executive, KernelMode, FALSE, &zero), STATUS_TIMEOUT);
}

static void test_wait_at_dispatch_is_caught(void **state)
{
    KEVENT e;
    KIRQL old;
    LARGE_INTEGER zero = {.QuadPart = 0};
    (void)state;

    KeInitializeEvent(&e, NotificationEvent, FALSE);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    /* Polling with a zero timeout is allowed at DISPATCH_LEVEL... */
    assert_int_equal(KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, &zero), STATUS_TIMEOUT);
    assert_int_equal(NkHostViolationCount(), 0);
    /* ...a real wait is not. */
    NkHostExpectViolations();
    KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, NULL);
    assert_string_equal(NkHostLastViolation(), "irql.wait-above-apc");
    KeLowerIrql(old);
}

static void test_mutex_and_critical_region(void **state)
{
    KMUTEX m;
    (void)state;

    KeInitializeMutex(&m, 0);
    assert_int_equal(KeWaitForSingleObject(&m, Executive, KernelMode, FALSE, NULL), STATUS_SUCCESS);
    assert_int_equal(KeWaitForSingleObject(&m, Executive, KernelMode, FALSE, NULL), STATUS_SUCCESS);
    KeReleaseMutex(&m, FALSE);
    KeReleaseMutex(&m, FALSE);               /* recursive: released twice */

    KeEnterCriticalRegion();
    KeLeaveCriticalRegion();
    NkHostExpectViolations();
    KeLeaveCriticalRegion();
    assert_string_equal(NkHostLastViolation(), "critical-region.unbalanced");
    KeReleaseMutex(&m, FALSE);               /* not owned any more */
    assert_string_equal(NkHostLastViolation(), "mutex.not-owner");
}

/* ---- system threads -------------------------------------------------------------- */

static KEVENT Go;
static volatile LONG Ran;

static VOID NTAPI Worker(PVOID Context)
{
    KeWaitForSingleObject(&Go, Executive, KernelMode, FALSE, NULL);
    Ran = (LONG)(ULONG_PTR)Context;
}

static void test_system_thread(void **state)
{
    HANDLE h;
    PVOID thread;
    DEVICE_OBJECT device;
    (void)state;

    KeInitializeEvent(&Go, NotificationEvent, FALSE);
    memset(&device, 0, sizeof(device));
    Ran = 0;
    /* IoCreateSystemThread keeps the device object referenced while the
     * thread runs, so an unload cannot free it under the thread. */
    assert_int_equal(IoCreateSystemThread(&device, &h, THREAD_ALL_ACCESS, NULL, NULL, NULL, Worker,
                                          (PVOID)(ULONG_PTR)42),
                     STATUS_SUCCESS);
    assert_int_equal(NkHostObjectReferences(&device), 1);
    assert_int_equal(ObReferenceObjectByHandle(h, SYNCHRONIZE, *PsThreadType, KernelMode, &thread, NULL),
                     STATUS_SUCCESS);
    assert_int_equal(ZwClose(h), STATUS_SUCCESS);
    KeSetEvent(&Go, IO_NO_INCREMENT, FALSE);
    assert_int_equal(KeWaitForSingleObject(thread, Executive, KernelMode, FALSE, NULL), STATUS_SUCCESS);
    assert_int_equal(Ran, 42);
    assert_int_equal(NkHostObjectReferences(&device), 0);   /* released at exit */
    ObDereferenceObject(thread);
}

static VOID NTAPI BadExit(PVOID Context)
{
    KIRQL old;
    (void)Context;
    KeRaiseIrql(DISPATCH_LEVEL, &old);       /* returns without lowering */
}

static void test_thread_exit_checks(void **state)
{
    HANDLE h;
    PVOID thread;
    (void)state;

    NkHostExpectViolations();
    assert_int_equal(PsCreateSystemThread(&h, THREAD_ALL_ACCESS, NULL, NULL, NULL, BadExit, NULL),
                     STATUS_SUCCESS);
    assert_int_equal(ObReferenceObjectByHandle(h, SYNCHRONIZE, NULL, KernelMode, &thread, NULL),
                     STATUS_SUCCESS);
    ZwClose(h);
    KeWaitForSingleObject(thread, Executive, KernelMode, FALSE, NULL);
    assert_int_equal(NkHostViolationCountOf("thread.exit-irql"), 1);
    ObDereferenceObject(thread);
    ZwClose(h);                              /* already closed */
    assert_string_equal(NkHostLastViolation(), "handle.invalid");
}

/* ---- DbgPrint, strings, MDLs ------------------------------------------------------ */

static void test_dbgprint_formats(void **state)
{
    UNICODE_STRING name = RTL_CONSTANT_STRING(L"\\Device\\Ndisprot");
    (void)state;

    DbgPrintEx(DPFLTR_IHVNETWORK_ID, DPFLTR_ERROR_LEVEL, "open %wZ as %ws: 0x%08lx, %I64u, [%5s] %c\n",
               &name, L"raw", (ULONG)STATUS_BUFFER_TOO_SMALL, (ULONG64)1 << 40, "ab", 'z');
    assert_true(NkHostLogContains("open \\Device\\Ndisprot as raw: 0xc0000023, 1099511627776, [   ab] z"));
    DbgPrint("%wZ|%ws|%d%%\n", (PUNICODE_STRING)NULL, (PCWSTR)NULL, -5);
    assert_true(NkHostLogContains("(null)|(null)|-5%"));
}

static void test_rtl_strings(void **state)
{
    UNICODE_STRING a, b, c;
    WCHAR buffer[8];
    (void)state;

    RtlInitUnicodeString(&a, L"Ndisprot");
    assert_int_equal(a.Length, 16);
    assert_int_equal(a.MaximumLength, 18);
    RtlInitUnicodeString(&b, L"NDISPROT");
    assert_false(RtlEqualUnicodeString(&a, &b, FALSE));
    assert_true(RtlEqualUnicodeString(&a, &b, TRUE));
    assert_true(RtlCompareUnicodeString(&a, &b, FALSE) > 0);
    c.Buffer = buffer;
    c.Length = 0;
    c.MaximumLength = sizeof(buffer);
    RtlCopyUnicodeString(&c, &a);            /* 16 bytes fit exactly, no room for NUL */
    assert_int_equal(c.Length, 16);
    assert_true(RtlEqualUnicodeString(&a, &c, FALSE));
    assert_int_equal(RtlCompareMemory("abcd", "abXd", 4), 2);
    RtlInitUnicodeString(&a, NULL);
    assert_int_equal(a.Length, 0);
    assert_null(a.Buffer);
}

static void test_mdl_routines(void **state)
{
    UCHAR buffer[5000];
    PMDL mdl;
    (void)state;

    mdl = IoAllocateMdl(buffer + 100, 3000, FALSE, FALSE, NULL);
    assert_non_null(mdl);
    assert_int_equal(MmGetMdlByteCount(mdl), 3000);
    assert_ptr_equal(MmGetMdlVirtualAddress(mdl), buffer + 100);
    NkHostExpectViolations();
    assert_null(MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority));   /* not locked */
    assert_string_equal(NkHostLastViolation(), "mdl.map-unlocked");
    MmProbeAndLockPages(mdl, KernelMode, IoWriteAccess);
    assert_ptr_equal(MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority), buffer + 100);
    MmUnlockPages(mdl);
    MmUnlockPages(mdl);
    assert_string_equal(NkHostLastViolation(), "mdl.unlock-unlocked");
    IoFreeMdl(mdl);
    assert_int_equal(NkHostCheckLeaks(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_pool_basics, Setup, TeardownNoLeaks),
        cmocka_unit_test_setup(test_pool_misuse, Setup),
        cmocka_unit_test_setup_teardown(test_pool_fault_injection, Setup, TeardownNoLeaks),
        cmocka_unit_test_setup(test_irql, Setup),
        cmocka_unit_test_setup_teardown(test_spin_lock_excludes, Setup, TeardownNoLeaks),
        cmocka_unit_test_setup(test_spin_lock_misuse, Setup),
        cmocka_unit_test_setup_teardown(test_events, Setup, TeardownNoLeaks),
        cmocka_unit_test_setup(test_wait_at_dispatch_is_caught, Setup),
        cmocka_unit_test_setup(test_mutex_and_critical_region, Setup),
        cmocka_unit_test_setup_teardown(test_system_thread, Setup, TeardownNoLeaks),
        cmocka_unit_test_setup(test_thread_exit_checks, Setup),
        cmocka_unit_test_setup_teardown(test_dbgprint_formats, Setup, TeardownNoLeaks),
        cmocka_unit_test_setup_teardown(test_rtl_strings, Setup, TeardownNoLeaks),
        cmocka_unit_test_setup(test_mdl_routines, Setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
