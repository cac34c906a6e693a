/*
 * sync.c - spin locks, events, mutexes, waits and critical regions.
 *
 * Spin locks are real (an atomic lock word holding the owner's thread
 * identity) and raise the emulated IRQL to DISPATCH_LEVEL, so code that
 * waits or touches paged pool while holding one is caught.  Dispatcher
 * objects share NkDispatcherLock/NkDispatcherCond (see nt_internal.h).
 */
#include "nt_internal.h"

#include <errno.h>
#include <sched.h>
#include <time.h>

pthread_mutex_t NkDispatcherLock = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t NkDispatcherCond;

/* Waits time out against CLOCK_MONOTONIC, so the condition variable is
 * set up once, before any driver code runs. */
__attribute__((constructor)) static void InitCond(void)
{
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(&NkDispatcherCond, &a);
    pthread_condattr_destroy(&a);
}

/* A per-thread identity that is never 0: the lock word's "held by" value. */
static _Thread_local char ThreadTag;
static ULONG_PTR Me(VOID)
{
    return (ULONG_PTR)&ThreadTag;
}

static _Thread_local LONG CriticalDepth;

LONG NkCriticalRegionDepth(VOID)
{
    return CriticalDepth;
}

/* ---- spin locks ----------------------------------------------------------- */

static VOID SpinAcquire(PKSPIN_LOCK SpinLock, const char *Ddi)
{
    ULONG_PTR expected;
    if (__atomic_load_n(SpinLock, __ATOMIC_RELAXED) == Me()) {
        /* Windows deadlocks here forever; report it instead. */
        NkHostViolation("spinlock.recursive", "%s: lock %p already held by this thread", Ddi,
                        (void *)SpinLock);
        return;
    }
    for (;;) {
        expected = 0;
        if (__atomic_compare_exchange_n(SpinLock, &expected, Me(), FALSE, __ATOMIC_ACQUIRE,
                                        __ATOMIC_RELAXED))
            return;
        NkSchedPoll(); /* the holder must run: under the explorer it may be waiting for its turn */
    }
}

static BOOLEAN SpinRelease(PKSPIN_LOCK SpinLock, const char *Ddi)
{
    ULONG_PTR owner = __atomic_load_n(SpinLock, __ATOMIC_RELAXED);
    if (owner != Me()) {
        NkHostViolation("spinlock.not-owner", "%s: lock %p is %s", Ddi, (void *)SpinLock,
                        owner == 0 ? "not held" : "held by another thread");
        return FALSE;
    }
    __atomic_store_n(SpinLock, 0, __ATOMIC_RELEASE);
    return TRUE;
}

KIRQL NTAPI KeAcquireSpinLockRaiseToDpc(PKSPIN_LOCK SpinLock)
{
    KIRQL old = NkIrqlGet();
    if (old > DISPATCH_LEVEL)
        NkHostViolation("irql.above-dispatch", "KeAcquireSpinLock at IRQL %u", old);
    NkIrqlSet(DISPATCH_LEVEL > old ? DISPATCH_LEVEL : old);
    NkSchedPoint();
    SpinAcquire(SpinLock, "KeAcquireSpinLock");
    return old;
}

VOID NTAPI KeReleaseSpinLock(PKSPIN_LOCK SpinLock, KIRQL NewIrql)
{
    if (NkIrqlGet() != DISPATCH_LEVEL)
        NkHostViolation("irql.spinlock-release", "KeReleaseSpinLock at IRQL %u, not DISPATCH_LEVEL",
                        NkIrqlGet());
    if (!SpinRelease(SpinLock, "KeReleaseSpinLock"))
        return;
    if (NewIrql > NkIrqlGet()) {
        NkHostViolation("irql.lower-to-higher", "KeReleaseSpinLock to IRQL %u from %u", NewIrql,
                        NkIrqlGet());
        return;
    }
    NkIrqlSet(NewIrql);
    NkSchedPoint();
}

VOID NTAPI KeAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock)
{
    if (NkIrqlGet() < DISPATCH_LEVEL)
        NkHostViolation("irql.below-dispatch", "KeAcquireSpinLockAtDpcLevel at IRQL %u", NkIrqlGet());
    NkSchedPoint();
    SpinAcquire(SpinLock, "KeAcquireSpinLockAtDpcLevel");
}

VOID NTAPI KeReleaseSpinLockFromDpcLevel(PKSPIN_LOCK SpinLock)
{
    if (NkIrqlGet() < DISPATCH_LEVEL)
        NkHostViolation("irql.below-dispatch", "KeReleaseSpinLockFromDpcLevel at IRQL %u",
                        NkIrqlGet());
    if (SpinRelease(SpinLock, "KeReleaseSpinLockFromDpcLevel"))
        NkSchedPoint();
}

