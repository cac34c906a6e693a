/*
 * test_kmdf_device.c - device-init settings and the small device, driver,
 * file-object and verifier DDIs: a device type and characteristics carried
 * into the WDM device object, a request context every request gets
 * (WdfDeviceInitSetRequestAttributes), the handle lookups from WDM objects,
 * names and versions as strings, the verifier DDIs, and WMI providers and
 * instances (objects and log lines: the host has no WMI service).
 */
#include <ntddk.h>
#include <wdf.h>
#include <wdmsec.h>
#include <nkhost.h>

#include "kmdftest.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "hosttest.h"

#define IOCTL_CHECK CTL_CODE(FILE_DEVICE_UNKNOWN, 0x940, METHOD_BUFFERED, FILE_ANY_ACCESS)

DRIVER_INITIALIZE DriverEntry;
DRIVER_INITIALIZE FxDriverEntry;

typedef struct _REQ_CONTEXT {
    ULONG Seen;
    ULONG64 Pad;
} REQ_CONTEXT;
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(REQ_CONTEXT, GetReq)

static WDFDRIVER Driver;
static WDFDEVICE Device;
static DRIVER_OBJECT Drv;
static LONG RequestsCleaned;
static WDFFILEOBJECT LastFile;

static VOID EvtRequestCleanup(WDFOBJECT Request)
{
    (void)Request;
    InterlockedIncrement(&RequestsCleaned);
}

static VOID EvtIoctl(WDFQUEUE Queue, WDFREQUEST Request, size_t OutputBufferLength, size_t InputBufferLength,
                     ULONG IoControlCode)
{
    REQ_CONTEXT *c = GetReq(Request);
    UNREFERENCED_PARAMETER(Queue);
    UNREFERENCED_PARAMETER(OutputBufferLength);
    UNREFERENCED_PARAMETER(InputBufferLength);
    UNREFERENCED_PARAMETER(IoControlCode);
    LastFile = WdfRequestGetFileObject(Request);
    /* Every request arrives with its own zeroed context. */
    WdfRequestComplete(Request, c != NULL && c->Seen++ == 0 && !WdfRequestIsReserved(Request)
                                    ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    DECLARE_CONST_UNICODE_STRING(name, L"\\Device\\NkDevice");
    WDF_IO_QUEUE_CONFIG queueConfig;
    WDF_OBJECT_ATTRIBUTES requestAttributes;
    PWDFDEVICE_INIT init;
    NTSTATUS status;

    status = KmdfTestCreateDriver(DriverObject, RegistryPath, &Driver);
    if (!NT_SUCCESS(status))
        return status;
    init = WdfControlDeviceInitAllocate(Driver, &SDDL_DEVOBJ_SYS_ALL_ADM_ALL);
    if (init == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    WdfDeviceInitSetDeviceType(init, FILE_DEVICE_NETWORK);
    WdfDeviceInitSetCharacteristics(init, FILE_DEVICE_SECURE_OPEN, FALSE);
    WdfDeviceInitSetCharacteristics(init, 0x1, TRUE);
    WdfDeviceInitSetPowerNotPageable(init);
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&requestAttributes, REQ_CONTEXT);
    requestAttributes.EvtCleanupCallback = EvtRequestCleanup;
    WdfDeviceInitSetRequestAttributes(init, &requestAttributes);
    status = WdfDeviceInitAssignName(init, &name);
    if (NT_SUCCESS(status))
        status = WdfDeviceCreate(&init, WDF_NO_OBJECT_ATTRIBUTES, &Device);
    if (init != NULL)
        WdfDeviceInitFree(init);
    if (!NT_SUCCESS(status))
        return status;
    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&queueConfig, WdfIoQueueDispatchSequential);
    queueConfig.EvtIoDeviceControl = EvtIoctl;
    status = WdfIoQueueCreate(Device, &queueConfig, WDF_NO_OBJECT_ATTRIBUTES, WDF_NO_HANDLE);
    if (NT_SUCCESS(status))
        WdfControlFinishInitializing(Device);
    return status;
}

