/*
 * test_kmdf_objects.c - the KMDF support objects on the host kernel, driven
 * through the real entry stub and WdfFunctions: memory objects (framework
 * and preallocated buffers, bounds-checked copies), lookaside lists,
 * collections, strings, timers, DPCs and work items (on the NT core's
 * clock and worker threads), and a manual queue's ready notification,
 * state, drain and purge.  Each rule the verifier adds fires by name.
 */
#include <ntddk.h>
#include <wdf.h>
#include <nkhost.h>

#include "kmdftest.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "hosttest.h"

#define IOCTL_PARK CTL_CODE(FILE_DEVICE_UNKNOWN, 0x920, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_NOW  CTL_CODE(FILE_DEVICE_UNKNOWN, 0x921, METHOD_BUFFERED, FILE_ANY_ACCESS)

DRIVER_INITIALIZE DriverEntry;
DRIVER_INITIALIZE FxDriverEntry;

static WDFDEVICE Device;
static WDFQUEUE Queue, Manual, Capped;
static WDFREQUEST Writes[4];
static LONG WriteCount;

/* The capped queue keeps every write it is given, for the test to complete. */
static VOID EvtCappedWrite(WDFQUEUE Q, WDFREQUEST Request, size_t Length)
{
    UNREFERENCED_PARAMETER(Q);
    UNREFERENCED_PARAMETER(Length);
    Writes[InterlockedIncrement(&WriteCount) - 1] = Request;
}
static DRIVER_OBJECT Drv;

static VOID EvtIoctl(WDFQUEUE Q, WDFREQUEST Request, size_t OutputBufferLength, size_t InputBufferLength,
                     ULONG IoControlCode)
{
    UNREFERENCED_PARAMETER(Q);
    UNREFERENCED_PARAMETER(OutputBufferLength);
    UNREFERENCED_PARAMETER(InputBufferLength);
    if (IoControlCode == IOCTL_PARK) {
        NTSTATUS status = WdfRequestForwardToIoQueue(Request, Manual);
        if (!NT_SUCCESS(status))
            WdfRequestComplete(Request, status);
    } else {
        WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, 0);
    }
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    DECLARE_CONST_UNICODE_STRING(name, L"\\Device\\NkObjects");
    WDF_IO_QUEUE_CONFIG queueConfig;
    NTSTATUS status;

    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&queueConfig, WdfIoQueueDispatchParallel);
    queueConfig.EvtIoDeviceControl = EvtIoctl;
    status = KmdfTestCreateControlDevice(DriverObject, RegistryPath, &name, WdfDeviceIoBuffered, &queueConfig,
                                         &Device, &Queue);
    if (!NT_SUCCESS(status))
        return status;
    WDF_IO_QUEUE_CONFIG_INIT(&queueConfig, WdfIoQueueDispatchManual);
    status = WdfIoQueueCreate(Device, &queueConfig, WDF_NO_OBJECT_ATTRIBUTES, &Manual);
    if (!NT_SUCCESS(status))
        return status;
    WDF_IO_QUEUE_CONFIG_INIT(&queueConfig, WdfIoQueueDispatchParallel);
    queueConfig.Settings.Parallel.NumberOfPresentedRequests = 2;
    queueConfig.EvtIoWrite = EvtCappedWrite;
    status = WdfIoQueueCreate(Device, &queueConfig, WDF_NO_OBJECT_ATTRIBUTES, &Capped);
    if (NT_SUCCESS(status))
        status = WdfDeviceConfigureRequestDispatching(Device, Capped, WdfRequestTypeWrite);
    return status;
}

static void Load(void)
{
    UNICODE_STRING path = RTL_CONSTANT_STRING(L"\\Registry\\Machine\\System\\NkObjects");
    memset(&Drv, 0, sizeof(Drv));
    assert_int_equal(FxDriverEntry(&Drv, &path), STATUS_SUCCESS);
}

static void Unload(void)
{
    Drv.DriverUnload(&Drv);
}

/* Waits (bounded) for a callback to signal Event. */
static NTSTATUS WaitFor(PKEVENT Event)
{
    LARGE_INTEGER timeout;
    timeout.QuadPart = -10LL * 1000 * 10000; /* 10 s: only a hang reaches it */
    return KeWaitForSingleObject(Event, Executive, KernelMode, FALSE, &timeout);
}

