/*
 * test_wdf_dispatch.c - the KMDF wrappers in <wdf.h> call the right slot
 * of WdfFunctions with WdfDriverGlobals first and every argument in order;
 * the context-type macros build the type-info record the framework keys
 * contexts by; the XXX_INIT routines set the documented defaults.
 *
 * The function table here is a fake with recording stubs in a few slots
 * and a trap in every other one, so a wrapper bound to the wrong index
 * fails the test instead of calling a neighbour.
 */
#include <ntddk.h>
#include <wdf.h>
#include <wdfldr.h>
#include <wdmsec.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

/* ---- the fake framework ------------------------------------------------ */

static WDF_DRIVER_GLOBALS FakeGlobals;
PWDF_DRIVER_GLOBALS WdfDriverGlobals = &FakeGlobals;
static WDFFUNC FakeTable[WdfFunctionTableNumEntries];
const WDFFUNC *WdfFunctions = FakeTable;
ULONG WdfFunctionCount = WdfFunctionTableNumEntries;
ULONG WdfStructureCount = WDF_STRUCTURE_TABLE_NUM_ENTRIES;
BOOLEAN WdfClientVersionHigherThanFramework;

static struct {
    int Calls;
    PWDF_DRIVER_GLOBALS Globals;
    PVOID Args[8];
} Last;

static VOID NTAPI Trap(VOID)
{
    fail_msg("a wrapper called an unexpected function-table slot");
}

static NTSTATUS NTAPI FakeDriverCreate(PWDF_DRIVER_GLOBALS Globals, PDRIVER_OBJECT DriverObject,
                                       PCUNICODE_STRING RegistryPath,
                                       PWDF_OBJECT_ATTRIBUTES Attributes,
                                       PWDF_DRIVER_CONFIG Config, WDFDRIVER *Driver)
{
    Last.Calls++;
    Last.Globals = Globals;
    Last.Args[0] = DriverObject;
    Last.Args[1] = (PVOID)RegistryPath;
    Last.Args[2] = Attributes;
    Last.Args[3] = Config;
    *Driver = (WDFDRIVER)(ULONG_PTR)0xD00D;
    Globals->Driver = *Driver;
    return STATUS_SUCCESS;
}

static VOID NTAPI FakeRequestCompleteWithInformation(PWDF_DRIVER_GLOBALS Globals,
                                                     WDFREQUEST Request, NTSTATUS Status,
                                                     ULONG_PTR Information)
{
    Last.Calls++;
    Last.Globals = Globals;
    Last.Args[0] = Request;
    Last.Args[1] = (PVOID)(ULONG_PTR)(ULONG)Status;
    Last.Args[2] = (PVOID)Information;
}

static NTSTATUS NTAPI FakeRetrieveInputBuffer(PWDF_DRIVER_GLOBALS Globals, WDFREQUEST Request,
                                              size_t MinimumRequiredLength, PVOID *Buffer,
                                              size_t *Length)
{
    static UCHAR data[16];

    Last.Calls++;
    Last.Globals = Globals;
    Last.Args[0] = Request;
    if (MinimumRequiredLength > sizeof(data))
        return STATUS_BUFFER_TOO_SMALL;
    *Buffer = data;
    if (Length != NULL)
        *Length = sizeof(data);
    return STATUS_SUCCESS;
}

static UCHAR ContextStorage[64];
static PCWDF_OBJECT_CONTEXT_TYPE_INFO LastTypeInfo;

static PVOID NTAPI FakeGetTypedContextWorker(PWDF_DRIVER_GLOBALS Globals, WDFOBJECT Handle,
                                             PCWDF_OBJECT_CONTEXT_TYPE_INFO TypeInfo)
{
    Last.Calls++;
    Last.Globals = Globals;
    Last.Args[0] = Handle;
    LastTypeInfo = TypeInfo;
    return ContextStorage;
}

