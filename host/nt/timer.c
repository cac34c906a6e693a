/*
 * timer.c - kernel timers, DPCs and I/O work items.
 *
 * One "clock" thread plays the processor that expires timers and drains
 * the DPC queue: a due timer becomes signalled (waking KeWaitFor... on
 * it), re-arms itself if periodic, and queues its DPC; DPC routines run
 * on that thread at DISPATCH_LEVEL, one at a time, in queue order.  Work
 * items run on a small pool of worker threads at PASSIVE_LEVEL, so one
 * work item may wait for another, as with the system worker threads.
 *
 * All of it lives under NkDispatcherLock: timers are dispatcher objects,
 * and the service threads sleep on NkDispatcherCond like any waiter.
 *
 * What the verifier adds to Windows: freeing memory that holds an armed
 * timer or a queued DPC (the classic unload bugcheck) is reported at the
 * free instead of crashing later; so are re-queuing a queued work item,
 * freeing a queued one, a DPC or work item that returns at the wrong IRQL
 * or inside a critical region, and anything still armed or queued at the
 * leak check.
 */
#include "nt_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

#define NK_WORKITEM_MAGIC 0x4E4B574F524B4954ull /* "NKWORKIT" */
#define NK_MAX_WORKERS 8

/* DPC bookkeeping: KDPC.DpcData is non-NULL while the DPC is queued. */
#define NK_DPC_QUEUED ((PVOID)(ULONG_PTR)1)

struct _IO_WORKITEM {
    ULONG64 Magic;
    LIST_ENTRY Link;            /* AllItems */
    LIST_ENTRY QueueLink;       /* WorkQueue, while queued */
    PDEVICE_OBJECT DeviceObject;
    PIO_WORKITEM_ROUTINE Routine;
    PVOID Context;
    BOOLEAN Queued;             /* queued or running: not yet returned */
    PVOID Caller;               /* who allocated it, for the leak report */
};

static LIST_ENTRY ArmedTimers = {&ArmedTimers, &ArmedTimers}; /* by DueTime */
static PKDPC DpcHead, DpcTail;
static LONG DpcsRunning;
static LIST_ENTRY AllItems = {&AllItems, &AllItems};
static LIST_ENTRY WorkQueue = {&WorkQueue, &WorkQueue};
static LONG WorkersIdle, Workers, ItemsRunning, ItemsQueued;
static BOOLEAN ClockStarted;

/* ---- time ------------------------------------------------------------------- */

/* NT due time (negative: relative 100 ns; positive: absolute system time)
 * to an absolute interrupt time, the monotonic clock timers run on. */
static ULONGLONG DueToInterruptTime(LONGLONG Due)
{
    ULONGLONG now = KeQueryInterruptTime();
    LARGE_INTEGER sys;

    if (Due < 0)
        return now + (ULONGLONG)-Due;
    KeQuerySystemTimePrecise(&sys);
    return Due > sys.QuadPart ? now + (ULONGLONG)(Due - sys.QuadPart) : now;
}

static struct timespec InterruptTimeToTimespec(ULONGLONG It)
{
    struct timespec ts = {(time_t)(It / 10000000), (long)(It % 10000000) * 100};
    return ts;
}

/* ---- the clock thread ---------------------------------------------------------- */

static BOOLEAN TimerArmed(PKTIMER Timer)
{
    return Timer->TimerListEntry.Flink != NULL && Timer->TimerListEntry.Flink != &Timer->TimerListEntry;
}

static VOID DisarmLocked(PKTIMER Timer)
{
    RemoveEntryList(&Timer->TimerListEntry);
    InitializeListHead(&Timer->TimerListEntry);
}

static VOID ArmLocked(PKTIMER Timer, ULONGLONG Due)
{
    PLIST_ENTRY e;
    Timer->DueTime.QuadPart = Due;
    for (e = ArmedTimers.Flink; e != &ArmedTimers; e = e->Flink)
        if (CONTAINING_RECORD(e, KTIMER, TimerListEntry)->DueTime.QuadPart > Due)
            break;
    InsertTailList(e, &Timer->TimerListEntry); /* before e: keeps the list sorted */
}