/* ---- memory ------------------------------------------------------------------------- */

static void test_memory(void **state)
{
    WDFMEMORY m, pre;
    UCHAR own[8] = {1, 2, 3, 4, 5, 6, 7, 8}, out[8];
    PUCHAR p;
    size_t size;
    (void)state;

    Load();
    assert_int_equal(WdfMemoryCreate(WDF_NO_OBJECT_ATTRIBUTES, NonPagedPoolNx, 'tseT', 16, &m, (PVOID *)&p),
                     STATUS_SUCCESS);
    assert_ptr_equal(WdfMemoryGetBuffer(m, &size), p);
    assert_int_equal(size, 16);
    assert_int_equal(WdfMemoryCopyFromBuffer(m, 4, own, sizeof(own)), STATUS_SUCCESS);
    assert_memory_equal(p + 4, own, sizeof(own));
    assert_int_equal(WdfMemoryCopyFromBuffer(m, 12, own, sizeof(own)), STATUS_BUFFER_TOO_SMALL);
    assert_int_equal(WdfMemoryCopyFromBuffer(m, 16, own, 1), STATUS_INVALID_BUFFER_SIZE);
    assert_int_equal(WdfMemoryCopyToBuffer(m, 4, out, sizeof(out)), STATUS_SUCCESS);
    assert_memory_equal(out, own, sizeof(out));
    assert_int_equal(WdfMemoryCopyToBuffer(m, 9, out, sizeof(out)), STATUS_BUFFER_TOO_SMALL);

    /* The driver's own buffer: described, never freed by the framework. */
    assert_int_equal(WdfMemoryCreatePreallocated(WDF_NO_OBJECT_ATTRIBUTES, own, sizeof(own), &pre), STATUS_SUCCESS);
    assert_ptr_equal(WdfMemoryGetBuffer(pre, NULL), own);
    assert_int_equal(WdfMemoryAssignBuffer(pre, out, 4), STATUS_SUCCESS);
    assert_ptr_equal(WdfMemoryGetBuffer(pre, &size), out);
    assert_int_equal(size, 4);
    WdfObjectDelete(pre);
    WdfObjectDelete(m);

    /* Misuse: zero size, assigning into framework memory, wrong handle type. */
    NkHostExpectViolations();
    assert_int_equal(WdfMemoryCreate(WDF_NO_OBJECT_ATTRIBUTES, NonPagedPoolNx, 0, 0, &m, NULL),
                     STATUS_INVALID_PARAMETER);
    assert_int_equal(NkHostViolationCountOf("wdf.memory-zero-size"), 1);
    assert_int_equal(WdfMemoryCreate(WDF_NO_OBJECT_ATTRIBUTES, NonPagedPoolNx, 0, 8, &m, NULL), STATUS_SUCCESS);
    assert_int_equal(WdfMemoryAssignBuffer(m, own, sizeof(own)), STATUS_INVALID_DEVICE_REQUEST);
    assert_int_equal(NkHostViolationCountOf("wdf.memory-not-preallocated"), 1);
    assert_null(WdfMemoryGetBuffer((WDFMEMORY)Queue, NULL));
    assert_int_equal(NkHostViolationCountOf("wdf.wrong-type"), 1);
    /* Left undeleted: the driver object's deletion at unload reclaims it. */
    Unload();
    assert_int_equal(NkHostCheckLeaks(), 0);
}

static void test_lookaside(void **state)
{
    WDF_OBJECT_ATTRIBUTES a;
    WDFLOOKASIDE list;
    WDFMEMORY m1, m2;
    size_t size;
    (void)state;

    Load();
    WDF_OBJECT_ATTRIBUTES_INIT(&a);
    a.ParentObject = Device;
    assert_int_equal(WdfLookasideListCreate(&a, 100, NonPagedPoolNx, WDF_NO_OBJECT_ATTRIBUTES, 0, &list),
                     STATUS_SUCCESS);
    assert_int_equal(WdfMemoryCreateFromLookaside(list, &m1), STATUS_SUCCESS);
    assert_int_equal(WdfMemoryCreateFromLookaside(list, &m2), STATUS_SUCCESS);
    assert_non_null(WdfMemoryGetBuffer(m1, &size));
    assert_int_equal(size, 100);
    assert_ptr_not_equal(WdfMemoryGetBuffer(m1, NULL), WdfMemoryGetBuffer(m2, NULL));
    WdfObjectDelete(m1); /* back to the list; m2 goes with the list */
    WdfObjectDelete(list);

    NkHostExpectViolations();
    assert_int_equal(WdfMemoryCreateFromLookaside((WDFLOOKASIDE)Device, &m1), STATUS_INVALID_PARAMETER);
    assert_int_equal(NkHostViolationCountOf("wdf.wrong-type"), 1);
    Unload();
    assert_int_equal(NkHostCheckLeaks(), 0);
}

