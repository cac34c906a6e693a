/*
 * registry.c - WDFKEY over the host kernel's in-memory registry
 * (host/nt/registry.c; tests seed it with NkHostRegistrySetValue).
 *
 * A key object holds an open key and the access it was opened with, so a
 * write through a read-only key fails STATUS_ACCESS_DENIED as ZwSetValueKey
 * would.  Typed queries check the value's type (STATUS_OBJECT_TYPE_MISMATCH)
 * and report the needed size on STATUS_BUFFER_OVERFLOW, as documented.
 * WdfDriverOpenParametersRegistryKey opens (creating if needed) the
 * Parameters subkey of the RegistryPath DriverEntry received.
 */
#include "kmdf_internal.h"

#include <string.h>

typedef struct _NK_WDF_KEY {
    NK_WDF_OBJECT Object;
    NK_REG_KEY *Key;
    ACCESS_MASK Access;
} NK_WDF_KEY;

static VOID KeyDestroy(NK_WDF_OBJECT *o)
{
    NK_WDF_KEY *k = (NK_WDF_KEY *)o;
    if (k->Key != NULL)
        NkRegCloseKey(k->Key);
    k->Key = NULL;
}

static NK_WDF_KEY *KeyOf(WDFKEY Handle, const char *Ddi)
{
    return (NK_WDF_KEY *)NkWdfLookupType((WDFOBJECT)Handle, NkWdfTypeKey, "WDFKEY", Ddi);
}

/* GENERIC_* and MAXIMUM_ALLOWED as the key rights they mean. */
static ACCESS_MASK MapAccess(ACCESS_MASK Access)
{
    if (Access & (GENERIC_ALL | 0x02000000L /* MAXIMUM_ALLOWED */))
        Access |= KEY_ALL_ACCESS;
    if (Access & GENERIC_READ)
        Access |= KEY_READ;
    if (Access & GENERIC_WRITE)
        Access |= KEY_WRITE;
    return Access;
}

/* DefaultParent: the calling driver's WDFDRIVER, unless Attributes name a parent. */
static NTSTATUS OpenKey(NK_WDF_OBJECT *DefaultParent, NK_WDF_KEY *Parent, PCUNICODE_STRING Name, ACCESS_MASK Access,
                        BOOLEAN Create, PWDF_OBJECT_ATTRIBUTES Attributes, PULONG Disposition, WDFKEY *Key,
                        const char *Ddi)
{
    NK_WDF_OBJECT *o;
    NK_REG_KEY *reg;
    BOOLEAN created;
    NTSTATUS status;

    *Key = NULL;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, Ddi))
        return STATUS_INVALID_DEVICE_STATE;
    if (Name == NULL)
        return STATUS_INVALID_PARAMETER;
    status = NkWdfCreate(sizeof(NK_WDF_KEY), NkWdfTypeKey, Attributes, DefaultParent, &o);
    if (!NT_SUCCESS(status))
        return status;
    status = NkRegOpenKey(Parent != NULL ? Parent->Key : NULL, Name, Create, &reg, &created);
    if (!NT_SUCCESS(status)) {
        NkWdfDelete(o);
        return status;
    }
    ((NK_WDF_KEY *)o)->Key = reg;
    ((NK_WDF_KEY *)o)->Access = MapAccess(Access);
    o->FrameworkDestroy = KeyDestroy;
    if (Disposition != NULL)
        *Disposition = created ? REG_CREATED_NEW_KEY : REG_OPENED_EXISTING_KEY;
    *Key = (WDFKEY)o;
    return STATUS_SUCCESS;
}

/* A subkey of the driver's service key (the RegistryPath DriverEntry got),
 * created if needed. */
