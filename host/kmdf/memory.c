/*
 * memory.c - WDFMEMORY, WDFLOOKASIDE, WDFCOLLECTION and WDFSTRING.
 *
 * A memory object describes one buffer: the framework's own (from the
 * host's pool, so the pool's leak and double-free checks see it, freed
 * when the object is destroyed) or the driver's (WdfMemoryCreatePreallocated,
 * WdfMemoryAssignBuffer: never freed by the framework).  Copies are bounds-
 * checked with the documented statuses.  A lookaside list hands out memory
 * objects of one size; the host parents them to the list, so deleting the
 * list reclaims what the driver forgot.  A collection holds a reference on
 * each item (the item stays valid while it is in the collection); a string
 * object owns a copy of its text.
 */
#include "kmdf_internal.h"

#include <stdlib.h>
#include <string.h>

#define NK_FX_TAG 0x72447846 /* "FxDr", the framework's default pool tag */

typedef struct _NK_WDF_MEMORY {
    NK_WDF_OBJECT Object;
    PVOID Buffer;
    SIZE_T Size;
    BOOLEAN Owned;              /* the framework allocated Buffer */
    BOOLEAN Preallocated;       /* WdfMemoryAssignBuffer is allowed */
} NK_WDF_MEMORY;

typedef struct _NK_WDF_LOOKASIDE {
    NK_WDF_OBJECT Object;
    SIZE_T BufferSize;
    POOL_TYPE PoolType;
    ULONG Tag;
    BOOLEAN HasMemoryAttributes;
    WDF_OBJECT_ATTRIBUTES MemoryAttributes;
} NK_WDF_LOOKASIDE;

typedef struct _NK_WDF_COLLECTION {
    NK_WDF_OBJECT Object;
    NK_WDF_OBJECT **Items;
    ULONG Count, Capacity;
} NK_WDF_COLLECTION;

typedef struct _NK_WDF_STRING {
    NK_WDF_OBJECT Object;
    UNICODE_STRING Value;       /* Buffer from the pool, or NULL when empty */
} NK_WDF_STRING;

/* ---- memory ---------------------------------------------------------------------- */

static VOID MemoryDestroy(NK_WDF_OBJECT *o)
{
    NK_WDF_MEMORY *m = (NK_WDF_MEMORY *)o;
    if (m->Owned && m->Buffer != NULL)
        ExFreePool(m->Buffer);
    m->Buffer = NULL;
}

NTSTATUS NkWdfMemoryCreate(PWDF_OBJECT_ATTRIBUTES Attributes, NK_WDF_OBJECT *DefaultParent, PVOID Buffer, SIZE_T Size,
                           BOOLEAN Owned, NK_WDF_OBJECT **Memory)
{
    NK_WDF_OBJECT *o;
    NTSTATUS status = NkWdfCreate(sizeof(NK_WDF_MEMORY), NkWdfTypeMemory, Attributes,
                                  DefaultParent, &o);
    *Memory = NULL;
    if (!NT_SUCCESS(status))
        return status;
    ((NK_WDF_MEMORY *)o)->Buffer = Buffer;
    ((NK_WDF_MEMORY *)o)->Size = Size;
    ((NK_WDF_MEMORY *)o)->Owned = Owned;
    ((NK_WDF_MEMORY *)o)->Preallocated = !Owned;
    o->FrameworkDestroy = MemoryDestroy;
    *Memory = o;
    return STATUS_SUCCESS;
}

PVOID NkWdfMemoryBuffer(NK_WDF_OBJECT *Memory, SIZE_T *Size)
{
    *Size = ((NK_WDF_MEMORY *)Memory)->Size;
    return ((NK_WDF_MEMORY *)Memory)->Buffer;
}

static NK_WDF_MEMORY *MemoryOf(WDFMEMORY Handle, const char *Ddi)
{
    return (NK_WDF_MEMORY *)NkWdfLookupType((WDFOBJECT)Handle, NkWdfTypeMemory, "WDFMEMORY", Ddi);
}