static VOID NTAPI FakeObjectReferenceActual(PWDF_DRIVER_GLOBALS Globals, WDFOBJECT Handle, PVOID Tag,
                                            LONG Line, PCHAR File)
{
    Last.Calls++;
    Last.Globals = Globals;
    Last.Args[0] = Handle;
    Last.Args[1] = Tag;
    Last.Args[2] = (PVOID)(LONG_PTR)Line;
    Last.Args[3] = File;
}

static void InstallTable(void)
{
    for (ULONG i = 0; i < WdfFunctionTableNumEntries; i++)
        FakeTable[i] = Trap;
    FakeTable[WdfDriverCreateTableIndex] = (WDFFUNC)FakeDriverCreate;
    FakeTable[WdfRequestCompleteWithInformationTableIndex] =
        (WDFFUNC)FakeRequestCompleteWithInformation;
    FakeTable[WdfRequestRetrieveInputBufferTableIndex] = (WDFFUNC)FakeRetrieveInputBuffer;
    FakeTable[WdfObjectGetTypedContextWorkerTableIndex] = (WDFFUNC)FakeGetTypedContextWorker;
    FakeTable[WdfObjectReferenceActualTableIndex] = (WDFFUNC)FakeObjectReferenceActual;
    memset(&Last, 0, sizeof(Last));
}

static int Setup(void **state)
{
    (void)state;
    InstallTable();
    return 0;
}

/* ---- tests ---------------------------------------------------------------- */

static void test_table_shape(void **state)
{
    (void)state;
    /* Built with the default KMDF version (1.15): its table has 444 DDIs. */
    assert_int_equal(KMDF_VERSION_MINOR, 15);
    assert_int_equal(WdfFunctionTableNumEntries, 444);
    assert_int_equal(WDF_STRUCTURE_TABLE_NUM_ENTRIES, 80); /* 81 from KMDF 1.31 */
    /* Indices are the framework's ABI; spot-check both ends and the middle. */
    assert_int_equal(WdfChildListCreateTableIndex, 0);
    assert_int_equal(WdfDriverCreateTableIndex, 116);
    assert_int_equal(WdfRequestCompleteTableIndex, 263);
    assert_int_equal(WdfDeviceOpenDevicemapKeyTableIndex, 443);
}

static void test_driver_create_dispatch(void **state)
{
    DRIVER_OBJECT driverObject;
    UNICODE_STRING path = RTL_CONSTANT_STRING(L"\\Registry\\Machine\\x");
    WDF_DRIVER_CONFIG config;
    WDFDRIVER driver = NULL;
    (void)state;

    WDF_DRIVER_CONFIG_INIT(&config, NULL);
    assert_int_equal(config.Size, sizeof(WDF_DRIVER_CONFIG));
    assert_null(config.EvtDriverDeviceAdd);
    assert_int_equal(WdfDriverCreate(&driverObject, &path, WDF_NO_OBJECT_ATTRIBUTES, &config, &driver),
                     STATUS_SUCCESS);
    assert_int_equal(Last.Calls, 1);
    assert_ptr_equal(Last.Globals, &FakeGlobals);
    assert_ptr_equal(Last.Args[0], &driverObject);
    assert_ptr_equal(Last.Args[1], &path);
    assert_null(Last.Args[2]);
    assert_ptr_equal(Last.Args[3], &config);
    assert_ptr_equal(driver, (WDFDRIVER)(ULONG_PTR)0xD00D);
    /* WdfGetDriver reads the globals without a table call. */
    assert_ptr_equal(WdfGetDriver(), driver);
    assert_int_equal(Last.Calls, 1);
}