static NTSTATUS OpenServiceSubkey(PWDF_DRIVER_GLOBALS Globals, WDFDRIVER Driver, PCWSTR Subkey,
                                  ACCESS_MASK DesiredAccess, PWDF_OBJECT_ATTRIBUTES KeyAttributes, WDFKEY *Key,
                                  const char *Ddi)
{
    NK_WDF_OBJECT *d = NkWdfLookupType((WDFOBJECT)Driver, NkWdfTypeDriver, "WDFDRIVER", Ddi);
    WCHAR path[300];
    UNICODE_STRING name;
    PCWSTR service;
    size_t n = 0, m = 0;
    *Key = NULL;
    if (d == NULL)
        return STATUS_INVALID_PARAMETER;
    service = NkWdfDriverRegistryPath(d);
    while (service[n] != 0 && n < 260)
        path[n] = service[n], n++;
    if (n == 0)
        return STATUS_OBJECT_NAME_NOT_FOUND; /* DriverEntry got no RegistryPath */
    path[n++] = L'\\';
    while (Subkey[m] != 0 && n + 1 < RTL_NUMBER_OF(path))
        path[n++] = Subkey[m++];
    name.Buffer = path;
    name.Length = name.MaximumLength = (USHORT)(n * sizeof(WCHAR));
    return OpenKey(NkWdfDriverOf(Globals), NULL, &name, DesiredAccess, TRUE, KeyAttributes, NULL, Key, Ddi);
}

static NTSTATUS NTAPI NkWdfDriverOpenParametersRegistryKey(PWDF_DRIVER_GLOBALS Globals, WDFDRIVER Driver,
                                                           ACCESS_MASK DesiredAccess,
                                                           PWDF_OBJECT_ATTRIBUTES KeyAttributes, WDFKEY *Key)
{
    return OpenServiceSubkey(Globals, Driver, L"Parameters", DesiredAccess, KeyAttributes, Key,
                             "WdfDriverOpenParametersRegistryKey");
}

/* KMDF 1.25: the driver's own state, kept under its service key. */
static NTSTATUS NTAPI NkWdfDriverOpenPersistentStateRegistryKey(PWDF_DRIVER_GLOBALS Globals, WDFDRIVER Driver,
                                                                ACCESS_MASK DesiredAccess,
                                                                PWDF_OBJECT_ATTRIBUTES KeyAttributes, WDFKEY *Key)
{
    return OpenServiceSubkey(Globals, Driver, L"State", DesiredAccess, KeyAttributes, Key,
                             "WdfDriverOpenPersistentStateRegistryKey");
}

/* Hardware and software keys belong to a device node: the host's devices
 * are all control devices, which have none, and the I/O manager refuses
 * such a device (IoOpenDeviceRegistryKey: STATUS_INVALID_DEVICE_REQUEST). */
static NTSTATUS NTAPI NkWdfDeviceOpenRegistryKey(PWDF_DRIVER_GLOBALS Globals, WDFDEVICE Device,
                                                 ULONG DeviceInstanceKeyType, ACCESS_MASK DesiredAccess,
                                                 PWDF_OBJECT_ATTRIBUTES KeyAttributes, WDFKEY *Key)
{
    (void)Globals;
    (void)DeviceInstanceKeyType;
    (void)DesiredAccess;
    (void)KeyAttributes;
    *Key = NULL;
    if (NkWdfLookupType((WDFOBJECT)Device, NkWdfTypeDevice, "WDFDEVICE", "WdfDeviceOpenRegistryKey") == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "WdfDeviceOpenRegistryKey"))
        return STATUS_INVALID_DEVICE_STATE;
    DbgPrint("ndiskit host: WdfDeviceOpenRegistryKey: a control device has no device node (use "
             "WdfDriverOpenParametersRegistryKey)\n");
    return STATUS_INVALID_DEVICE_REQUEST;
}

static NTSTATUS NTAPI NkWdfRegistryOpenKey(PWDF_DRIVER_GLOBALS Globals, WDFKEY ParentKey, PCUNICODE_STRING KeyName,
                                           ACCESS_MASK DesiredAccess, PWDF_OBJECT_ATTRIBUTES KeyAttributes, WDFKEY *Key)
{
    NK_WDF_KEY *parent = NULL;
    *Key = NULL;
    if (ParentKey != NULL && (parent = KeyOf(ParentKey, "WdfRegistryOpenKey")) == NULL)
        return STATUS_INVALID_PARAMETER;
    return OpenKey(NkWdfDriverOf(Globals), parent, KeyName, DesiredAccess, FALSE, KeyAttributes, NULL, Key,
                   "WdfRegistryOpenKey");
}