static BOOLEAN DpcQueueLocked(PKDPC Dpc, PVOID Arg1, PVOID Arg2)
{
    if (Dpc->DpcData != NULL)
        return FALSE; /* already queued: the arguments stay those of the first insert */
    Dpc->SystemArgument1 = Arg1;
    Dpc->SystemArgument2 = Arg2;
    Dpc->DpcData = NK_DPC_QUEUED;
    Dpc->DpcListEntry.Next = NULL;
    if (Dpc->Importance == HighImportance && DpcHead != NULL) {
        Dpc->DpcListEntry.Next = (PSINGLE_LIST_ENTRY)DpcHead;
        DpcHead = Dpc;
    } else {
        if (DpcTail != NULL)
            DpcTail->DpcListEntry.Next = (PSINGLE_LIST_ENTRY)Dpc;
        else
            DpcHead = Dpc;
        DpcTail = Dpc;
    }
    pthread_cond_broadcast(&NkDispatcherCond);
    return TRUE;
}

static PKDPC DpcPopLocked(VOID)
{
    PKDPC d = DpcHead;
    if (d != NULL) {
        DpcHead = (PKDPC)d->DpcListEntry.Next;
        if (DpcHead == NULL)
            DpcTail = NULL;
        d->DpcData = NULL;
    }
    return d;
}

static BOOLEAN DpcUnlinkLocked(PKDPC Dpc)
{
    PKDPC prev = NULL;
    for (PKDPC d = DpcHead; d != NULL; prev = d, d = (PKDPC)d->DpcListEntry.Next) {
        if (d != Dpc)
            continue;
        if (prev != NULL)
            prev->DpcListEntry.Next = d->DpcListEntry.Next;
        else
            DpcHead = (PKDPC)d->DpcListEntry.Next;
        if (DpcTail == d)
            DpcTail = prev;
        d->DpcData = NULL;
        return TRUE;
    }
    return FALSE;
}

/* Expires every due timer; returns the earliest still-armed due time (0: none). */
static ULONGLONG ExpireLocked(VOID)
{
    ULONGLONG now = KeQueryInterruptTime();
    while (!IsListEmpty(&ArmedTimers)) {
        PKTIMER t = CONTAINING_RECORD(ArmedTimers.Flink, KTIMER, TimerListEntry);
        if ((ULONGLONG)t->DueTime.QuadPart > now)
            return t->DueTime.QuadPart;
        DisarmLocked(t);
        t->Header.SignalState = 1;
        if (t->Period != 0)
            ArmLocked(t, now + (ULONGLONG)t->Period * 10000);
        if (t->Dpc != NULL)
            DpcQueueLocked(t->Dpc, (PVOID)(ULONG_PTR)now, NULL);
        pthread_cond_broadcast(&NkDispatcherCond);
    }
    return 0;
}

static void *ClockMain(void *Arg)
{
    (void)Arg;
    pthread_mutex_lock(&NkDispatcherLock);
    for (;;) {
        ULONGLONG next = ExpireLocked();
        PKDPC dpc = DpcPopLocked();

        if (dpc != NULL) {
            PKDEFERRED_ROUTINE routine = dpc->DeferredRoutine;
            PVOID ctx = dpc->DeferredContext, a1 = dpc->SystemArgument1, a2 = dpc->SystemArgument2;
            DpcsRunning++;
            pthread_mutex_unlock(&NkDispatcherLock);
            NkIrqlSet(DISPATCH_LEVEL);
            routine(dpc, ctx, a1, a2);
            if (NkIrqlGet() != DISPATCH_LEVEL)
                NkHostViolation("dpc.irql-changed", "DPC routine %p returned at IRQL %u, not DISPATCH_LEVEL",
                                (void *)(ULONG_PTR)routine, NkIrqlGet());
            NkIrqlSet(PASSIVE_LEVEL);
            pthread_mutex_lock(&NkDispatcherLock);
            DpcsRunning--;
            pthread_cond_broadcast(&NkDispatcherCond); /* KeFlushQueuedDpcs */
            continue;
        }
        if (next == 0) {
            pthread_cond_wait(&NkDispatcherCond, &NkDispatcherLock);
        } else {
            struct timespec ts = InterruptTimeToTimespec(next);
            pthread_cond_timedwait(&NkDispatcherCond, &NkDispatcherLock, &ts);
        }
    }
    return NULL;
}

