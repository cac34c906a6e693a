/*
 * ndiskit/sync.h - events with millisecond timeouts, a wait lock that
 * holds off APCs while held, and a rundown counter ("wait until every
 * user is gone").  Header-only: each routine is a few interlocked
 * operations or one dispatcher call, with no allocation.
 *
 *     NK_RUNDOWN users;                        // in the device context
 *     NkRundownInit(&users);
 *     ...
 *     if (!NkRundownAcquire(&users))           // an I/O path
 *         return STATUS_DEVICE_REMOVED;        // unloading: refuse new work
 *     DoWork();
 *     NkRundownRelease(&users);
 *     ...
 *     NkRundownWait(&users, NK_WAIT_FOREVER);  // unload: no new users, and
 *                                              // every current one has left
 *
 * Every failure is a status, never a crash: a release without an acquire,
 * a recursive lock acquisition, a wait that times out.
 */
#ifndef NDISKIT_SYNC_H
#define NDISKIT_SYNC_H

#include <ntddk.h>

/* A timeout that never expires, for the ...Ms parameters below. */
#define NK_WAIT_FOREVER MAXULONG

/* The relative NT timeout (negative, 100 ns units) for Ms milliseconds.
 * Any IRQL; constant time. */
FORCEINLINE LARGE_INTEGER NkTimeoutFromMs(_In_ ULONG Ms)
{
    LARGE_INTEGER t;
    t.QuadPart = -(LONGLONG)Ms * 10000;
    return t;
}

/* KeWaitForSingleObject with a millisecond timeout: STATUS_SUCCESS or
 * STATUS_TIMEOUT.  IRQL <= APC_LEVEL, or DISPATCH_LEVEL with Ms == 0 (a
 * poll). */
_When_(Ms != 0, _IRQL_requires_max_(APC_LEVEL))
_When_(Ms == 0, _IRQL_requires_max_(DISPATCH_LEVEL))
FORCEINLINE NTSTATUS NkWaitMs(_In_ PVOID Object, _In_ ULONG Ms)
{
    LARGE_INTEGER t = NkTimeoutFromMs(Ms);
    NTSTATUS status = KeWaitForSingleObject(Object, Executive, KernelMode, FALSE,
                                            Ms == NK_WAIT_FOREVER ? NULL : &t);
    return status == STATUS_SUCCESS ? STATUS_SUCCESS : STATUS_TIMEOUT;
}

/* ------------------------------------------------------------------------
 * Events.
 */
typedef struct _NK_EVENT {
    KEVENT Event;
} NK_EVENT, *PNK_EVENT;

/* A notification event (stays set until reset) or, with AutoReset, a
 * synchronization event (a satisfied wait resets it).  IRQL <= DISPATCH. */
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID NkEventInit(_Out_ PNK_EVENT Event, _In_ BOOLEAN AutoReset, _In_ BOOLEAN Signaled)
{
    KeInitializeEvent(&Event->Event, AutoReset ? SynchronizationEvent : NotificationEvent, Signaled);
}

/* Sets the event; TRUE if it was set already.  IRQL <= DISPATCH. */
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE BOOLEAN NkEventSet(_Inout_ PNK_EVENT Event)
{
    return KeSetEvent(&Event->Event, IO_NO_INCREMENT, FALSE) != 0;
}

/* Resets the event.  IRQL <= DISPATCH. */
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID NkEventReset(_Inout_ PNK_EVENT Event)
{
    KeClearEvent(&Event->Event);
}

/* TRUE if set (without consuming it).  IRQL <= DISPATCH. */
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE BOOLEAN NkEventIsSet(_In_ PNK_EVENT Event)
{
    return KeReadStateEvent(&Event->Event) != 0;
}

/* Waits up to Ms milliseconds (NK_WAIT_FOREVER: no limit; 0: poll):
 * STATUS_SUCCESS or STATUS_TIMEOUT.  IRQL as NkWaitMs. */
FORCEINLINE NTSTATUS NkEventWait(_Inout_ PNK_EVENT Event, _In_ ULONG Ms)
{
    return NkWaitMs(&Event->Event, Ms);
}

/* ------------------------------------------------------------------------
 * Wait lock: a lock that may be held across waits (at PASSIVE_LEVEL).
 * Acquiring enters a critical region, so the holder cannot be suspended
 * by an APC while other threads wait for it; releasing leaves it.  The
 * owner is recorded, so a recursive acquire is STATUS_POSSIBLE_DEADLOCK
 * rather than a hang, and a release by another thread is refused.
 */
typedef struct _NK_WAIT_LOCK {
    KEVENT Free;                    /* synchronization event: set = free */
    PVOID volatile Owner;           /* thread ID of the holder, or NULL (interlocked) */
} NK_WAIT_LOCK, *PNK_WAIT_LOCK;

_IRQL_requires_max_(DISPATCH_LEVEL)
/* The holder, read and written with interlocked operations: other threads
 * look at it while it changes. */