static NTSTATUS NTAPI NkWdfRegistryCreateKey(PWDF_DRIVER_GLOBALS Globals, WDFKEY ParentKey, PCUNICODE_STRING KeyName,
                                             ACCESS_MASK DesiredAccess, ULONG CreateOptions, PULONG CreateDisposition,
                                             PWDF_OBJECT_ATTRIBUTES KeyAttributes, WDFKEY *Key)
{
    NK_WDF_KEY *parent = NULL;
    (void)CreateOptions; /* volatile or not: the host's registry is all in memory */
    *Key = NULL;
    if (ParentKey != NULL && (parent = KeyOf(ParentKey, "WdfRegistryCreateKey")) == NULL)
        return STATUS_INVALID_PARAMETER;
    return OpenKey(NkWdfDriverOf(Globals), parent, KeyName, DesiredAccess, TRUE, KeyAttributes, CreateDisposition,
                   Key, "WdfRegistryCreateKey");
}

static VOID NTAPI NkWdfRegistryClose(PWDF_DRIVER_GLOBALS Globals, WDFKEY Key)
{
    NK_WDF_KEY *k = KeyOf(Key, "WdfRegistryClose");
    (void)Globals;
    if (k != NULL && NkHostCheckIrqlMax(PASSIVE_LEVEL, "WdfRegistryClose"))
        NkWdfDelete(&k->Object);
}

/* The host has no object-manager handles for keys: the key's own address
 * stands for it (unique while open; only the WDFKEY DDIs understand it). */
static HANDLE NTAPI NkWdfRegistryWdmGetHandle(PWDF_DRIVER_GLOBALS Globals, WDFKEY Key)
{
    NK_WDF_KEY *k = KeyOf(Key, "WdfRegistryWdmGetHandle");
    (void)Globals;
    return k != NULL ? (HANDLE)k->Key : NULL;
}

static NTSTATUS NTAPI NkWdfRegistryRemoveKey(PWDF_DRIVER_GLOBALS Globals, WDFKEY Key)
{
    NK_WDF_KEY *k = KeyOf(Key, "WdfRegistryRemoveKey");
    NTSTATUS status;
    (void)Globals;
    if (k == NULL || !NkHostCheckIrqlMax(PASSIVE_LEVEL, "WdfRegistryRemoveKey"))
        return STATUS_INVALID_PARAMETER;
    if (!(k->Access & DELETE))
        return STATUS_ACCESS_DENIED;
    status = NkRegDeleteKey(k->Key);
    if (NT_SUCCESS(status))
        NkWdfDelete(&k->Object); /* documented: the key object goes too */
    return status;
}

/* Checks IRQL, handle and (for writes) access. */
static NK_WDF_KEY *Usable(WDFKEY Key, BOOLEAN Write, NTSTATUS *Status, const char *Ddi)
{
    NK_WDF_KEY *k = KeyOf(Key, Ddi);
    *Status = STATUS_SUCCESS;
    if (k == NULL)
        *Status = STATUS_INVALID_PARAMETER;
    else if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, Ddi))
        *Status = STATUS_INVALID_DEVICE_STATE;
    else if (!(k->Access & (Write ? KEY_SET_VALUE : KEY_QUERY_VALUE)))
        *Status = STATUS_ACCESS_DENIED;
    return NT_SUCCESS(*Status) ? k : NULL;
}

static NTSTATUS NTAPI NkWdfRegistryRemoveValue(PWDF_DRIVER_GLOBALS Globals, WDFKEY Key, PCUNICODE_STRING ValueName)
{
    NTSTATUS status;
    NK_WDF_KEY *k = Usable(Key, TRUE, &status, "WdfRegistryRemoveValue");
    (void)Globals;
    return k != NULL ? NkRegDeleteValue(k->Key, ValueName) : status;
}

static NTSTATUS NTAPI NkWdfRegistryQueryValue(PWDF_DRIVER_GLOBALS Globals, WDFKEY Key, PCUNICODE_STRING ValueName,
                                              ULONG ValueLength, PVOID Value, PULONG ValueLengthQueried,
                                              PULONG ValueType)
{
    NTSTATUS status;
    NK_WDF_KEY *k = Usable(Key, FALSE, &status, "WdfRegistryQueryValue");
    (void)Globals;
    if (k == NULL)
        return status;
    return NkRegQueryValue(k->Key, ValueName, ValueType, Value, ValueLength, ValueLengthQueried);
}