/* With NkDispatcherLock held. */
static VOID StartClockLocked(VOID)
{
    pthread_t t;
    if (ClockStarted)
        return;
    if (pthread_create(&t, NULL, ClockMain, NULL) == 0) {
        pthread_detach(t);
        ClockStarted = TRUE;
    }
}

/* ---- timers -------------------------------------------------------------------- */

VOID NTAPI KeInitializeTimerEx(PKTIMER Timer, TIMER_TYPE Type)
{
    NkHostCheckIrqlMax(DISPATCH_LEVEL, "KeInitializeTimerEx");
    RtlZeroMemory(Timer, sizeof(*Timer));
    Timer->Header.Type = Type == NotificationTimer ? NK_OBJ_TIMER_NOTIFICATION : NK_OBJ_TIMER_SYNCHRONIZATION;
    Timer->Header.Size = sizeof(KTIMER) / sizeof(LONG);
    InitializeListHead(&Timer->Header.WaitListHead);
    InitializeListHead(&Timer->TimerListEntry);
}

VOID NTAPI KeInitializeTimer(PKTIMER Timer)
{
    KeInitializeTimerEx(Timer, NotificationTimer);
}

static BOOLEAN IsTimer(PKTIMER Timer, const char *Ddi)
{
    if (Timer->Header.Type == NK_OBJ_TIMER_NOTIFICATION || Timer->Header.Type == NK_OBJ_TIMER_SYNCHRONIZATION)
        return TRUE;
    NkHostViolation("timer.uninitialized", "%s(%p): not a timer KeInitializeTimer(Ex) set up", Ddi, (void *)Timer);
    return FALSE;
}

BOOLEAN NTAPI KeSetTimerEx(PKTIMER Timer, LARGE_INTEGER DueTime, LONG Period, PKDPC Dpc)
{
    BOOLEAN wasArmed;

    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "KeSetTimerEx") || !IsTimer(Timer, "KeSetTimerEx"))
        return FALSE;
    if (Period < 0) {
        NkHostViolation("timer.negative-period", "KeSetTimerEx(%p) with period %d", (void *)Timer, Period);
        return FALSE;
    }
    pthread_mutex_lock(&NkDispatcherLock);
    wasArmed = TimerArmed(Timer);
    if (wasArmed)
        DisarmLocked(Timer);
    Timer->Header.SignalState = 0;
    Timer->Period = (ULONG)Period;
    Timer->Dpc = Dpc;
    ArmLocked(Timer, DueToInterruptTime(DueTime.QuadPart));
    StartClockLocked();
    pthread_cond_broadcast(&NkDispatcherCond);
    pthread_mutex_unlock(&NkDispatcherLock);
    return wasArmed;
}

BOOLEAN NTAPI KeSetTimer(PKTIMER Timer, LARGE_INTEGER DueTime, PKDPC Dpc)
{
    return KeSetTimerEx(Timer, DueTime, 0, Dpc);
}

BOOLEAN NTAPI KeCancelTimer(PKTIMER Timer)
{
    BOOLEAN wasArmed;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "KeCancelTimer") || !IsTimer(Timer, "KeCancelTimer"))
        return FALSE;
    pthread_mutex_lock(&NkDispatcherLock);
    wasArmed = TimerArmed(Timer);
    if (wasArmed)
        DisarmLocked(Timer); /* a DPC it already queued stays queued, as on Windows */
    pthread_mutex_unlock(&NkDispatcherLock);
    return wasArmed;
}

BOOLEAN NTAPI KeReadStateTimer(PKTIMER Timer)
{
    BOOLEAN state;
    pthread_mutex_lock(&NkDispatcherLock);
    state = Timer->Header.SignalState != 0;
    pthread_mutex_unlock(&NkDispatcherLock);
    return state;
}

/* ---- DPCs ------------------------------------------------------------------------ */

