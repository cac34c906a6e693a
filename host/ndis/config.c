/*
 * config.c - NDIS configuration (NdisOpenConfigurationEx,
 * NdisReadConfiguration, ...) over an in-memory registry.
 *
 * The registry is one tree of keys holding named values (integers and
 * strings); a test fills it with NkHostSetConfigurationInteger/String
 * before loading the driver, and NdisWriteConfiguration adds to it.
 * Every configuration handle - whatever NDIS handle it was opened for
 * (protocol, binding, generic object) - opens the root of that tree:
 * the host has one driver and no per-adapter instance keys.
 *
 * Semantics kept from NDIS: names are case-insensitive; a value stored as
 * a string is converted when read as NdisParameterInteger (decimal) or
 * NdisParameterHexInteger (hex), as REG_SZ values are; what
 * NdisReadConfiguration returns stays valid until the handle is closed;
 * every handle (sub-keys included) must be closed, or it is reported as a
 * pool leak.
 */
#include "ndis_internal.h"

#include <stdlib.h>
#include <string.h>

#define NK_CONFIG_MAGIC 0x4E4B4E44434F4E46ull
#define NK_CONFIG_TAG ((ULONG)'N' | ((ULONG)'k' << 8) | ((ULONG)'C' << 16) | ((ULONG)'f' << 24))
#define NK_CONFIG_PATH 128
#define NK_CONFIG_STRING 256

typedef struct _NK_CONFIG_VALUE {
    LIST_ENTRY Link;
    WCHAR Key[NK_CONFIG_PATH];      /* L"" for the root, L"Sub\\Deeper" below it */
    WCHAR Name[NK_CONFIG_PATH];
    NDIS_PARAMETER_TYPE Type;       /* NdisParameterInteger or NdisParameterString */
    ULONG Integer;
    WCHAR String[NK_CONFIG_STRING];
} NK_CONFIG_VALUE;

/* An open key: pool, so a handle never closed is a leak report. */
typedef struct _NK_CONFIG_HANDLE {
    ULONG64 Magic;
    WCHAR Key[NK_CONFIG_PATH];
    WCHAR SubKeyName[NK_CONFIG_PATH]; /* NdisOpenConfigurationKeyByIndex's KeyName points here */
    LIST_ENTRY Results;             /* parameters NdisReadConfiguration returned */
} NK_CONFIG_HANDLE;

typedef struct _NK_CONFIG_RESULT {
    LIST_ENTRY Link;
    NDIS_CONFIGURATION_PARAMETER Parameter;
    WCHAR String[NK_CONFIG_STRING];
} NK_CONFIG_RESULT;

static pthread_mutex_t ConfigLock = PTHREAD_MUTEX_INITIALIZER;
static LIST_ENTRY Registry = {&Registry, &Registry};

static const NK_NDIS_REVISION ConfigObjectRevisions[] = {
    {NDIS_CONFIGURATION_OBJECT_REVISION_1, NDIS_SIZEOF_CONFIGURATION_OBJECT_REVISION_1},
};

/* ---- small wide-string helpers (registry names are case-insensitive) ---------------- */

static size_t WLen(PCWSTR s)
{
    size_t n = 0;
    while (s[n] != 0)
        n++;
    return n;
}

static WCHAR Upper(WCHAR c)
{
    return c >= L'a' && c <= L'z' ? (WCHAR)(c - L'a' + L'A') : c;
}

static BOOLEAN WEqualN(PCWSTR a, PCWSTR b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (Upper(a[i]) != Upper(b[i]))
            return FALSE;
    return TRUE;
}

static BOOLEAN WEqual(PCWSTR a, PCWSTR b)
{
    size_t n = WLen(a);
    return n == WLen(b) && WEqualN(a, b, n);
}

/* Copies a counted string into Out (Capacity WCHARs, terminated); FALSE if
 * it does not fit. */