static NTSTATUS NTAPI NkWdfRegistryQueryMemory(PWDF_DRIVER_GLOBALS Globals, WDFKEY Key, PCUNICODE_STRING ValueName,
                                               POOL_TYPE PoolType, PWDF_OBJECT_ATTRIBUTES MemoryAttributes,
                                               WDFMEMORY *Memory, PULONG ValueType)
{
    NTSTATUS status;
    NK_WDF_KEY *k = Usable(Key, FALSE, &status, "WdfRegistryQueryMemory");
    NK_WDF_OBJECT *m;
    ULONG needed = 0, type = 0;
    PVOID buffer;
    *Memory = NULL;
    if (k == NULL)
        return status;
    status = NkRegQueryValue(k->Key, ValueName, &type, NULL, 0, &needed);
    if (status != STATUS_BUFFER_OVERFLOW && !NT_SUCCESS(status))
        return status;
    buffer = ExAllocatePoolWithTag(PoolType, needed != 0 ? needed : 1, 0x72447846);
    if (buffer == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    status = NkRegQueryValue(k->Key, ValueName, &type, buffer, needed, &needed);
    if (NT_SUCCESS(status))
        status = NkWdfMemoryCreate(MemoryAttributes, NkWdfDriverOf(Globals), buffer, needed, TRUE, &m);
    if (!NT_SUCCESS(status)) {
        ExFreePool(buffer);
        return status;
    }
    if (ValueType != NULL)
        *ValueType = type;
    *Memory = (WDFMEMORY)m;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI NkWdfRegistryQueryULong(PWDF_DRIVER_GLOBALS Globals, WDFKEY Key, PCUNICODE_STRING ValueName,
                                              PULONG Value)
{
    NTSTATUS status;
    NK_WDF_KEY *k = Usable(Key, FALSE, &status, "WdfRegistryQueryULong");
    ULONG type = 0, needed = 0, v = 0;
    (void)Globals;
    if (k == NULL)
        return status;
    status = NkRegQueryValue(k->Key, ValueName, &type, &v, sizeof(v), &needed);
    if (status == STATUS_OBJECT_NAME_NOT_FOUND)
        return status;
    if (type != REG_DWORD || needed != sizeof(ULONG))
        return STATUS_OBJECT_TYPE_MISMATCH;
    if (NT_SUCCESS(status))
        *Value = v;
    return status;
}

/* A REG_SZ/REG_EXPAND_SZ value, its terminating NUL dropped; *Text is
 * pool memory the caller frees. */
static NTSTATUS QueryText(NK_WDF_KEY *k, PCUNICODE_STRING ValueName, PWCH *Text, USHORT *Bytes)
{
    ULONG type = 0, needed = 0;
    NTSTATUS status;
    PWCH text;

    *Text = NULL;
    *Bytes = 0;
    status = NkRegQueryValue(k->Key, ValueName, &type, NULL, 0, &needed);
    if (status != STATUS_BUFFER_OVERFLOW && !NT_SUCCESS(status))
        return status;
    if (type != REG_SZ && type != REG_EXPAND_SZ)
        return STATUS_OBJECT_TYPE_MISMATCH;
    if (needed > MAXUSHORT)
        return STATUS_INVALID_BUFFER_SIZE;
    text = ExAllocatePoolWithTag(NonPagedPoolNx, needed + sizeof(WCHAR), 0x72447846);
    if (text == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    status = NkRegQueryValue(k->Key, ValueName, &type, text, needed, &needed);
    if (!NT_SUCCESS(status)) {
        ExFreePool(text);
        return status;
    }
    needed &= ~1u;
    while (needed >= sizeof(WCHAR) && text[needed / sizeof(WCHAR) - 1] == 0)
        needed -= sizeof(WCHAR);
    *Text = text;
    *Bytes = (USHORT)needed;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI NkWdfRegistryQueryUnicodeString(PWDF_DRIVER_GLOBALS Globals, WDFKEY Key,
                                                      PCUNICODE_STRING ValueName, PUSHORT ValueByteLength,
                                                      PUNICODE_STRING Value)
{
    NTSTATUS status;
    NK_WDF_KEY *k = Usable(Key, FALSE, &status, "WdfRegistryQueryUnicodeString");
    PWCH text;
    USHORT bytes;
    (void)Globals;
    if (k == NULL)
        return status;
    status = QueryText(k, ValueName, &text, &bytes);
    if (!NT_SUCCESS(status))
        return status;
    if (ValueByteLength != NULL)
        *ValueByteLength = bytes;
    if (Value != NULL) {
        if (Value->MaximumLength < bytes) {
            status = STATUS_BUFFER_OVERFLOW;
        } else {
            memcpy(Value->Buffer, text, bytes);
            Value->Length = bytes;
        }
    }
    ExFreePool(text);
    return status;
}

static NTSTATUS NTAPI NkWdfRegistryQueryString(PWDF_DRIVER_GLOBALS Globals, WDFKEY Key, PCUNICODE_STRING ValueName,
                                               WDFSTRING String)
{
    NTSTATUS status;
    NK_WDF_KEY *k = Usable(Key, FALSE, &status, "WdfRegistryQueryString");
    UNICODE_STRING u;
    PWCH text;
    USHORT bytes;
    (void)Globals;
    if (k == NULL)
        return status;
    status = QueryText(k, ValueName, &text, &bytes);
    if (!NT_SUCCESS(status))
        return status;
    u.Buffer = text;
    u.Length = u.MaximumLength = bytes;
    status = NkWdfStringSet(String, &u, "WdfRegistryQueryString");
    ExFreePool(text);
    return status;
}

static NTSTATUS NTAPI NkWdfRegistryQueryMultiString(PWDF_DRIVER_GLOBALS Globals, WDFKEY Key,
                                                    PCUNICODE_STRING ValueName,
                                                    PWDF_OBJECT_ATTRIBUTES StringsAttributes, WDFCOLLECTION Collection)
{
    NTSTATUS status;
    NK_WDF_KEY *k = Usable(Key, FALSE, &status, "WdfRegistryQueryMultiString");
    WDF_OBJECT_ATTRIBUTES a;
    ULONG type = 0, needed = 0;
    PWCH list;
    if (k == NULL)
        return status;
    if (NkWdfLookupType((WDFOBJECT)Collection, NkWdfTypeCollection, "WDFCOLLECTION", "WdfRegistryQueryMultiString") ==
        NULL)
        return STATUS_INVALID_PARAMETER;
    status = NkRegQueryValue(k->Key, ValueName, &type, NULL, 0, &needed);
    if (status != STATUS_BUFFER_OVERFLOW && !NT_SUCCESS(status))
        return status;
    if (type != REG_MULTI_SZ)
        return STATUS_OBJECT_TYPE_MISMATCH;
    list = ExAllocatePoolWithTag(NonPagedPoolNx, needed + 2 * sizeof(WCHAR), 0x72447846);
    if (list == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    memset(list, 0, needed + 2 * sizeof(WCHAR)); /* an unterminated value still ends */
    status = NkRegQueryValue(k->Key, ValueName, &type, list, needed, &needed);
    if (StringsAttributes != NULL)
        a = *StringsAttributes;
    else
        WDF_OBJECT_ATTRIBUTES_INIT(&a);
    if (a.ParentObject == NULL)
        a.ParentObject = (WDFOBJECT)Collection; /* the strings go with the collection */
    for (PWCH p = list; NT_SUCCESS(status) && *p != 0;) {
        NK_WDF_OBJECT *s;
        UNICODE_STRING u;
        size_t n = 0;
        while (p[n] != 0)
            n++;
        u.Buffer = p;
        u.Length = u.MaximumLength = (USHORT)(n * sizeof(WCHAR));
        status = NkWdfStringCreateObject(&u, &a, NkWdfDriverOf(Globals), &s);
        if (NT_SUCCESS(status)) {
            status = NkWdfCollectionAppend(Collection, (WDFOBJECT)s, "WdfRegistryQueryMultiString");
            if (!NT_SUCCESS(status))
                NkWdfDelete(s);
        }
        p += n + 1;
    }
    ExFreePool(list);
    return status;
}

static NTSTATUS Assign(WDFKEY Key, PCUNICODE_STRING ValueName, ULONG Type, const VOID *Data, ULONG Length,
                       const char *Ddi)
{
    NTSTATUS status;
    NK_WDF_KEY *k = Usable(Key, TRUE, &status, Ddi);
    return k != NULL ? NkRegSetValue(k->Key, ValueName, Type, Data, Length) : status;
}

static NTSTATUS NTAPI NkWdfRegistryAssignValue(PWDF_DRIVER_GLOBALS Globals, WDFKEY Key, PCUNICODE_STRING ValueName,
                                               ULONG ValueType, ULONG ValueLength, PVOID Value)
{
    (void)Globals;
    return Assign(Key, ValueName, ValueType, Value, ValueLength, "WdfRegistryAssignValue");
}

static NTSTATUS NTAPI NkWdfRegistryAssignULong(PWDF_DRIVER_GLOBALS Globals, WDFKEY Key, PCUNICODE_STRING ValueName,
                                               ULONG Value)
{
    (void)Globals;
    return Assign(Key, ValueName, REG_DWORD, &Value, sizeof(Value), "WdfRegistryAssignULong");
}

/* REG_SZ values are stored with their terminating NUL, as Windows does. */
static NTSTATUS AssignText(WDFKEY Key, PCUNICODE_STRING ValueName, PCUNICODE_STRING Text, const char *Ddi)
{
    USHORT bytes = Text != NULL ? Text->Length : 0;
    PWCH z = ExAllocatePoolWithTag(NonPagedPoolNx, bytes + sizeof(WCHAR), 0x72447846);
    NTSTATUS status;
    if (z == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    if (bytes != 0)
        memcpy(z, Text->Buffer, bytes);
    z[bytes / sizeof(WCHAR)] = 0;
    status = Assign(Key, ValueName, REG_SZ, z, bytes + sizeof(WCHAR), Ddi);
    ExFreePool(z);
    return status;
}

static NTSTATUS NTAPI NkWdfRegistryAssignUnicodeString(PWDF_DRIVER_GLOBALS Globals, WDFKEY Key,
                                                       PCUNICODE_STRING ValueName, PCUNICODE_STRING Value)
{
    (void)Globals;
    return AssignText(Key, ValueName, Value, "WdfRegistryAssignUnicodeString");
}

static NTSTATUS NTAPI NkWdfRegistryAssignString(PWDF_DRIVER_GLOBALS Globals, WDFKEY Key, PCUNICODE_STRING ValueName,
                                                WDFSTRING String)
{
    UNICODE_STRING u;
    (void)Globals;
    if (!NkWdfStringGet(String, &u, "WdfRegistryAssignString"))
        return STATUS_INVALID_PARAMETER;
    return AssignText(Key, ValueName, &u, "WdfRegistryAssignString");
}

static NTSTATUS NTAPI NkWdfRegistryAssignMemory(PWDF_DRIVER_GLOBALS Globals, WDFKEY Key, PCUNICODE_STRING ValueName,
                                                ULONG ValueType, WDFMEMORY Memory, PWDFMEMORY_OFFSET MemoryOffsets)
{
    NK_WDF_OBJECT *m = NkWdfLookupType((WDFOBJECT)Memory, NkWdfTypeMemory, "WDFMEMORY", "WdfRegistryAssignMemory");
    SIZE_T size, offset = 0, length;
    PUCHAR buffer;
    (void)Globals;
    if (m == NULL)
        return STATUS_INVALID_PARAMETER;
    buffer = NkWdfMemoryBuffer(m, &size);
    length = size;
    if (MemoryOffsets != NULL) {
        offset = MemoryOffsets->BufferOffset;
        length = MemoryOffsets->BufferLength != 0 ? MemoryOffsets->BufferLength : size - offset;
        if (offset > size || length > size - offset)
            return STATUS_INVALID_BUFFER_SIZE;
    }
    if (length > MAXULONG)
        return STATUS_INVALID_BUFFER_SIZE;
    return Assign(Key, ValueName, ValueType, buffer + offset, (ULONG)length, "WdfRegistryAssignMemory");
}

static NTSTATUS NTAPI NkWdfRegistryAssignMultiString(PWDF_DRIVER_GLOBALS Globals, WDFKEY Key,
                                                     PCUNICODE_STRING ValueName, WDFCOLLECTION StringsCollection)
{
    ULONG count = NkWdfCollectionCount(StringsCollection), bytes = sizeof(WCHAR);
    PWCH list, p;
    NTSTATUS status;
    (void)Globals;
    /* Every item must be a non-empty string (an empty one would end the list). */
    for (ULONG i = 0; i < count; i++) {
        UNICODE_STRING u;
        if (!NkWdfStringGet((WDFSTRING)NkWdfCollectionItem(StringsCollection, i), &u, "WdfRegistryAssignMultiString") ||
            u.Length == 0)
            return STATUS_INVALID_PARAMETER;
        bytes += u.Length + sizeof(WCHAR);
    }
    list = p = ExAllocatePoolWithTag(NonPagedPoolNx, bytes, 0x72447846);
    if (list == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    for (ULONG i = 0; i < count; i++) {
        UNICODE_STRING u;
        NkWdfStringGet((WDFSTRING)NkWdfCollectionItem(StringsCollection, i), &u, "WdfRegistryAssignMultiString");
        memcpy(p, u.Buffer, u.Length);
        p += u.Length / sizeof(WCHAR);
        *p++ = 0;
    }
    *p = 0;
    status = Assign(Key, ValueName, REG_MULTI_SZ, list, bytes, "WdfRegistryAssignMultiString");
    ExFreePool(list);
    return status;
}

VOID NkWdfRegisterRegistryDdis(VOID)
{
    NK_WDF_REGISTER(WdfDriverOpenParametersRegistryKey, NkWdfDriverOpenParametersRegistryKey);
    NK_WDF_REGISTER(WdfDriverOpenPersistentStateRegistryKey, NkWdfDriverOpenPersistentStateRegistryKey);
    NK_WDF_REGISTER(WdfRegistryOpenKey, NkWdfRegistryOpenKey);
    NK_WDF_REGISTER(WdfDeviceOpenRegistryKey, NkWdfDeviceOpenRegistryKey);
    NK_WDF_REGISTER(WdfRegistryCreateKey, NkWdfRegistryCreateKey);
    NK_WDF_REGISTER(WdfRegistryClose, NkWdfRegistryClose);
    NK_WDF_REGISTER(WdfRegistryWdmGetHandle, NkWdfRegistryWdmGetHandle);
    NK_WDF_REGISTER(WdfRegistryRemoveKey, NkWdfRegistryRemoveKey);
    NK_WDF_REGISTER(WdfRegistryRemoveValue, NkWdfRegistryRemoveValue);
    NK_WDF_REGISTER(WdfRegistryQueryValue, NkWdfRegistryQueryValue);
    NK_WDF_REGISTER(WdfRegistryQueryMemory, NkWdfRegistryQueryMemory);
    NK_WDF_REGISTER(WdfRegistryQueryMultiString, NkWdfRegistryQueryMultiString);
    NK_WDF_REGISTER(WdfRegistryQueryUnicodeString, NkWdfRegistryQueryUnicodeString);
    NK_WDF_REGISTER(WdfRegistryQueryString, NkWdfRegistryQueryString);
    NK_WDF_REGISTER(WdfRegistryQueryULong, NkWdfRegistryQueryULong);
    NK_WDF_REGISTER(WdfRegistryAssignValue, NkWdfRegistryAssignValue);
    NK_WDF_REGISTER(WdfRegistryAssignMemory, NkWdfRegistryAssignMemory);
    NK_WDF_REGISTER(WdfRegistryAssignMultiString, NkWdfRegistryAssignMultiString);
    NK_WDF_REGISTER(WdfRegistryAssignUnicodeString, NkWdfRegistryAssignUnicodeString);
    NK_WDF_REGISTER(WdfRegistryAssignString, NkWdfRegistryAssignString);
    NK_WDF_REGISTER(WdfRegistryAssignULong, NkWdfRegistryAssignULong);
}