typedef struct _ITEM {
    ULONG Id;
} ITEM;
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(ITEM, GetItem)

static void test_collection_and_strings(void **state)
{
    DECLARE_CONST_UNICODE_STRING(text, L"ndiskit");
    WDF_OBJECT_ATTRIBUTES a;
    WDFCOLLECTION c;
    WDFOBJECT items[3];
    WDFSTRING s, empty;
    UNICODE_STRING u;
    (void)state;

    Load();
    assert_int_equal(WdfCollectionCreate(WDF_NO_OBJECT_ATTRIBUTES, &c), STATUS_SUCCESS);
    for (ULONG i = 0; i < 3; i++) {
        WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&a, ITEM);
        assert_int_equal(WdfObjectCreate(&a, &items[i]), STATUS_SUCCESS);
        GetItem(items[i])->Id = i;
        assert_int_equal(WdfCollectionAdd(c, items[i]), STATUS_SUCCESS);
    }
    assert_int_equal(WdfCollectionGetCount(c), 3);
    assert_ptr_equal(WdfCollectionGetFirstItem(c), items[0]);
    assert_ptr_equal(WdfCollectionGetLastItem(c), items[2]);
    assert_ptr_equal(WdfCollectionGetItem(c, 1), items[1]);
    assert_null(WdfCollectionGetItem(c, 3));
    WdfCollectionRemoveItem(c, 0);
    assert_ptr_equal(WdfCollectionGetFirstItem(c), items[1]);
    WdfCollectionRemove(c, items[2]);
    assert_int_equal(WdfCollectionGetCount(c), 1);
    /* The collection's reference keeps a deleted item's handle valid. */
    WdfObjectDelete(items[1]);
    assert_ptr_equal(WdfCollectionGetItem(c, 0), items[1]);
    WdfObjectDelete(items[0]);
    WdfObjectDelete(items[2]);

    assert_int_equal(WdfStringCreate(&text, WDF_NO_OBJECT_ATTRIBUTES, &s), STATUS_SUCCESS);
    WdfStringGetUnicodeString(s, &u);
    assert_true(RtlEqualUnicodeString(&u, &text, FALSE));
    assert_ptr_not_equal(u.Buffer, text.Buffer); /* a copy */
    assert_int_equal(WdfStringCreate(NULL, WDF_NO_OBJECT_ATTRIBUTES, &empty), STATUS_SUCCESS);
    WdfStringGetUnicodeString(empty, &u);
    assert_int_equal(u.Length, 0);
    assert_int_equal(WdfCollectionAdd(c, s), STATUS_SUCCESS);
    WdfObjectDelete(c); /* releases its items, deletes none */
    WdfStringGetUnicodeString(s, &u);
    assert_int_equal(u.Length, text.Length);

    NkHostExpectViolations();
    WdfCollectionRemove((WDFCOLLECTION)s, s);
    assert_int_equal(NkHostViolationCountOf("wdf.wrong-type"), 1);
    Unload();
    assert_int_equal(NkHostCheckLeaks(), 0);
}

/* ---- timers, DPCs, work items ------------------------------------------------------- */

typedef struct _TICKS {
    LONG Count;
    LONG StopAt;
    KEVENT Done;
} TICKS;
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(TICKS, GetTicks)

static VOID EvtTimer(WDFTIMER Timer)
{
    TICKS *t = GetTicks(Timer);
    assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
    assert_ptr_equal(WdfTimerGetParentObject(Timer), Device);
    if (InterlockedIncrement(&t->Count) == t->StopAt) {
        WdfTimerStop(Timer, FALSE); /* from its own callback: no wait */
        KeSetEvent(&t->Done, IO_NO_INCREMENT, FALSE);
    }
}

