/*
 * test_kmdf_miniport.c - KMDF in an NDIS miniport: a driver created with
 * WdfDriverInitNoDispatchOverride makes a framework device over the device
 * object NDIS gave it (WdfDeviceMiniportCreate), uses framework objects on
 * it (a work item, which references that device object while queued), and
 * unloads with WdfDriverMiniportUnload from its own unload routine.
 */
#include <ntddk.h>
#include <wdf.h>
#include <nkhost.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "hosttest.h"

DRIVER_INITIALIZE DriverEntry;
DRIVER_INITIALIZE FxDriverEntry;

static WDFDRIVER Driver;
static ULONG InitFlags;
static KEVENT WorkDone, WorkGone;

static VOID EvtWorkDestroy(WDFOBJECT Object)
{
    UNREFERENCED_PARAMETER(Object);
    KeSetEvent(&WorkGone, IO_NO_INCREMENT, FALSE);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    WDF_DRIVER_CONFIG config;
    WDF_DRIVER_CONFIG_INIT(&config, WDF_NO_EVENT_CALLBACK);
    config.DriverInitFlags |= InitFlags;
    return WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config, &Driver);
}

static VOID EvtWork(WDFWORKITEM WorkItem)
{
    UNREFERENCED_PARAMETER(WorkItem);
    KeSetEvent(&WorkDone, IO_NO_INCREMENT, FALSE);
}

static void Load(ULONG Flags, PDRIVER_OBJECT Drv)
{
    UNICODE_STRING path = RTL_CONSTANT_STRING(L"\\Registry\\Machine\\System\\NkMiniport");
    memset(Drv, 0, sizeof(*Drv));
    InitFlags = Flags;
    assert_int_equal(FxDriverEntry(Drv, &path), STATUS_SUCCESS);
}

static void test_miniport_device(void **state)
{
    DEVICE_OBJECT ndisDevice, lower, pdo;
    WDF_WORKITEM_CONFIG config;
    WDF_OBJECT_ATTRIBUTES a;
    DRIVER_OBJECT drv;
    WDFDEVICE device;
    WDFWORKITEM work;
    LARGE_INTEGER wait;
    (void)state;

    Load(WdfDriverInitNoDispatchOverride, &drv);
    assert_null(drv.DriverUnload); /* NDIS owns unload: the framework does not take it */
    memset(&ndisDevice, 0, sizeof(ndisDevice));
    assert_int_equal(WdfDeviceMiniportCreate(Driver, WDF_NO_OBJECT_ATTRIBUTES, &ndisDevice, &lower, &pdo, &device),
                     STATUS_SUCCESS);
    assert_ptr_equal(WdfDeviceWdmGetDeviceObject(device), &ndisDevice);
    assert_ptr_equal(WdfDeviceWdmGetAttachedDevice(device), &lower);
    assert_ptr_equal(WdfDeviceWdmGetPhysicalDevice(device), &pdo);
    assert_ptr_equal(WdfWdmDeviceGetWdfDeviceHandle(&ndisDevice), device);

    KeInitializeEvent(&WorkDone, NotificationEvent, FALSE);
    KeInitializeEvent(&WorkGone, NotificationEvent, FALSE);
    WDF_WORKITEM_CONFIG_INIT(&config, EvtWork);
    WDF_OBJECT_ATTRIBUTES_INIT(&a);
    a.ParentObject = device;
    a.EvtDestroyCallback = EvtWorkDestroy;
    assert_int_equal(WdfWorkItemCreate(&config, &a, &work), STATUS_SUCCESS);
    WdfWorkItemEnqueue(work);
    wait.QuadPart = -10LL * 1000 * 10000;
    assert_int_equal(KeWaitForSingleObject(&WorkDone, Executive, KernelMode, FALSE, &wait), STATUS_SUCCESS);
    WdfWorkItemFlush(work);

    /* MiniportHaltEx deletes the device; MiniportDriverUnload unloads the framework. */
    WdfObjectDelete(device);
    WdfDriverMiniportUnload(Driver);
    /* The worker drops the queue's reference just after the callback returns. */
    assert_int_equal(KeWaitForSingleObject(&WorkGone, Executive, KernelMode, FALSE, &wait), STATUS_SUCCESS);

    /* Every framework object is gone.  The entry stub unbinds after the
     * driver object's unload routine (for an NDIS miniport, NDIS's); this
     * test has no NDIS and its driver none, so the stub never unbinds and
     * its copy of the registry path is still allocated. */
    NkHostExpectViolations();
    assert_int_equal(NkHostCheckLeaks(), 1);
    assert_int_equal(NkHostViolationCountOf("wdf.leak"), 0);
    assert_int_equal(NkHostViolationCountOf("pool.leak"), 1);
}

static void test_miniport_device_needs_no_dispatch_override(void **state)
{
    DEVICE_OBJECT ndisDevice;
    DRIVER_OBJECT drv;
    WDFDEVICE device;
    (void)state;

    Load(WdfDriverInitNonPnpDriver, &drv);
    NkHostExpectViolations();
    memset(&ndisDevice, 0, sizeof(ndisDevice));
    assert_int_equal(WdfDeviceMiniportCreate(Driver, WDF_NO_OBJECT_ATTRIBUTES, &ndisDevice, NULL, NULL, &device),
                     STATUS_INVALID_DEVICE_REQUEST);
    assert_int_equal(NkHostViolationCountOf("wdf.miniport-dispatch"), 1);
    drv.DriverUnload(&drv);
    assert_int_equal(NkHostCheckLeaks(), 0);
}

int main(void)
{
    (void)TeardownNoLeaks; /* the tests check leaks themselves (a driver with no unload routine above) */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_miniport_device, Setup, NULL),
        cmocka_unit_test_setup_teardown(test_miniport_device_needs_no_dispatch_override, Setup, NULL),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
