/*
 * sync.c - WDFSPINLOCK and WDFWAITLOCK.  A framework spin lock raises to
 * DISPATCH_LEVEL like KeAcquireSpinLock; a wait lock is a synchronization
 * event, acquired at PASSIVE_LEVEL (or polled with a zero timeout at
 * DISPATCH_LEVEL) and, as documented, inside a critical region.
 */
#include "kmdf_internal.h"

typedef struct _NK_WDF_SPINLOCK {
    NK_WDF_OBJECT Object;
    KSPIN_LOCK Lock;
    KIRQL OldIrql;
} NK_WDF_SPINLOCK;

typedef struct _NK_WDF_WAITLOCK {
    NK_WDF_OBJECT Object;
    KEVENT Event;
} NK_WDF_WAITLOCK;

static NTSTATUS NTAPI NkWdfSpinLockCreate(PWDF_DRIVER_GLOBALS Globals, PWDF_OBJECT_ATTRIBUTES Attributes,
                                          WDFSPINLOCK *SpinLock)
{
    NK_WDF_OBJECT *o;
    NTSTATUS status;
    *SpinLock = NULL;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "WdfSpinLockCreate"))
        return STATUS_INVALID_DEVICE_STATE;
    status = NkWdfCreate(sizeof(NK_WDF_SPINLOCK), NkWdfTypeSpinLock, Attributes, NkWdfDriverOf(Globals), &o);
    if (NT_SUCCESS(status)) {
        KeInitializeSpinLock(&((NK_WDF_SPINLOCK *)o)->Lock);
        *SpinLock = (WDFSPINLOCK)o;
    }
    return status;
}

static NK_WDF_SPINLOCK *SpinLockOf(WDFSPINLOCK Handle, const char *Ddi)
{
    NK_WDF_OBJECT *o = NkWdfLookup((WDFOBJECT)Handle, Ddi);
    if (o != NULL && o->Type != NkWdfTypeSpinLock) {
        NkHostViolation("wdf.wrong-type", "%s(%p): not a WDFSPINLOCK", Ddi, (void *)Handle);
        return NULL;
    }
    return (NK_WDF_SPINLOCK *)o;
}

static VOID NTAPI NkWdfSpinLockAcquire(PWDF_DRIVER_GLOBALS Globals, WDFSPINLOCK SpinLock)
{
    NK_WDF_SPINLOCK *l = SpinLockOf(SpinLock, "WdfSpinLockAcquire");
    KIRQL old;
    (void)Globals;
    if (l == NULL)
        return;
    KeAcquireSpinLock(&l->Lock, &old);
    l->OldIrql = old;
}

static VOID NTAPI NkWdfSpinLockRelease(PWDF_DRIVER_GLOBALS Globals, WDFSPINLOCK SpinLock)
{
    NK_WDF_SPINLOCK *l = SpinLockOf(SpinLock, "WdfSpinLockRelease");
    (void)Globals;
    if (l == NULL)
        return;
    KeReleaseSpinLock(&l->Lock, l->OldIrql);
}

static NTSTATUS NTAPI NkWdfWaitLockCreate(PWDF_DRIVER_GLOBALS Globals, PWDF_OBJECT_ATTRIBUTES Attributes,
                                          WDFWAITLOCK *Lock)
{
    NK_WDF_OBJECT *o;
    NTSTATUS status;
    *Lock = NULL;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "WdfWaitLockCreate"))
        return STATUS_INVALID_DEVICE_STATE;
    status = NkWdfCreate(sizeof(NK_WDF_WAITLOCK), NkWdfTypeWaitLock, Attributes, NkWdfDriverOf(Globals), &o);
    if (NT_SUCCESS(status)) {
        KeInitializeEvent(&((NK_WDF_WAITLOCK *)o)->Event, SynchronizationEvent, TRUE);
        *Lock = (WDFWAITLOCK)o;
    }
    return status;
}

static NK_WDF_WAITLOCK *WaitLockOf(WDFWAITLOCK Handle, const char *Ddi)
{
    NK_WDF_OBJECT *o = NkWdfLookup((WDFOBJECT)Handle, Ddi);
    if (o != NULL && o->Type != NkWdfTypeWaitLock) {
        NkHostViolation("wdf.wrong-type", "%s(%p): not a WDFWAITLOCK", Ddi, (void *)Handle);
        return NULL;
    }
    return (NK_WDF_WAITLOCK *)o;
}

static NTSTATUS NTAPI NkWdfWaitLockAcquire(PWDF_DRIVER_GLOBALS Globals, WDFWAITLOCK Lock, PLONGLONG Timeout)
{
    NK_WDF_WAITLOCK *l = WaitLockOf(Lock, "WdfWaitLockAcquire");
    LARGE_INTEGER t;
    NTSTATUS status;
    (void)Globals;
    if (l == NULL)
        return STATUS_INVALID_HANDLE;
    KeEnterCriticalRegion();
    if (Timeout != NULL)
        t.QuadPart = *Timeout;
    status = KeWaitForSingleObject(&l->Event, Executive, KernelMode, FALSE, Timeout ? &t : NULL);
    if (status != STATUS_SUCCESS)
        KeLeaveCriticalRegion();
    return status;
}

static VOID NTAPI NkWdfWaitLockRelease(PWDF_DRIVER_GLOBALS Globals, WDFWAITLOCK Lock)
{
    NK_WDF_WAITLOCK *l = WaitLockOf(Lock, "WdfWaitLockRelease");
    (void)Globals;
    if (l == NULL)
        return;
    if (KeReadStateEvent(&l->Event)) {
        NkHostViolation("wdf.waitlock-not-held", "WdfWaitLockRelease(%p): not acquired", (void *)Lock);
        return;
    }
    KeSetEvent(&l->Event, IO_NO_INCREMENT, FALSE);
    KeLeaveCriticalRegion();
}

VOID NkWdfRegisterSyncDdis(VOID)
{
    NK_WDF_REGISTER(WdfSpinLockCreate, NkWdfSpinLockCreate);
    NK_WDF_REGISTER(WdfSpinLockAcquire, NkWdfSpinLockAcquire);
    NK_WDF_REGISTER(WdfSpinLockRelease, NkWdfSpinLockRelease);
    NK_WDF_REGISTER(WdfWaitLockCreate, NkWdfWaitLockCreate);
    NK_WDF_REGISTER(WdfWaitLockAcquire, NkWdfWaitLockAcquire);
    NK_WDF_REGISTER(WdfWaitLockRelease, NkWdfWaitLockRelease);
}
