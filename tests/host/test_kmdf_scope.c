/*
 * test_kmdf_scope.c - synchronization scopes: with
 * WdfSynchronizationScopeDevice every queue callback of the device, and
 * the timers and work items under it with AutomaticSerialization, run one
 * at a time holding the device's lock (at DISPATCH_LEVEL, or PASSIVE_LEVEL
 * for WdfExecutionLevelPassive); a callback that completes a request of
 * another queue of the scope does not present that queue's next request
 * inside itself, but once it returns.
 */
#include <ntddk.h>
#include <wdf.h>
#include <wdmsec.h>
#include <nkhost.h>

#include "kmdftest.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "hosttest.h"

#define IOCTL_WORK    CTL_CODE(FILE_DEVICE_UNKNOWN, 0x960, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_HOLD    CTL_CODE(FILE_DEVICE_UNKNOWN, 0x961, METHOD_BUFFERED, FILE_ANY_ACCESS)

DRIVER_INITIALIZE DriverEntry;
DRIVER_INITIALIZE FxDriverEntry;

static WDFDEVICE Device;
static WDFQUEUE Sequential;
static DRIVER_OBJECT Drv;
static BOOLEAN PassiveScope;
static LONG Inside, Overlaps, Calls, WrongIrql;
static WDFREQUEST Held;

/* Inside a scope callback: never two at once, at the scope's IRQL. */
static VOID Enter(void)
{
    if (InterlockedIncrement(&Inside) != 1)
        InterlockedIncrement(&Overlaps);
    if (KeGetCurrentIrql() != (PassiveScope ? PASSIVE_LEVEL : DISPATCH_LEVEL))
        InterlockedIncrement(&WrongIrql);
    for (volatile int i = 0; i < 2000; i++)
        ;
    InterlockedIncrement(&Calls);
    InterlockedDecrement(&Inside);
}

static VOID EvtIoctl(WDFQUEUE Queue, WDFREQUEST Request, size_t OutputBufferLength, size_t InputBufferLength,
                     ULONG IoControlCode)
{
    UNREFERENCED_PARAMETER(Queue);
    UNREFERENCED_PARAMETER(OutputBufferLength);
    UNREFERENCED_PARAMETER(InputBufferLength);
    Enter();
    if (IoControlCode == IOCTL_HOLD) {
        Held = Request; /* the sequential queue presents nothing more until it completes */
        return;
    }
    WdfRequestComplete(Request, STATUS_SUCCESS);
}

/* The write queue's callback completes the held IOCTL: the sequential
 * queue's next request must wait until this callback has returned. */
static LONG PresentedInside;
static VOID EvtWrite(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
    LONG before = Calls;
    UNREFERENCED_PARAMETER(Queue);
    UNREFERENCED_PARAMETER(Length);
    Enter();
    if (Held != NULL) {
        WDFREQUEST h = Held;
        Held = NULL;
        WdfRequestComplete(h, STATUS_SUCCESS);
        if (Calls != before + 1)
            PresentedInside = 1; /* the next IOCTL ran inside this callback */
    }
    WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, Length);
}

static VOID EvtTick(WDFTIMER Timer)
{
    UNREFERENCED_PARAMETER(Timer);
    Enter();
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    DECLARE_CONST_UNICODE_STRING(name, L"\\Device\\NkScope");
    WDF_IO_QUEUE_CONFIG queueConfig;
    WDF_OBJECT_ATTRIBUTES attributes;
    WDFDRIVER driver;
    WDFQUEUE writes;
    PWDFDEVICE_INIT init;
    NTSTATUS status;

    status = KmdfTestCreateDriver(DriverObject, RegistryPath, &driver);
    if (!NT_SUCCESS(status))
        return status;
    init = WdfControlDeviceInitAllocate(driver, &SDDL_DEVOBJ_SYS_ALL_ADM_ALL);
    if (init == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    status = WdfDeviceInitAssignName(init, &name);
    WDF_OBJECT_ATTRIBUTES_INIT(&attributes);
    attributes.SynchronizationScope = WdfSynchronizationScopeDevice;
    if (PassiveScope)
        attributes.ExecutionLevel = WdfExecutionLevelPassive;
    if (NT_SUCCESS(status))
        status = WdfDeviceCreate(&init, &attributes, &Device);
    if (init != NULL)
        WdfDeviceInitFree(init);
    if (!NT_SUCCESS(status))
        return status;
    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&queueConfig, WdfIoQueueDispatchSequential);
    queueConfig.EvtIoDeviceControl = EvtIoctl;
    status = WdfIoQueueCreate(Device, &queueConfig, WDF_NO_OBJECT_ATTRIBUTES, &Sequential);
    if (!NT_SUCCESS(status))
        return status;
    WDF_IO_QUEUE_CONFIG_INIT(&queueConfig, WdfIoQueueDispatchParallel);
    queueConfig.EvtIoWrite = EvtWrite;
    status = WdfIoQueueCreate(Device, &queueConfig, WDF_NO_OBJECT_ATTRIBUTES, &writes);
    if (NT_SUCCESS(status))
        status = WdfDeviceConfigureRequestDispatching(Device, writes, WdfRequestTypeWrite);
    if (NT_SUCCESS(status))
        WdfControlFinishInitializing(Device);
    return status;
}

