/*
 * registry.c - the host kernel's registry: an in-memory tree of keys and
 * values, empty after NkHostReset, that a test (or `ndiskit host run`)
 * seeds with NkHostRegistrySetValue before loading a driver and inspects
 * with NkHostRegistryQueryValue afterwards.  The framework layers (KMDF's
 * WDFKEY, NDIS's configuration handles) open keys through the internal
 * NkReg* calls (nt_internal.h).
 *
 * Keys are found by full path, case-insensitively, as the configuration
 * manager does ("\\Registry\\Machine\\System\\...").  A key stays valid
 * while it is open even after it was deleted (later opens no longer find
 * it), as with a deleted key's open handles on Windows.
 */
#include "nt_internal.h"

#include <stdlib.h>
#include <string.h>

#define NK_REG_MAX_PATH 512

typedef struct _NK_REG_VALUE {
    struct _NK_REG_VALUE *Next;
    WCHAR Name[128];
    ULONG Type;
    ULONG Length;
    UCHAR Data[];
} NK_REG_VALUE;

struct _NK_REG_KEY {
    LIST_ENTRY Link;            /* Keys, while not deleted */
    LONG References;            /* open handles + the tree's own (until deleted) */
    BOOLEAN Deleted;
    WCHAR Path[NK_REG_MAX_PATH];
    NK_REG_VALUE *Values;
};

static pthread_mutex_t RegLock = PTHREAD_MUTEX_INITIALIZER;
static LIST_ENTRY Keys = {&Keys, &Keys};

static WCHAR Up(WCHAR c)
{
    return c >= L'a' && c <= L'z' ? (WCHAR)(c - 32) : c;
}

static BOOLEAN SameName(PCWSTR a, PCWSTR b)
{
    for (; Up(*a) == Up(*b); a++, b++)
        if (*a == 0)
            return TRUE;
    return FALSE;
}

