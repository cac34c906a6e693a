/*
 * test_kmdf_registry.c - WDFKEY over the host's in-memory registry: the
 * test seeds the driver's Parameters key with NkHostRegistrySetValue, the
 * driver reads it through WdfDriverOpenParametersRegistryKey and the typed
 * WdfRegistryQuery* DDIs, writes through WdfRegistryAssign*, and the test
 * reads back what it wrote.  Access rights, value types and buffer sizes
 * fail with the documented statuses.  Built for KMDF 1.33, so it also
 * covers the persistent-state key (KMDF 1.25).  An NDIS protocol of the
 * same service reads and writes the same Parameters key: one registry.
 */
#include <ntddk.h>
#include <wdf.h>
#define NDIS630 1 /* the NDIS protocol that shares the registry (nullproto.h) */
#include <ndis.h>
#include <nkhost.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "hosttest.h"
#include "nullproto.h"

#define SERVICE L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\NkReg"
#define PARAMS SERVICE L"\\Parameters"

DRIVER_INITIALIZE DriverEntry;
DRIVER_INITIALIZE FxDriverEntry;

static WDFDRIVER Driver;
static DRIVER_OBJECT Drv;

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    WDF_DRIVER_CONFIG config;
    WDF_DRIVER_CONFIG_INIT(&config, WDF_NO_EVENT_CALLBACK);
    config.DriverInitFlags |= WdfDriverInitNonPnpDriver;
    return WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config, &Driver);
}

static void Load(void)
{
    UNICODE_STRING path = RTL_CONSTANT_STRING(SERVICE);
    memset(&Drv, 0, sizeof(Drv));
    assert_int_equal(FxDriverEntry(&Drv, &path), STATUS_SUCCESS);
}

static void Unload(void)
{
    Drv.DriverUnload(&Drv);
}