static void test_timer(void **state)
{
    WDF_TIMER_CONFIG config;
    WDF_OBJECT_ATTRIBUTES a;
    WDFTIMER timer, periodic, idle;
    TICKS *t;
    (void)state;

    Load();
    WDF_TIMER_CONFIG_INIT(&config, EvtTimer);
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&a, TICKS);
    a.ParentObject = Device;
    assert_int_equal(WdfTimerCreate(&config, &a, &timer), STATUS_SUCCESS);
    t = GetTicks(timer);
    t->StopAt = 1;
    KeInitializeEvent(&t->Done, NotificationEvent, FALSE);
    assert_false(WdfTimerStart(timer, WDF_REL_TIMEOUT_IN_MS(1)));
    assert_int_equal(WaitFor(&t->Done), STATUS_SUCCESS);
    assert_int_equal(t->Count, 1);

    /* Periodic: three ticks, stopped from the callback.  Serialization with
     * a parent that has no synchronization scope changes nothing. */
    WDF_TIMER_CONFIG_INIT_PERIODIC(&config, EvtTimer, 1);
    config.AutomaticSerialization = TRUE;
    assert_int_equal(WdfTimerCreate(&config, &a, &periodic), STATUS_SUCCESS);
    t = GetTicks(periodic);
    t->StopAt = 3;
    KeInitializeEvent(&t->Done, NotificationEvent, FALSE);
    WdfTimerStart(periodic, WDF_REL_TIMEOUT_IN_MS(1));
    assert_int_equal(WaitFor(&t->Done), STATUS_SUCCESS);
    WdfTimerStop(periodic, TRUE);
    assert_int_equal(t->Count, 3);

    /* Stopped before it fires: never called; deleted while armed: cancelled. */
    WDF_TIMER_CONFIG_INIT(&config, EvtTimer);
    assert_int_equal(WdfTimerCreate(&config, &a, &idle), STATUS_SUCCESS);
    WdfTimerStart(idle, WDF_REL_TIMEOUT_IN_SEC(60));
    assert_true(WdfTimerStop(idle, TRUE));
    assert_int_equal(GetTicks(idle)->Count, 0);
    WdfTimerStart(idle, WDF_REL_TIMEOUT_IN_SEC(60));
    WdfObjectDelete(idle);
    WdfObjectDelete(timer);

    /* Misuse: no parent; waiting stop at DISPATCH_LEVEL. */
    NkHostExpectViolations();
    WDF_OBJECT_ATTRIBUTES_INIT(&a);
    assert_int_not_equal(WdfTimerCreate(&config, &a, &idle), STATUS_SUCCESS);
    assert_int_equal(NkHostViolationCountOf("wdf.no-parent"), 1);
    {
        KIRQL old;
        KeRaiseIrql(DISPATCH_LEVEL, &old);
        assert_false(WdfTimerStop(periodic, TRUE));
        KeLowerIrql(old);
    }
    assert_true(NkHostViolationCount() >= 2);
    Unload(); /* the periodic timer goes with the device */
    assert_int_equal(NkHostCheckLeaks(), 0);
}

static KEVENT DpcRan;
static LONG DpcCount;

static VOID EvtDpc(WDFDPC Dpc)
{
    assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
    assert_ptr_equal(WdfDpcGetParentObject(Dpc), Device);
    InterlockedIncrement(&DpcCount);
    KeSetEvent(&DpcRan, IO_NO_INCREMENT, FALSE);
}