static BOOLEAN CopyCounted(PWCHAR Out, size_t Capacity, PCWSTR In, size_t Length)
{
    if (Length + 1 > Capacity)
        return FALSE;
    memcpy(Out, In, Length * sizeof(WCHAR));
    Out[Length] = 0;
    return TRUE;
}

/* ---- the registry ------------------------------------------------------------------ */

/* With ConfigLock: the value Key\Name, or NULL. */
static NK_CONFIG_VALUE *FindLocked(PCWSTR Key, PCWSTR Name)
{
    for (PLIST_ENTRY e = Registry.Flink; e != &Registry; e = e->Flink) {
        NK_CONFIG_VALUE *v = CONTAINING_RECORD(e, NK_CONFIG_VALUE, Link);
        if (WEqual(v->Key, Key) && WEqual(v->Name, Name))
            return v;
    }
    return NULL;
}

static NTSTATUS SetValue(PCWSTR Key, PCWSTR Name, NDIS_PARAMETER_TYPE Type, ULONG Integer, PCWSTR String,
                         size_t StringLength)
{
    NK_CONFIG_VALUE *v, *fresh = NULL;
    size_t keyLength = Key != NULL ? WLen(Key) : 0, nameLength = WLen(Name);

    if (keyLength + 1 > NK_CONFIG_PATH || nameLength + 1 > NK_CONFIG_PATH || nameLength == 0 ||
        StringLength + 1 > NK_CONFIG_STRING)
        return STATUS_INVALID_PARAMETER;
    pthread_mutex_lock(&ConfigLock);
    v = FindLocked(Key != NULL ? Key : L"", Name);
    if (v == NULL) {
        fresh = calloc(1, sizeof(*fresh));
        if (fresh == NULL) {
            pthread_mutex_unlock(&ConfigLock);
            return STATUS_INSUFFICIENT_RESOURCES;
        }
        v = fresh;
        CopyCounted(v->Key, NK_CONFIG_PATH, Key != NULL ? Key : L"", keyLength);
        CopyCounted(v->Name, NK_CONFIG_PATH, Name, nameLength);
        InsertTailList(&Registry, &v->Link);
    }
    v->Type = Type;
    v->Integer = Integer;
    CopyCounted(v->String, NK_CONFIG_STRING, String != NULL ? String : L"", String != NULL ? StringLength : 0);
    pthread_mutex_unlock(&ConfigLock);
    return STATUS_SUCCESS;
}

NTSTATUS NkHostSetConfigurationInteger(PCWSTR Key, PCWSTR Name, ULONG Value)
{
    return SetValue(Key, Name, NdisParameterInteger, Value, NULL, 0);
}

NTSTATUS NkHostSetConfigurationString(PCWSTR Key, PCWSTR Name, PCWSTR Value)
{
    return SetValue(Key, Name, NdisParameterString, 0, Value, WLen(Value));
}

/* NkHostReset: an empty registry. */
VOID NkNdisConfigReset(VOID)
{
    pthread_mutex_lock(&ConfigLock);
    while (!IsListEmpty(&Registry))
        free(CONTAINING_RECORD(RemoveHeadList(&Registry), NK_CONFIG_VALUE, Link));
    pthread_mutex_unlock(&ConfigLock);
}

/* ---- handles ----------------------------------------------------------------------- */

static NK_CONFIG_HANDLE *HandleOf(NDIS_HANDLE Handle, const char *Ddi)
{
    NK_CONFIG_HANDLE *h = (NK_CONFIG_HANDLE *)Handle;
    if (h == NULL || h->Magic != NK_CONFIG_MAGIC) {
        NkHostViolation("ndis.invalid-config-handle", "%s(%p): not an open configuration handle", Ddi, Handle);
        return NULL;
    }
    return h;
}

static NK_CONFIG_HANDLE *NewHandle(PCWSTR Key, size_t KeyLength)
{
    NK_CONFIG_HANDLE *h;
    if (KeyLength + 1 > NK_CONFIG_PATH)
        return NULL;
    h = ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(*h), NK_CONFIG_TAG);
    if (h == NULL)
        return NULL;
    h->Magic = NK_CONFIG_MAGIC;
    CopyCounted(h->Key, NK_CONFIG_PATH, Key, KeyLength);
    InitializeListHead(&h->Results);
    return h;
}