VOID NTAPI KeInitializeDpc(PRKDPC Dpc, PKDEFERRED_ROUTINE DeferredRoutine, PVOID DeferredContext)
{
    RtlZeroMemory(Dpc, sizeof(*Dpc));
    Dpc->Type = 19; /* DpcObject */
    Dpc->Importance = MediumImportance;
    Dpc->DeferredRoutine = DeferredRoutine;
    Dpc->DeferredContext = DeferredContext;
}

BOOLEAN NTAPI KeInsertQueueDpc(PRKDPC Dpc, PVOID SystemArgument1, PVOID SystemArgument2)
{
    BOOLEAN queued;
    if (Dpc->DeferredRoutine == NULL) {
        NkHostViolation("dpc.uninitialized", "KeInsertQueueDpc(%p): no routine; KeInitializeDpc first",
                        (void *)Dpc);
        return FALSE;
    }
    pthread_mutex_lock(&NkDispatcherLock);
    queued = DpcQueueLocked(Dpc, SystemArgument1, SystemArgument2);
    StartClockLocked();
    pthread_mutex_unlock(&NkDispatcherLock);
    return queued;
}

BOOLEAN NTAPI KeRemoveQueueDpc(PRKDPC Dpc)
{
    BOOLEAN removed;
    pthread_mutex_lock(&NkDispatcherLock);
    removed = DpcUnlinkLocked(Dpc);
    pthread_mutex_unlock(&NkDispatcherLock);
    return removed;
}

VOID NTAPI KeFlushQueuedDpcs(VOID)
{
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "KeFlushQueuedDpcs"))
        return;
    pthread_mutex_lock(&NkDispatcherLock);
    while (DpcHead != NULL || DpcsRunning != 0)
        pthread_cond_wait(&NkDispatcherCond, &NkDispatcherLock);
    pthread_mutex_unlock(&NkDispatcherLock);
}

/* ---- work items ----------------------------------------------------------------- */

static BOOLEAN IsWorkItem(PIO_WORKITEM Item, const char *Ddi)
{
    BOOLEAN ok = FALSE;
    pthread_mutex_lock(&NkDispatcherLock);
    for (PLIST_ENTRY e = AllItems.Flink; e != &AllItems; e = e->Flink)
        ok |= CONTAINING_RECORD(e, struct _IO_WORKITEM, Link) == Item;
    pthread_mutex_unlock(&NkDispatcherLock);
    if (!ok)
        NkHostViolation("workitem.invalid", "%s(%p): not a live work item (freed, or never allocated)", Ddi,
                        (void *)Item);
    return ok;
}

PIO_WORKITEM NTAPI IoAllocateWorkItem(PDEVICE_OBJECT DeviceObject)
{
    struct _IO_WORKITEM *w;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "IoAllocateWorkItem"))
        return NULL;
    if (DeviceObject == NULL) {
        NkHostViolation("workitem.no-device", "IoAllocateWorkItem(NULL)");
        return NULL;
    }
    if (NkHostShouldFail(NkFaultPoolAllocation))
        return NULL;
    w = calloc(1, sizeof(*w));
    if (w == NULL)
        return NULL;
    w->Magic = NK_WORKITEM_MAGIC;
    w->DeviceObject = DeviceObject;
    w->Caller = __builtin_return_address(0);
    InitializeListHead(&w->QueueLink);
    pthread_mutex_lock(&NkDispatcherLock);
    InsertTailList(&AllItems, &w->Link);
    pthread_mutex_unlock(&NkDispatcherLock);
    return w;
}

VOID NTAPI IoFreeWorkItem(PIO_WORKITEM IoWorkItem)
{
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "IoFreeWorkItem") || !IsWorkItem(IoWorkItem, "IoFreeWorkItem"))
        return;
    pthread_mutex_lock(&NkDispatcherLock);
    if (IoWorkItem->Queued && !IsListEmpty(&IoWorkItem->QueueLink)) {
        pthread_mutex_unlock(&NkDispatcherLock);
        NkHostViolation("workitem.free-queued", "IoFreeWorkItem(%p) while it is queued; its routine has not run",
                        (void *)IoWorkItem);
        return; /* Windows would run the routine on freed memory */
    }
    /* Freeing from inside its own routine is allowed: the worker copied what it needs. */
    RemoveEntryList(&IoWorkItem->Link);
    IoWorkItem->Magic = 0;
    pthread_mutex_unlock(&NkDispatcherLock);
    free(IoWorkItem);
}

