/*
 * config.c - NDIS configuration (NdisOpenConfigurationEx,
 * NdisReadConfiguration, ...) over the host kernel's one registry, the NT
 * layer's (host/nt/registry.c): a configuration handle is an open registry
 * key, so what a test seeds with NkHostRegistrySetValue, what a KMDF driver
 * writes through a WDFKEY and what an NDIS driver writes here are the same
 * values.
 *
 * The key NdisOpenConfigurationEx opens depends on the NdisHandle ("an
 * NDIS handle the caller obtained during initialization", per the DDI
 * reference, which names no paths).  The host uses the layout a protocol's
 * INF installs - its service's Parameters key, with the per-adapter
 * ("protocol section") keys below it that NdisOpenProtocolConfiguration
 * is documented to open:
 *   - a protocol driver handle (NdisRegisterProtocolDriver): the
 *     protocol's service parameters,
 *     \Registry\Machine\System\CurrentControlSet\Services\<Name>\Parameters,
 *     <Name> being the characteristics' Name (which must be the service's);
 *   - a protocol binding handle (NdisOpenAdapterEx, or the BindContext
 *     during the bind): the per-adapter key below it,
 *     ...\Services\<Name>\Parameters\Adapters\<Adapter>, <Adapter> being the
 *     last component of the adapter's name ("{GUID}" of "\DEVICE\{GUID}"),
 *     where a protocol's INF keeps per-binding settings.
 *   - a miniport adapter handle (the NdisMiniportHandle MiniportInitializeEx
 *     is given, physical or IM virtual miniport): the instance's key in the
 *     network class, NK_HOST_NET_CLASS_KEY\<last component of the instance
 *     name>, where its INF's parameters (NetworkAddress, VlanID, ...) live;
 *     NdisReadNetworkAddress reads NetworkAddress there.
 * Filter module handles are the filter module's instance keys on Windows;
 * the host has no filter edge yet, so no such handle exists here and, like
 * any handle NDIS did not give, it is reported ("ndis.invalid-handle") and
 * fails.
 *
 * Types, as NDIS maps them: REG_DWORD is read as an integer whatever type
 * was asked; a REG_SZ / REG_EXPAND_SZ asked for as NdisParameterInteger is
 * parsed as decimal, as NdisParameterHexInteger as hex, otherwise returned
 * as a string; REG_MULTI_SZ is NdisParameterMultiString; REG_BINARY is
 * NdisParameterBinary.  Writes store integers as REG_DWORD, strings as
 * REG_SZ, multi-strings as REG_MULTI_SZ and binary data as REG_BINARY.
 * What NdisReadConfiguration returns stays valid until the handle is
 * closed; every handle (sub-keys included) must be closed, or it is
 * reported as a pool leak.
 */
#include "ndis_internal.h"

#include <stdlib.h>
#include <string.h>

#define NK_CONFIG_MAGIC 0x4E4B4E44434F4E46ull
#define NK_CONFIG_TAG ((ULONG)'N' | ((ULONG)'k' << 8) | ((ULONG)'C' << 16) | ((ULONG)'f' << 24))
#define NK_CONFIG_PATH 512
#define NK_CONFIG_NAME 256
#define NK_SERVICES L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\"

/* An open key: pool, so a handle never closed is a leak report. */
typedef struct _NK_CONFIG_HANDLE {
    ULONG64 Magic;
    NK_REG_KEY *Key;                /* a reference of its own, dropped at close */
    WCHAR SubKeyName[NK_CONFIG_NAME]; /* NdisOpenConfigurationKeyByIndex's KeyName points here */
    LIST_ENTRY Results;             /* parameters NdisReadConfiguration returned */
} NK_CONFIG_HANDLE;

/* A parameter returned to the driver; Data holds its string or bytes. */
typedef struct _NK_CONFIG_RESULT {
    LIST_ENTRY Link;
    NDIS_CONFIGURATION_PARAMETER Parameter;
    ULONG64 Data[];                 /* aligned for WCHARs */
} NK_CONFIG_RESULT;