NDIS_STATUS NdisOpenConfigurationEx(PNDIS_CONFIGURATION_OBJECT ConfigObject, PNDIS_HANDLE ConfigurationHandle)
{
    NDIS_CONFIGURATION_OBJECT o;
    NK_CONFIG_HANDLE *h;

    *ConfigurationHandle = NULL;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "NdisOpenConfigurationEx"))
        return NDIS_STATUS_FAILURE;
    if (!NkNdisTakeObject(ConfigObject ? &ConfigObject->Header : NULL, NDIS_OBJECT_TYPE_CONFIGURATION_OBJECT,
                          ConfigObjectRevisions, RTL_NUMBER_OF(ConfigObjectRevisions), &o, sizeof(o),
                          "NdisOpenConfigurationEx"))
        return NDIS_STATUS_INVALID_PARAMETER;
    if (o.NdisHandle == NULL) {
        NkHostViolation("ndis.invalid-handle", "NdisOpenConfigurationEx: NdisHandle is NULL");
        return NDIS_STATUS_INVALID_PARAMETER;
    }
    h = NewHandle(L"", 0);
    if (h == NULL)
        return NDIS_STATUS_RESOURCES;
    *ConfigurationHandle = (NDIS_HANDLE)h;
    return NDIS_STATUS_SUCCESS;
}

/* A sub-key handle for Parent\Name (which need not hold values yet: a
 * write creates them). */
static NDIS_STATUS OpenSubKey(NK_CONFIG_HANDLE *Parent, PCWSTR Name, size_t NameLength, PNDIS_HANDLE SubKeyHandle)
{
    WCHAR path[NK_CONFIG_PATH];
    size_t parentLength = WLen(Parent->Key), n = 0;
    NK_CONFIG_HANDLE *h;

    if (NameLength == 0 || parentLength + 1 + NameLength + 1 > NK_CONFIG_PATH)
        return NDIS_STATUS_FAILURE;
    if (parentLength != 0) {
        memcpy(path, Parent->Key, parentLength * sizeof(WCHAR));
        n = parentLength;
        path[n++] = L'\\';
    }
    memcpy(path + n, Name, NameLength * sizeof(WCHAR));
    n += NameLength;
    path[n] = 0;
    h = NewHandle(path, n);
    if (h == NULL)
        return NDIS_STATUS_RESOURCES;
    *SubKeyHandle = (NDIS_HANDLE)h;
    return NDIS_STATUS_SUCCESS;
}

VOID NdisOpenConfigurationKeyByName(PNDIS_STATUS Status, NDIS_HANDLE ConfigurationHandle, PNDIS_STRING SubKeyName,
                                    PNDIS_HANDLE SubKeyHandle)
{
    NK_CONFIG_HANDLE *h;
    *SubKeyHandle = NULL;
    *Status = NDIS_STATUS_FAILURE;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "NdisOpenConfigurationKeyByName") ||
        (h = HandleOf(ConfigurationHandle, "NdisOpenConfigurationKeyByName")) == NULL || SubKeyName == NULL)
        return;
    *Status = OpenSubKey(h, SubKeyName->Buffer, SubKeyName->Length / sizeof(WCHAR), SubKeyHandle);
}

/* The Index-th (0-based) distinct sub-key directly below the handle's key,
 * in the order values were first stored; KeyName stays valid until the
 * returned handle is closed. */