VOID FASTCALL KeAcquireInStackQueuedSpinLock(PKSPIN_LOCK SpinLock, PKLOCK_QUEUE_HANDLE LockHandle)
{
    LockHandle->LockQueue.Next = NULL;
    LockHandle->LockQueue.Lock = SpinLock;
    LockHandle->OldIrql = KeAcquireSpinLockRaiseToDpc(SpinLock);
}

VOID FASTCALL KeReleaseInStackQueuedSpinLock(PKLOCK_QUEUE_HANDLE LockHandle)
{
    KeReleaseSpinLock(LockHandle->LockQueue.Lock, LockHandle->OldIrql);
}

/* ---- critical regions ------------------------------------------------------- */

VOID NTAPI KeEnterCriticalRegion(VOID)
{
    NkHostCheckIrqlMax(APC_LEVEL, "KeEnterCriticalRegion");
    CriticalDepth++;
}

VOID NTAPI KeLeaveCriticalRegion(VOID)
{
    NkHostCheckIrqlMax(APC_LEVEL, "KeLeaveCriticalRegion");
    if (CriticalDepth == 0) {
        NkHostViolation("critical-region.unbalanced", "KeLeaveCriticalRegion without KeEnterCriticalRegion");
        return;
    }
    CriticalDepth--;
}

BOOLEAN NTAPI KeAreApcsDisabled(VOID)
{
    return CriticalDepth > 0 || NkIrqlGet() >= APC_LEVEL;
}

/* ---- events ------------------------------------------------------------------------ */

VOID NTAPI KeInitializeEvent(PRKEVENT Event, EVENT_TYPE Type, BOOLEAN State)
{
    RtlZeroMemory(Event, sizeof(*Event));
    Event->Header.Type = Type == NotificationEvent ? NK_OBJ_NOTIFICATION_EVENT
                                                   : NK_OBJ_SYNCHRONIZATION_EVENT;
    Event->Header.Size = sizeof(KEVENT) / sizeof(LONG);
    Event->Header.SignalState = State ? 1 : 0;
    InitializeListHead(&Event->Header.WaitListHead);
}

LONG NTAPI KeSetEvent(PRKEVENT Event, KPRIORITY Increment, BOOLEAN Wait)
{
    LONG previous;
    (void)Increment;
    (void)Wait; /* Wait == TRUE promises a wait call next; nothing to do here */
    NkHostCheckIrqlMax(DISPATCH_LEVEL, "KeSetEvent");
    pthread_mutex_lock(&NkDispatcherLock);
    previous = Event->Header.SignalState;
    Event->Header.SignalState = 1;
    pthread_cond_broadcast(&NkDispatcherCond);
    pthread_mutex_unlock(&NkDispatcherLock);
    return previous;
}

LONG NTAPI KeResetEvent(PRKEVENT Event)
{
    LONG previous;
    NkHostCheckIrqlMax(DISPATCH_LEVEL, "KeResetEvent");
    pthread_mutex_lock(&NkDispatcherLock);
    previous = Event->Header.SignalState;
    Event->Header.SignalState = 0;
    pthread_mutex_unlock(&NkDispatcherLock);
    return previous;
}

VOID NTAPI KeClearEvent(PRKEVENT Event)
{
    (void)KeResetEvent(Event);
}

LONG NTAPI KeReadStateEvent(PRKEVENT Event)
{
    LONG state;
    pthread_mutex_lock(&NkDispatcherLock);
    state = Event->Header.SignalState;
    pthread_mutex_unlock(&NkDispatcherLock);
    return state;
}

/* ---- mutexes ------------------------------------------------------------------------ */

VOID NTAPI KeInitializeMutex(PRKMUTEX Mutex, ULONG Level)
{
    (void)Level;
    RtlZeroMemory(Mutex, sizeof(*Mutex));
    Mutex->Header.Type = NK_OBJ_MUTANT;
    Mutex->Header.SignalState = 1; /* 1: free; <= 0: owned (recursion depth) */
    InitializeListHead(&Mutex->Header.WaitListHead);
}

LONG NTAPI KeReleaseMutex(PRKMUTEX Mutex, BOOLEAN Wait)
{
    LONG previous;
    (void)Wait;
    pthread_mutex_lock(&NkDispatcherLock);
    previous = Mutex->Header.SignalState;
    if (Mutex->OwnerThread != (struct _KTHREAD *)Me() || previous > 0) {
        pthread_mutex_unlock(&NkDispatcherLock);
        NkHostViolation("mutex.not-owner", "KeReleaseMutex(%p) by a thread that does not own it",
                        (void *)Mutex);
        return previous;
    }
    if (++Mutex->Header.SignalState == 1) {
        Mutex->OwnerThread = NULL;
        /* Acquiring a KMUTEX entered a critical region; releasing leaves it. */
        CriticalDepth--;
        pthread_cond_broadcast(&NkDispatcherCond);
    }
    pthread_mutex_unlock(&NkDispatcherLock);
    return previous;
}

/* ---- waits ------------------------------------------------------------------------- */

