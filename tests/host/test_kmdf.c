/*
 * test_kmdf.c - the host kernel's KMDF object model, driven the way a real
 * driver is: lib/kmdf/stub.c (our entry stub) is linked in, the test calls
 * its FxDriverEntry, which binds through the host's WdfVersionBind and runs
 * DriverEntry below; every DDI goes through the WdfFunctions table.
 *
 * Covered: binding and unbinding around DriverEntry and unload, the
 * parent/child tree with EvtCleanupCallback/EvtDestroyCallback order,
 * references outliving deletion, double delete and stale handles caught,
 * typed contexts, framework locks and IRQL, and an allocation-failure sweep
 * over DriverEntry that must never leak.
 */
#include <ntddk.h>
#include <wdf.h>
#include <nkhost.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

DRIVER_INITIALIZE DriverEntry;
DRIVER_INITIALIZE FxDriverEntry;

typedef struct _NODE_CONTEXT {
    ULONG Id;
    ULONG64 Padding[3];
} NODE_CONTEXT;
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(NODE_CONTEXT, GetNode)

typedef struct _EXTRA_CONTEXT {
    ULONG Value;
} EXTRA_CONTEXT;
WDF_DECLARE_CONTEXT_TYPE(EXTRA_CONTEXT)

/* Callback log: "c3" = cleanup of node 3, "d3" = destroy of node 3. */
static char Events[256];

static void Log(char kind, WDFOBJECT o)
{
    NODE_CONTEXT *n = GetNode(o);
    size_t len = strlen(Events);
    if (len + 3 < sizeof(Events)) {
        Events[len] = kind;
        Events[len + 1] = (char)('0' + (n ? n->Id : 9));
        Events[len + 2] = '\0';
    }
}

static VOID Cleanup(WDFOBJECT o) { Log('c', o); }
static VOID Destroy(WDFOBJECT o) { Log('d', o); }

static NTSTATUS MakeNode(WDFOBJECT Parent, ULONG Id, WDFOBJECT *Out)
{
    WDF_OBJECT_ATTRIBUTES a;
    NTSTATUS status;

    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&a, NODE_CONTEXT);
    a.ParentObject = Parent;
    a.EvtCleanupCallback = Cleanup;
    a.EvtDestroyCallback = Destroy;
    status = WdfObjectCreate(&a, Out);
    if (NT_SUCCESS(status))
        GetNode(*Out)->Id = Id;
    return status;
}

/* ---- the driver under test -------------------------------------------------- */

static BOOLEAN UnloadCalled;
static ULONG EntryObjects; /* how many nodes DriverEntry makes */

static VOID EvtUnload(WDFDRIVER Driver)
{
    UNREFERENCED_PARAMETER(Driver);
    UnloadCalled = TRUE;
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    WDF_DRIVER_CONFIG config;
    WDF_OBJECT_ATTRIBUTES attributes;
    WDFDRIVER driver;
    WDFOBJECT node, parent = NULL;
    WDFSPINLOCK lock;
    NTSTATUS status;

    WDF_DRIVER_CONFIG_INIT(&config, NULL);
    config.DriverInitFlags = WdfDriverInitNonPnpDriver;
    config.EvtDriverUnload = EvtUnload;
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, NODE_CONTEXT);
    status = WdfDriverCreate(DriverObject, RegistryPath, &attributes, &config, &driver);
    if (!NT_SUCCESS(status))
        return status;
    /* A chain of nodes under the driver and a lock: all freed with the
     * driver, so a failure half-way needs no cleanup of its own. */
    for (ULONG i = 1; i <= EntryObjects; i++) {
        status = MakeNode(parent, i, &node);
        if (!NT_SUCCESS(status))
            return status;
        parent = node;
    }
    WDF_OBJECT_ATTRIBUTES_INIT(&attributes);
    return WdfSpinLockCreate(&attributes, &lock);
}