VOID NdisOpenConfigurationKeyByIndex(PNDIS_STATUS Status, NDIS_HANDLE ConfigurationHandle, ULONG Index,
                                     PNDIS_STRING KeyName, PNDIS_HANDLE KeyHandle)
{
    NK_CONFIG_HANDLE *h, *sub;
    WCHAR names[32][NK_CONFIG_PATH];
    ULONG count = 0;
    size_t parentLength;

    *KeyHandle = NULL;
    *Status = NDIS_STATUS_FAILURE;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "NdisOpenConfigurationKeyByIndex") ||
        (h = HandleOf(ConfigurationHandle, "NdisOpenConfigurationKeyByIndex")) == NULL)
        return;
    parentLength = WLen(h->Key);
    pthread_mutex_lock(&ConfigLock);
    for (PLIST_ENTRY e = Registry.Flink; e != &Registry && count < RTL_NUMBER_OF(names); e = e->Flink) {
        NK_CONFIG_VALUE *v = CONTAINING_RECORD(e, NK_CONFIG_VALUE, Link);
        PCWSTR rest;
        size_t n = 0;
        BOOLEAN seen = FALSE;
        if (!WEqualN(v->Key, h->Key, parentLength))
            continue;
        rest = v->Key + parentLength;
        if (parentLength != 0) {
            if (*rest != L'\\')
                continue;
            rest++;
        }
        while (rest[n] != 0 && rest[n] != L'\\')
            n++;
        if (n == 0)
            continue; /* a value of this key itself */
        for (ULONG i = 0; i < count && !seen; i++)
            seen = WLen(names[i]) == n && WEqualN(names[i], rest, n);
        if (!seen)
            CopyCounted(names[count++], NK_CONFIG_PATH, rest, n);
    }
    pthread_mutex_unlock(&ConfigLock);
    if (Index >= count)
        return;
    *Status = OpenSubKey(h, names[Index], WLen(names[Index]), KeyHandle);
    if (*Status != NDIS_STATUS_SUCCESS)
        return;
    sub = (NK_CONFIG_HANDLE *)*KeyHandle;
    CopyCounted(sub->SubKeyName, NK_CONFIG_PATH, names[Index], WLen(names[Index]));
    KeyName->Buffer = sub->SubKeyName;
    KeyName->Length = (USHORT)(WLen(sub->SubKeyName) * sizeof(WCHAR));
    KeyName->MaximumLength = (USHORT)sizeof(sub->SubKeyName);
}

/* Parses a registry string as an integer in Base (10 or 16); FALSE if it
 * is not one. */
static BOOLEAN ParseInteger(PCWSTR s, ULONG Base, ULONG *Value)
{
    ULONG64 v = 0;
    size_t i = 0;
    if (Base == 16 && s[0] == L'0' && (s[1] == L'x' || s[1] == L'X'))
        i = 2;
    if (s[i] == 0)
        return FALSE;
    for (; s[i] != 0; i++) {
        WCHAR c = Upper(s[i]);
        ULONG d;
        if (c >= L'0' && c <= L'9')
            d = (ULONG)(c - L'0');
        else if (Base == 16 && c >= L'A' && c <= L'F')
            d = (ULONG)(c - L'A' + 10);
        else
            return FALSE;
        v = v * Base + d;
        if (v > MAXULONG)
            return FALSE;
    }
    *Value = (ULONG)v;
    return TRUE;
}

