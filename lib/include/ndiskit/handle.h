/*
 * ndiskit/handle.h - who may delete a WDF object, and how.
 *
 * Three kinds of handle, kept apart by type:
 *  - framework-owned (a WDFREQUEST presented to a queue callback, a
 *    WDFFILEOBJECT, the WDFDRIVER): a plain handle; the driver never
 *    deletes it.
 *  - parented (created with WDF_OBJECT_ATTRIBUTES.ParentObject): a plain
 *    handle; its parent's deletion deletes it.
 *  - driver-owned (NK_OWNED): the driver decides when it goes.  Taking
 *    ownership adds a tagged reference (WdfObjectReferenceActual with the
 *    caller's file and line); releasing deletes the object and then drops
 *    that reference.  The reference is what keeps the object's memory
 *    valid when WDF tears a tree down bottom-up before the owner gets to
 *    it (the notes' A <- B <- C case): the release then sees that the
 *    framework has already deleted the object, skips its own delete -
 *    which would touch freed memory on Windows - and only dereferences.
 *    A second release is refused and reported, not a use after free.
 *
 *     NK_OWNED timer;
 *     status = WdfTimerCreate(&config, &attributes, &handle);   // no parent
 *     status = NkOwnedTake(&ctx->Timer, handle);
 *     ...
 *     NkOwnedRelease(&ctx->Timer);                              // in drop
 *
 * Ownership is recorded in a small context area of ndiskit's own on the
 * object, whose cleanup callback notes the framework's deletion.
 */
#ifndef NDISKIT_HANDLE_H
#define NDISKIT_HANDLE_H

#include <ntddk.h>
#include <wdf.h>
#include <ndiskit/context.h>
#include <ndiskit/verify.h>

typedef struct _NK_OWNER_AREA {
    volatile LONG CleanedUp;        /* WDF ran the object's cleanup: it is deleted */
    volatile LONG Owned;            /* an NK_OWNED holds it */
} NK_OWNER_AREA;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(NK_OWNER_AREA, NkOwnerArea)

NK_CALLBACK VOID NTAPI NkOwnerEvtCleanup(_In_ WDFOBJECT Object)
{
    NK_OWNER_AREA *a = NkOwnerArea(Object);
    if (a != NULL)
        InterlockedExchange(&a->CleanedUp, 1);
}

typedef struct _NK_OWNED {
    WDFOBJECT volatile Object;      /* NULL when nothing is owned */
} NK_OWNED, *PNK_OWNED;

/* Makes Owned the owner of Object (one owner per object): adds the owner
 * area and a reference tagged with Owned, File and Line.
 * STATUS_INSUFFICIENT_RESOURCES, or STATUS_INVALID_DEVICE_STATE if the
 * object has an owner already (reported).  IRQL <= DISPATCH_LEVEL. */
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS NkOwnedTakeAt(_Out_ PNK_OWNED Owned, _In_ WDFOBJECT Object, _In_ LONG Line, _In_z_ PCHAR File)
{
    WDF_OBJECT_ATTRIBUTES a;
    NK_OWNER_AREA *area;
    NTSTATUS status;

    Owned->Object = NULL;
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&a, NK_OWNER_AREA);
    a.EvtCleanupCallback = NkOwnerEvtCleanup;
    status = WdfObjectAllocateContext(Object, &a, (PVOID *)&area);
    if (!NT_SUCCESS(status))
        return status;
    if (InterlockedCompareExchange(&area->Owned, 1, 0) != 0) {
        NkReportMisuse("ndiskit.owned-twice", "object %p already has an owner", (PVOID)Object);
        return STATUS_INVALID_DEVICE_STATE;
    }
    WdfObjectReferenceActual(Object, (PVOID)Owned, Line, File);
    InterlockedExchangePointer((PVOID volatile *)&Owned->Object, Object);
    return STATUS_SUCCESS;
}
#define NkOwnedTake(Owned, Object) NkOwnedTakeAt((Owned), (WDFOBJECT)(Object), __LINE__, (PCHAR)__FILE__)

/* The owned handle, or NULL once released.  Any IRQL. */
FORCEINLINE WDFOBJECT NkOwnedGet(_In_ PNK_OWNED Owned)
{
    return (WDFOBJECT)InterlockedCompareExchangePointer((PVOID volatile *)&Owned->Object, NULL, NULL);
}

/* Deletes the owned object unless the framework already has, then drops
 * the owner's reference (the object is destroyed when the last one goes).
 * STATUS_INVALID_HANDLE, reported, if nothing is owned (a second release).
 * The owner's release must not race the deletion of the object's parent:
 * both are teardown, and the driver orders them.  IRQL <= DISPATCH_LEVEL. */
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS NkOwnedReleaseAt(_Inout_ PNK_OWNED Owned, _In_ LONG Line, _In_z_ PCHAR File)
{
    WDFOBJECT o = (WDFOBJECT)InterlockedExchangePointer((PVOID volatile *)&Owned->Object, NULL);
    NK_OWNER_AREA *area;

    if (o == NULL) {
        NkReportMisuse("ndiskit.release-twice", "%s:%ld releases an NK_OWNED that owns nothing", File, (long)Line);
        return STATUS_INVALID_HANDLE;
    }
    area = NkOwnerArea(o);
    if (area != NULL && !ReadAcquire(&area->CleanedUp))
        WdfObjectDelete(o);
    if (area != NULL)
        InterlockedExchange(&area->Owned, 0);
    WdfObjectDereferenceActual(o, (PVOID)Owned, Line, File);
    return STATUS_SUCCESS;
}
#define NkOwnedRelease(Owned) NkOwnedReleaseAt((Owned), __LINE__, (PCHAR)__FILE__)

#endif
