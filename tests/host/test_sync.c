/*
 * test_sync.c - the kernel helpers of the safe layer, under the host
 * kernel: <ndiskit/sync.h> (events with millisecond timeouts, the wait
 * lock and its critical region, rundown), <ndiskit/thread.h> (threads
 * joined before unload) and <ndiskit/log.h>.
 */
#include <ntddk.h>
#include <nkhost.h>

#define NK_LOG_PREFIX "synctest: "
#include <ndiskit/log.h>
#include <ndiskit/sync.h>
#include <ndiskit/thread.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "hosttest.h"

static void test_events(void **state)
{
    NK_EVENT n, a;
    (void)state;

    NkEventInit(&n, FALSE, FALSE);
    assert_int_equal(NkEventWait(&n, 0), STATUS_TIMEOUT);
    assert_int_equal(NkEventWait(&n, 5), STATUS_TIMEOUT);
    assert_false(NkEventSet(&n));
    assert_true(NkEventSet(&n));                       /* was set already */
    assert_int_equal(NkEventWait(&n, NK_WAIT_FOREVER), STATUS_SUCCESS);
    assert_true(NkEventIsSet(&n));                     /* notification: stays set */
    NkEventReset(&n);
    assert_false(NkEventIsSet(&n));

    NkEventInit(&a, TRUE, TRUE);
    assert_int_equal(NkEventWait(&a, 0), STATUS_SUCCESS);
    assert_int_equal(NkEventWait(&a, 0), STATUS_TIMEOUT); /* auto-reset: consumed */
    assert_int_equal(NkTimeoutFromMs(1500).QuadPart, -15000000);
}

static NK_WAIT_LOCK Lock;
static NK_EVENT Holding, LetGo;

static VOID NTAPI Holder(PVOID Context)
{
    (void)Context;
    assert_int_equal(NkWaitLockAcquire(&Lock, NK_WAIT_FOREVER), STATUS_SUCCESS);
    NkEventSet(&Holding);
    NkEventWait(&LetGo, NK_WAIT_FOREVER);
    assert_int_equal(NkWaitLockRelease(&Lock), STATUS_SUCCESS);
    PsTerminateSystemThread(STATUS_SUCCESS);
}

static void test_wait_lock(void **state)
{
    DEVICE_OBJECT device;
    NK_THREAD t;
    (void)state;

    memset(&device, 0, sizeof(device));
    NkWaitLockInit(&Lock);
    assert_false(KeAreApcsDisabled());
    assert_int_equal(NkWaitLockAcquire(&Lock, 0), STATUS_SUCCESS);
    assert_true(KeAreApcsDisabled());                  /* held inside a critical region */
    assert_int_equal(NkWaitLockAcquire(&Lock, 0), STATUS_POSSIBLE_DEADLOCK);
    assert_true(KeAreApcsDisabled());                  /* the refusal changed nothing */
    assert_int_equal(NkWaitLockRelease(&Lock), STATUS_SUCCESS);
    assert_false(KeAreApcsDisabled());
    assert_int_equal(NkWaitLockRelease(&Lock), STATUS_RESOURCE_NOT_OWNED);

    /* Held by another thread: we time out (leaving no critical region
     * behind) and cannot release it. */
    NkEventInit(&Holding, FALSE, FALSE);
    NkEventInit(&LetGo, FALSE, FALSE);
    assert_int_equal(NkThreadStart(&t, &device, Holder, NULL), STATUS_SUCCESS);
    NkEventWait(&Holding, NK_WAIT_FOREVER);
    assert_int_equal(NkWaitLockAcquire(&Lock, 20), STATUS_TIMEOUT);
    assert_false(KeAreApcsDisabled());
    assert_int_equal(NkWaitLockRelease(&Lock), STATUS_RESOURCE_NOT_OWNED);
    NkEventSet(&LetGo);
    assert_int_equal(NkWaitLockAcquire(&Lock, NK_WAIT_FOREVER), STATUS_SUCCESS);
    assert_int_equal(NkWaitLockRelease(&Lock), STATUS_SUCCESS);
    assert_int_equal(NkThreadStopAndJoin(&t, NK_WAIT_FOREVER), STATUS_SUCCESS);
}

static NK_RUNDOWN Users;
static NK_EVENT UserIn, UserGo;

static VOID NTAPI User(PVOID Context)
{
    (void)Context;
    assert_true(NkRundownAcquire(&Users));
    NkEventSet(&UserIn);
    NkEventWait(&UserGo, NK_WAIT_FOREVER);
    assert_int_equal(NkRundownRelease(&Users), STATUS_SUCCESS);
}