BOOLEAN NkDispatcherTryAcquire(PDISPATCHER_HEADER Object)
{
    switch (Object->Type) {
    case NK_OBJ_NOTIFICATION_EVENT:
    case NK_OBJ_THREAD:
        return Object->SignalState > 0;
    case NK_OBJ_TIMER_NOTIFICATION:
        return Object->SignalState > 0;
    case NK_OBJ_SYNCHRONIZATION_EVENT:
    case NK_OBJ_TIMER_SYNCHRONIZATION:
        if (Object->SignalState > 0) {
            Object->SignalState = 0; /* auto-reset: one waiter consumes it */
            return TRUE;
        }
        return FALSE;
    case NK_OBJ_MUTANT: {
        PKMUTEX m = CONTAINING_RECORD(Object, KMUTEX, Header);
        if (Object->SignalState > 0) {
            Object->SignalState = 0;
            m->OwnerThread = (struct _KTHREAD *)Me();
            CriticalDepth++;
            return TRUE;
        }
        if (m->OwnerThread == (struct _KTHREAD *)Me()) {
            Object->SignalState--; /* recursive acquisition */
            return TRUE;
        }
        return FALSE;
    }
    default:
        return FALSE;
    }
}

/* Absolute CLOCK_MONOTONIC deadline for an NT timeout (100 ns units:
 * negative relative, positive absolute system time). */
static struct timespec Deadline(LONGLONG Timeout)
{
    struct timespec now, d;
    LONGLONG rel100ns;

    clock_gettime(CLOCK_MONOTONIC, &now);
    if (Timeout < 0) {
        rel100ns = -Timeout;
    } else {
        LARGE_INTEGER sys;
        KeQuerySystemTimePrecise(&sys);
        rel100ns = Timeout > sys.QuadPart ? Timeout - sys.QuadPart : 0;
    }
    d.tv_sec = now.tv_sec + rel100ns / 10000000;
    d.tv_nsec = now.tv_nsec + (rel100ns % 10000000) * 100;
    if (d.tv_nsec >= 1000000000) {
        d.tv_sec++;
        d.tv_nsec -= 1000000000;
    }
    return d;
}

NTSTATUS NTAPI KeWaitForSingleObject(PVOID Object, KWAIT_REASON WaitReason, KPROCESSOR_MODE WaitMode,
                                     BOOLEAN Alertable, PLARGE_INTEGER Timeout)
{
    PDISPATCHER_HEADER h = (PDISPATCHER_HEADER)Object;
    NTSTATUS status = STATUS_SUCCESS;
    struct timespec deadline;
    (void)WaitReason;
    (void)WaitMode;
    (void)Alertable;

    /* A zero timeout polls and is allowed at DISPATCH_LEVEL; any real wait
     * needs IRQL <= APC_LEVEL. */
    if (Timeout != NULL && Timeout->QuadPart == 0) {
        if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "KeWaitForSingleObject"))
            return STATUS_TIMEOUT;
    } else if (NkIrqlGet() > APC_LEVEL) {
        NkHostViolation("irql.wait-above-apc", "KeWaitForSingleObject with a timeout at IRQL %u",
                        NkIrqlGet());
        return STATUS_TIMEOUT;
    }
    if (Timeout != NULL)
        deadline = Deadline(Timeout->QuadPart);
    if (NkSchedControlled()) {
        /* Under the explorer the setter may be waiting for its turn: poll,
         * handing the turn over between checks. */
        for (;;) {
            struct timespec now;
            BOOLEAN got;
            pthread_mutex_lock(&NkDispatcherLock);
            got = NkDispatcherTryAcquire(h);
            pthread_mutex_unlock(&NkDispatcherLock);
            if (got)
                return STATUS_SUCCESS;
            clock_gettime(CLOCK_MONOTONIC, &now);
            if (Timeout != NULL && (Timeout->QuadPart == 0 || now.tv_sec > deadline.tv_sec ||
                                    (now.tv_sec == deadline.tv_sec && now.tv_nsec >= deadline.tv_nsec)))
                return STATUS_TIMEOUT;
            NkSchedPoll();
            if (!NkSchedControlled())
                break; /* the exploration ended (deadlock reported): wait for real */
        }
    }
    pthread_mutex_lock(&NkDispatcherLock);
    while (!NkDispatcherTryAcquire(h)) {
        int rc;
        if (Timeout == NULL) {
            rc = pthread_cond_wait(&NkDispatcherCond, &NkDispatcherLock);
        } else if (Timeout->QuadPart == 0) {
            rc = ETIMEDOUT;
        } else {
            rc = pthread_cond_timedwait(&NkDispatcherCond, &NkDispatcherLock, &deadline);
        }
        if (rc == ETIMEDOUT && !NkDispatcherTryAcquire(h)) {
            status = STATUS_TIMEOUT;
            break;
        } else if (rc == ETIMEDOUT) {
            break;
        }
    }
    pthread_mutex_unlock(&NkDispatcherLock);
    return status;
}