static void test_query_seeded_values(void **state)
{
    static const WCHAR name[] = L"eth0";
    static const WCHAR multi[] = L"one\0two\0three\0";
    static const UCHAR blob[3] = {7, 8, 9};
    DECLARE_CONST_UNICODE_STRING(vDword, L"Mtu");
    DECLARE_CONST_UNICODE_STRING(vName, L"Adapter");
    DECLARE_CONST_UNICODE_STRING(vMulti, L"Bindings");
    DECLARE_CONST_UNICODE_STRING(vBlob, L"Blob");
    DECLARE_CONST_UNICODE_STRING(vMissing, L"Missing");
    ULONG mtu = 1500, v = 0, len = 0, type = 0;
    WCHAR text[16];
    UNICODE_STRING u = {0, sizeof(text), text};
    USHORT bytes = 0;
    WDFCOLLECTION strings;
    WDFSTRING s;
    WDFMEMORY m;
    WDFKEY key;
    size_t size;
    UCHAR raw[8];
    (void)state;

    assert_int_equal(NkHostRegistrySetValue(PARAMS, L"Mtu", REG_DWORD, &mtu, sizeof(mtu)), STATUS_SUCCESS);
    assert_int_equal(NkHostRegistrySetValue(PARAMS, L"Adapter", REG_SZ, name, sizeof(name)), STATUS_SUCCESS);
    assert_int_equal(NkHostRegistrySetValue(PARAMS, L"Bindings", REG_MULTI_SZ, multi, sizeof(multi)), STATUS_SUCCESS);
    assert_int_equal(NkHostRegistrySetValue(PARAMS, L"Blob", REG_BINARY, blob, sizeof(blob)), STATUS_SUCCESS);
    Load();
    assert_int_equal(WdfDriverOpenParametersRegistryKey(Driver, KEY_READ, WDF_NO_OBJECT_ATTRIBUTES, &key),
                     STATUS_SUCCESS);

    assert_int_equal(WdfRegistryQueryULong(key, &vDword, &v), STATUS_SUCCESS);
    assert_int_equal(v, 1500);
    assert_int_equal(WdfRegistryQueryULong(key, &vName, &v), STATUS_OBJECT_TYPE_MISMATCH);
    assert_int_equal(WdfRegistryQueryULong(key, &vMissing, &v), STATUS_OBJECT_NAME_NOT_FOUND);

    assert_int_equal(WdfRegistryQueryUnicodeString(key, &vName, &bytes, &u), STATUS_SUCCESS);
    assert_int_equal(bytes, 8); /* no terminating NUL */
    assert_int_equal(u.Length, 8);
    assert_memory_equal(u.Buffer, L"eth0", 8);
    u.MaximumLength = 4;
    assert_int_equal(WdfRegistryQueryUnicodeString(key, &vName, &bytes, &u), STATUS_BUFFER_OVERFLOW);
    assert_int_equal(bytes, 8);

    assert_int_equal(WdfStringCreate(NULL, WDF_NO_OBJECT_ATTRIBUTES, &s), STATUS_SUCCESS);
    assert_int_equal(WdfRegistryQueryString(key, &vName, s), STATUS_SUCCESS);
    WdfStringGetUnicodeString(s, &u);
    assert_int_equal(u.Length, 8);

    assert_int_equal(WdfCollectionCreate(WDF_NO_OBJECT_ATTRIBUTES, &strings), STATUS_SUCCESS);
    assert_int_equal(WdfRegistryQueryMultiString(key, &vMulti, WDF_NO_OBJECT_ATTRIBUTES, strings), STATUS_SUCCESS);
    assert_int_equal(WdfCollectionGetCount(strings), 3);
    WdfStringGetUnicodeString((WDFSTRING)WdfCollectionGetLastItem(strings), &u);
    assert_int_equal(u.Length, 10);
    assert_memory_equal(u.Buffer, L"three", 10);

    assert_int_equal(WdfRegistryQueryValue(key, &vBlob, sizeof(raw), raw, &len, &type), STATUS_SUCCESS);
    assert_int_equal(len, 3);
    assert_int_equal(type, REG_BINARY);
    assert_int_equal(WdfRegistryQueryValue(key, &vBlob, 2, raw, &len, &type), STATUS_BUFFER_OVERFLOW);
    assert_int_equal(len, 3);
    assert_int_equal(WdfRegistryQueryMemory(key, &vBlob, NonPagedPoolNx, WDF_NO_OBJECT_ATTRIBUTES, &m, &type),
                     STATUS_SUCCESS);
    assert_memory_equal(WdfMemoryGetBuffer(m, &size), blob, 3);
    assert_int_equal(size, 3);

    /* A read-only key refuses writes. */
    assert_int_equal(WdfRegistryAssignULong(key, &vDword, 9000), STATUS_ACCESS_DENIED);
    WdfRegistryClose(key);
    WdfObjectDelete(strings);
    WdfObjectDelete(s);
    WdfObjectDelete(m);
    Unload();
}

