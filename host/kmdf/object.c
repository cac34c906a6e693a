/*
 * object.c - framework objects: creation with attributes, the parent/child
 * tree, deletion, references, context areas and the object lock.
 *
 * Lifetime, as KMDF documents it:
 *   - an object is created with one reference and a parent (the driver
 *     object unless the attributes name another);
 *   - WdfObjectDelete (or the parent's deletion) disposes it: its children
 *     first, bottom-up, each child's EvtCleanupCallback before its parent's;
 *     then the creation reference is dropped;
 *   - EvtDestroyCallback runs when the last reference is gone; each child
 *     holds a reference on its parent, so a parent is destroyed after all
 *     its children;
 *   - deleting an object twice, or using a handle after it was destroyed,
 *     is reported by the verifier instead of touching freed memory.
 * All tree changes happen under one recursive lock, also held across the
 * callbacks, which may call DDIs themselves.
 */
#include "kmdf_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define NK_WDF_MAGIC 0x4E4B5744464F424Aull /* "NKWDFOBJ" */
#define NK_CTX_MAGIC 0x4E4B574446435458ull /* "NKWDFCTX" */

static pthread_mutex_t WdfLock;
static LIST_ENTRY Registry = {&Registry, &Registry};

__attribute__((constructor)) static void InitLock(void)
{
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&WdfLock, &a);
    pthread_mutexattr_destroy(&a);
}

VOID NkWdfLock(VOID)
{
    pthread_mutex_lock(&WdfLock);
}

VOID NkWdfUnlock(VOID)
{
    pthread_mutex_unlock(&WdfLock);
}

static NK_WDF_OBJECT *FindLocked(PVOID Handle)
{
    for (PLIST_ENTRY e = Registry.Flink; e != &Registry; e = e->Flink)
        if (CONTAINING_RECORD(e, NK_WDF_OBJECT, Registry) == Handle)
            return (NK_WDF_OBJECT *)Handle;
    return NULL;
}

NK_WDF_OBJECT *NkWdfLookup(WDFOBJECT Handle, const char *Ddi)
{
    NK_WDF_OBJECT *o;
    pthread_mutex_lock(&WdfLock);
    o = Handle != NULL ? FindLocked(Handle) : NULL;
    pthread_mutex_unlock(&WdfLock);
    if (o == NULL)
        NkHostViolation("wdf.invalid-handle", "%s(%p): not a live framework object", Ddi, Handle);
    return o;
}

NK_WDF_OBJECT *NkWdfLookupType(WDFOBJECT Handle, NK_WDF_TYPE Type, const char *TypeName, const char *Ddi)
{
    NK_WDF_OBJECT *o = NkWdfLookup(Handle, Ddi);
    if (o != NULL && o->Type != Type) {
        NkHostViolation("wdf.wrong-type", "%s(%p): not a %s", Ddi, Handle, TypeName);
        return NULL;
    }
    return o;
}

NK_WDF_OBJECT *NkWdfReferenceIfLive(PVOID Handle, NK_WDF_TYPE Type)
{
    NK_WDF_OBJECT *o;
    pthread_mutex_lock(&WdfLock);
    o = FindLocked(Handle);
    if (o != NULL && (o->Type != Type || o->State != NkWdfLive))
        o = NULL;
    if (o != NULL)
        o->References++;
    pthread_mutex_unlock(&WdfLock);
    return o;
}

VOID NkWdfReference(NK_WDF_OBJECT *Object)
{
    pthread_mutex_lock(&WdfLock);
    Object->References++;
    pthread_mutex_unlock(&WdfLock);
}