static void *WorkerMain(void *Arg)
{
    (void)Arg;
    pthread_mutex_lock(&NkDispatcherLock);
    for (;;) {
        struct _IO_WORKITEM *w;
        PIO_WORKITEM_ROUTINE routine;
        PDEVICE_OBJECT device;
        PVOID ctx;

        while (IsListEmpty(&WorkQueue)) {
            WorkersIdle++;
            pthread_cond_wait(&NkDispatcherCond, &NkDispatcherLock);
            WorkersIdle--;
        }
        w = CONTAINING_RECORD(RemoveHeadList(&WorkQueue), struct _IO_WORKITEM, QueueLink);
        InitializeListHead(&w->QueueLink);
        ItemsQueued--;
        routine = w->Routine;
        device = w->DeviceObject;
        ctx = w->Context;
        ItemsRunning++;
        pthread_mutex_unlock(&NkDispatcherLock);

        routine(device, ctx);
        if (NkIrqlGet() != PASSIVE_LEVEL)
            NkHostViolation("workitem.irql-leak", "work item routine %p returned at IRQL %u",
                            (void *)(ULONG_PTR)routine, NkIrqlGet());
        if (NkCriticalRegionDepth() != 0)
            NkHostViolation("workitem.critical-region-leak",
                            "work item routine %p returned inside %ld critical region(s)",
                            (void *)(ULONG_PTR)routine, (long)NkCriticalRegionDepth());
        NkIrqlSet(PASSIVE_LEVEL);
        pthread_mutex_lock(&NkDispatcherLock);
        /* The routine may have freed or re-queued the item: look it up again. */
        for (PLIST_ENTRY e = AllItems.Flink; e != &AllItems; e = e->Flink)
            if (CONTAINING_RECORD(e, struct _IO_WORKITEM, Link) == w && IsListEmpty(&w->QueueLink))
                w->Queued = FALSE;
        ItemsRunning--;
        pthread_mutex_unlock(&NkDispatcherLock);
        /* IoQueueWorkItem's reference kept the device (and its driver) loaded until now. */
        ObDereferenceObject(device);
        pthread_mutex_lock(&NkDispatcherLock);
        pthread_cond_broadcast(&NkDispatcherCond);
    }
    return NULL;
}

VOID NTAPI IoQueueWorkItem(PIO_WORKITEM IoWorkItem, PIO_WORKITEM_ROUTINE WorkerRoutine,
                           WORK_QUEUE_TYPE QueueType, PVOID Context)
{
    (void)QueueType;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "IoQueueWorkItem") || !IsWorkItem(IoWorkItem, "IoQueueWorkItem"))
        return;
    pthread_mutex_lock(&NkDispatcherLock);
    if (!IsListEmpty(&IoWorkItem->QueueLink)) {
        pthread_mutex_unlock(&NkDispatcherLock);
        NkHostViolation("workitem.queued-twice", "IoQueueWorkItem(%p) while it is already queued",
                        (void *)IoWorkItem);
        return;
    }
    IoWorkItem->Routine = WorkerRoutine;
    IoWorkItem->Context = Context;
    IoWorkItem->Queued = TRUE;
    pthread_mutex_unlock(&NkDispatcherLock);
    ObReferenceObject(IoWorkItem->DeviceObject);
    pthread_mutex_lock(&NkDispatcherLock);
    InsertTailList(&WorkQueue, &IoWorkItem->QueueLink);
    /* Idle workers that have been woken but not yet taken an item still
     * count as idle: compare with the queue length, not with zero. */
    if (++ItemsQueued > WorkersIdle && Workers < NK_MAX_WORKERS) {
        pthread_t t;
        if (pthread_create(&t, NULL, WorkerMain, NULL) == 0) {
            pthread_detach(t);
            Workers++;
        }
    }
    pthread_cond_broadcast(&NkDispatcherCond);
    pthread_mutex_unlock(&NkDispatcherLock);
}