static void test_dpc(void **state)
{
    WDF_DPC_CONFIG config;
    WDF_OBJECT_ATTRIBUTES a;
    WDFDPC dpc;
    (void)state;

    Load();
    DpcCount = 0;
    KeInitializeEvent(&DpcRan, SynchronizationEvent, FALSE);
    WDF_DPC_CONFIG_INIT(&config, EvtDpc);
    WDF_OBJECT_ATTRIBUTES_INIT(&a);
    a.ParentObject = Device;
    assert_int_equal(WdfDpcCreate(&config, &a, &dpc), STATUS_SUCCESS);
    assert_non_null(WdfDpcWdmGetDpc(dpc));
    assert_true(WdfDpcEnqueue(dpc));
    assert_int_equal(WaitFor(&DpcRan), STATUS_SUCCESS);
    WdfDpcCancel(dpc, TRUE);
    assert_int_equal(DpcCount, 1);
    WdfObjectDelete(dpc);

    /* A DPC's parent must lead to a device. */
    NkHostExpectViolations();
    a.ParentObject = NULL;
    assert_int_not_equal(WdfDpcCreate(&config, &a, &dpc), STATUS_SUCCESS);
    assert_int_equal(NkHostViolationCountOf("wdf.no-parent"), 1);
    {
        WDFOBJECT plain;
        assert_int_equal(WdfObjectCreate(WDF_NO_OBJECT_ATTRIBUTES, &plain), STATUS_SUCCESS);
        a.ParentObject = plain;
        assert_int_equal(WdfDpcCreate(&config, &a, &dpc), STATUS_INVALID_PARAMETER);
        assert_int_equal(NkHostViolationCountOf("wdf.parent-not-device"), 1);
        WdfObjectDelete(plain);
    }
    Unload();
    assert_int_equal(NkHostCheckLeaks(), 0);
}

static KEVENT WorkGo, WorkStarted, WorkDestroyed;
static LONG WorkCount;

static VOID EvtWorkDestroy(WDFOBJECT Object)
{
    (void)Object;
    KeSetEvent(&WorkDestroyed, IO_NO_INCREMENT, FALSE);
}

static VOID EvtWork(WDFWORKITEM WorkItem)
{
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
    assert_ptr_equal(WdfWorkItemGetParentObject(WorkItem), Device);
    KeSetEvent(&WorkStarted, IO_NO_INCREMENT, FALSE);
    KeWaitForSingleObject(&WorkGo, Executive, KernelMode, FALSE, NULL); /* passive: may wait */
    InterlockedIncrement(&WorkCount);
}

static void test_workitem(void **state)
{
    WDF_WORKITEM_CONFIG config;
    WDF_OBJECT_ATTRIBUTES a;
    WDFWORKITEM work;
    (void)state;

    Load();
    WorkCount = 0;
    KeInitializeEvent(&WorkGo, NotificationEvent, FALSE);
    KeInitializeEvent(&WorkStarted, NotificationEvent, FALSE);
    KeInitializeEvent(&WorkDestroyed, NotificationEvent, FALSE);
    WDF_WORKITEM_CONFIG_INIT(&config, EvtWork);
    WDF_OBJECT_ATTRIBUTES_INIT(&a);
    a.ParentObject = Device;
    a.EvtDestroyCallback = EvtWorkDestroy;
    assert_int_equal(WdfWorkItemCreate(&config, &a, &work), STATUS_SUCCESS);
    WdfWorkItemEnqueue(work);
    assert_int_equal(WaitFor(&WorkStarted), STATUS_SUCCESS);
    WdfWorkItemEnqueue(work);   /* running, not queued: queued once more */
    WdfWorkItemEnqueue(work);   /* ignored while still queued (another worker may have started it) */
    KeSetEvent(&WorkGo, IO_NO_INCREMENT, FALSE);
    WdfWorkItemFlush(work);     /* waits for every run */
    assert_in_range(WorkCount, 2, 3);
    WorkCount = 2;

    /* Deleted while queued: the queue's reference keeps it, the callback is skipped. */
    KeClearEvent(&WorkGo);
    KeClearEvent(&WorkStarted);
    WdfWorkItemEnqueue(work);
    assert_int_equal(WaitFor(&WorkStarted), STATUS_SUCCESS);
    WdfObjectDelete(work);        /* while its callback runs */
    KeSetEvent(&WorkGo, IO_NO_INCREMENT, FALSE);
    Unload();
    /* The running callback's reference outlived the driver's deletion. */
    assert_int_equal(WaitFor(&WorkDestroyed), STATUS_SUCCESS);
    assert_int_equal(WorkCount, 3);
}

/* ---- queues ------------------------------------------------------------------------- */

static LONG ReadyCalls;
static WDFCONTEXT ReadyContext;