static const NK_NDIS_REVISION ConfigObjectRevisions[] = {
    {NDIS_CONFIGURATION_OBJECT_REVISION_1, NDIS_SIZEOF_CONFIGURATION_OBJECT_REVISION_1},
};

/* ---- small wide-string helpers -------------------------------------------------------- */

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

/* Appends the counted In to Out (Capacity WCHARs, kept terminated) at *At;
 * FALSE if it does not fit. */
static BOOLEAN Append(PWCHAR Out, size_t Capacity, size_t *At, PCWSTR In, size_t Length)
{
    if (*At + Length + 1 > Capacity)
        return FALSE;
    memcpy(Out + *At, In, Length * sizeof(WCHAR));
    *At += Length;
    Out[*At] = 0;
    return TRUE;
}

/* ---- which key a handle opens ------------------------------------------------------------ */

PCWSTR NkHostAdapterKeyName(PCWSTR AdapterName)
{
    PCWSTR last = AdapterName;
    for (PCWSTR c = AdapterName; *c != 0; c++)
        if (*c == L'\\')
            last = c + 1;
    return last;
}

/* With NkNdisLock: the protocol whose driver handle Handle is, or NULL. */
static NK_PROTOCOL *ProtocolLocked(NDIS_HANDLE Handle)
{
    for (PLIST_ENTRY e = NkProtocols.Flink; e != &NkProtocols; e = e->Flink)
        if ((NDIS_HANDLE)CONTAINING_RECORD(e, NK_PROTOCOL, Link) == Handle)
            return (NK_PROTOCOL *)Handle;
    return NULL;
}

/* With NkNdisLock: the binding Handle is, or NULL. */
static NK_BINDING *BindingLocked(NDIS_HANDLE Handle)
{
    for (PLIST_ENTRY a = NkAdapters.Flink; a != &NkAdapters; a = a->Flink) {
        NK_ADAPTER *ad = CONTAINING_RECORD(a, NK_ADAPTER, Link);
        for (PLIST_ENTRY e = ad->Bindings.Flink; e != &ad->Bindings; e = e->Flink)
            if ((NDIS_HANDLE)CONTAINING_RECORD(e, NK_BINDING, Link) == Handle)
                return (NK_BINDING *)Handle;
    }
    return NULL;
}

/* The registry path of the key NdisOpenConfigurationEx opens for Handle
 * (see the top of the file); STATUS_INVALID_HANDLE if NDIS gave no such
 * handle, STATUS_NAME_TOO_LONG if the path does not fit. */