static NTSTATUS AddContext(NK_WDF_OBJECT *o, PWDF_OBJECT_ATTRIBUTES Attributes, PVOID *Data, BOOLEAN OwnCallbacks)
{
    NK_WDF_CONTEXT **tail;
    PCWDF_OBJECT_CONTEXT_TYPE_INFO info = Attributes->ContextTypeInfo;
    NK_WDF_CONTEXT *c;
    SIZE_T size;

    if (info->Size != sizeof(WDF_OBJECT_CONTEXT_TYPE_INFO) || info->UniqueType == NULL) {
        NkHostViolation("wdf.bad-context-type", "context type info %p is malformed", (void *)info);
        return STATUS_INVALID_PARAMETER;
    }
    size = Attributes->ContextSizeOverride > info->ContextSize ? Attributes->ContextSizeOverride
                                                               : info->ContextSize;
    for (c = o->Contexts; c != NULL; c = c->Next) {
        if (c->Type == info->UniqueType) {
            /* One context per type and object: hand back the existing one
             * with the documented informational status. */
            if (Data != NULL)
                *Data = c + 1;
            return STATUS_OBJECT_NAME_EXISTS;
        }
    }
    if (NkHostShouldFail(NkFaultPoolAllocation))
        return STATUS_INSUFFICIENT_RESOURCES;
    c = aligned_alloc(16, sizeof(*c) + ((size + 15) & ~(SIZE_T)15));
    if (c == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    memset(c, 0, sizeof(*c) + size); /* contexts start zeroed, as documented */
    c->Magic = NK_CTX_MAGIC;
    c->Object = o;
    c->Type = info->UniqueType;
    c->Size = size;
    if (OwnCallbacks) {
        c->Cleanup = Attributes->EvtCleanupCallback;
        c->Destroy = Attributes->EvtDestroyCallback;
    }
    for (tail = &o->Contexts; *tail != NULL; tail = &(*tail)->Next)
        ;
    *tail = c; /* appended: callbacks run in the order contexts were added */
    if (Data != NULL)
        *Data = c + 1;
    return STATUS_SUCCESS;
}

NTSTATUS NkWdfCreate(SIZE_T Size, NK_WDF_TYPE Type, PWDF_OBJECT_ATTRIBUTES Attributes,
                     NK_WDF_OBJECT *DefaultParent, NK_WDF_OBJECT **Object)
{
    NK_WDF_OBJECT *o, *parent = DefaultParent;
    NTSTATUS status;

    *Object = NULL;
    if (Attributes != NULL && Attributes->Size != sizeof(WDF_OBJECT_ATTRIBUTES)) {
        NkHostViolation("wdf.bad-attributes", "WDF_OBJECT_ATTRIBUTES.Size is %lu, not %zu (not initialised "
                        "with WDF_OBJECT_ATTRIBUTES_INIT?)", (unsigned long)Attributes->Size,
                        sizeof(WDF_OBJECT_ATTRIBUTES));
        return STATUS_INFO_LENGTH_MISMATCH;
    }
    if (Attributes != NULL && Attributes->ParentObject != NULL) {
        parent = NkWdfLookup(Attributes->ParentObject, "WDF_OBJECT_ATTRIBUTES.ParentObject");
        if (parent == NULL)
            return STATUS_INVALID_PARAMETER;
    }
    if (NkHostShouldFail(NkFaultPoolAllocation))
        return STATUS_INSUFFICIENT_RESOURCES;
    o = calloc(1, Size);
    if (o == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    o->Magic = NK_WDF_MAGIC;
    o->Type = Type;
    o->SyncScope = Attributes != NULL ? Attributes->SynchronizationScope : WdfSynchronizationScopeInheritFromParent;
    o->ExecLevel = Attributes != NULL ? Attributes->ExecutionLevel : WdfExecutionLevelInheritFromParent;
    o->State = NkWdfLive;
    o->References = 1;
    InitializeListHead(&o->Children);
    KeInitializeSpinLock(&o->ObjectLock);
    if (Attributes != NULL) {
        o->Cleanup = Attributes->EvtCleanupCallback;
        o->Destroy = Attributes->EvtDestroyCallback;
        if (Attributes->ContextTypeInfo != NULL) {
            status = AddContext(o, Attributes, NULL, FALSE);
            if (!NT_SUCCESS(status)) {
                free(o);
                return status;
            }
        }
    }
    pthread_mutex_lock(&WdfLock);
    if (parent != NULL && parent->State != NkWdfLive) {
        pthread_mutex_unlock(&WdfLock);
        NkHostViolation("wdf.parent-deleted", "creating a child of deleted object %p", (void *)parent);
        while (o->Contexts) {
            NK_WDF_CONTEXT *c = o->Contexts;
            o->Contexts = c->Next;
            free(c);
        }
        free(o);
        return STATUS_DELETE_PENDING;
    }
    o->Parent = parent;
    if (parent != NULL) {
        InsertTailList(&parent->Children, &o->Sibling);
        parent->References++; /* a child keeps its parent alive */
    } else {
        InitializeListHead(&o->Sibling);
    }
    InsertTailList(&Registry, &o->Registry);
    pthread_mutex_unlock(&WdfLock);
    *Object = o;
    return STATUS_SUCCESS;
}

NTSTATUS NkWdfApplyAttributes(NK_WDF_OBJECT *Object, PWDF_OBJECT_ATTRIBUTES Attributes)
{
    NTSTATUS status = STATUS_SUCCESS;
    pthread_mutex_lock(&WdfLock);
    if (Attributes->ContextTypeInfo != NULL)
        status = AddContext(Object, Attributes, NULL, FALSE);
    if (NT_SUCCESS(status)) {
        if (Object->Cleanup == NULL)
            Object->Cleanup = Attributes->EvtCleanupCallback;
        if (Object->Destroy == NULL)
            Object->Destroy = Attributes->EvtDestroyCallback;
    }
    pthread_mutex_unlock(&WdfLock);
    return status == STATUS_OBJECT_NAME_EXISTS ? STATUS_SUCCESS : status;
}

static VOID Release(NK_WDF_OBJECT *o);

/* With WdfLock held: the last reference is gone. */
static VOID DestroyLocked(NK_WDF_OBJECT *o)
{
    NK_WDF_OBJECT *parent = o->Parent;

    if (o->Destroy != NULL)
        o->Destroy((WDFOBJECT)o);
    for (NK_WDF_CONTEXT *c = o->Contexts; c != NULL; c = c->Next)
        if (c->Destroy != NULL)
            c->Destroy((WDFOBJECT)o);
    if (o->Type == NkWdfTypeDevice)
        NkWdfForgetDevice((NK_WDF_DEVICE *)o);
    if (o->FrameworkDestroy != NULL)
        o->FrameworkDestroy(o);
    RemoveEntryList(&o->Registry);
    while (o->Contexts) {
        NK_WDF_CONTEXT *c = o->Contexts;
        o->Contexts = c->Next;
        c->Magic = 0;
        /* A timer or DPC in a context area must be cancelled by EvtDestroy at the latest. */
        NkTimersCheckFree(c + 1, c->Size, "WDF object destruction");
        free(c);
    }
    o->Magic = 0;
    free(o);
    if (parent != NULL)
        Release(parent);
}

static VOID Release(NK_WDF_OBJECT *o)
{
    pthread_mutex_lock(&WdfLock);
    if (--o->References == 0)
        DestroyLocked(o);
    pthread_mutex_unlock(&WdfLock);
}

VOID NkWdfRelease(NK_WDF_OBJECT *Object)
{
    Release(Object);
}

/* With WdfLock held: run the cleanup callbacks of o's live subtree,
 * children before parents.  Nothing is released yet, so every object in
 * the tree is still valid while any cleanup runs. */
static VOID DisposeTreeLocked(NK_WDF_OBJECT *o)
{
    for (PLIST_ENTRY e = o->Children.Flink; e != &o->Children; e = e->Flink) {
        NK_WDF_OBJECT *child = CONTAINING_RECORD(e, NK_WDF_OBJECT, Sibling);
        if (child->State == NkWdfLive)
            DisposeTreeLocked(child);
    }
    o->State = NkWdfDisposed;
    if (o->Cleanup != NULL)
        o->Cleanup((WDFOBJECT)o);
    for (NK_WDF_CONTEXT *c = o->Contexts; c != NULL; c = c->Next)
        if (c->Cleanup != NULL)
            c->Cleanup((WDFOBJECT)o);
    if (o->FrameworkDispose != NULL)
        o->FrameworkDispose(o);
}

/* With WdfLock held: drop the creation references of o's subtree,
 * children first; each object is destroyed when its last reference goes
 * (children hold their parents, so parents go last). */
static VOID ReleaseTreeLocked(NK_WDF_OBJECT *o)
{
    while (!IsListEmpty(&o->Children)) {
        NK_WDF_OBJECT *child = CONTAINING_RECORD(RemoveHeadList(&o->Children), NK_WDF_OBJECT, Sibling);
        InitializeListHead(&child->Sibling);
        ReleaseTreeLocked(child);
    }
    Release(o);
}

VOID NkWdfDelete(NK_WDF_OBJECT *o)
{
    pthread_mutex_lock(&WdfLock);
    if (o->State != NkWdfLive) {
        pthread_mutex_unlock(&WdfLock);
        NkHostViolation("wdf.double-delete", "WdfObjectDelete(%p): already deleted", (void *)o);
        return;
    }
    /* Deleted on its own: it leaves its parent's child list now, so the
     * parent's later deletion does not release it a second time. */
    RemoveEntryList(&o->Sibling);
    InitializeListHead(&o->Sibling);
    DisposeTreeLocked(o);
    ReleaseTreeLocked(o);
    pthread_mutex_unlock(&WdfLock);
}

/* ---- DDIs ------------------------------------------------------------------- */

static NTSTATUS NTAPI NkWdfObjectCreate(PWDF_DRIVER_GLOBALS Globals, PWDF_OBJECT_ATTRIBUTES Attributes,
                                        WDFOBJECT *Object)
{
    NK_WDF_OBJECT *o;
    NTSTATUS status;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "WdfObjectCreate"))
        return STATUS_INVALID_DEVICE_STATE;
    status = NkWdfCreate(sizeof(NK_WDF_OBJECT), NkWdfTypeGeneric, Attributes, NkWdfDriverOf(Globals), &o);
    *Object = (WDFOBJECT)o;
    return status;
}