static VOID EvtReady(WDFQUEUE Q, WDFCONTEXT Context)
{
    assert_ptr_equal(Q, Manual);
    ReadyContext = Context;
    InterlockedIncrement(&ReadyCalls);
}

static LONG Drained;

static VOID EvtDrained(WDFQUEUE Q, WDFCONTEXT Context)
{
    (void)Q;
    (void)Context;
    InterlockedIncrement(&Drained);
}

static void test_ready_notify_and_state(void **state)
{
    NK_HOST_IO *a, *b, *c;
    WDFREQUEST r;
    HANDLE h;
    ULONG n, waiting, owned;
    (void)state;

    Load();
    ReadyCalls = 0;
    Drained = 0;
    assert_int_equal(WdfIoQueueReadyNotify(Manual, EvtReady, &ReadyCalls), STATUS_SUCCESS);
    assert_int_equal(ReadyCalls, 0); /* empty: nothing to notify yet */
    assert_int_equal(NkHostCreateFile(L"\\Device\\NkObjects", &h), STATUS_SUCCESS);

    /* Empty -> non-empty notifies once; a second arrival does not. */
    assert_int_equal(NkHostDeviceIoControlAsync(h, IOCTL_PARK, NULL, 0, NULL, 0, &a), STATUS_PENDING);
    assert_int_equal(ReadyCalls, 1);
    assert_ptr_equal(ReadyContext, &ReadyCalls);
    assert_int_equal(NkHostDeviceIoControlAsync(h, IOCTL_PARK, NULL, 0, NULL, 0, &b), STATUS_PENDING);
    assert_int_equal(ReadyCalls, 1);
    WDF_IO_QUEUE_STATE s = WdfIoQueueGetState(Manual, &waiting, &owned);
    assert_true(WDF_IO_QUEUE_READY(s));
    assert_int_equal(waiting, 2);
    assert_int_equal(owned, 0);

    /* Drain the manual queue dry (the driver owns one): notified again on the next arrival. */
    assert_int_equal(WdfIoQueueRetrieveNextRequest(Manual, &r), STATUS_SUCCESS);
    WdfRequestComplete(r, STATUS_SUCCESS);
    assert_int_equal(WdfIoQueueRetrieveNextRequest(Manual, &r), STATUS_SUCCESS);
    WdfIoQueueGetState(Manual, &waiting, &owned);
    assert_int_equal(waiting, 0);
    assert_int_equal(owned, 1);
    assert_int_equal(NkHostDeviceIoControlAsync(h, IOCTL_PARK, NULL, 0, NULL, 0, &c), STATUS_PENDING);
    assert_int_equal(ReadyCalls, 2);
    WdfRequestComplete(r, STATUS_SUCCESS);
    assert_int_equal(NkHostWaitIo(a, MAXULONG, &n), STATUS_SUCCESS);
    assert_int_equal(NkHostWaitIo(b, MAXULONG, &n), STATUS_SUCCESS);

    /* Stopped: no notification; started with a request waiting: notified. */
    WdfIoQueueStopSynchronously(Manual);
    assert_int_equal(WdfIoQueueReadyNotify(Manual, NULL, NULL), STATUS_SUCCESS);
    assert_int_equal(WdfIoQueueReadyNotify(Manual, EvtReady, NULL), STATUS_SUCCESS);
    assert_int_equal(ReadyCalls, 2);
    WdfIoQueueStart(Manual);
    assert_int_equal(ReadyCalls, 3);

    /* Purge: what waits is cancelled, then the callback. */
    WdfIoQueuePurge(Manual, EvtDrained, NULL);
    assert_int_equal(NkHostWaitIo(c, MAXULONG, &n), STATUS_CANCELLED);
    assert_int_equal(Drained, 1);
    s = WdfIoQueueGetState(Manual, NULL, NULL);
    assert_false(s & WdfIoQueueAcceptRequests);
    assert_int_equal(NkHostDeviceIoControl(h, IOCTL_PARK, NULL, 0, NULL, 0, &n), STATUS_INVALID_DEVICE_REQUEST);

    /* Misuse: ready notification on a parallel queue, twice, deregistered while running. */
    NkHostExpectViolations();
    assert_int_equal(WdfIoQueueReadyNotify(Queue, EvtReady, NULL), STATUS_INVALID_DEVICE_REQUEST);
    WdfIoQueueStart(Manual);
    assert_int_equal(WdfIoQueueReadyNotify(Manual, EvtReady, NULL), STATUS_INVALID_DEVICE_REQUEST);
    assert_int_equal(WdfIoQueueReadyNotify(Manual, NULL, NULL), STATUS_INVALID_DEVICE_REQUEST);
    assert_int_equal(NkHostViolationCountOf("wdf.queue-ready-notify"), 3);
    {
        /* A queue on something that is not a device. */
        WDF_IO_QUEUE_CONFIG config;
        WDFQUEUE q;
        WDF_IO_QUEUE_CONFIG_INIT(&config, WdfIoQueueDispatchManual);
        assert_int_equal(WdfIoQueueCreate((WDFDEVICE)Manual, &config, WDF_NO_OBJECT_ATTRIBUTES, &q),
                         STATUS_INVALID_PARAMETER);
        assert_int_equal(NkHostViolationCountOf("wdf.wrong-type"), 1);
    }

    NkHostCloseHandle(h);
    Unload();
    assert_int_equal(NkHostCheckLeaks(), 0);
}