static NTSTATUS KeyPathOf(NDIS_HANDLE Handle, PWCHAR Path, size_t Capacity)
{
    NK_PROTOCOL *p;
    NK_BINDING *b = NULL;
    NK_MINIPORT *m;
    NTSTATUS status = STATUS_NAME_TOO_LONG;
    size_t at = 0;

    pthread_mutex_lock(&NkNdisLock);
    m = NkNdisMiniportLocked(Handle);
    if (m != NULL) {
        PCWSTR instance = m->Name;
        for (PCWSTR c = m->Name; *c != 0; c++)
            if (*c == L'\\')
                instance = c + 1;
        if (Append(Path, Capacity, &at, NK_HOST_NET_CLASS_KEY, WLen(NK_HOST_NET_CLASS_KEY)) &&
            Append(Path, Capacity, &at, L"\\", 1) && Append(Path, Capacity, &at, instance, WLen(instance)))
            status = STATUS_SUCCESS;
        goto out;
    }
    p = ProtocolLocked(Handle);
    if (p == NULL && (b = BindingLocked(Handle)) != NULL)
        p = b->Protocol;
    if (p == NULL) {
        status = STATUS_INVALID_HANDLE;
        goto out;
    }
    if (!Append(Path, Capacity, &at, NK_SERVICES, WLen(NK_SERVICES)) ||
        !Append(Path, Capacity, &at, p->Chars.Name.Buffer, p->Chars.Name.Length / sizeof(WCHAR)) ||
        !Append(Path, Capacity, &at, L"\\Parameters", WLen(L"\\Parameters")))
        goto out;
    if (b != NULL) {
        PCWSTR adapter = NkHostAdapterKeyName(b->Adapter->Name);
        if (!Append(Path, Capacity, &at, L"\\Adapters\\", WLen(L"\\Adapters\\")) ||
            !Append(Path, Capacity, &at, adapter, WLen(adapter)))
            goto out;
    }
    status = STATUS_SUCCESS;
out:
    pthread_mutex_unlock(&NkNdisLock);
    return status;
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

/* A handle on Name below Parent (absolute without one).  The key is created
 * if absent: the host stands in for the INF that created it on Windows,
 * and a handle on a key with no values yet is still one to write to. */
static NDIS_STATUS OpenKey(NK_REG_KEY *Parent, PCUNICODE_STRING Name, NK_CONFIG_HANDLE **Handle)
{
    NK_CONFIG_HANDLE *h;
    NTSTATUS status;

    *Handle = NULL;
    h = ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(*h), NK_CONFIG_TAG);
    if (h == NULL)
        return NDIS_STATUS_RESOURCES;
    status = NkRegOpenKey(Parent, Name, TRUE, &h->Key, NULL);
    if (!NT_SUCCESS(status)) {
        ExFreePoolWithTag(h, NK_CONFIG_TAG);
        return status == STATUS_INSUFFICIENT_RESOURCES ? NDIS_STATUS_RESOURCES : NDIS_STATUS_FAILURE;
    }
    h->Magic = NK_CONFIG_MAGIC;
    h->SubKeyName[0] = 0;
    InitializeListHead(&h->Results);
    *Handle = h;
    return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS NdisOpenConfigurationEx(PNDIS_CONFIGURATION_OBJECT ConfigObject, PNDIS_HANDLE ConfigurationHandle)
{
    NDIS_CONFIGURATION_OBJECT o;
    WCHAR path[NK_CONFIG_PATH];
    UNICODE_STRING name;
    NK_CONFIG_HANDLE *h;
    NTSTATUS status;
    NDIS_STATUS result;

    *ConfigurationHandle = NULL;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "NdisOpenConfigurationEx"))
        return NDIS_STATUS_FAILURE;
    if (!NkNdisTakeObject(ConfigObject ? &ConfigObject->Header : NULL, NDIS_OBJECT_TYPE_CONFIGURATION_OBJECT,
                          ConfigObjectRevisions, RTL_NUMBER_OF(ConfigObjectRevisions), &o, sizeof(o),
                          "NdisOpenConfigurationEx"))
        return NDIS_STATUS_INVALID_PARAMETER;
    status = KeyPathOf(o.NdisHandle, path, RTL_NUMBER_OF(path));
    if (status == STATUS_INVALID_HANDLE) {
        NkHostViolation("ndis.invalid-handle",
                        "NdisOpenConfigurationEx: NdisHandle %p is no protocol driver, binding or miniport adapter "
                        "handle (the host has no filter handles)",
                        o.NdisHandle);
        return NDIS_STATUS_INVALID_PARAMETER;
    }
    if (!NT_SUCCESS(status))
        return NDIS_STATUS_FAILURE;
    RtlInitUnicodeString(&name, path);
    result = OpenKey(NULL, &name, &h);
    if (result == NDIS_STATUS_SUCCESS)
        *ConfigurationHandle = (NDIS_HANDLE)h;
    return result;
}

VOID NdisOpenConfigurationKeyByName(PNDIS_STATUS Status, NDIS_HANDLE ConfigurationHandle, PNDIS_STRING SubKeyName,
                                    PNDIS_HANDLE SubKeyHandle)
{
    NK_CONFIG_HANDLE *h, *sub;
    *SubKeyHandle = NULL;
    *Status = NDIS_STATUS_FAILURE;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "NdisOpenConfigurationKeyByName") ||
        (h = HandleOf(ConfigurationHandle, "NdisOpenConfigurationKeyByName")) == NULL || SubKeyName == NULL ||
        SubKeyName->Length == 0)
        return;
    *Status = OpenKey(h->Key, SubKeyName, &sub);
    if (*Status == NDIS_STATUS_SUCCESS)
        *SubKeyHandle = (NDIS_HANDLE)sub;
}