static VOID NTAPI NkWdfObjectDelete(PWDF_DRIVER_GLOBALS Globals, WDFOBJECT Object)
{
    NK_WDF_OBJECT *o;
    (void)Globals;
    NkHostCheckIrqlMax(DISPATCH_LEVEL, "WdfObjectDelete");
    o = NkWdfLookup(Object, "WdfObjectDelete");
    if (o == NULL)
        return;
    if (o->Type == NkWdfTypeDriver) {
        NkHostViolation("wdf.delete-framework-owned", "WdfObjectDelete(WDFDRIVER): the framework owns it");
        return;
    }
    NkWdfDelete(o);
}

static VOID NTAPI NkWdfObjectReferenceActual(PWDF_DRIVER_GLOBALS Globals, WDFOBJECT Handle, PVOID Tag,
                                             LONG Line, PCHAR File)
{
    NK_WDF_OBJECT *o;
    (void)Globals;
    (void)Tag;
    (void)Line;
    (void)File;
    pthread_mutex_lock(&WdfLock);
    o = FindLocked(Handle);
    if (o != NULL) {
        o->References++;
        o->DriverReferences++;
    }
    pthread_mutex_unlock(&WdfLock);
    if (o == NULL)
        NkHostViolation("wdf.invalid-handle", "WdfObjectReference(%p) at %s:%ld: not a live object",
                        Handle, File ? File : "?", (long)Line);
}