static void test_drain(void **state)
{
    NK_HOST_IO *a;
    WDFREQUEST r;
    HANDLE h;
    ULONG n;
    (void)state;

    Load();
    Drained = 0;
    assert_int_equal(NkHostCreateFile(L"\\Device\\NkObjects", &h), STATUS_SUCCESS);
    assert_int_equal(NkHostDeviceIoControlAsync(h, IOCTL_PARK, NULL, 0, NULL, 0, &a), STATUS_PENDING);
    WdfIoQueueDrain(Manual, EvtDrained, NULL);
    assert_int_equal(Drained, 0);                 /* one still waits */
    assert_int_equal(WdfIoQueueRetrieveNextRequest(Manual, &r), STATUS_SUCCESS);
    assert_int_equal(Drained, 0);                 /* the driver owns it */
    WdfRequestComplete(r, STATUS_SUCCESS);
    assert_int_equal(Drained, 1);
    assert_int_equal(NkHostWaitIo(a, MAXULONG, &n), STATUS_SUCCESS);
    WdfIoQueueStart(Manual);
    WdfIoQueueDrainSynchronously(Manual);         /* idle: returns at once */
    NkHostCloseHandle(h);
    Unload();
    assert_int_equal(NkHostCheckLeaks(), 0);
}

static VOID EvtNothingTimer(WDFTIMER Timer) { (void)Timer; }
static VOID EvtNothingDpc(WDFDPC Dpc) { (void)Dpc; }
static VOID EvtNothingWork(WDFWORKITEM WorkItem) { (void)WorkItem; }

/* One of each object, failing at the first error (no cleanup: the driver
 * object's deletion at unload must reclaim whatever was made). */
static NTSTATUS MakeOneOfEach(void)
{
    DECLARE_CONST_UNICODE_STRING(text, L"x");
    WDF_OBJECT_ATTRIBUTES a;
    WDF_TIMER_CONFIG timerConfig;
    WDF_DPC_CONFIG dpcConfig;
    WDF_WORKITEM_CONFIG workConfig;
    WDFMEMORY m;
    WDFLOOKASIDE l;
    WDFCOLLECTION c;
    WDFSTRING str;
    WDFTIMER t;
    WDFDPC d;
    WDFWORKITEM w;
    NTSTATUS status;

    status = WdfMemoryCreate(WDF_NO_OBJECT_ATTRIBUTES, NonPagedPoolNx, 0, 32, &m, NULL);
    if (NT_SUCCESS(status))
        status = WdfLookasideListCreate(WDF_NO_OBJECT_ATTRIBUTES, 16, NonPagedPoolNx, WDF_NO_OBJECT_ATTRIBUTES, 0, &l);
    if (NT_SUCCESS(status))
        status = WdfMemoryCreateFromLookaside(l, &m);
    if (NT_SUCCESS(status))
        status = WdfCollectionCreate(WDF_NO_OBJECT_ATTRIBUTES, &c);
    if (NT_SUCCESS(status))
        status = WdfStringCreate(&text, WDF_NO_OBJECT_ATTRIBUTES, &str);
    if (NT_SUCCESS(status))
        status = WdfCollectionAdd(c, str);
    WDF_OBJECT_ATTRIBUTES_INIT(&a);
    a.ParentObject = Device;
    WDF_TIMER_CONFIG_INIT(&timerConfig, EvtNothingTimer);
    if (NT_SUCCESS(status))
        status = WdfTimerCreate(&timerConfig, &a, &t);
    WDF_DPC_CONFIG_INIT(&dpcConfig, EvtNothingDpc);
    if (NT_SUCCESS(status))
        status = WdfDpcCreate(&dpcConfig, &a, &d);
    WDF_WORKITEM_CONFIG_INIT(&workConfig, EvtNothingWork);
    if (NT_SUCCESS(status))
        status = WdfWorkItemCreate(&workConfig, &a, &w);
    return status;
}