/* ---- verifier hooks --------------------------------------------------------------- */

static BOOLEAN Inside(const void *P, const void *Base, SIZE_T Size)
{
    return (const char *)P >= (const char *)Base && (const char *)P < (const char *)Base + Size;
}

VOID NkTimersCheckFree(PVOID Base, SIZE_T Size, const char *What)
{
    ULONG timers = 0, dpcs = 0;
    pthread_mutex_lock(&NkDispatcherLock);
    for (PLIST_ENTRY e = ArmedTimers.Flink, n; e != &ArmedTimers; e = n) {
        n = e->Flink;
        if (Inside(e, Base, Size)) {
            DisarmLocked(CONTAINING_RECORD(e, KTIMER, TimerListEntry));
            timers++;
        }
    }
    for (PKDPC d = DpcHead, n; d != NULL; d = n) {
        n = (PKDPC)d->DpcListEntry.Next;
        if (Inside(d, Base, Size) && DpcUnlinkLocked(d))
            dpcs++;
    }
    pthread_mutex_unlock(&NkDispatcherLock);
    if (timers != 0)
        NkHostViolation("timer.freed-while-armed", "%s(%p) frees %u armed timer(s); cancel them first", What,
                        Base, timers);
    if (dpcs != 0)
        NkHostViolation("dpc.freed-while-queued", "%s(%p) frees %u queued DPC(s); remove or flush them first",
                        What, Base, dpcs);
}

SIZE_T NkTimersReportLeaks(VOID)
{
    SIZE_T n = 0;
    pthread_mutex_lock(&NkDispatcherLock);
    for (PLIST_ENTRY e = ArmedTimers.Flink; e != &ArmedTimers; e = e->Flink) {
        n++;
        NkHostViolation("timer.armed-at-unload", "timer %p still armed", (void *)CONTAINING_RECORD(e, KTIMER, TimerListEntry));
    }
    for (PKDPC d = DpcHead; d != NULL; d = (PKDPC)d->DpcListEntry.Next) {
        n++;
        NkHostViolation("dpc.queued-at-unload", "DPC %p (routine %p) still queued", (void *)d,
                        (void *)(ULONG_PTR)d->DeferredRoutine);
    }
    for (PLIST_ENTRY e = AllItems.Flink; e != &AllItems; e = e->Flink) {
        struct _IO_WORKITEM *w = CONTAINING_RECORD(e, struct _IO_WORKITEM, Link);
        n++;
        NkHostViolation(w->Queued ? "workitem.queued-at-unload" : "workitem.leak",
                        "work item %p allocated by code at %p %s", (void *)w, w->Caller,
                        w->Queued ? "is still queued or running" : "was never freed");
    }
    pthread_mutex_unlock(&NkDispatcherLock);
    return n;
}

VOID NkTimersReset(VOID)
{
    struct timespec until;

    pthread_mutex_lock(&NkDispatcherLock);
    while (!IsListEmpty(&ArmedTimers))
        DisarmLocked(CONTAINING_RECORD(ArmedTimers.Flink, KTIMER, TimerListEntry));
    while (DpcPopLocked() != NULL)
        ;
    while (!IsListEmpty(&WorkQueue)) {
        struct _IO_WORKITEM *w = CONTAINING_RECORD(RemoveHeadList(&WorkQueue), struct _IO_WORKITEM, QueueLink);
        InitializeListHead(&w->QueueLink);
        w->Queued = FALSE;
    }
    ItemsQueued = 0;
    /* A routine still running belongs to the test that just ended; give it a moment. */
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += 5;
    while ((DpcsRunning != 0 || ItemsRunning != 0) &&
           pthread_cond_timedwait(&NkDispatcherCond, &NkDispatcherLock, &until) != ETIMEDOUT)
        ;
    while (!IsListEmpty(&AllItems)) {
        struct _IO_WORKITEM *w = CONTAINING_RECORD(RemoveHeadList(&AllItems), struct _IO_WORKITEM, Link);
        w->Magic = 0;
        free(w);
    }
    pthread_mutex_unlock(&NkDispatcherLock);
}