VOID NdisReadConfiguration(PNDIS_STATUS Status, PNDIS_CONFIGURATION_PARAMETER *ParameterValue,
                           NDIS_HANDLE ConfigurationHandle, PNDIS_STRING Keyword, NDIS_PARAMETER_TYPE ParameterType)
{
    WCHAR name[NK_CONFIG_PATH];
    NK_CONFIG_HANDLE *h;
    NK_CONFIG_VALUE *v;
    NK_CONFIG_RESULT *r;

    *ParameterValue = NULL;
    *Status = NDIS_STATUS_FAILURE;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "NdisReadConfiguration") ||
        (h = HandleOf(ConfigurationHandle, "NdisReadConfiguration")) == NULL || Keyword == NULL ||
        !CopyCounted(name, NK_CONFIG_PATH, Keyword->Buffer, Keyword->Length / sizeof(WCHAR)))
        return;
    r = ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(*r), NK_CONFIG_TAG);
    if (r == NULL) {
        *Status = NDIS_STATUS_RESOURCES;
        return;
    }
    pthread_mutex_lock(&ConfigLock);
    v = FindLocked(h->Key, name);
    if (v != NULL) {
        ULONG integer = v->Integer;
        BOOLEAN wantInteger = ParameterType == NdisParameterInteger || ParameterType == NdisParameterHexInteger;
        *Status = NDIS_STATUS_SUCCESS;
        if (wantInteger && v->Type == NdisParameterString &&
            !ParseInteger(v->String, ParameterType == NdisParameterHexInteger ? 16 : 10, &integer))
            *Status = NDIS_STATUS_FAILURE; /* a string that is no number */
        if (wantInteger || v->Type == NdisParameterInteger) {
            /* An integer value is returned as one whatever type was asked. */
            r->Parameter.ParameterType = wantInteger ? ParameterType : NdisParameterInteger;
            r->Parameter.ParameterData.IntegerData = integer;
        } else {
            memcpy(r->String, v->String, sizeof(r->String));
            r->Parameter.ParameterType = NdisParameterString;
            r->Parameter.ParameterData.StringData.Buffer = r->String;
            r->Parameter.ParameterData.StringData.Length = (USHORT)(WLen(r->String) * sizeof(WCHAR));
            r->Parameter.ParameterData.StringData.MaximumLength = (USHORT)sizeof(r->String);
        }
    }
    pthread_mutex_unlock(&ConfigLock);
    if (*Status != NDIS_STATUS_SUCCESS) {
        ExFreePoolWithTag(r, NK_CONFIG_TAG);
        return;
    }
    InsertTailList(&h->Results, &r->Link);
    *ParameterValue = &r->Parameter;
}

VOID NdisWriteConfiguration(PNDIS_STATUS Status, NDIS_HANDLE WrapperConfigurationContext, PNDIS_STRING Keyword,
                            PNDIS_CONFIGURATION_PARAMETER ParameterValue)
{
    WCHAR name[NK_CONFIG_PATH];
    NK_CONFIG_HANDLE *h;
    NTSTATUS status;

    *Status = NDIS_STATUS_FAILURE;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "NdisWriteConfiguration") ||
        (h = HandleOf(WrapperConfigurationContext, "NdisWriteConfiguration")) == NULL || Keyword == NULL ||
        ParameterValue == NULL || !CopyCounted(name, NK_CONFIG_PATH, Keyword->Buffer, Keyword->Length / sizeof(WCHAR)))
        return;
    switch (ParameterValue->ParameterType) {
    case NdisParameterInteger:
    case NdisParameterHexInteger:
        status = SetValue(h->Key, name, NdisParameterInteger, ParameterValue->ParameterData.IntegerData, NULL, 0);
        break;
    case NdisParameterString:
        status = SetValue(h->Key, name, NdisParameterString, 0, ParameterValue->ParameterData.StringData.Buffer,
                          ParameterValue->ParameterData.StringData.Length / sizeof(WCHAR));
        break;
    default:
        status = STATUS_NOT_SUPPORTED; /* multi-strings and binary data are not kept */
        break;
    }
    *Status = NT_SUCCESS(status) ? NDIS_STATUS_SUCCESS : NDIS_STATUS_FAILURE;
}

/* Frees the handle and every parameter read through it. */
VOID NdisCloseConfiguration(NDIS_HANDLE ConfigurationHandle)
{
    NK_CONFIG_HANDLE *h;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "NdisCloseConfiguration") ||
        (h = HandleOf(ConfigurationHandle, "NdisCloseConfiguration")) == NULL)
        return;
    while (!IsListEmpty(&h->Results))
        ExFreePoolWithTag(CONTAINING_RECORD(RemoveHeadList(&h->Results), NK_CONFIG_RESULT, Link), NK_CONFIG_TAG);
    h->Magic = 0;
    ExFreePoolWithTag(h, NK_CONFIG_TAG);
}