/* Every allocation of loading the driver and making one object of each
 * kind failed in turn: each failure is STATUS_INSUFFICIENT_RESOURCES and
 * nothing leaks. */
static void test_allocation_failure_sweep(void **state)
{
    ULONG64 sites;
    (void)state;
    Load();
    assert_int_equal(MakeOneOfEach(), STATUS_SUCCESS);
    Unload();
    sites = NkHostFaultSiteCount(NkFaultPoolAllocation);
    assert_true(sites >= 10);
    for (ULONG64 k = 1; k <= sites; k++) {
        UNICODE_STRING path = RTL_CONSTANT_STRING(L"\\Registry\\Machine\\System\\NkObjects");
        NTSTATUS status;
        NkHostReset();
        NkHostFailNth(NkFaultPoolAllocation, k);
        memset(&Drv, 0, sizeof(Drv));
        status = FxDriverEntry(&Drv, &path);
        if (NT_SUCCESS(status)) {
            status = MakeOneOfEach();
            Unload();
        }
        assert_int_equal(status, STATUS_INSUFFICIENT_RESOURCES);
        assert_int_equal(NkHostCheckLeaks(), 0);
        assert_int_equal(NkHostViolationCount(), 0);
    }
}

/* NumberOfPresentedRequests: a parallel queue presents at most that many. */
static void test_parallel_cap(void **state)
{
    NK_HOST_IO *io[3];
    UCHAR b = 7;
    HANDLE h;
    ULONG n;
    (void)state;

    Load();
    WriteCount = 0;
    assert_int_equal(NkHostCreateFile(L"\\Device\\NkObjects", &h), STATUS_SUCCESS);
    for (int i = 0; i < 3; i++)
        assert_int_equal(NkHostWriteFileAsync(h, &b, 1, &io[i]), STATUS_PENDING);
    assert_int_equal(WriteCount, 2); /* the third waits in the queue */
    WdfRequestCompleteWithInformation(Writes[0], STATUS_SUCCESS, 1);
    assert_int_equal(WriteCount, 3); /* one slot free: presented */
    WdfRequestCompleteWithInformation(Writes[1], STATUS_SUCCESS, 1);
    WdfRequestCompleteWithInformation(Writes[2], STATUS_SUCCESS, 1);
    for (int i = 0; i < 3; i++)
        assert_int_equal(NkHostWaitIo(io[i], MAXULONG, &n), STATUS_SUCCESS);
    NkHostCloseHandle(h);
    Unload();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_memory, Setup, NULL),
        cmocka_unit_test_setup_teardown(test_lookaside, Setup, NULL),
        cmocka_unit_test_setup_teardown(test_collection_and_strings, Setup, NULL),
        cmocka_unit_test_setup_teardown(test_timer, Setup, NULL),
        cmocka_unit_test_setup_teardown(test_dpc, Setup, NULL),
        cmocka_unit_test_setup_teardown(test_workitem, Setup, TeardownNoLeaks),
        cmocka_unit_test_setup_teardown(test_ready_notify_and_state, Setup, NULL),
        cmocka_unit_test_setup_teardown(test_drain, Setup, TeardownNoLeaks),
        cmocka_unit_test_setup_teardown(test_allocation_failure_sweep, Setup, NULL),
        cmocka_unit_test_setup_teardown(test_parallel_cap, Setup, TeardownNoLeaks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