static void Load(BOOLEAN Passive)
{
    UNICODE_STRING path = RTL_CONSTANT_STRING(L"\\Registry\\Machine\\System\\NkScope");
    memset(&Drv, 0, sizeof(Drv));
    PassiveScope = Passive;
    Inside = Overlaps = Calls = WrongIrql = 0;
    PresentedInside = 0;
    Held = NULL;
    assert_int_equal(FxDriverEntry(&Drv, &path), STATUS_SUCCESS);
}

static void *Hammer(void *Arg)
{
    HANDLE h;
    ULONG n;
    UCHAR b = 1;
    (void)Arg;
    if (!NT_SUCCESS(NkHostCreateFile(L"\\Device\\NkScope", &h)))
        return (void *)1;
    for (int i = 0; i < 200; i++) {
        if (!NT_SUCCESS(NkHostDeviceIoControl(h, IOCTL_WORK, NULL, 0, NULL, 0, &n)) ||
            !NT_SUCCESS(NkHostWriteFile(h, &b, 1, &n)))
            return (void *)1;
    }
    NkHostCloseHandle(h);
    return NULL;
}

static void RunScope(BOOLEAN Passive)
{
    WDF_TIMER_CONFIG timerConfig;
    WDF_OBJECT_ATTRIBUTES a;
    pthread_t threads[3];
    WDFTIMER timer = NULL;
    void *rc;

    Load(Passive);
    if (!Passive) {
        /* A periodic timer serialized with the device's callbacks. */
        WDF_TIMER_CONFIG_INIT_PERIODIC(&timerConfig, EvtTick, 1);
        timerConfig.AutomaticSerialization = TRUE;
        WDF_OBJECT_ATTRIBUTES_INIT(&a);
        a.ParentObject = Device;
        assert_int_equal(WdfTimerCreate(&timerConfig, &a, &timer), STATUS_SUCCESS);
        WdfTimerStart(timer, WDF_REL_TIMEOUT_IN_MS(1));
    }
    for (int i = 0; i < 3; i++)
        assert_int_equal(pthread_create(&threads[i], NULL, Hammer, NULL), 0);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(pthread_join(threads[i], &rc), 0);
        assert_null(rc);
    }
    if (timer != NULL)
        WdfTimerStop(timer, TRUE);
    assert_int_equal(Overlaps, 0);
    assert_int_equal(WrongIrql, 0);
    assert_true(Calls >= 1200);
    Drv.DriverUnload(&Drv);
}

static void test_device_scope_dispatch(void **state)
{
    (void)state;
    RunScope(FALSE);
}

static void test_device_scope_passive(void **state)
{
    (void)state;
    RunScope(TRUE);
}

/* Completing another queue's request inside a callback: that queue's next
 * request is presented after the callback, not inside it. */
static void test_no_presentation_inside_a_callback(void **state)
{
    NK_HOST_IO *held, *next;
    HANDLE h;
    ULONG n;
    UCHAR b = 1;
    (void)state;

    Load(FALSE);
    assert_int_equal(NkHostCreateFile(L"\\Device\\NkScope", &h), STATUS_SUCCESS);
    assert_int_equal(NkHostDeviceIoControlAsync(h, IOCTL_HOLD, NULL, 0, NULL, 0, &held), STATUS_PENDING);
    assert_int_equal(NkHostDeviceIoControlAsync(h, IOCTL_WORK, NULL, 0, NULL, 0, &next), STATUS_PENDING);
    assert_int_equal(NkHostWaitIo(next, 20, &n), STATUS_TIMEOUT);  /* sequential: waits behind the held one */
    assert_int_equal(NkHostWriteFile(h, &b, 1, &n), STATUS_SUCCESS); /* completes the held one */
    assert_int_equal(PresentedInside, 0);
    assert_int_equal(NkHostWaitIo(held, MAXULONG, &n), STATUS_SUCCESS);
    assert_int_equal(NkHostWaitIo(next, MAXULONG, &n), STATUS_SUCCESS);
    NkHostCloseHandle(h);
    Drv.DriverUnload(&Drv);
}

/* A work item runs at PASSIVE_LEVEL: it cannot serialize with a scope whose
 * lock is a spin lock. */
static VOID EvtWork(WDFWORKITEM WorkItem)
{
    UNREFERENCED_PARAMETER(WorkItem);
}

static void test_serialization_level_mismatch(void **state)
{
    WDF_WORKITEM_CONFIG config;
    WDF_OBJECT_ATTRIBUTES a;
    WDFWORKITEM w;
    (void)state;

    Load(FALSE);
    NkHostExpectViolations();
    WDF_WORKITEM_CONFIG_INIT(&config, EvtWork);
    config.AutomaticSerialization = TRUE;
    WDF_OBJECT_ATTRIBUTES_INIT(&a);
    a.ParentObject = Sequential;
    assert_int_equal(WdfWorkItemCreate(&config, &a, &w), STATUS_INVALID_DEVICE_REQUEST);
    assert_int_equal(NkHostViolationCountOf("wdf.serialization-level"), 1);
    Drv.DriverUnload(&Drv);
    assert_int_equal(NkHostCheckLeaks(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_device_scope_dispatch, Setup, TeardownNoLeaks),
        cmocka_unit_test_setup_teardown(test_device_scope_passive, Setup, TeardownNoLeaks),
        cmocka_unit_test_setup_teardown(test_no_presentation_inside_a_callback, Setup, TeardownNoLeaks),
        cmocka_unit_test_setup_teardown(test_serialization_level_mismatch, Setup, NULL),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