static DRIVER_OBJECT Drv;
static UNICODE_STRING RegPath = RTL_CONSTANT_STRING(L"\\Registry\\Machine\\System\\Test");

static NTSTATUS Load(ULONG objects)
{
    memset(&Drv, 0, sizeof(Drv));
    EntryObjects = objects;
    UnloadCalled = FALSE;
    return FxDriverEntry(&Drv, &RegPath);
}

static void Unload(void)
{
    assert_non_null(Drv.DriverUnload);
    Drv.DriverUnload(&Drv);
}

static int Setup(void **state)
{
    (void)state;
    NkHostReset();
    Events[0] = '\0';
    return 0;
}

/* ---- tests ------------------------------------------------------------------------ */

static void test_bind_and_unload(void **state)
{
    (void)state;
    assert_int_equal(Load(3), STATUS_SUCCESS);
    assert_non_null(WdfDriverGlobals);
    assert_non_null(WdfGetDriver());
    assert_ptr_equal(WdfDriverWdmGetDriverObject(WdfGetDriver()), &Drv);
    assert_true(WdfDriverGlobals->DisplaceDriverUnload);
    /* The driver context is zeroed and reachable through the handle. */
    assert_non_null(GetNode(WdfGetDriver()));
    assert_int_equal(GetNode(WdfGetDriver())->Id, 0);
    Unload();
    assert_true(UnloadCalled);
    /* Unload disposes children first, then destroys bottom-up. */
    assert_string_equal(Events, "c3c2c1d3d2d1");
    assert_int_equal(NkHostCheckLeaks(), 0);
}

static void test_delete_order_and_references(void **state)
{
    WDFOBJECT a, b, c;
    (void)state;

    assert_int_equal(Load(0), STATUS_SUCCESS);
    assert_int_equal(MakeNode(NULL, 1, &a), STATUS_SUCCESS);
    assert_int_equal(MakeNode(a, 2, &b), STATUS_SUCCESS);
    assert_int_equal(MakeNode(b, 3, &c), STATUS_SUCCESS);
    WdfObjectReference(b);                     /* the driver keeps B beyond deletion */
    WdfObjectDelete(a);
    /* Cleanup bottom-up for all three; C is destroyed, B is still
     * referenced, and A stays until its child B is gone. */
    assert_string_equal(Events, "c3c2c1d3");
    assert_int_equal(GetNode(b)->Id, 2);       /* B's context is still usable */
    WdfObjectDereference(b);
    assert_string_equal(Events, "c3c2c1d3d2d1");
    Unload();
    assert_int_equal(NkHostCheckLeaks(), 0);
}

static void test_misuse_is_caught(void **state)
{
    WDFOBJECT a, b;
    (void)state;

    assert_int_equal(Load(0), STATUS_SUCCESS);
    NkHostExpectViolations();
    assert_int_equal(MakeNode(NULL, 1, &a), STATUS_SUCCESS);
    WdfObjectReference(a);
    WdfObjectDelete(a);
    WdfObjectDelete(a);                        /* still referenced: a double delete */
    assert_int_equal(NkHostViolationCountOf("wdf.double-delete"), 1);
    WdfObjectDereference(a);
    WdfObjectDereference(a);                   /* gone: a stale handle */
    assert_string_equal(NkHostLastViolation(), "wdf.invalid-handle");
    assert_null(GetNode(a));                   /* and no read of freed memory */
    assert_int_equal(MakeNode(NULL, 2, &b), STATUS_SUCCESS);
    WdfObjectDereference(b);                   /* never referenced */
    assert_string_equal(NkHostLastViolation(), "wdf.dereference-unreferenced");
    WdfObjectDelete((WDFOBJECT)WdfGetDriver());
    assert_string_equal(NkHostLastViolation(), "wdf.delete-framework-owned");
    Unload();
    assert_int_equal(NkHostCheckLeaks(), 0);
}