static void test_device(void **state)
{
    UNICODE_STRING path = RTL_CONSTANT_STRING(L"\\Registry\\Machine\\System\\NkDevice");
    WDF_DRIVER_VERSION_AVAILABLE_PARAMS version;
    PDEVICE_OBJECT wdm;
    UNICODE_STRING u;
    WDFSTRING s;
    HANDLE h;
    ULONG n;
    (void)state;

    memset(&Drv, 0, sizeof(Drv));
    RequestsCleaned = 0;
    assert_int_equal(FxDriverEntry(&Drv, &path), STATUS_SUCCESS);

    wdm = WdfDeviceWdmGetDeviceObject(Device);
    assert_int_equal(wdm->DeviceType, FILE_DEVICE_NETWORK);
    assert_int_equal(wdm->Characteristics, FILE_DEVICE_SECURE_OPEN | 0x1);
    assert_int_equal(WdfDeviceGetCharacteristics(Device), FILE_DEVICE_SECURE_OPEN | 0x1);
    WdfDeviceSetCharacteristics(Device, FILE_DEVICE_SECURE_OPEN);
    assert_int_equal(wdm->Characteristics, FILE_DEVICE_SECURE_OPEN);
    assert_ptr_equal(WdfWdmDeviceGetWdfDeviceHandle(wdm), Device);
    assert_null(WdfWdmDeviceGetWdfDeviceHandle((PDEVICE_OBJECT)&n));
    assert_ptr_equal(WdfDeviceGetDriver(Device), Driver);
    assert_ptr_equal(WdfWdmDriverGetWdfDriverHandle(&Drv), Driver);

    assert_int_equal(WdfStringCreate(NULL, WDF_NO_OBJECT_ATTRIBUTES, &s), STATUS_SUCCESS);
    assert_int_equal(WdfDeviceRetrieveDeviceName(Device, s), STATUS_SUCCESS);
    WdfStringGetUnicodeString(s, &u);
    assert_int_equal(u.Length, sizeof(L"\\Device\\NkDevice") - sizeof(WCHAR));
    assert_int_equal(WdfDriverRetrieveVersionString(Driver, s), STATUS_SUCCESS);
    WdfStringGetUnicodeString(s, &u);
    assert_true(u.Length > 0);
    WdfObjectDelete(s);
    WDF_DRIVER_VERSION_AVAILABLE_PARAMS_INIT(&version, 1, 15);
    assert_true(WdfDriverIsVersionAvailable(Driver, &version));
    WDF_DRIVER_VERSION_AVAILABLE_PARAMS_INIT(&version, 1, 99);
    assert_false(WdfDriverIsVersionAvailable(Driver, &version));

    /* Two requests: each with a fresh context, cleaned up with the request. */
    assert_int_equal(NkHostCreateFile(L"\\Device\\NkDevice", &h), STATUS_SUCCESS);
    assert_int_equal(NkHostDeviceIoControl(h, IOCTL_CHECK, NULL, 0, NULL, 0, &n), STATUS_SUCCESS);
    assert_int_equal(NkHostDeviceIoControl(h, IOCTL_CHECK, NULL, 0, NULL, 0, &n), STATUS_SUCCESS);
    assert_int_equal(RequestsCleaned, 2);
    assert_int_equal(WdfFileObjectGetFileName(LastFile)->Length, 0);
    assert_int_equal(WdfFileObjectGetFlags(LastFile), 0);
    assert_ptr_equal(WdfFileObjectGetDevice(LastFile), Device);
    assert_ptr_equal(WdfDeviceGetFileObject(Device, WdfFileObjectWdmGetFileObject(LastFile)), LastFile);
    NkHostCloseHandle(h);

    /* One symbolic link namespace: the same link under any of its
     * spellings is a collision, and the device opens through each. */
    {
        DECLARE_CONST_UNICODE_STRING(local, L"\\DosDevices\\NkDeviceLink");
        DECLARE_CONST_UNICODE_STRING(global, L"\\DosDevices\\Global\\NkDeviceLink");
        DECLARE_CONST_UNICODE_STRING(globalRoot, L"\\Global??\\NkDeviceLink");
        assert_int_equal(WdfDeviceCreateSymbolicLink(Device, &global), STATUS_SUCCESS);
        assert_int_equal(WdfDeviceCreateSymbolicLink(Device, &local), STATUS_OBJECT_NAME_COLLISION);
        assert_int_equal(WdfDeviceCreateSymbolicLink(Device, &globalRoot), STATUS_OBJECT_NAME_COLLISION);
        assert_int_equal(WdfDeviceCreateSymbolicLink(Device, &global), STATUS_OBJECT_NAME_COLLISION);
        assert_int_equal(NkHostCreateFile(L"\\\\.\\NkDeviceLink", &h), STATUS_SUCCESS);
        NkHostCloseHandle(h);
        assert_int_equal(NkHostCreateFile(L"\\\\.\\Global\\NkDeviceLink", &h), STATUS_SUCCESS);
        NkHostCloseHandle(h);
    }

    /* A control device has nothing below it and no PDO. */
    assert_null(WdfDeviceWdmGetAttachedDevice(Device));
    assert_null(WdfDeviceWdmGetPhysicalDevice(Device));
    assert_null(WdfDeviceGetIoTarget(Device));
    {
        WDFKEY key;
        assert_int_equal(WdfDeviceOpenRegistryKey(Device, PLUGPLAY_REGKEY_DRIVER, KEY_READ, WDF_NO_OBJECT_ATTRIBUTES,
                                                  &key), STATUS_INVALID_DEVICE_REQUEST);
    }
    WdfDeviceSetFailed(Device, WdfDeviceFailedNoRestart);
    assert_true(NkHostLogContains("WdfDeviceSetFailed"));

    WdfVerifierDbgBreakPoint();
    assert_true(NkHostLogContains("WdfVerifierDbgBreakPoint"));
    Drv.DriverUnload(&Drv);
}