FORCEINLINE PVOID NkWaitLockOwner(_In_ PNK_WAIT_LOCK Lock)
{
    return InterlockedCompareExchangePointer(&Lock->Owner, NULL, NULL);
}

FORCEINLINE VOID NkWaitLockInit(_Out_ PNK_WAIT_LOCK Lock)
{
    KeInitializeEvent(&Lock->Free, SynchronizationEvent, TRUE);
    Lock->Owner = NULL;
}

/* STATUS_SUCCESS (held, inside a critical region), STATUS_TIMEOUT after
 * Ms milliseconds, or STATUS_POSSIBLE_DEADLOCK if this thread holds it
 * already.  IRQL <= APC_LEVEL. */
_IRQL_requires_max_(APC_LEVEL)
FORCEINLINE NTSTATUS NkWaitLockAcquire(_Inout_ PNK_WAIT_LOCK Lock, _In_ ULONG Ms)
{
    NTSTATUS status;
    if (NkWaitLockOwner(Lock) == (PVOID)PsGetCurrentThreadId())
        return STATUS_POSSIBLE_DEADLOCK;
    KeEnterCriticalRegion();
    status = NkWaitMs(&Lock->Free, Ms);
    if (status != STATUS_SUCCESS) {
        KeLeaveCriticalRegion();
        return status;
    }
    InterlockedExchangePointer(&Lock->Owner, (PVOID)PsGetCurrentThreadId());
    return STATUS_SUCCESS;
}

/* Releases a lock this thread holds, leaving the critical region;
 * STATUS_RESOURCE_NOT_OWNED (nothing changes) from any other thread.
 * IRQL <= APC_LEVEL. */
_IRQL_requires_max_(APC_LEVEL)
FORCEINLINE NTSTATUS NkWaitLockRelease(_Inout_ PNK_WAIT_LOCK Lock)
{
    if (NkWaitLockOwner(Lock) != (PVOID)PsGetCurrentThreadId())
        return STATUS_RESOURCE_NOT_OWNED;
    InterlockedExchangePointer(&Lock->Owner, NULL);
    KeSetEvent(&Lock->Free, IO_NO_INCREMENT, FALSE);
    KeLeaveCriticalRegion();
    return STATUS_SUCCESS;
}

/* ------------------------------------------------------------------------
 * Rundown: counts the users of something that will go away.  Users enter
 * with NkRundownAcquire and leave with NkRundownRelease; NkRundownWait
 * closes the door (every later acquire fails) and waits for the last
 * user to leave.  Count holds 2 per user plus 1 once the wait has begun.
 */
typedef struct _NK_RUNDOWN {
    volatile LONG Count;
    KEVENT Drained;
} NK_RUNDOWN, *PNK_RUNDOWN;

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID NkRundownInit(_Out_ PNK_RUNDOWN Rundown)
{
    Rundown->Count = 0;
    KeInitializeEvent(&Rundown->Drained, NotificationEvent, FALSE);
}

/* TRUE: the caller is a user until NkRundownRelease.  FALSE: rundown has
 * begun; do not touch what it protects.  Any IRQL; lock-free. */
FORCEINLINE BOOLEAN NkRundownAcquire(_Inout_ PNK_RUNDOWN Rundown)
{
    for (;;) {
        LONG old = ReadAcquire(&Rundown->Count);
        if (old & 1)
            return FALSE;
        if (InterlockedCompareExchange(&Rundown->Count, old + 2, old) == old)
            return TRUE;
    }
}

/* Ends one use; the last user during a rundown wakes the waiter.
 * STATUS_INVALID_DEVICE_STATE (nothing changes) if there is no user to
 * release.  IRQL <= DISPATCH_LEVEL; lock-free. */
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS NkRundownRelease(_Inout_ PNK_RUNDOWN Rundown)
{
    for (;;) {
        LONG old = ReadAcquire(&Rundown->Count);
        if (old < 2)
            return STATUS_INVALID_DEVICE_STATE;
        if (InterlockedCompareExchange(&Rundown->Count, old - 2, old) == old) {
            if (old - 2 == 1)
                KeSetEvent(&Rundown->Drained, IO_NO_INCREMENT, FALSE);
            return STATUS_SUCCESS;
        }
    }
}

/* Begins the rundown (from now on NkRundownAcquire fails) and waits up to
 * Ms milliseconds for the users to leave: STATUS_SUCCESS when none is
 * left, STATUS_TIMEOUT otherwise (the rundown stays in force; wait
 * again).  IRQL as NkWaitMs. */
FORCEINLINE NTSTATUS NkRundownWait(_Inout_ PNK_RUNDOWN Rundown, _In_ ULONG Ms)
{
    LONG old = InterlockedOr(&Rundown->Count, 1);
    if ((old | 1) == 1)
        return STATUS_SUCCESS;
    return NkWaitMs(&Rundown->Drained, Ms);
}

#endif