static void test_request_dispatch(void **state)
{
    WDFREQUEST request = (WDFREQUEST)(ULONG_PTR)0x1234;
    PVOID buffer = NULL;
    size_t length = 0;
    (void)state;

    WdfRequestCompleteWithInformation(request, STATUS_BUFFER_OVERFLOW, 77);
    assert_int_equal(Last.Calls, 1);
    assert_ptr_equal(Last.Args[0], request);
    assert_int_equal((ULONG)(ULONG_PTR)Last.Args[1], (ULONG)STATUS_BUFFER_OVERFLOW);
    assert_int_equal((ULONG_PTR)Last.Args[2], 77);

    assert_int_equal(WdfRequestRetrieveInputBuffer(request, 4, &buffer, &length), STATUS_SUCCESS);
    assert_non_null(buffer);
    assert_int_equal(length, 16);
    assert_int_equal(WdfRequestRetrieveInputBuffer(request, 17, &buffer, NULL),
                     STATUS_BUFFER_TOO_SMALL);
}

typedef struct _SAMPLE_CONTEXT {
    ULONG A;
    ULONGLONG B;
} SAMPLE_CONTEXT, *PSAMPLE_CONTEXT;
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(SAMPLE_CONTEXT, GetSampleContext)

typedef struct _OTHER_CONTEXT {
    UCHAR X;
} OTHER_CONTEXT;
WDF_DECLARE_CONTEXT_TYPE(OTHER_CONTEXT)

static void test_context_types(void **state)
{
    WDFOBJECT object = (WDFOBJECT)(ULONG_PTR)0x5555;
    WDF_OBJECT_ATTRIBUTES attributes;
    PCWDF_OBJECT_CONTEXT_TYPE_INFO info = WDF_GET_CONTEXT_TYPE_INFO(SAMPLE_CONTEXT);
    (void)state;

    /* The record identifies itself, and describes the type. */
    assert_ptr_equal(info, &WDF_TYPE_NAME_TO_TYPE_INFO(SAMPLE_CONTEXT));
    assert_int_equal(info->Size, sizeof(WDF_OBJECT_CONTEXT_TYPE_INFO));
    assert_string_equal(info->ContextName, "SAMPLE_CONTEXT");
    assert_int_equal(info->ContextSize, sizeof(SAMPLE_CONTEXT));
    assert_ptr_not_equal(info, WDF_GET_CONTEXT_TYPE_INFO(OTHER_CONTEXT));

    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, SAMPLE_CONTEXT);
    assert_int_equal(attributes.Size, sizeof(WDF_OBJECT_ATTRIBUTES));
    assert_int_equal(attributes.ExecutionLevel, WdfExecutionLevelInheritFromParent);
    assert_int_equal(attributes.SynchronizationScope, WdfSynchronizationScopeInheritFromParent);
    assert_ptr_equal(attributes.ContextTypeInfo, info);
    assert_null(attributes.ParentObject);

    /* Both accessor spellings ask the framework with this type's record. */
    assert_ptr_equal(GetSampleContext(object), ContextStorage);
    assert_ptr_equal(LastTypeInfo, info);
    assert_ptr_equal(Last.Args[0], object);
    assert_ptr_equal(WdfObjectGet_OTHER_CONTEXT(object), ContextStorage);
    assert_ptr_equal(LastTypeInfo, WDF_GET_CONTEXT_TYPE_INFO(OTHER_CONTEXT));
    assert_ptr_equal(WdfObjectGetTypedContext(object, SAMPLE_CONTEXT), ContextStorage);
    assert_ptr_equal(LastTypeInfo, info);
}

static void test_reference_records_caller(void **state)
{
    WDFOBJECT object = (WDFOBJECT)(ULONG_PTR)0x7777;
    int line;
    (void)state;

    line = __LINE__ + 1;
    WdfObjectReferenceWithTag(object, (PVOID)(ULONG_PTR)0xA5);
    assert_ptr_equal(Last.Args[0], object);
    assert_ptr_equal(Last.Args[1], (PVOID)(ULONG_PTR)0xA5);
    assert_int_equal((LONG)(LONG_PTR)Last.Args[2], line);
    assert_non_null(strstr((const char *)Last.Args[3], "test_wdf_dispatch.c"));
}

