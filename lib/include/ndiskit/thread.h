/*
 * ndiskit/thread.h - system threads a driver can always join before it
 * unloads.
 *
 * NkThreadStart creates the thread with IoCreateSystemThread, so the
 * driver (or device) object stays referenced while the thread runs: the
 * image cannot be unmapped under it.  It keeps a reference to the thread
 * object, so NkThreadStopAndJoin can always wait for the exit - the way
 * out of DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS.  A thread
 * set tracks every thread a driver starts, so unload joins them all.
 *
 *     static VOID Worker(PVOID Context)
 *     {
 *         PNK_THREAD self = Context;
 *         while (!NkThreadStopRequested(self))
 *             DoSomeWork();                    // or wait on &self->Stop
 *     }
 *     ...
 *     status = NkThreadSetStart(&ctx->Threads, &ctx->Worker, DriverObject, Worker, &ctx->Worker);
 *     ...
 *     NkThreadSetStopAndJoinAll(&ctx->Threads);   // in unload
 */
#ifndef NDISKIT_THREAD_H
#define NDISKIT_THREAD_H

#include <ndiskit/sync.h>

typedef struct _NK_THREAD {
    PVOID Object;                   /* referenced thread object; NULL when not running */
    NK_EVENT Stop;                  /* set by NkThreadStopAndJoin: the thread should return */
    LIST_ENTRY Link;                /* on its NK_THREAD_SET */
} NK_THREAD, *PNK_THREAD;

/* Starts Routine(Context) on a new system thread.  IoObject is the
 * caller's driver or device object (kept referenced until the thread
 * exits).  STATUS_SUCCESS, or the failure from thread creation (the
 * NK_THREAD is then unused).  IRQL == PASSIVE_LEVEL. */
_IRQL_requires_(PASSIVE_LEVEL)
FORCEINLINE NTSTATUS NkThreadStart(_Out_ PNK_THREAD Thread, _In_ PVOID IoObject, _In_ PKSTART_ROUTINE Routine,
                                   _In_opt_ PVOID Context)
{
    HANDLE handle;
    NTSTATUS status;

    Thread->Object = NULL;
    NkEventInit(&Thread->Stop, FALSE, FALSE);
    InitializeListHead(&Thread->Link);
    status = IoCreateSystemThread(IoObject, &handle, THREAD_ALL_ACCESS, NULL, NULL, NULL, Routine, Context);
    if (!NT_SUCCESS(status))
        return status;
    /* The handle is only needed to get at the object: keep the object. */
    status = ObReferenceObjectByHandle(handle, SYNCHRONIZE, *PsThreadType, KernelMode, &Thread->Object, NULL);
    ZwClose(handle);
    return status;
}

/* TRUE once NkThreadStopAndJoin has asked the thread to return.  Any IRQL
 * <= DISPATCH. */
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE BOOLEAN NkThreadStopRequested(_In_ PNK_THREAD Thread)
{
    return NkEventIsSet(&Thread->Stop);
}

/* Asks the thread to stop and waits up to Ms milliseconds for it to exit:
 * STATUS_SUCCESS (joined; the NK_THREAD may be reused or freed),
 * STATUS_TIMEOUT (still running: call again), STATUS_INVALID_DEVICE_STATE
 * (not running).  IRQL == PASSIVE_LEVEL. */
_IRQL_requires_(PASSIVE_LEVEL)
FORCEINLINE NTSTATUS NkThreadStopAndJoin(_Inout_ PNK_THREAD Thread, _In_ ULONG Ms)
{
    NTSTATUS status;
    if (Thread->Object == NULL)
        return STATUS_INVALID_DEVICE_STATE;
    NkEventSet(&Thread->Stop);
    status = NkWaitMs(Thread->Object, Ms);
    if (status != STATUS_SUCCESS)
        return status;
    ObDereferenceObject(Thread->Object);
    Thread->Object = NULL;
    return STATUS_SUCCESS;
}

/* ------------------------------------------------------------------------
 * Thread sets: every thread a driver starts, so unload can join them all.
 */
typedef struct _NK_THREAD_SET {
    KSPIN_LOCK Lock;
    LIST_ENTRY Threads;
} NK_THREAD_SET, *PNK_THREAD_SET;

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID NkThreadSetInit(_Out_ PNK_THREAD_SET Set)
{
    KeInitializeSpinLock(&Set->Lock);
    InitializeListHead(&Set->Threads);
}

/* NkThreadStart, and Thread joins Set.  IRQL == PASSIVE_LEVEL. */
_IRQL_requires_(PASSIVE_LEVEL)
FORCEINLINE NTSTATUS NkThreadSetStart(_Inout_ PNK_THREAD_SET Set, _Out_ PNK_THREAD Thread, _In_ PVOID IoObject,
                                      _In_ PKSTART_ROUTINE Routine, _In_opt_ PVOID Context)
{
    KIRQL irql;
    NTSTATUS status = NkThreadStart(Thread, IoObject, Routine, Context);
    if (!NT_SUCCESS(status))
        return status;
    KeAcquireSpinLock(&Set->Lock, &irql);
    InsertTailList(&Set->Threads, &Thread->Link);
    KeReleaseSpinLock(&Set->Lock, irql);
    return STATUS_SUCCESS;
}

/* Stops every thread of Set and joins each, however long it takes (a
 * thread that never returns hangs unload here, visibly, rather than
 * crashing the system later).  Returns the number joined.
 * IRQL == PASSIVE_LEVEL. */
_IRQL_requires_(PASSIVE_LEVEL)
FORCEINLINE ULONG NkThreadSetStopAndJoinAll(_Inout_ PNK_THREAD_SET Set)
{
    ULONG joined = 0;
    for (;;) {
        PNK_THREAD t = NULL;
        KIRQL irql;
        KeAcquireSpinLock(&Set->Lock, &irql);
        if (!IsListEmpty(&Set->Threads))
            t = CONTAINING_RECORD(RemoveHeadList(&Set->Threads), NK_THREAD, Link);
        KeReleaseSpinLock(&Set->Lock, irql);
        if (t == NULL)
            return joined;
        InitializeListHead(&t->Link);
        if (NkThreadStopAndJoin(t, NK_WAIT_FOREVER) == STATUS_SUCCESS)
            joined++;
    }
}

#endif