static NTSTATUS NTAPI NkWdfMemoryCreateDdi(PWDF_DRIVER_GLOBALS Globals, PWDF_OBJECT_ATTRIBUTES Attributes,
                                           POOL_TYPE PoolType, ULONG PoolTag, size_t BufferSize, WDFMEMORY *Memory,
                                           PVOID *Buffer)
{
    NK_WDF_OBJECT *o;
    PVOID p;
    NTSTATUS status;

    *Memory = NULL;
    if (Buffer != NULL)
        *Buffer = NULL;
    if (!NkHostCheckIrqlMax(PoolType & 1 ? APC_LEVEL : DISPATCH_LEVEL, "WdfMemoryCreate"))
        return STATUS_INVALID_DEVICE_STATE;
    if (BufferSize == 0) {
        NkHostViolation("wdf.memory-zero-size", "WdfMemoryCreate: BufferSize is 0");
        return STATUS_INVALID_PARAMETER;
    }
    p = ExAllocatePoolWithTag(PoolType, BufferSize, PoolTag != 0 ? PoolTag : NK_FX_TAG);
    if (p == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    status = NkWdfMemoryCreate(Attributes, NkWdfDriverOf(Globals), p, BufferSize, TRUE, &o);
    if (!NT_SUCCESS(status)) {
        ExFreePool(p);
        return status;
    }
    *Memory = (WDFMEMORY)o;
    if (Buffer != NULL)
        *Buffer = p;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI NkWdfMemoryCreatePreallocated(PWDF_DRIVER_GLOBALS Globals, PWDF_OBJECT_ATTRIBUTES Attributes,
                                                    PVOID Buffer, size_t BufferSize, WDFMEMORY *Memory)
{
    NK_WDF_OBJECT *o;
    NTSTATUS status;
    *Memory = NULL;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "WdfMemoryCreatePreallocated"))
        return STATUS_INVALID_DEVICE_STATE;
    if (Buffer == NULL || BufferSize == 0)
        return STATUS_INVALID_PARAMETER;
    status = NkWdfMemoryCreate(Attributes, NkWdfDriverOf(Globals), Buffer, BufferSize, FALSE, &o);
    if (NT_SUCCESS(status))
        *Memory = (WDFMEMORY)o;
    return status;
}

static PVOID NTAPI NkWdfMemoryGetBuffer(PWDF_DRIVER_GLOBALS Globals, WDFMEMORY Memory, size_t *BufferSize)
{
    NK_WDF_MEMORY *m = MemoryOf(Memory, "WdfMemoryGetBuffer");
    (void)Globals;
    if (BufferSize != NULL)
        *BufferSize = m != NULL ? m->Size : 0;
    return m != NULL ? m->Buffer : NULL;
}