static VOID NTAPI NkWdfObjectDereferenceActual(PWDF_DRIVER_GLOBALS Globals, WDFOBJECT Handle, PVOID Tag,
                                               LONG Line, PCHAR File)
{
    NK_WDF_OBJECT *o;
    (void)Globals;
    (void)Tag;
    pthread_mutex_lock(&WdfLock);
    o = FindLocked(Handle);
    if (o == NULL || o->DriverReferences == 0) {
        pthread_mutex_unlock(&WdfLock);
        NkHostViolation(o == NULL ? "wdf.invalid-handle" : "wdf.dereference-unreferenced",
                        "WdfObjectDereference(%p) at %s:%ld without a matching reference", Handle,
                        File ? File : "?", (long)Line);
        return;
    }
    o->DriverReferences--;
    Release(o);
    pthread_mutex_unlock(&WdfLock);
}

static PVOID NTAPI NkWdfObjectGetTypedContextWorker(PWDF_DRIVER_GLOBALS Globals, WDFOBJECT Handle,
                                                    PCWDF_OBJECT_CONTEXT_TYPE_INFO TypeInfo)
{
    NK_WDF_OBJECT *o;
    PVOID data = NULL;
    (void)Globals;
    pthread_mutex_lock(&WdfLock);
    o = FindLocked(Handle);
    if (o != NULL)
        for (NK_WDF_CONTEXT *c = o->Contexts; c != NULL; c = c->Next)
            if (c->Type == TypeInfo->UniqueType)
                data = c + 1;
    pthread_mutex_unlock(&WdfLock);
    if (o == NULL)
        NkHostViolation("wdf.invalid-handle", "context of %p (type %s): not a live object", Handle,
                        TypeInfo->ContextName);
    return data;
}