static size_t WLen(PCWSTR s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* The first n characters of a and b name the same path (both have them). */
static BOOLEAN SamePrefix(PCWSTR a, PCWSTR b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (Up(a[i]) != Up(b[i]))
            return FALSE;
    return TRUE;
}

/* Copies a counted name into Dst (NUL-terminated); FALSE if too long. */
static BOOLEAN CopyCounted(WCHAR *Dst, size_t DstChars, PCUNICODE_STRING Src)
{
    size_t n = Src != NULL ? Src->Length / sizeof(WCHAR) : 0;
    if (n + 1 > DstChars)
        return FALSE;
    if (n != 0)
        memcpy(Dst, Src->Buffer, n * sizeof(WCHAR));
    Dst[n] = 0;
    return TRUE;
}

static NK_REG_KEY *FindLocked(PCWSTR Path)
{
    for (PLIST_ENTRY e = Keys.Flink; e != &Keys; e = e->Flink) {
        NK_REG_KEY *k = CONTAINING_RECORD(e, NK_REG_KEY, Link);
        if (SameName(k->Path, Path))
            return k;
    }
    return NULL;
}

static NK_REG_KEY *CreateLocked(PCWSTR Path)
{
    NK_REG_KEY *k = calloc(1, sizeof(*k));
    if (k == NULL)
        return NULL;
    memcpy(k->Path, Path, (WLen(Path) + 1) * sizeof(WCHAR));
    k->References = 1; /* the tree's */
    InsertTailList(&Keys, &k->Link);
    return k;
}

static VOID FreeKey(NK_REG_KEY *k)
{
    while (k->Values != NULL) {
        NK_REG_VALUE *v = k->Values;
        k->Values = v->Next;
        free(v);
    }
    free(k);
}

static VOID ReleaseLocked(NK_REG_KEY *k)
{
    if (--k->References == 0)
        FreeKey(k);
}

/* Joins Parent's path (if any) and Name into Out. */
static NTSTATUS FullPath(NK_REG_KEY *Parent, PCUNICODE_STRING Name, WCHAR *Out)
{
    WCHAR name[NK_REG_MAX_PATH];
    size_t p = 0;
    if (!CopyCounted(name, RTL_NUMBER_OF(name), Name) || name[0] == 0)
        return STATUS_OBJECT_NAME_INVALID;
    if (Parent != NULL) {
        p = WLen(Parent->Path);
        if (p + 1 + WLen(name) + 1 > NK_REG_MAX_PATH)
            return STATUS_NAME_TOO_LONG;
        memcpy(Out, Parent->Path, p * sizeof(WCHAR));
        Out[p++] = L'\\';
    } else if (name[0] != L'\\') {
        return STATUS_OBJECT_PATH_SYNTAX_BAD; /* a root-relative name must be absolute */
    }
    memcpy(Out + p, name, (WLen(name) + 1) * sizeof(WCHAR));
    /* Trailing separators name the same key. */
    for (size_t n = WLen(Out); n > 1 && Out[n - 1] == L'\\'; n--)
        Out[n - 1] = 0;
    return STATUS_SUCCESS;
}

NTSTATUS NkRegOpenKey(NK_REG_KEY *Parent, PCUNICODE_STRING Name, BOOLEAN Create, NK_REG_KEY **Key, BOOLEAN *Created)
{
    WCHAR path[NK_REG_MAX_PATH];
    NK_REG_KEY *k;
    NTSTATUS status;

    *Key = NULL;
    if (Created != NULL)
        *Created = FALSE;
    status = FullPath(Parent, Name, path);
    if (!NT_SUCCESS(status))
        return status;
    pthread_mutex_lock(&RegLock);
    if (Parent != NULL && Parent->Deleted) {
        pthread_mutex_unlock(&RegLock);
        return STATUS_KEY_DELETED;
    }
    k = FindLocked(path);
    if (k == NULL && Create) {
        k = NkHostShouldFail(NkFaultPoolAllocation) ? NULL : CreateLocked(path);
        if (k == NULL) {
            pthread_mutex_unlock(&RegLock);
            return STATUS_INSUFFICIENT_RESOURCES;
        }
        if (Created != NULL)
            *Created = TRUE;
    }
    if (k != NULL)
        k->References++;
    pthread_mutex_unlock(&RegLock);
    *Key = k;
    return k != NULL ? STATUS_SUCCESS : STATUS_OBJECT_NAME_NOT_FOUND;
}

VOID NkRegCloseKey(NK_REG_KEY *Key)
{
    pthread_mutex_lock(&RegLock);
    ReleaseLocked(Key);
    pthread_mutex_unlock(&RegLock);
}

NTSTATUS NkRegDeleteKey(NK_REG_KEY *Key)
{
    NTSTATUS status = STATUS_SUCCESS;
    size_t n = WLen(Key->Path);
    pthread_mutex_lock(&RegLock);
    if (Key->Deleted) {
        status = STATUS_KEY_DELETED;
    } else {
        /* As ZwDeleteKey: a key with subkeys cannot be deleted. */
        for (PLIST_ENTRY e = Keys.Flink; e != &Keys; e = e->Flink) {
            NK_REG_KEY *k = CONTAINING_RECORD(e, NK_REG_KEY, Link);
            if (k != Key && WLen(k->Path) > n && k->Path[n] == L'\\') {
                WCHAR c = k->Path[n];
                BOOLEAN child;
                k->Path[n] = 0;
                child = SameName(k->Path, Key->Path);
                k->Path[n] = c;
                if (child)
                    status = STATUS_CANNOT_DELETE;
            }
        }
        if (NT_SUCCESS(status)) {
            Key->Deleted = TRUE;
            RemoveEntryList(&Key->Link);
            InitializeListHead(&Key->Link);
            ReleaseLocked(Key); /* the tree's reference; open handles keep it */
        }
    }
    pthread_mutex_unlock(&RegLock);
    return status;
}

static NK_REG_VALUE **FindValueLocked(NK_REG_KEY *Key, PCWSTR Name)
{
    NK_REG_VALUE **v;
    for (v = &Key->Values; *v != NULL; v = &(*v)->Next)
        if (SameName((*v)->Name, Name))
            break;
    return v;
}

NTSTATUS NkRegSetValue(NK_REG_KEY *Key, PCUNICODE_STRING Name, ULONG Type, const VOID *Data, ULONG Length)
{
    NK_REG_VALUE *v, **slot;
    WCHAR name[128];
    if (!CopyCounted(name, RTL_NUMBER_OF(name), Name))
        return STATUS_NAME_TOO_LONG;
    if (NkHostShouldFail(NkFaultPoolAllocation))
        return STATUS_INSUFFICIENT_RESOURCES;
    v = malloc(sizeof(*v) + Length);
    if (v == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    memcpy(v->Name, name, sizeof(name));
    v->Type = Type;
    v->Length = Length;
    if (Length != 0)
        memcpy(v->Data, Data, Length);
    pthread_mutex_lock(&RegLock);
    if (Key->Deleted) {
        pthread_mutex_unlock(&RegLock);
        free(v);
        return STATUS_KEY_DELETED;
    }
    slot = FindValueLocked(Key, name);
    v->Next = *slot != NULL ? (*slot)->Next : NULL;
    free(*slot);
    *slot = v;
    pthread_mutex_unlock(&RegLock);
    return STATUS_SUCCESS;
}

NTSTATUS NkRegQueryValue(NK_REG_KEY *Key, PCUNICODE_STRING Name, ULONG *Type, PVOID Data, ULONG Length,
                         ULONG *Needed)
{
    WCHAR name[128];
    NK_REG_VALUE *v;
    NTSTATUS status;
    if (!CopyCounted(name, RTL_NUMBER_OF(name), Name))
        return STATUS_OBJECT_NAME_NOT_FOUND;
    pthread_mutex_lock(&RegLock);
    v = Key->Deleted ? NULL : *FindValueLocked(Key, name);
    if (v == NULL) {
        status = Key->Deleted ? STATUS_KEY_DELETED : STATUS_OBJECT_NAME_NOT_FOUND;
    } else {
        if (Type != NULL)
            *Type = v->Type;
        if (Needed != NULL)
            *Needed = v->Length;
        if (Data != NULL && Length >= v->Length) {
            memcpy(Data, v->Data, v->Length);
            status = STATUS_SUCCESS;
        } else {
            status = STATUS_BUFFER_OVERFLOW; /* *Needed says how much */
        }
    }
    pthread_mutex_unlock(&RegLock);
    return status;
}

NTSTATUS NkRegDeleteValue(NK_REG_KEY *Key, PCUNICODE_STRING Name)
{
    WCHAR name[128];
    NK_REG_VALUE **slot, *v = NULL;
    if (!CopyCounted(name, RTL_NUMBER_OF(name), Name))
        return STATUS_OBJECT_NAME_NOT_FOUND;
    pthread_mutex_lock(&RegLock);
    slot = FindValueLocked(Key, name);
    if (*slot != NULL) {
        v = *slot;
        *slot = v->Next;
    }
    pthread_mutex_unlock(&RegLock);
    free(v);
    return v != NULL ? STATUS_SUCCESS : STATUS_OBJECT_NAME_NOT_FOUND;
}

/* The Index-th direct sub-key of Key, in the order the registry first held
 * a key at or below it.  A key exists as soon as something below it does
 * (NkHostRegistrySetValue on a deep path creates only the deepest key, but
 * every key on the way is there on Windows), so the names come from every
 * key whose path extends Key's. */
NTSTATUS NkRegEnumerateKey(NK_REG_KEY *Key, ULONG Index, WCHAR *Name, ULONG NameChars)
{
    size_t n = WLen(Key->Path);
    ULONG seen = 0;
    NTSTATUS status = STATUS_NO_MORE_ENTRIES;

    pthread_mutex_lock(&RegLock);
    if (Key->Deleted) {
        status = STATUS_KEY_DELETED;
        goto out;
    }
    for (PLIST_ENTRY e = Keys.Flink; e != &Keys; e = e->Flink) {
        NK_REG_KEY *k = CONTAINING_RECORD(e, NK_REG_KEY, Link);
        PCWSTR child = k->Path + n + 1;
        size_t len = 0;
        BOOLEAN earlier = FALSE;
        if (WLen(k->Path) <= n + 1 || k->Path[n] != L'\\' || !SamePrefix(k->Path, Key->Path, n))
            continue;
        while (child[len] != 0 && child[len] != L'\\')
            len++;
        /* Counted once: skip it if a key listed before names the same child. */
        for (PLIST_ENTRY f = Keys.Flink; f != e && !earlier; f = f->Flink) {
            NK_REG_KEY *o = CONTAINING_RECORD(f, NK_REG_KEY, Link);
            earlier = WLen(o->Path) >= n + 1 + len && o->Path[n] == L'\\' &&
                      (o->Path[n + 1 + len] == 0 || o->Path[n + 1 + len] == L'\\') &&
                      SamePrefix(o->Path, k->Path, n + 1 + len);
        }
        if (earlier)
            continue;
        if (seen++ != Index)
            continue;
        if (len + 1 > NameChars) {
            status = STATUS_BUFFER_OVERFLOW;
            goto out;
        }
        memcpy(Name, child, len * sizeof(WCHAR));
        Name[len] = 0;
        status = STATUS_SUCCESS;
        goto out;
    }
out:
    pthread_mutex_unlock(&RegLock);
    return status;
}

/* ---- the host's side (nkhost.h) ------------------------------------------------------- */

static VOID InitString(PUNICODE_STRING s, PCWSTR z)
{
    s->Buffer = (PWCH)z;
    s->Length = s->MaximumLength = z != NULL ? (USHORT)(WLen(z) * sizeof(WCHAR)) : 0;
}

NTSTATUS NkHostRegistrySetValue(PCWSTR KeyPath, PCWSTR ValueName, ULONG Type, const VOID *Data, ULONG Length)
{
    UNICODE_STRING path, name;
    NK_REG_KEY *k;
    NTSTATUS status;
    InitString(&path, KeyPath);
    InitString(&name, ValueName);
    status = NkRegOpenKey(NULL, &path, TRUE, &k, NULL);
    if (!NT_SUCCESS(status))
        return status;
    status = NkRegSetValue(k, &name, Type, Data, Length);
    NkRegCloseKey(k);
    return status;
}

NTSTATUS NkHostRegistryQueryValue(PCWSTR KeyPath, PCWSTR ValueName, ULONG *Type, PVOID Data, ULONG Length,
                                  ULONG *ResultLength)
{
    UNICODE_STRING path, name;
    NK_REG_KEY *k;
    NTSTATUS status;
    InitString(&path, KeyPath);
    InitString(&name, ValueName);
    status = NkRegOpenKey(NULL, &path, FALSE, &k, NULL);
    if (!NT_SUCCESS(status))
        return status;
    status = NkRegQueryValue(k, &name, Type, Data, Length, ResultLength);
    NkRegCloseKey(k);
    return status;
}

/* NkHostReset: an empty registry (open keys of a failed test are forgotten). */
VOID NkRegReset(VOID)
{
    pthread_mutex_lock(&RegLock);
    while (!IsListEmpty(&Keys)) {
        NK_REG_KEY *k = CONTAINING_RECORD(RemoveHeadList(&Keys), NK_REG_KEY, Link);
        FreeKey(k);
    }
    pthread_mutex_unlock(&RegLock);
}