static void test_init_defaults(void **state)
{
    WDF_IO_QUEUE_CONFIG queue;
    WDF_FILEOBJECT_CONFIG file;
    WDF_TIMER_CONFIG timer;
    WDF_DEVICE_PNP_CAPABILITIES caps;
    WDF_REQUEST_SEND_OPTIONS options;
    WDF_MEMORY_DESCRIPTOR descriptor;
    UCHAR bytes[8];
    (void)state;

    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&queue, WdfIoQueueDispatchParallel);
    assert_int_equal(queue.Size, sizeof(WDF_IO_QUEUE_CONFIG));
    assert_true(queue.DefaultQueue);
    assert_int_equal(queue.PowerManaged, WdfUseDefault);
    assert_int_equal(queue.Settings.Parallel.NumberOfPresentedRequests, (ULONG)-1);
    WDF_IO_QUEUE_CONFIG_INIT(&queue, WdfIoQueueDispatchManual);
    assert_false(queue.DefaultQueue);
    assert_int_equal(queue.Settings.Parallel.NumberOfPresentedRequests, 0);

    WDF_FILEOBJECT_CONFIG_INIT(&file, NULL, NULL, NULL);
    assert_int_equal(file.FileObjectClass, WdfFileObjectWdfCannotUseFsContexts);
    assert_int_equal(file.AutoForwardCleanupClose, WdfUseDefault);

    WDF_TIMER_CONFIG_INIT_PERIODIC(&timer, NULL, 250);
    assert_int_equal(timer.Size, 40);
    assert_int_equal(timer.Period, 250);
    assert_true(timer.AutomaticSerialization);

    WDF_DEVICE_PNP_CAPABILITIES_INIT(&caps);
    assert_int_equal(caps.SurpriseRemovalOK, WdfUseDefault);
    assert_int_equal(caps.Address, (ULONG)-1);

    WDF_REQUEST_SEND_OPTIONS_INIT(&options, WDF_REQUEST_SEND_OPTION_SYNCHRONOUS);
    WDF_REQUEST_SEND_OPTIONS_SET_TIMEOUT(&options, WDF_REL_TIMEOUT_IN_MS(5));
    assert_int_equal(options.Flags,
                     WDF_REQUEST_SEND_OPTION_SYNCHRONOUS | WDF_REQUEST_SEND_OPTION_TIMEOUT);
    assert_int_equal(options.Timeout, -50000);
    assert_int_equal(WDF_ABS_TIMEOUT_IN_SEC(2), 20000000);

    WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&descriptor, bytes, sizeof(bytes));
    assert_int_equal(descriptor.Type, WdfMemoryDescriptorTypeBuffer);
    assert_ptr_equal(descriptor.u.BufferType.Buffer, bytes);
    assert_int_equal(descriptor.u.BufferType.Length, 8);

    assert_int_equal(WDF_ALIGN_SIZE_UP(13, 8), 16);
    assert_int_equal(WDF_ALIGN_SIZE_DOWN(13, 8), 8);
}

static void test_sddl_strings(void **state)
{
    const WCHAR expect[] = L"D:P(A;;GA;;;SY)(A;;GA;;;BA)";
    (void)state;

    assert_int_equal(SDDL_DEVOBJ_SYS_ALL_ADM_ALL.Length, sizeof(expect) - sizeof(WCHAR));
    assert_int_equal(SDDL_DEVOBJ_SYS_ALL_ADM_ALL.MaximumLength, sizeof(expect));
    assert_memory_equal(SDDL_DEVOBJ_SYS_ALL_ADM_ALL.Buffer, expect, sizeof(expect));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_table_shape, Setup),
        cmocka_unit_test_setup(test_driver_create_dispatch, Setup),
        cmocka_unit_test_setup(test_request_dispatch, Setup),
        cmocka_unit_test_setup(test_context_types, Setup),
        cmocka_unit_test_setup(test_reference_records_caller, Setup),
        cmocka_unit_test_setup(test_init_defaults, Setup),
        cmocka_unit_test_setup(test_sddl_strings, Setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