static NTSTATUS NTAPI NkWdfMemoryAssignBuffer(PWDF_DRIVER_GLOBALS Globals, WDFMEMORY Memory, PVOID Buffer,
                                              size_t BufferSize)
{
    NK_WDF_MEMORY *m = MemoryOf(Memory, "WdfMemoryAssignBuffer");
    (void)Globals;
    if (m == NULL || Buffer == NULL || BufferSize == 0)
        return STATUS_INVALID_PARAMETER;
    if (!m->Preallocated) {
        /* Documented: only for memory from WdfMemoryCreatePreallocated. */
        NkHostViolation("wdf.memory-not-preallocated", "WdfMemoryAssignBuffer(%p): the framework allocated "
                        "this memory object's buffer", (void *)Memory);
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    m->Buffer = Buffer;
    m->Size = BufferSize;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI NkWdfMemoryCopyToBuffer(PWDF_DRIVER_GLOBALS Globals, WDFMEMORY SourceMemory, size_t SourceOffset,
                                              PVOID Buffer, size_t NumBytesToCopyTo)
{
    NK_WDF_MEMORY *m = MemoryOf(SourceMemory, "WdfMemoryCopyToBuffer");
    (void)Globals;
    if (m == NULL || Buffer == NULL)
        return STATUS_INVALID_PARAMETER;
    if (SourceOffset >= m->Size || NumBytesToCopyTo > m->Size - SourceOffset)
        return STATUS_BUFFER_TOO_SMALL;
    memcpy(Buffer, (PUCHAR)m->Buffer + SourceOffset, NumBytesToCopyTo);
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI NkWdfMemoryCopyFromBuffer(PWDF_DRIVER_GLOBALS Globals, WDFMEMORY DestinationMemory,
                                                size_t DestinationOffset, PVOID Buffer, size_t NumBytesToCopyFrom)
{
    NK_WDF_MEMORY *m = MemoryOf(DestinationMemory, "WdfMemoryCopyFromBuffer");
    (void)Globals;
    if (m == NULL || Buffer == NULL)
        return STATUS_INVALID_PARAMETER;
    if (DestinationOffset >= m->Size)
        return STATUS_INVALID_BUFFER_SIZE;
    if (NumBytesToCopyFrom > m->Size - DestinationOffset)
        return STATUS_BUFFER_TOO_SMALL;
    memcpy((PUCHAR)m->Buffer + DestinationOffset, Buffer, NumBytesToCopyFrom);
    return STATUS_SUCCESS;
}

/* ---- lookaside lists ------------------------------------------------------------------ */

static NTSTATUS NTAPI NkWdfLookasideListCreate(PWDF_DRIVER_GLOBALS Globals, PWDF_OBJECT_ATTRIBUTES LookasideAttributes,
                                               size_t BufferSize, POOL_TYPE PoolType,
                                               PWDF_OBJECT_ATTRIBUTES MemoryAttributes, ULONG PoolTag,
                                               WDFLOOKASIDE *Lookaside)
{
    NK_WDF_OBJECT *o;
    NK_WDF_LOOKASIDE *l;
    NTSTATUS status;
    *Lookaside = NULL;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "WdfLookasideListCreate"))
        return STATUS_INVALID_DEVICE_STATE;
    if (BufferSize == 0)
        return STATUS_INVALID_PARAMETER;
    if (MemoryAttributes != NULL && MemoryAttributes->Size != sizeof(WDF_OBJECT_ATTRIBUTES)) {
        NkHostViolation("wdf.bad-attributes", "WdfLookasideListCreate: MemoryAttributes not initialised");
        return STATUS_INFO_LENGTH_MISMATCH;
    }
    if (MemoryAttributes != NULL && MemoryAttributes->ParentObject != NULL) {
        /* Each memory object belongs to the list; it cannot name another parent. */
        NkHostViolation("wdf.lookaside-parent", "WdfLookasideListCreate: MemoryAttributes.ParentObject must be NULL");
        return STATUS_INVALID_PARAMETER;
    }
    status = NkWdfCreate(sizeof(NK_WDF_LOOKASIDE), NkWdfTypeLookaside, LookasideAttributes, NkWdfDriverOf(Globals),
                         &o);
    if (!NT_SUCCESS(status))
        return status;
    l = (NK_WDF_LOOKASIDE *)o;
    l->BufferSize = BufferSize;
    l->PoolType = PoolType;
    l->Tag = PoolTag != 0 ? PoolTag : NK_FX_TAG;
    if (MemoryAttributes != NULL) {
        l->MemoryAttributes = *MemoryAttributes;
        l->HasMemoryAttributes = TRUE;
    }
    *Lookaside = (WDFLOOKASIDE)o;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI NkWdfMemoryCreateFromLookaside(PWDF_DRIVER_GLOBALS Globals, WDFLOOKASIDE Lookaside,
                                                     WDFMEMORY *Memory)
{
    NK_WDF_LOOKASIDE *l = (NK_WDF_LOOKASIDE *)NkWdfLookupType((WDFOBJECT)Lookaside, NkWdfTypeLookaside, "WDFLOOKASIDE",
                                                              "WdfMemoryCreateFromLookaside");
    NK_WDF_OBJECT *o;
    NTSTATUS status;
    PVOID p;
    (void)Globals;
    *Memory = NULL;
    if (l == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!NkHostCheckIrqlMax(l->PoolType & 1 ? APC_LEVEL : DISPATCH_LEVEL, "WdfMemoryCreateFromLookaside"))
        return STATUS_INVALID_DEVICE_STATE;
    p = ExAllocatePoolWithTag(l->PoolType, l->BufferSize, l->Tag);
    if (p == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    status = NkWdfMemoryCreate(l->HasMemoryAttributes ? &l->MemoryAttributes : NULL, &l->Object, p, l->BufferSize,
                               TRUE, &o);
    if (!NT_SUCCESS(status)) {
        ExFreePool(p);
        return status;
    }
    *Memory = (WDFMEMORY)o;
    return STATUS_SUCCESS;
}

/* ---- collections ---------------------------------------------------------------------- */

static VOID CollectionDispose(NK_WDF_OBJECT *o)
{
    NK_WDF_COLLECTION *c = (NK_WDF_COLLECTION *)o;
    /* The items are not deleted, only released (as documented). */
    for (ULONG i = 0; i < c->Count; i++)
        NkWdfRelease(c->Items[i]);
    free(c->Items);
    c->Items = NULL;
    c->Count = c->Capacity = 0;
}

static NK_WDF_COLLECTION *CollectionOf(WDFCOLLECTION Handle, const char *Ddi)
{
    return (NK_WDF_COLLECTION *)NkWdfLookupType((WDFOBJECT)Handle, NkWdfTypeCollection, "WDFCOLLECTION", Ddi);
}

static NTSTATUS NTAPI NkWdfCollectionCreate(PWDF_DRIVER_GLOBALS Globals, PWDF_OBJECT_ATTRIBUTES CollectionAttributes,
                                            WDFCOLLECTION *Collection)
{
    NK_WDF_OBJECT *o;
    NTSTATUS status;
    *Collection = NULL;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "WdfCollectionCreate"))
        return STATUS_INVALID_DEVICE_STATE;
    status = NkWdfCreate(sizeof(NK_WDF_COLLECTION), NkWdfTypeCollection, CollectionAttributes,
                         NkWdfDriverOf(Globals), &o);
    if (!NT_SUCCESS(status))
        return status;
    o->FrameworkDispose = CollectionDispose;
    *Collection = (WDFCOLLECTION)o;
    return STATUS_SUCCESS;
}

NTSTATUS NkWdfCollectionAppend(WDFCOLLECTION Collection, WDFOBJECT Item, const char *Ddi)
{
    NK_WDF_COLLECTION *c = CollectionOf(Collection, Ddi);
    NK_WDF_OBJECT *item = NkWdfLookup(Item, Ddi);
    NTSTATUS status = STATUS_SUCCESS;
    if (c == NULL || item == NULL)
        return STATUS_INVALID_PARAMETER;
    NkWdfLock();
    if (c->Count == c->Capacity) {
        ULONG n = c->Capacity ? c->Capacity * 2 : 8;
        NK_WDF_OBJECT **grown = NkHostShouldFail(NkFaultPoolAllocation) ? NULL
                                                                         : realloc(c->Items, n * sizeof(*grown));
        if (grown == NULL) {
            status = STATUS_INSUFFICIENT_RESOURCES;
        } else {
            c->Items = grown;
            c->Capacity = n;
        }
    }
    if (NT_SUCCESS(status)) {
        c->Items[c->Count++] = item;
        NkWdfReference(item);
    }
    NkWdfUnlock();
    return status;
}

static NTSTATUS NTAPI NkWdfCollectionAdd(PWDF_DRIVER_GLOBALS Globals, WDFCOLLECTION Collection, WDFOBJECT Object)
{
    (void)Globals;
    return NkWdfCollectionAppend(Collection, Object, "WdfCollectionAdd");
}

ULONG NkWdfCollectionCount(WDFCOLLECTION Collection)
{
    NK_WDF_COLLECTION *c = CollectionOf(Collection, "WdfCollectionGetCount");
    ULONG n;
    if (c == NULL)
        return 0;
    NkWdfLock();
    n = c->Count;
    NkWdfUnlock();
    return n;
}

static ULONG NTAPI NkWdfCollectionGetCount(PWDF_DRIVER_GLOBALS Globals, WDFCOLLECTION Collection)
{
    (void)Globals;
    return NkWdfCollectionCount(Collection);
}

WDFOBJECT NkWdfCollectionItem(WDFCOLLECTION Collection, ULONG Index)
{
    NK_WDF_COLLECTION *c = CollectionOf(Collection, "WdfCollectionGetItem");
    WDFOBJECT item = NULL;
    if (c == NULL)
        return NULL;
    NkWdfLock();
    if (Index < c->Count)
        item = (WDFOBJECT)c->Items[Index];
    NkWdfUnlock();
    return item; /* documented: NULL for an index past the end */
}

static WDFOBJECT NTAPI NkWdfCollectionGetItem(PWDF_DRIVER_GLOBALS Globals, WDFCOLLECTION Collection, ULONG Index)
{
    (void)Globals;
    return NkWdfCollectionItem(Collection, Index);
}

static WDFOBJECT NTAPI NkWdfCollectionGetFirstItem(PWDF_DRIVER_GLOBALS Globals, WDFCOLLECTION Collection)
{
    (void)Globals;
    return NkWdfCollectionItem(Collection, 0);
}

static WDFOBJECT NTAPI NkWdfCollectionGetLastItem(PWDF_DRIVER_GLOBALS Globals, WDFCOLLECTION Collection)
{
    ULONG n = NkWdfCollectionCount(Collection);
    (void)Globals;
    return n == 0 ? NULL : NkWdfCollectionItem(Collection, n - 1);
}

/* Removes entry Index (with the lock held); returns the item to release. */
static NK_WDF_OBJECT *RemoveAtLocked(NK_WDF_COLLECTION *c, ULONG Index)
{
    NK_WDF_OBJECT *item = c->Items[Index];
    memmove(&c->Items[Index], &c->Items[Index + 1], (c->Count - Index - 1) * sizeof(c->Items[0]));
    c->Count--;
    return item;
}

static VOID NTAPI NkWdfCollectionRemoveItem(PWDF_DRIVER_GLOBALS Globals, WDFCOLLECTION Collection, ULONG Index)
{
    NK_WDF_COLLECTION *c = CollectionOf(Collection, "WdfCollectionRemoveItem");
    NK_WDF_OBJECT *item = NULL;
    (void)Globals;
    if (c == NULL)
        return;
    NkWdfLock();
    if (Index < c->Count)
        item = RemoveAtLocked(c, Index);
    NkWdfUnlock();
    if (item == NULL) {
        NkHostViolation("wdf.collection-index", "WdfCollectionRemoveItem(%p, %lu): no such item", (void *)Collection,
                        (unsigned long)Index);
        return;
    }
    NkWdfRelease(item);
}

static VOID NTAPI NkWdfCollectionRemove(PWDF_DRIVER_GLOBALS Globals, WDFCOLLECTION Collection, WDFOBJECT Item)
{
    NK_WDF_COLLECTION *c = CollectionOf(Collection, "WdfCollectionRemove");
    NK_WDF_OBJECT *item = NULL;
    (void)Globals;
    if (c == NULL)
        return;
    NkWdfLock();
    for (ULONG i = 0; i < c->Count; i++) {
        if (c->Items[i] == (NK_WDF_OBJECT *)Item) {
            item = RemoveAtLocked(c, i);
            break;
        }
    }
    NkWdfUnlock();
    if (item == NULL) {
        NkHostViolation("wdf.collection-not-member", "WdfCollectionRemove(%p, %p): not in the collection",
                        (void *)Collection, (void *)Item);
        return;
    }
    NkWdfRelease(item);
}

/* ---- strings -------------------------------------------------------------------------- */

static VOID StringDestroy(NK_WDF_OBJECT *o)
{
    NK_WDF_STRING *s = (NK_WDF_STRING *)o;
    if (s->Value.Buffer != NULL)
        ExFreePool(s->Value.Buffer);
    s->Value.Buffer = NULL;
}

static NK_WDF_STRING *StringOf(WDFSTRING Handle, const char *Ddi)
{
    return (NK_WDF_STRING *)NkWdfLookupType((WDFOBJECT)Handle, NkWdfTypeString, "WDFSTRING", Ddi);
}

NTSTATUS NkWdfStringSet(WDFSTRING String, PCUNICODE_STRING Value, const char *Ddi)
{
    NK_WDF_STRING *s = StringOf(String, Ddi);
    PWCH copy = NULL;
    PWCH old;
    if (s == NULL)
        return STATUS_INVALID_PARAMETER;
    if (Value != NULL && Value->Length != 0) {
        copy = ExAllocatePoolWithTag(NonPagedPoolNx, Value->Length, NK_FX_TAG);
        if (copy == NULL)
            return STATUS_INSUFFICIENT_RESOURCES;
        memcpy(copy, Value->Buffer, Value->Length);
    }
    NkWdfLock();
    old = s->Value.Buffer;
    s->Value.Buffer = copy;
    s->Value.Length = s->Value.MaximumLength = copy != NULL ? Value->Length : 0;
    NkWdfUnlock();
    if (old != NULL)
        ExFreePool(old);
    return STATUS_SUCCESS;
}

BOOLEAN NkWdfStringGet(WDFSTRING String, PUNICODE_STRING Value, const char *Ddi)
{
    NK_WDF_STRING *s = StringOf(String, Ddi);
    if (s == NULL) {
        RtlZeroMemory(Value, sizeof(*Value));
        return FALSE;
    }
    NkWdfLock();
    *Value = s->Value;
    NkWdfUnlock();
    return TRUE;
}

NTSTATUS NkWdfStringCreateObject(PCUNICODE_STRING Value, PWDF_OBJECT_ATTRIBUTES Attributes,
                                 NK_WDF_OBJECT *DefaultParent, NK_WDF_OBJECT **String)
{
    NK_WDF_OBJECT *o;
    NTSTATUS status;
    *String = NULL;
    status = NkWdfCreate(sizeof(NK_WDF_STRING), NkWdfTypeString, Attributes, DefaultParent, &o);
    if (!NT_SUCCESS(status))
        return status;
    o->FrameworkDestroy = StringDestroy;
    status = NkWdfStringSet((WDFSTRING)o, Value, "WdfStringCreate");
    if (!NT_SUCCESS(status)) {
        NkWdfDelete(o);
        return status;
    }
    *String = o;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI NkWdfStringCreate(PWDF_DRIVER_GLOBALS Globals, PCUNICODE_STRING UnicodeString,
                                        PWDF_OBJECT_ATTRIBUTES StringAttributes, WDFSTRING *String)
{
    NK_WDF_OBJECT *o;
    NTSTATUS status;
    *String = NULL;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "WdfStringCreate"))
        return STATUS_INVALID_DEVICE_STATE;
    status = NkWdfStringCreateObject(UnicodeString, StringAttributes, NkWdfDriverOf(Globals), &o);
    if (NT_SUCCESS(status))
        *String = (WDFSTRING)o;
    return status;
}