static void test_assign_and_subkeys(void **state)
{
    DECLARE_CONST_UNICODE_STRING(vDword, L"Mtu");
    DECLARE_CONST_UNICODE_STRING(vText, L"Name");
    DECLARE_CONST_UNICODE_STRING(vMulti, L"List");
    DECLARE_CONST_UNICODE_STRING(vMem, L"Mem");
    DECLARE_CONST_UNICODE_STRING(sub, L"Sub\\Deeper");
    DECLARE_CONST_UNICODE_STRING(text, L"nk");
    DECLARE_CONST_UNICODE_STRING(one, L"a");
    DECLARE_CONST_UNICODE_STRING(two, L"bc");
    ULONG v = 0, type = 0, len = 0, disposition = 0;
    WCHAR buf[16];
    UCHAR bytes[4] = {1, 2, 3, 4};
    WDFMEMORY m;
    WDFCOLLECTION c;
    WDFSTRING s1, s2;
    WDFKEY key, child, again;
    WDFMEMORY_OFFSET off = {1, 2};
    (void)state;

    Load();
    assert_int_equal(WdfDriverOpenParametersRegistryKey(Driver, KEY_ALL_ACCESS, WDF_NO_OBJECT_ATTRIBUTES, &key),
                     STATUS_SUCCESS);
    assert_int_equal(WdfRegistryAssignULong(key, &vDword, 9000), STATUS_SUCCESS);
    assert_int_equal(WdfRegistryAssignUnicodeString(key, &vText, &text), STATUS_SUCCESS);
    assert_int_equal(WdfMemoryCreatePreallocated(WDF_NO_OBJECT_ATTRIBUTES, bytes, sizeof(bytes), &m), STATUS_SUCCESS);
    assert_int_equal(WdfRegistryAssignMemory(key, &vMem, REG_BINARY, m, &off), STATUS_SUCCESS);
    assert_int_equal(WdfCollectionCreate(WDF_NO_OBJECT_ATTRIBUTES, &c), STATUS_SUCCESS);
    assert_int_equal(WdfStringCreate(&one, WDF_NO_OBJECT_ATTRIBUTES, &s1), STATUS_SUCCESS);
    assert_int_equal(WdfStringCreate(&two, WDF_NO_OBJECT_ATTRIBUTES, &s2), STATUS_SUCCESS);
    assert_int_equal(WdfCollectionAdd(c, s1), STATUS_SUCCESS);
    assert_int_equal(WdfCollectionAdd(c, s2), STATUS_SUCCESS);
    assert_int_equal(WdfRegistryAssignMultiString(key, &vMulti, c), STATUS_SUCCESS);

    /* Subkeys: created once, then opened; removed only when childless. */
    assert_int_equal(WdfRegistryCreateKey(key, &sub, KEY_ALL_ACCESS, REG_OPTION_NON_VOLATILE, &disposition,
                                          WDF_NO_OBJECT_ATTRIBUTES, &child), STATUS_SUCCESS);
    assert_int_equal(disposition, REG_CREATED_NEW_KEY);
    assert_int_equal(WdfRegistryAssignULong(child, &vDword, 1), STATUS_SUCCESS);
    assert_int_equal(WdfRegistryOpenKey(key, &sub, KEY_READ, WDF_NO_OBJECT_ATTRIBUTES, &again), STATUS_SUCCESS);
    assert_int_equal(WdfRegistryQueryULong(again, &vDword, &v), STATUS_SUCCESS);
    assert_int_equal(v, 1);
    WdfRegistryClose(again);
    assert_int_equal(WdfRegistryRemoveKey(child), STATUS_SUCCESS);
    assert_int_equal(WdfRegistryOpenKey(key, &sub, KEY_READ, WDF_NO_OBJECT_ATTRIBUTES, &again),
                     STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(WdfRegistryRemoveValue(key, &vMem), STATUS_SUCCESS);
    assert_int_equal(WdfRegistryRemoveValue(key, &vMem), STATUS_OBJECT_NAME_NOT_FOUND);
    WdfRegistryClose(key);
    WdfObjectDelete(c);
    WdfObjectDelete(s1);
    WdfObjectDelete(s2);
    WdfObjectDelete(m);
    Unload();

    /* What the driver wrote is in the host's registry. */
    assert_int_equal(NkHostRegistryQueryValue(PARAMS, L"Mtu", &type, &v, sizeof(v), &len), STATUS_SUCCESS);
    assert_int_equal(v, 9000);
    assert_int_equal(type, REG_DWORD);
    assert_int_equal(NkHostRegistryQueryValue(PARAMS, L"name", &type, buf, sizeof(buf), &len), STATUS_SUCCESS);
    assert_int_equal(type, REG_SZ);
    assert_int_equal(len, 6);
    assert_memory_equal(buf, L"nk", 6);
    assert_int_equal(NkHostRegistryQueryValue(PARAMS, L"List", &type, buf, sizeof(buf), &len), STATUS_SUCCESS);
    assert_int_equal(type, REG_MULTI_SZ);
    assert_int_equal(len, sizeof(L"a\0bc\0"));
    assert_memory_equal(buf, L"a\0bc\0", len);
    assert_int_equal(NkHostRegistryQueryValue(PARAMS, L"Mem", &type, buf, sizeof(buf), &len),
                     STATUS_OBJECT_NAME_NOT_FOUND);
}

static void test_persistent_state_key(void **state)
{
    DECLARE_CONST_UNICODE_STRING(vRuns, L"Runs");
    ULONG runs = 0, len = 0;
    WDFKEY key;
    (void)state;

    Load();
    assert_int_equal(WdfDriverOpenPersistentStateRegistryKey(Driver, KEY_ALL_ACCESS, WDF_NO_OBJECT_ATTRIBUTES, &key),
                     STATUS_SUCCESS);
    assert_int_equal(WdfRegistryAssignULong(key, &vRuns, 3), STATUS_SUCCESS);
    WdfRegistryClose(key);
    Unload();
    assert_int_equal(NkHostRegistryQueryValue(SERVICE L"\\State", L"Runs", NULL, &runs, sizeof(runs), &len),
                     STATUS_SUCCESS);
    assert_int_equal(runs, 3);
}

/* One registry under both frameworks: a KMDF driver and an NDIS protocol
 * of the same service (NkReg) reach the same Parameters key, the one
 * through WdfDriverOpenParametersRegistryKey, the other through
 * NdisOpenConfigurationEx with its protocol driver handle; each reads what
 * the other wrote, in the types NDIS maps to REG_* values. */
static void test_kmdf_and_ndis_share_the_store(void **state)
{
    static const UCHAR blob[3] = {1, 2, 3};
    static WCHAR list[] = L"x\0yz"; /* counted: NDIS terminates the list */
    DECLARE_CONST_UNICODE_STRING(vSpeed, L"Speed");
    DECLARE_CONST_UNICODE_STRING(vName, L"Name");
    DECLARE_CONST_UNICODE_STRING(vFromNdis, L"FromNdis");
    DECLARE_CONST_UNICODE_STRING(vList, L"List");
    DECLARE_CONST_UNICODE_STRING(vBlob, L"Blob");
    DECLARE_CONST_UNICODE_STRING(kmdf, L"kmdf");
    NDIS_STRING sSpeed = RTL_CONSTANT_STRING(L"SPEED"), sName = RTL_CONSTANT_STRING(L"name"),
                sFromNdis = RTL_CONSTANT_STRING(L"FromNdis"), sList = RTL_CONSTANT_STRING(L"List"),
                sBlob = RTL_CONSTANT_STRING(L"Blob"), ndis = RTL_CONSTANT_STRING(L"ndis");
    NDIS_CONFIGURATION_PARAMETER w;
    PNDIS_CONFIGURATION_PARAMETER p;
    NDIS_HANDLE protocol, config;
    NDIS_STATUS status;
    WCHAR text[16];
    UNICODE_STRING u = {0, sizeof(text), text};
    UCHAR raw[32];
    ULONG len = 0, type = 0;
    USHORT bytes = 0;
    WDFKEY key;
    (void)state;

    Load();
    assert_int_equal(WdfDriverOpenParametersRegistryKey(Driver, KEY_ALL_ACCESS, WDF_NO_OBJECT_ATTRIBUTES, &key),
                     STATUS_SUCCESS);
    assert_int_equal(WdfRegistryAssignULong(key, &vSpeed, 100), STATUS_SUCCESS);
    assert_int_equal(WdfRegistryAssignUnicodeString(key, &vName, &kmdf), STATUS_SUCCESS);

    protocol = RegisterNullProtocol(L"NkReg");
    config = OpenConfigFor(protocol);
    NdisReadConfiguration(&status, &p, config, &sSpeed, NdisParameterInteger);
    assert_int_equal(status, NDIS_STATUS_SUCCESS);
    assert_int_equal(p->ParameterData.IntegerData, 100);
    NdisReadConfiguration(&status, &p, config, &sName, NdisParameterString);
    assert_int_equal(status, NDIS_STATUS_SUCCESS);
    assert_int_equal(p->ParameterType, NdisParameterString);
    assert_true(RtlEqualUnicodeString(&p->ParameterData.StringData, &kmdf, FALSE));

    w.ParameterType = NdisParameterString;
    w.ParameterData.StringData = ndis;
    NdisWriteConfiguration(&status, config, &sFromNdis, &w);
    assert_int_equal(status, NDIS_STATUS_SUCCESS);
    w.ParameterType = NdisParameterMultiString;
    w.ParameterData.StringData.Buffer = list;
    w.ParameterData.StringData.Length = w.ParameterData.StringData.MaximumLength = (USHORT)(sizeof(list) - 2);
    NdisWriteConfiguration(&status, config, &sList, &w);
    assert_int_equal(status, NDIS_STATUS_SUCCESS);
    w.ParameterType = NdisParameterBinary;
    w.ParameterData.BinaryData.Buffer = (PVOID)blob;
    w.ParameterData.BinaryData.Length = sizeof(blob);
    NdisWriteConfiguration(&status, config, &sBlob, &w);
    assert_int_equal(status, NDIS_STATUS_SUCCESS);
    /* Read back through NDIS in the types it wrote them. */
    NdisReadConfiguration(&status, &p, config, &sList, NdisParameterMultiString);
    assert_int_equal(status, NDIS_STATUS_SUCCESS);
    assert_int_equal(p->ParameterType, NdisParameterMultiString);
    /* Each string terminated, the last one too; the list's own final
     * terminator is not counted. */
    assert_int_equal(p->ParameterData.StringData.Length, sizeof(list));
    assert_memory_equal(p->ParameterData.StringData.Buffer, list, sizeof(list));
    NdisReadConfiguration(&status, &p, config, &sBlob, NdisParameterBinary);
    assert_int_equal(status, NDIS_STATUS_SUCCESS);
    assert_int_equal(p->ParameterData.BinaryData.Length, sizeof(blob));
    assert_memory_equal(p->ParameterData.BinaryData.Buffer, blob, sizeof(blob));
    NdisReadConfiguration(&status, &p, config, &sBlob, NdisParameterInteger);
    assert_int_equal(status, NDIS_STATUS_FAILURE); /* binary data is no integer */
    NdisCloseConfiguration(config);

    /* KMDF sees what NDIS wrote, as REG_SZ, REG_MULTI_SZ and REG_BINARY. */
    assert_int_equal(WdfRegistryQueryUnicodeString(key, &vFromNdis, &bytes, &u), STATUS_SUCCESS);
    assert_true(RtlEqualUnicodeString(&u, &ndis, FALSE));
    assert_int_equal(WdfRegistryQueryValue(key, &vList, sizeof(raw), raw, &len, &type), STATUS_SUCCESS);
    assert_int_equal(type, REG_MULTI_SZ);
    assert_int_equal(len, sizeof(L"x\0yz\0"));
    assert_memory_equal(raw, L"x\0yz\0", len);
    assert_int_equal(WdfRegistryQueryValue(key, &vBlob, sizeof(raw), raw, &len, &type), STATUS_SUCCESS);
    assert_int_equal(type, REG_BINARY);
    assert_int_equal(len, sizeof(blob));
    WdfRegistryClose(key);
    NdisDeregisterProtocolDriver(protocol);
    Unload();
}

static void test_misuse(void **state)
{
    DECLARE_CONST_UNICODE_STRING(vDword, L"Mtu");
    WDFKEY key;
    ULONG v;
    (void)state;

    Load();
    NkHostExpectViolations();
    assert_int_equal(WdfRegistryQueryULong((WDFKEY)Driver, &vDword, &v), STATUS_INVALID_PARAMETER);
    assert_int_equal(NkHostViolationCountOf("wdf.wrong-type"), 1);
    assert_int_equal(WdfDriverOpenParametersRegistryKey(Driver, KEY_READ, WDF_NO_OBJECT_ATTRIBUTES, &key),
                     STATUS_SUCCESS);
    {
        KIRQL old;
        KeRaiseIrql(DISPATCH_LEVEL, &old);
        assert_int_equal(WdfRegistryQueryULong(key, &vDword, &v), STATUS_INVALID_DEVICE_STATE);
        KeLowerIrql(old);
    }
    assert_int_equal(NkHostViolationCount(), 2);
    WdfRegistryClose(key);
    Unload();
    assert_int_equal(NkHostCheckLeaks(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_query_seeded_values, Setup, TeardownNoLeaks),
        cmocka_unit_test_setup_teardown(test_assign_and_subkeys, Setup, TeardownNoLeaks),
        cmocka_unit_test_setup_teardown(test_persistent_state_key, Setup, TeardownNoLeaks),
        cmocka_unit_test_setup_teardown(test_kmdf_and_ndis_share_the_store, Setup, TeardownNoLeaks),
        cmocka_unit_test_setup_teardown(test_misuse, Setup, NULL),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