static void test_bugcheck_is_reported(void **state)
{
    UNICODE_STRING path = RTL_CONSTANT_STRING(L"\\Registry\\Machine\\System\\NkDevice");
    (void)state;
    memset(&Drv, 0, sizeof(Drv));
    assert_int_equal(FxDriverEntry(&Drv, &path), STATUS_SUCCESS);
    NkHostExpectViolations();
    WdfVerifierKeBugCheck(0xDEAD, 1, 2, 3, 4); /* reported, and the host goes on */
    assert_int_equal(NkHostViolationCountOf("wdf.bugcheck"), 1);
    Drv.DriverUnload(&Drv);
    assert_int_equal(NkHostCheckLeaks(), 0);
}

static void test_wmi(void **state)
{
    UNICODE_STRING path = RTL_CONSTANT_STRING(L"\\Registry\\Machine\\System\\NkDevice");
    static const GUID guid = {0x12345678, 0x9abc, 0xdef0, {1, 2, 3, 4, 5, 6, 7, 8}};
    WDF_WMI_PROVIDER_CONFIG providerConfig;
    WDF_WMI_INSTANCE_CONFIG instanceConfig;
    WDFWMIPROVIDER provider;
    WDFWMIINSTANCE instance, other;
    ULONG data = 7;
    (void)state;

    memset(&Drv, 0, sizeof(Drv));
    assert_int_equal(FxDriverEntry(&Drv, &path), STATUS_SUCCESS);
    WDF_WMI_PROVIDER_CONFIG_INIT(&providerConfig, &guid);
    providerConfig.MinInstanceBufferSize = sizeof(ULONG);
    assert_int_equal(WdfWmiProviderCreate(Device, &providerConfig, WDF_NO_OBJECT_ATTRIBUTES, &provider),
                     STATUS_SUCCESS);
    assert_true(NkHostLogContains("WMI provider created {12345678-9abc-def0-0102-030405060708}"));
    assert_ptr_equal(WdfWmiProviderGetDevice(provider), Device);
    assert_false(WdfWmiProviderIsEnabled(provider, WdfWmiEventControl));
    WDF_WMI_INSTANCE_CONFIG_INIT_PROVIDER(&instanceConfig, provider);
    instanceConfig.Register = TRUE;
    assert_int_equal(WdfWmiInstanceCreate(Device, &instanceConfig, WDF_NO_OBJECT_ATTRIBUTES, &instance),
                     STATUS_SUCCESS);
    assert_true(NkHostLogContains("WMI instance registered"));
    assert_ptr_equal(WdfWmiInstanceGetProvider(instance), provider);
    assert_ptr_equal(WdfWmiInstanceGetDevice(instance), Device);
    assert_int_equal(WdfWmiInstanceFireEvent(instance, sizeof(data), &data), STATUS_SUCCESS);
    WdfWmiInstanceDeregister(instance);

    /* A provider made on the fly from its configuration. */
    WDF_WMI_INSTANCE_CONFIG_INIT_PROVIDER_CONFIG(&instanceConfig, &providerConfig);
    assert_int_equal(WdfWmiInstanceCreate(Device, &instanceConfig, WDF_NO_OBJECT_ATTRIBUTES, &other), STATUS_SUCCESS);
    assert_ptr_not_equal(WdfWmiInstanceGetProvider(other), provider);

    /* Both a provider and a configuration: refused. */
    NkHostExpectViolations();
    instanceConfig.Provider = provider;
    assert_int_equal(WdfWmiInstanceCreate(Device, &instanceConfig, WDF_NO_OBJECT_ATTRIBUTES, &other),
                     STATUS_INVALID_PARAMETER);
    assert_int_equal(NkHostViolationCountOf("wdf.bad-config"), 1);
    Drv.DriverUnload(&Drv);
    assert_int_equal(NkHostCheckLeaks(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_device, Setup, TeardownNoLeaks),
        cmocka_unit_test_setup_teardown(test_bugcheck_is_reported, Setup, NULL),
        cmocka_unit_test_setup_teardown(test_wmi, Setup, NULL),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