static VOID NTAPI NkWdfStringGetUnicodeString(PWDF_DRIVER_GLOBALS Globals, WDFSTRING String,
                                              PUNICODE_STRING UnicodeString)
{
    (void)Globals;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "WdfStringGetUnicodeString"))
        return;
    (void)NkWdfStringGet(String, UnicodeString, "WdfStringGetUnicodeString");
}

VOID NkWdfRegisterMemoryDdis(VOID)
{
    NK_WDF_REGISTER(WdfMemoryCreate, NkWdfMemoryCreateDdi);
    NK_WDF_REGISTER(WdfMemoryCreatePreallocated, NkWdfMemoryCreatePreallocated);
    NK_WDF_REGISTER(WdfMemoryGetBuffer, NkWdfMemoryGetBuffer);
    NK_WDF_REGISTER(WdfMemoryAssignBuffer, NkWdfMemoryAssignBuffer);
    NK_WDF_REGISTER(WdfMemoryCopyToBuffer, NkWdfMemoryCopyToBuffer);
    NK_WDF_REGISTER(WdfMemoryCopyFromBuffer, NkWdfMemoryCopyFromBuffer);
    NK_WDF_REGISTER(WdfLookasideListCreate, NkWdfLookasideListCreate);
    NK_WDF_REGISTER(WdfMemoryCreateFromLookaside, NkWdfMemoryCreateFromLookaside);
    NK_WDF_REGISTER(WdfCollectionCreate, NkWdfCollectionCreate);
    NK_WDF_REGISTER(WdfCollectionGetCount, NkWdfCollectionGetCount);
    NK_WDF_REGISTER(WdfCollectionAdd, NkWdfCollectionAdd);
    NK_WDF_REGISTER(WdfCollectionRemove, NkWdfCollectionRemove);
    NK_WDF_REGISTER(WdfCollectionRemoveItem, NkWdfCollectionRemoveItem);
    NK_WDF_REGISTER(WdfCollectionGetItem, NkWdfCollectionGetItem);
    NK_WDF_REGISTER(WdfCollectionGetFirstItem, NkWdfCollectionGetFirstItem);
    NK_WDF_REGISTER(WdfCollectionGetLastItem, NkWdfCollectionGetLastItem);
    NK_WDF_REGISTER(WdfStringCreate, NkWdfStringCreate);
    NK_WDF_REGISTER(WdfStringGetUnicodeString, NkWdfStringGetUnicodeString);
}