static void test_contexts(void **state)
{
    WDFOBJECT a;
    WDF_OBJECT_ATTRIBUTES attributes;
    EXTRA_CONTEXT *extra, *again;
    (void)state;

    assert_int_equal(Load(0), STATUS_SUCCESS);
    assert_int_equal(MakeNode(NULL, 7, &a), STATUS_SUCCESS);
    assert_null(WdfObjectGet_EXTRA_CONTEXT(a));          /* a type it does not have */
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, EXTRA_CONTEXT);
    assert_int_equal(WdfObjectAllocateContext(a, &attributes, (PVOID *)&extra), STATUS_SUCCESS);
    assert_int_equal(extra->Value, 0);                    /* zeroed */
    extra->Value = 99;
    assert_ptr_equal(WdfObjectGet_EXTRA_CONTEXT(a), extra);
    assert_int_equal(WdfObjectAllocateContext(a, &attributes, (PVOID *)&again), STATUS_OBJECT_NAME_EXISTS);
    assert_ptr_equal(again, extra);
    assert_ptr_equal(WdfObjectContextGetObject(extra), a);
    assert_ptr_equal(WdfObjectContextGetObject(GetNode(a)), a);
    assert_int_equal(GetNode(a)->Id, 7);
    Unload();
    assert_int_equal(NkHostCheckLeaks(), 0);
}

static void test_locks(void **state)
{
    WDFSPINLOCK spin;
    WDFWAITLOCK wait;
    LONGLONG zero = 0;
    (void)state;

    assert_int_equal(Load(0), STATUS_SUCCESS);
    assert_int_equal(WdfSpinLockCreate(WDF_NO_OBJECT_ATTRIBUTES, &spin), STATUS_SUCCESS);
    WdfSpinLockAcquire(spin);
    assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
    WdfSpinLockRelease(spin);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);

    assert_int_equal(WdfWaitLockCreate(WDF_NO_OBJECT_ATTRIBUTES, &wait), STATUS_SUCCESS);
    assert_int_equal(WdfWaitLockAcquire(wait, NULL), STATUS_SUCCESS);
    assert_int_equal(WdfWaitLockAcquire(wait, &zero), STATUS_TIMEOUT);   /* held: a poll fails */
    WdfWaitLockRelease(wait);
    NkHostExpectViolations();
    WdfWaitLockRelease(wait);
    assert_string_equal(NkHostLastViolation(), "wdf.waitlock-not-held");
    Unload();
    assert_int_equal(NkHostCheckLeaks(), 0);
}

/* Fail each allocation DriverEntry makes, in turn: every failure must be
 * clean (status returned, stub unbinds, nothing leaks). */
static void test_allocation_failure_sweep(void **state)
{
    ULONG64 sites;
    ULONG failures = 0;
    (void)state;

    NkHostReset();
    assert_int_equal(Load(4), STATUS_SUCCESS);
    Unload();
    sites = NkHostFaultSiteCount(NkFaultPoolAllocation);
    assert_true(sites >= 6);
    for (ULONG64 k = 1; k <= sites; k++) {
        NTSTATUS status;
        NkHostReset();
        NkHostFailNth(NkFaultPoolAllocation, k);
        status = Load(4);
        if (NT_SUCCESS(status)) {
            Unload();
        } else {
            failures++;
            assert_int_equal(status, STATUS_INSUFFICIENT_RESOURCES);
        }
        assert_int_equal(NkHostCheckLeaks(), 0);
        assert_int_equal(NkHostViolationCount(), 0);
    }
    assert_int_equal(failures, sites);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_bind_and_unload, Setup),
        cmocka_unit_test_setup(test_delete_order_and_references, Setup),
        cmocka_unit_test_setup(test_misuse_is_caught, Setup),
        cmocka_unit_test_setup(test_contexts, Setup),
        cmocka_unit_test_setup(test_locks, Setup),
        cmocka_unit_test_setup(test_allocation_failure_sweep, Setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