/* The Index-th (0-based) sub-key directly below the handle's key, in the
 * order the registry first held it; KeyName stays valid until the
 * returned handle is closed. */
VOID NdisOpenConfigurationKeyByIndex(PNDIS_STATUS Status, NDIS_HANDLE ConfigurationHandle, ULONG Index,
                                     PNDIS_STRING KeyName, PNDIS_HANDLE KeyHandle)
{
    WCHAR child[NK_CONFIG_NAME];
    UNICODE_STRING name;
    NK_CONFIG_HANDLE *h, *sub;

    *KeyHandle = NULL;
    *Status = NDIS_STATUS_FAILURE;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "NdisOpenConfigurationKeyByIndex") ||
        (h = HandleOf(ConfigurationHandle, "NdisOpenConfigurationKeyByIndex")) == NULL || KeyName == NULL)
        return;
    if (!NT_SUCCESS(NkRegEnumerateKey(h->Key, Index, child, RTL_NUMBER_OF(child))))
        return;
    RtlInitUnicodeString(&name, child);
    *Status = OpenKey(h->Key, &name, &sub);
    if (*Status != NDIS_STATUS_SUCCESS)
        return;
    memcpy(sub->SubKeyName, child, sizeof(child));
    RtlInitUnicodeString(KeyName, sub->SubKeyName);
    *KeyHandle = (NDIS_HANDLE)sub;
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

/* A result holding Length bytes of data, to hand to the driver. */
static NK_CONFIG_RESULT *NewResult(ULONG Length)
{
    /* Two spare WCHARs: a string read back is always terminated. */
    return ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(NK_CONFIG_RESULT) + Length + 2 * sizeof(WCHAR),
                           NK_CONFIG_TAG);
}

VOID NdisReadConfiguration(PNDIS_STATUS Status, PNDIS_CONFIGURATION_PARAMETER *ParameterValue,
                           NDIS_HANDLE ConfigurationHandle, PNDIS_STRING Keyword, NDIS_PARAMETER_TYPE ParameterType)
{
    NK_CONFIG_HANDLE *h;
    NK_CONFIG_RESULT *r = NULL;
    PNDIS_CONFIGURATION_PARAMETER p;
    ULONG type = REG_NONE, length = 0, integer;
    PWCHAR text;
    NTSTATUS status;

    *ParameterValue = NULL;
    *Status = NDIS_STATUS_FAILURE;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "NdisReadConfiguration") ||
        (h = HandleOf(ConfigurationHandle, "NdisReadConfiguration")) == NULL || Keyword == NULL)
        return;
    /* The size first, then the data: a writer in between only makes the
     * second query fail with an overflow, which is retried. */
    for (;;) {
        status = NkRegQueryValue(h->Key, Keyword, &type, NULL, 0, &length);
        if (status != STATUS_BUFFER_OVERFLOW && !NT_SUCCESS(status))
            goto fail; /* no such value */
        if (length > MAXUSHORT - 2 * sizeof(WCHAR))
            goto fail; /* more than an NDIS_STRING or BINARY_DATA can describe */
        r = NewResult(length);
        if (r == NULL) {
            *Status = NDIS_STATUS_RESOURCES;
            return;
        }
        memset(r->Data, 0, length + 2 * sizeof(WCHAR));
        status = NkRegQueryValue(h->Key, Keyword, &type, r->Data, length, &length);
        if (NT_SUCCESS(status))
            break;
        ExFreePoolWithTag(r, NK_CONFIG_TAG);
        r = NULL;
        if (status != STATUS_BUFFER_OVERFLOW)
            goto fail;
    }
    p = &r->Parameter;
    text = (PWCHAR)r->Data;
    switch (type) {
    case REG_DWORD:
        if (length != sizeof(ULONG))
            goto fail;
        /* An integer is returned as one whatever type was asked. */
        memcpy(&integer, r->Data, sizeof(integer));
        p->ParameterType = ParameterType == NdisParameterHexInteger ? NdisParameterHexInteger : NdisParameterInteger;
        p->ParameterData.IntegerData = integer;
        break;
    case REG_SZ:
    case REG_EXPAND_SZ:
        if (ParameterType == NdisParameterInteger || ParameterType == NdisParameterHexInteger) {
            if (!ParseInteger(text, ParameterType == NdisParameterHexInteger ? 16 : 10, &integer))
                goto fail; /* a string that is no number */
            p->ParameterType = ParameterType;
            p->ParameterData.IntegerData = integer;
            break;
        }
        p->ParameterType = NdisParameterString;
        p->ParameterData.StringData.Buffer = text;
        p->ParameterData.StringData.Length = (USHORT)(WLen(text) * sizeof(WCHAR));
        p->ParameterData.StringData.MaximumLength = (USHORT)(length + sizeof(WCHAR));
        break;
    case REG_MULTI_SZ:
        if (ParameterType != NdisParameterString && ParameterType != NdisParameterMultiString)
            goto fail;
        /* The strings and their terminators, without the list's final one. */
        p->ParameterType = NdisParameterMultiString;
        p->ParameterData.StringData.Buffer = text;
        while (length >= sizeof(WCHAR) && text[length / sizeof(WCHAR) - 1] == 0 &&
               (length < 2 * sizeof(WCHAR) || text[length / sizeof(WCHAR) - 2] == 0))
            length -= sizeof(WCHAR);
        p->ParameterData.StringData.Length = (USHORT)length;
        p->ParameterData.StringData.MaximumLength = (USHORT)(length + sizeof(WCHAR));
        break;
    case REG_BINARY:
        if (ParameterType != NdisParameterBinary)
            goto fail;
        p->ParameterType = NdisParameterBinary;
        p->ParameterData.BinaryData.Buffer = r->Data;
        p->ParameterData.BinaryData.Length = (USHORT)length;
        break;
    default:
        goto fail; /* a type NDIS has no parameter type for */
    }
    InsertTailList(&h->Results, &r->Link);
    *ParameterValue = p;
    *Status = NDIS_STATUS_SUCCESS;
    return;
