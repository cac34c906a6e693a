/*
 * wdfsync.h - framework locks: an object's own lock, wait locks
 * (PASSIVE_LEVEL, may block) and spin locks (raise to DISPATCH_LEVEL).
 * Part of <wdf.h>.
 */
#ifndef NDISKIT_WDFSYNC_H
#define NDISKIT_WDFSYNC_H

#ifndef NDISKIT_WDF_H
#error "include <wdf.h>, not <wdfsync.h>"
#endif

/* BEGIN GENERATED DDIs: scripts/gen-wdf-ddis from scripts/wdf-ddis.txt. */

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFOBJECTACQUIRELOCK)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFOBJECT Object);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfObjectAcquireLock(
    _In_ WDFOBJECT Object)
{
    ((PFN_WDFOBJECTACQUIRELOCK)WdfFunctions[WdfObjectAcquireLockTableIndex])(WdfDriverGlobals, Object);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFOBJECTRELEASELOCK)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFOBJECT Object);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfObjectReleaseLock(
    _In_ WDFOBJECT Object)
{
    ((PFN_WDFOBJECTRELEASELOCK)WdfFunctions[WdfObjectReleaseLockTableIndex])(WdfDriverGlobals, Object);
}

typedef _Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFWAITLOCKCREATE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_opt_ PWDF_OBJECT_ATTRIBUTES LockAttributes,
    _Out_ WDFWAITLOCK *Lock);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfWaitLockCreate(
    _In_opt_ PWDF_OBJECT_ATTRIBUTES LockAttributes,
    _Out_ WDFWAITLOCK *Lock)
{
    return ((PFN_WDFWAITLOCKCREATE)WdfFunctions[WdfWaitLockCreateTableIndex])(WdfDriverGlobals, LockAttributes, Lock);
}

typedef _Must_inspect_result_ _IRQL_requires_max_(PASSIVE_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFWAITLOCKACQUIRE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFWAITLOCK Lock,
    _In_opt_ PLONGLONG Timeout);

_Must_inspect_result_ _IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE NTSTATUS WdfWaitLockAcquire(
    _In_ WDFWAITLOCK Lock,
    _In_opt_ PLONGLONG Timeout)
{
    return ((PFN_WDFWAITLOCKACQUIRE)WdfFunctions[WdfWaitLockAcquireTableIndex])(WdfDriverGlobals, Lock, Timeout);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFWAITLOCKRELEASE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFWAITLOCK Lock);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfWaitLockRelease(
    _In_ WDFWAITLOCK Lock)
{
    ((PFN_WDFWAITLOCKRELEASE)WdfFunctions[WdfWaitLockReleaseTableIndex])(WdfDriverGlobals, Lock);
}

typedef _Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFSPINLOCKCREATE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_opt_ PWDF_OBJECT_ATTRIBUTES SpinLockAttributes,
    _Out_ WDFSPINLOCK *SpinLock);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfSpinLockCreate(
    _In_opt_ PWDF_OBJECT_ATTRIBUTES SpinLockAttributes,
    _Out_ WDFSPINLOCK *SpinLock)
{
    return ((PFN_WDFSPINLOCKCREATE)WdfFunctions[WdfSpinLockCreateTableIndex])(WdfDriverGlobals, SpinLockAttributes, SpinLock);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFSPINLOCKACQUIRE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFSPINLOCK SpinLock);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfSpinLockAcquire(
    _In_ WDFSPINLOCK SpinLock)
{
    ((PFN_WDFSPINLOCKACQUIRE)WdfFunctions[WdfSpinLockAcquireTableIndex])(WdfDriverGlobals, SpinLock);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFSPINLOCKRELEASE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFSPINLOCK SpinLock);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfSpinLockRelease(
    _In_ WDFSPINLOCK SpinLock)
{
    ((PFN_WDFSPINLOCKRELEASE)WdfFunctions[WdfSpinLockReleaseTableIndex])(WdfDriverGlobals, SpinLock);
}

/* END GENERATED DDIs */

#endif /* NDISKIT_WDFSYNC_H */