static NTSTATUS NTAPI NkWdfObjectAllocateContext(PWDF_DRIVER_GLOBALS Globals, WDFOBJECT Handle,
                                                 PWDF_OBJECT_ATTRIBUTES ContextAttributes, PVOID *Context)
{
    NK_WDF_OBJECT *o;
    NTSTATUS status;
    (void)Globals;
    if (Context != NULL)
        *Context = NULL;
    if (ContextAttributes == NULL || ContextAttributes->ContextTypeInfo == NULL)
        return STATUS_INVALID_PARAMETER;
    pthread_mutex_lock(&WdfLock);
    o = FindLocked(Handle);
    status = o == NULL ? STATUS_INVALID_HANDLE
             : o->State != NkWdfLive ? STATUS_DELETE_PENDING
                                     : AddContext(o, ContextAttributes, Context, TRUE);
    pthread_mutex_unlock(&WdfLock);
    if (o == NULL)
        NkHostViolation("wdf.invalid-handle", "WdfObjectAllocateContext(%p): not a live object", Handle);
    return status;
}

static WDFOBJECT NTAPI NkWdfObjectContextGetObject(PWDF_DRIVER_GLOBALS Globals, PVOID ContextPointer)
{
    NK_WDF_CONTEXT *c = (NK_WDF_CONTEXT *)ContextPointer - 1;
    (void)Globals;
    if (ContextPointer == NULL || ((ULONG_PTR)ContextPointer & 15) || c->Magic != NK_CTX_MAGIC) {
        NkHostViolation("wdf.bad-context", "WdfObjectContextGetObject(%p): not a context", ContextPointer);
        return NULL;
    }
    return (WDFOBJECT)c->Object;
}

static VOID NTAPI NkWdfObjectAcquireLock(PWDF_DRIVER_GLOBALS Globals, WDFOBJECT Object)
{
    NK_WDF_OBJECT *o = NkWdfLookup(Object, "WdfObjectAcquireLock");
    KIRQL old;
    (void)Globals;
    if (o == NULL)
        return;
    KeAcquireSpinLock(&o->ObjectLock, &old);
    o->ObjectLockIrql = old;
}

static VOID NTAPI NkWdfObjectReleaseLock(PWDF_DRIVER_GLOBALS Globals, WDFOBJECT Object)
{
    NK_WDF_OBJECT *o = NkWdfLookup(Object, "WdfObjectReleaseLock");
    (void)Globals;
    if (o == NULL)
        return;
    KeReleaseSpinLock(&o->ObjectLock, o->ObjectLockIrql);
}

SIZE_T NkWdfReportLeaks(VOID)
{
    SIZE_T n = 0;
    pthread_mutex_lock(&WdfLock);
    for (PLIST_ENTRY e = Registry.Flink; e != &Registry; e = e->Flink) {
        NK_WDF_OBJECT *o = CONTAINING_RECORD(e, NK_WDF_OBJECT, Registry);
        n++;
        NkHostViolation("wdf.leak", "framework object %p (type %d) still has %ld reference(s)%s",
                        (void *)o, (int)o->Type, (long)o->References,
                        o->State == NkWdfLive ? ", never deleted" : "");
    }
    pthread_mutex_unlock(&WdfLock);
    return n;
}

/* NkHostReset: forget every object without running callbacks. */
VOID NkWdfResetObjects(VOID)
{
    pthread_mutex_lock(&WdfLock);
    while (!IsListEmpty(&Registry)) {
        NK_WDF_OBJECT *o = CONTAINING_RECORD(RemoveHeadList(&Registry), NK_WDF_OBJECT, Registry);
        while (o->Contexts) {
            NK_WDF_CONTEXT *c = o->Contexts;
            o->Contexts = c->Next;
            free(c);
        }
        free(o);
    }
    pthread_mutex_unlock(&WdfLock);
}

VOID NkWdfRegisterObjectDdis(VOID)
{
    NK_WDF_REGISTER(WdfObjectCreate, NkWdfObjectCreate);
    NK_WDF_REGISTER(WdfObjectDelete, NkWdfObjectDelete);
    NK_WDF_REGISTER(WdfObjectReferenceActual, NkWdfObjectReferenceActual);
    NK_WDF_REGISTER(WdfObjectDereferenceActual, NkWdfObjectDereferenceActual);
    NK_WDF_REGISTER(WdfObjectGetTypedContextWorker, NkWdfObjectGetTypedContextWorker);
    NK_WDF_REGISTER(WdfObjectAllocateContext, NkWdfObjectAllocateContext);
    NK_WDF_REGISTER(WdfObjectContextGetObject, NkWdfObjectContextGetObject);
    NK_WDF_REGISTER(WdfObjectAcquireLock, NkWdfObjectAcquireLock);
    NK_WDF_REGISTER(WdfObjectReleaseLock, NkWdfObjectReleaseLock);
}