fail:
    if (r != NULL)
        ExFreePoolWithTag(r, NK_CONFIG_TAG);
}

VOID NdisWriteConfiguration(PNDIS_STATUS Status, NDIS_HANDLE WrapperConfigurationContext, PNDIS_STRING Keyword,
                            PNDIS_CONFIGURATION_PARAMETER ParameterValue)
{
    NK_CONFIG_HANDLE *h;
    NTSTATUS status;
    PWCHAR copy = NULL;
    ULONG bytes;

    *Status = NDIS_STATUS_FAILURE;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "NdisWriteConfiguration") ||
        (h = HandleOf(WrapperConfigurationContext, "NdisWriteConfiguration")) == NULL || Keyword == NULL ||
        Keyword->Length == 0 || ParameterValue == NULL)
        return;
    switch (ParameterValue->ParameterType) {
    case NdisParameterInteger:
    case NdisParameterHexInteger:
        status = NkRegSetValue(h->Key, Keyword, REG_DWORD, &ParameterValue->ParameterData.IntegerData, sizeof(ULONG));
        break;
    case NdisParameterString:
    case NdisParameterMultiString:
        /* Stored terminated (twice for a multi-string), as the registry
         * holds them; the driver's counted string need not be. */
        bytes = ParameterValue->ParameterData.StringData.Length & ~(ULONG)(sizeof(WCHAR) - 1);
        copy = ExAllocatePool2(POOL_FLAG_NON_PAGED, bytes + 2 * sizeof(WCHAR), NK_CONFIG_TAG);
        if (copy == NULL) {
            *Status = NDIS_STATUS_RESOURCES;
            return;
        }
        if (bytes != 0)
            memcpy(copy, ParameterValue->ParameterData.StringData.Buffer, bytes);
        copy[bytes / sizeof(WCHAR)] = 0;
        copy[bytes / sizeof(WCHAR) + 1] = 0;
        if (ParameterValue->ParameterType == NdisParameterString)
            status = NkRegSetValue(h->Key, Keyword, REG_SZ, copy, bytes + sizeof(WCHAR));
        else
            status = NkRegSetValue(h->Key, Keyword, REG_MULTI_SZ, copy, bytes + 2 * sizeof(WCHAR));
        ExFreePoolWithTag(copy, NK_CONFIG_TAG);
        break;
    case NdisParameterBinary:
        status = NkRegSetValue(h->Key, Keyword, REG_BINARY, ParameterValue->ParameterData.BinaryData.Buffer,
                               ParameterValue->ParameterData.BinaryData.Length);
        break;
    default:
        status = STATUS_INVALID_PARAMETER;
        break;
    }
    *Status = NT_SUCCESS(status)                      ? NDIS_STATUS_SUCCESS
              : status == STATUS_INSUFFICIENT_RESOURCES ? NDIS_STATUS_RESOURCES
                                                        : NDIS_STATUS_FAILURE;
}

