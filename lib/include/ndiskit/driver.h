/*
 * ndiskit/driver.h - the driver-wide state of an ndiskit KMDF driver and
 * the order it comes down in.
 *
 * KMDF tears a driver's objects down after EvtDriverUnload returns, while
 * NDIS may still be calling into a protocol and system threads may still
 * be running.  NK_DRIVER_CORE, kept in the driver's context area
 * (<ndiskit/context.h>), holds what must be gone before that teardown:
 * user-facing entry points (a rundown), the NDIS protocol and its
 * bindings, and the driver's threads.  NkDriverCoreUnload, called from
 * EvtDriverUnload, takes them down in that order:
 *
 *   1. closes the door to new users (NkDriverCoreEnter fails from now on)
 *      and waits for the current ones to leave;
 *   2. deregisters the protocol: NDIS unbinds every binding, and each
 *      unbind waits for its sends, held receives and OID requests;
 *   3. stops and joins every thread started with NkDriverCoreStartThread.
 *
 * Only then does the framework delete the object tree, and the driver
 * context's drop runs from its EvtDestroyCallback with nothing left that
 * could reach it.
 *
 *     VOID EvtDriverUnload(WDFDRIVER Driver)
 *     {
 *         DRIVER_CTX *ctx = DriverCtxGet(Driver);
 *         if (ctx != NULL)
 *             NkDriverCoreUnload(&ctx->Core);
 *     }
 */
#ifndef NDISKIT_DRIVER_H
#define NDISKIT_DRIVER_H

#include <ndiskit/binding.h>
#include <ndiskit/sync.h>
#include <ndiskit/thread.h>

typedef struct _NK_DRIVER_CORE {
    NK_RUNDOWN Users;
    NK_PROTOCOL Protocol;
    BOOLEAN ProtocolRegistered;
    NK_THREAD_SET Threads;
} NK_DRIVER_CORE, *PNK_DRIVER_CORE;

/* IRQL <= DISPATCH_LEVEL. */
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID NkDriverCoreInit(_Out_ PNK_DRIVER_CORE Core)
{
    RtlZeroMemory(Core, sizeof(*Core));
    NkRundownInit(&Core->Users);
    NkThreadSetInit(&Core->Threads);
}

/* Registers the driver's NDIS protocol (see NkProtocolRegister).
 * IRQL == PASSIVE_LEVEL. */
_IRQL_requires_(PASSIVE_LEVEL)
FORCEINLINE NDIS_STATUS NkDriverCoreRegisterProtocol(_Inout_ PNK_DRIVER_CORE Core, _In_z_ PCWSTR Name,
                                                     _In_ UCHAR Major, _In_ UCHAR Minor,
                                                     _In_ const NK_PROTOCOL_CALLBACKS *Callbacks,
                                                     _In_opt_ PVOID DriverContext)
{
    NDIS_STATUS status = NkProtocolRegister(&Core->Protocol, Name, Major, Minor, Callbacks, DriverContext);
    Core->ProtocolRegistered = status == NDIS_STATUS_SUCCESS;
    return status;
}

/* Starts a thread the unload will stop and join (see NkThreadStart). */
_IRQL_requires_(PASSIVE_LEVEL)
FORCEINLINE NTSTATUS NkDriverCoreStartThread(_Inout_ PNK_DRIVER_CORE Core, _Out_ PNK_THREAD Thread,
                                             _In_ PVOID IoObject, _In_ PKSTART_ROUTINE Routine,
                                             _In_opt_ PVOID Context)
{
    return NkThreadSetStart(&Core->Threads, Thread, IoObject, Routine, Context);
}

/* An entry point (an IOCTL, a read) begins: FALSE once unload has begun -
 * fail the request (e.g. STATUS_DELETE_PENDING) without touching driver
 * state.  Any IRQL. */
FORCEINLINE BOOLEAN NkDriverCoreEnter(_Inout_ PNK_DRIVER_CORE Core)
{
    return NkRundownAcquire(&Core->Users);
}

/* The entry point is done.  IRQL <= DISPATCH_LEVEL. */
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID NkDriverCoreLeave(_Inout_ PNK_DRIVER_CORE Core)
{
    (void)NkRundownRelease(&Core->Users);
}

/* From EvtDriverUnload: users, then the protocol, then threads (above).
 * IRQL == PASSIVE_LEVEL; returns when all three are gone. */
_IRQL_requires_(PASSIVE_LEVEL)
FORCEINLINE VOID NkDriverCoreUnload(_Inout_ PNK_DRIVER_CORE Core)
{
    NkRundownWait(&Core->Users, NK_WAIT_FOREVER);
    if (Core->ProtocolRegistered) {
        NkProtocolDeregister(&Core->Protocol);
        Core->ProtocolRegistered = FALSE;
    }
    NkThreadSetStopAndJoinAll(&Core->Threads);
}

#endif