static void test_rundown(void **state)
{
    DEVICE_OBJECT device;
    NK_THREAD t;
    (void)state;

    memset(&device, 0, sizeof(device));
    NkRundownInit(&Users);
    assert_int_equal(NkRundownRelease(&Users), STATUS_INVALID_DEVICE_STATE); /* no user to release */
    assert_true(NkRundownAcquire(&Users));
    assert_int_equal(NkRundownRelease(&Users), STATUS_SUCCESS);

    /* A user inside when the rundown starts: the wait times out until it leaves. */
    NkEventInit(&UserIn, FALSE, FALSE);
    NkEventInit(&UserGo, FALSE, FALSE);
    assert_int_equal(NkThreadStart(&t, &device, User, NULL), STATUS_SUCCESS);
    NkEventWait(&UserIn, NK_WAIT_FOREVER);
    assert_int_equal(NkRundownWait(&Users, 10), STATUS_TIMEOUT);
    assert_false(NkRundownAcquire(&Users));            /* the door is closed */
    NkEventSet(&UserGo);
    assert_int_equal(NkRundownWait(&Users, NK_WAIT_FOREVER), STATUS_SUCCESS);
    assert_int_equal(NkRundownWait(&Users, 0), STATUS_SUCCESS); /* again: still drained */
    assert_false(NkRundownAcquire(&Users));
    assert_int_equal(NkThreadStopAndJoin(&t, NK_WAIT_FOREVER), STATUS_SUCCESS);
}

static VOID NTAPI Spinner(PVOID Context)
{
    PNK_THREAD self = Context;
    while (!NkThreadStopRequested(self))
        NkEventWait(&self->Stop, 1);
}

/* Ignores the stop request until the test lets it go. */
static VOID NTAPI Stubborn(PVOID Context)
{
    (void)Context;
    NkEventWait(&LetGo, NK_WAIT_FOREVER);
}

static void test_thread_set_joins_before_unload(void **state)
{
    DRIVER_OBJECT driver;
    NK_THREAD_SET set;
    NK_THREAD threads[3], lone;
    (void)state;

    memset(&driver, 0, sizeof(driver));
    NkThreadSetInit(&set);
    for (int i = 0; i < 3; i++)
        assert_int_equal(NkThreadSetStart(&set, &threads[i], &driver, Spinner, &threads[i]), STATUS_SUCCESS);
    /* Each running thread keeps the driver object referenced. */
    assert_int_equal(NkHostObjectReferences(&driver), 3);
    assert_int_equal(NkThreadSetStopAndJoinAll(&set), 3);
    assert_int_equal(NkHostObjectReferences(&driver), 0);   /* safe to unload now */
    assert_int_equal(NkThreadSetStopAndJoinAll(&set), 0);
    assert_int_equal(NkThreadStopAndJoin(&threads[0], 0), STATUS_INVALID_DEVICE_STATE);

    /* A thread that does not stop yet: the join times out, and can be retried. */
    NkEventInit(&LetGo, FALSE, FALSE);
    assert_int_equal(NkThreadStart(&lone, &driver, Stubborn, NULL), STATUS_SUCCESS);
    assert_int_equal(NkThreadStopAndJoin(&lone, 10), STATUS_TIMEOUT);
    assert_int_equal(NkHostObjectReferences(&driver), 1);   /* still running, still referenced */
    NkEventSet(&LetGo);
    assert_int_equal(NkThreadStopAndJoin(&lone, NK_WAIT_FOREVER), STATUS_SUCCESS);
    assert_int_equal(NkHostObjectReferences(&driver), 0);
}

static void test_log(void **state)
{
    (void)state;
    NkLogError("bind failed: 0x%08x", (unsigned)STATUS_INSUFFICIENT_RESOURCES);
    assert_true(NkHostLogContains("synctest: bind failed: 0xc000009a"));
    NkLogInfo("info %d", 7);
    assert_true(NkHostLogContains("synctest: info 7"));
    NkLogTrace("trace %d", 8);                         /* compiled out at the default level */
    assert_false(NkHostLogContains("trace 8"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_events, Setup, TeardownNoLeaks),
        cmocka_unit_test_setup_teardown(test_wait_lock, Setup, TeardownNoLeaks),
        cmocka_unit_test_setup_teardown(test_rundown, Setup, TeardownNoLeaks),
        cmocka_unit_test_setup_teardown(test_thread_set_joins_before_unload, Setup, TeardownNoLeaks),
        cmocka_unit_test_setup_teardown(test_log, Setup, TeardownNoLeaks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