/* One hex digit's value, or -1. */
static int HexDigit(WCHAR c)
{
    c = Upper(c);
    if (c >= L'0' && c <= L'9')
        return c - L'0';
    if (c >= L'A' && c <= L'F')
        return c - L'A' + 10;
    return -1;
}

/* NetworkAddress, as the advanced property page stores it: a REG_SZ of
 * twelve hex digits, optionally separated in pairs by '-' or ':' (one kind
 * throughout).  The six bytes stay valid until the handle is closed. */
VOID NdisReadNetworkAddress(PNDIS_STATUS Status, PVOID *NetworkAddress, PUINT NetworkAddressLength,
                            NDIS_HANDLE ConfigurationHandle)
{
    static const WCHAR keyword[] = L"NetworkAddress";
    UNICODE_STRING name;
    NK_CONFIG_HANDLE *h;
    NK_CONFIG_RESULT *r;
    WCHAR text[40];
    ULONG type = REG_NONE, length = 0, digits = 0, i;
    WCHAR separator = 0;
    PUCHAR mac;

    *Status = NDIS_STATUS_FAILURE;
    *NetworkAddress = NULL;
    *NetworkAddressLength = 0;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "NdisReadNetworkAddress") ||
        (h = HandleOf(ConfigurationHandle, "NdisReadNetworkAddress")) == NULL)
        return;
    RtlInitUnicodeString(&name, keyword);
    memset(text, 0, sizeof(text));
    if (!NT_SUCCESS(NkRegQueryValue(h->Key, &name, &type, text, sizeof(text) - sizeof(WCHAR), &length)) ||
        (type != REG_SZ && type != REG_EXPAND_SZ))
        return; /* absent, too long to be an address, or not a string */
    r = NewResult(6);
    if (r == NULL) {
        *Status = NDIS_STATUS_RESOURCES;
        return;
    }
    mac = (PUCHAR)r->Data;
    for (i = 0; text[i] != 0; i++) {
        int d = HexDigit(text[i]);
        if (d >= 0) {
            if (digits == 12)
                goto malformed;
            mac[digits / 2] = (UCHAR)(digits % 2 ? (mac[digits / 2] << 4) | d : d);
            digits++;
            continue;
        }
        /* A separator only between pairs, and the same one each time. */
        if ((text[i] != L'-' && text[i] != L':') || digits == 0 || digits % 2 != 0 || digits == 12 ||
            (separator != 0 && separator != text[i]) || HexDigit(text[i + 1]) < 0)
            goto malformed;
        separator = text[i];
    }
    if (digits != 12)
        goto malformed;
    r->Parameter.ParameterType = NdisParameterBinary;
    InsertTailList(&h->Results, &r->Link);
    *NetworkAddress = mac;
    *NetworkAddressLength = 6;
    *Status = NDIS_STATUS_SUCCESS;
    return;
malformed:
    ExFreePoolWithTag(r, NK_CONFIG_TAG);
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
    NkRegCloseKey(h->Key);
    h->Magic = 0;
    ExFreePoolWithTag(h, NK_CONFIG_TAG);
}
