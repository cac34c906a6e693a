/*
 * test_context.c - typed context areas with states (<ndiskit/context.h>)
 * and handle ownership (<ndiskit/handle.h>) under the host kernel's KMDF:
 * every state transition, access before, during and after, the driver's
 * context reached from a thread and from another object's destroy, and
 * the design notes' deletion cases.
 */
#include <ntddk.h>
#include <wdf.h>
#include <nkhost.h>

#include <ndiskit/context.h>
#include <ndiskit/handle.h>
#include <ndiskit/sync.h>
#include <ndiskit/thread.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

DRIVER_INITIALIZE DriverEntry;
DRIVER_INITIALIZE FxDriverEntry;

/* ---- a context type and what the test records about it -------------------------- */

typedef struct {
    ULONG Cookie;
    WDFOBJECT Child;               /* created by the initializer, parented to the object */
} THING;
NK_CONTEXT_TYPE(THING, Thing)

static ULONG Drops;
static NK_CONTEXT_STATE StateSeenInInit, StateSeenInDrop;
static BOOLEAN GetWasNullInDrop;

static NTSTATUS InitThing(WDFOBJECT Object, THING *Thing, PVOID Argument)
{
    WDF_OBJECT_ATTRIBUTES a;
    StateSeenInInit = ThingState(Object);
    assert_null(ThingGet(Object));                     /* not live while initialising */
    if (Argument != NULL)
        return (NTSTATUS)(ULONG_PTR)Argument;          /* the failure the test asked for */
    Thing->Cookie = 0xC0FFEE;
    WDF_OBJECT_ATTRIBUTES_INIT(&a);
    a.ParentObject = Object;                           /* the handle lets it make children */
    return WdfObjectCreate(&a, &Thing->Child);
}

VOID ThingDrop(WDFOBJECT Object, THING *Thing)
{
    THING *t;
    StateSeenInDrop = ThingState(Object);
    GetWasNullInDrop = ThingGet(Object) == NULL;
    assert_int_equal(ThingGetChecked(Object, &t), STATUS_DELETE_PENDING);
    assert_int_equal(Thing->Cookie, 0xC0FFEE);
    Drops++;
}


static void test_context_states(void **state)
{
    WDF_OBJECT_ATTRIBUTES a;
    WDFOBJECT o, bare;
    THING *t;
    (void)state;

    ThingAttributes(&a);
    assert_int_equal(WdfObjectCreate(&a, &o), STATUS_SUCCESS);
    assert_int_equal(ThingState(o), NkContextUninitialized);
    assert_null(ThingGet(o));
    assert_int_equal(ThingGetChecked(o, &t), STATUS_DEVICE_NOT_READY);
    assert_null(t);

    assert_int_equal(ThingInit(o, InitThing, NULL), STATUS_SUCCESS);
    assert_int_equal(StateSeenInInit, NkContextInitializing);
    assert_int_equal(ThingState(o), NkContextLive);
    t = ThingGet(o);
    assert_non_null(t);
    assert_int_equal(t->Cookie, 0xC0FFEE);
    assert_int_equal(ThingInit(o, InitThing, NULL), STATUS_INVALID_DEVICE_STATE); /* only once */

    /* An object without the area: no context, no crash. */
    WDF_OBJECT_ATTRIBUTES_INIT(&a);
    assert_int_equal(WdfObjectCreate(&a, &bare), STATUS_SUCCESS);
    assert_null(ThingGet(bare));
    assert_int_equal(ThingGetChecked(bare, &t), STATUS_NOT_FOUND);
    assert_int_equal(ThingInit(bare, InitThing, NULL), STATUS_NOT_FOUND);
    WdfObjectDelete(bare);

    /* Drop runs from EvtDestroy, once, with the area already "dropping". */
    WdfObjectDelete(o);
    assert_int_equal(Drops, 1);
    assert_int_equal(StateSeenInDrop, NkContextDropping);
    assert_true(GetWasNullInDrop);
}

static void test_failed_init_never_drops(void **state)
{
    WDF_OBJECT_ATTRIBUTES a;
    WDFOBJECT o;
    (void)state;

    ThingAttributes(&a);
    assert_int_equal(WdfObjectCreate(&a, &o), STATUS_SUCCESS);
    assert_int_equal(ThingInit(o, InitThing, (PVOID)(ULONG_PTR)STATUS_INSUFFICIENT_RESOURCES),
                     STATUS_INSUFFICIENT_RESOURCES);
    assert_int_equal(ThingState(o), NkContextDropped);
    assert_null(ThingGet(o));
    WdfObjectDelete(o);
    assert_int_equal(Drops, 0);                        /* the initializer cleaned up after itself */
}

static void test_allocate_on_existing_object(void **state)
{
    WDF_OBJECT_ATTRIBUTES a;
    WDFOBJECT o;
    (void)state;

    WDF_OBJECT_ATTRIBUTES_INIT(&a);
    assert_int_equal(WdfObjectCreate(&a, &o), STATUS_SUCCESS);
    assert_int_equal(ThingAllocate(o), STATUS_SUCCESS);
    assert_int_equal(ThingInit(o, InitThing, NULL), STATUS_SUCCESS);
    assert_non_null(ThingGet(o));
    WdfObjectDelete(o);
    assert_int_equal(Drops, 1);                        /* the allocated area's own destroy callback */
}

/* ---- ownership and the notes' deletion cases ---------------------------------------- */

typedef struct {
    ULONG Unused;
} LEAF;
NK_CONTEXT_TYPE(LEAF, Leaf)
static ULONG LeafDrops;
VOID LeafDrop(WDFOBJECT Object, LEAF *Leaf)
{
    (void)Object;
    (void)Leaf;
    LeafDrops++;
}
static NTSTATUS InitLeaf(WDFOBJECT Object, LEAF *Leaf, PVOID Argument)
{
    (void)Object;
    (void)Leaf;
    (void)Argument;
    return STATUS_SUCCESS;
}

/* A <- B <- C, with C owned by the driver and used through its handle:
 * deleting A tears the tree down bottom-up; C's memory stays valid (the
 * owner's reference), the owner's release does not delete C a second
 * time, and C is destroyed - its drop run - exactly once. */
static void test_owned_child_of_deleted_tree(void **state)
{
    WDF_OBJECT_ATTRIBUTES a;
    WDFOBJECT A, B, C;
    NK_OWNED owned;
    (void)state;

    LeafDrops = 0;
    WDF_OBJECT_ATTRIBUTES_INIT(&a);
    assert_int_equal(WdfObjectCreate(&a, &A), STATUS_SUCCESS);
    a.ParentObject = A;
    assert_int_equal(WdfObjectCreate(&a, &B), STATUS_SUCCESS);
    LeafAttributes(&a);
    a.ParentObject = B;
    assert_int_equal(WdfObjectCreate(&a, &C), STATUS_SUCCESS);
    assert_int_equal(LeafInit(C, InitLeaf, NULL), STATUS_SUCCESS);
    assert_int_equal(NkOwnedTake(&owned, C), STATUS_SUCCESS);

    WdfObjectDelete(A);                                /* the whole tree, C included */
    assert_int_equal(LeafDrops, 0);                    /* C is held: not destroyed yet */
    assert_ptr_equal(NkOwnedGet(&owned), C);
    assert_non_null(LeafGet(C));                       /* still valid memory, still live */

    assert_int_equal(NkOwnedRelease(&owned), STATUS_SUCCESS);  /* no second delete */
    assert_int_equal(LeafDrops, 1);
    assert_int_equal(NkHostViolationCount(), 0);       /* no wdf.double-delete */
}

static void test_owned_release_and_misuse(void **state)
{
    WDF_OBJECT_ATTRIBUTES a;
    WDFOBJECT o;
    NK_OWNED owned, second;
    (void)state;

    LeafDrops = 0;
    LeafAttributes(&a);
    assert_int_equal(WdfObjectCreate(&a, &o), STATUS_SUCCESS);
    assert_int_equal(LeafInit(o, InitLeaf, NULL), STATUS_SUCCESS);
    assert_int_equal(NkOwnedTake(&owned, o), STATUS_SUCCESS);
    NkHostExpectViolations();
    assert_int_equal(NkOwnedTake(&second, o), STATUS_INVALID_DEVICE_STATE);   /* one owner */
    assert_int_equal(NkHostViolationCountOf("ndiskit.owned-twice"), 1);
    assert_int_equal(NkOwnedRelease(&owned), STATUS_SUCCESS);  /* delete, then dereference */
    assert_int_equal(LeafDrops, 1);
    assert_int_equal(NkOwnedRelease(&owned), STATUS_INVALID_HANDLE); /* refused, not a UAF */
    assert_int_equal(NkHostViolationCountOf("ndiskit.release-twice"), 1);
    assert_null(NkOwnedGet(&owned));
    assert_int_equal(NkHostViolationCount(), 2);
    (void)second;
}

/* ---- the driver's context: reached from a thread, and during its own drop ---------- */

typedef struct {
    NK_THREAD_SET Threads;
    NK_THREAD Worker;
    ULONG Value;
} DRIVER_CTX;
NK_CONTEXT_TYPE(DRIVER_CTX, DriverCtx)

static BOOLEAN WithDriverContext, OwnChildFromContext;
static LONG ThreadSawLive, ThreadSawGone;
static NK_EVENT WorkerStarted;
static NK_OWNED LoopHandle;

static VOID NTAPI Worker(PVOID Context)
{
    PNK_THREAD self = Context;
    /* From a thread, the driver context is reached through WdfGetDriver. */
    DRIVER_CTX *ctx = DriverCtxGet(WdfGetDriver());
    if (ctx != NULL && ctx->Value == 42)
        InterlockedIncrement(&ThreadSawLive);
    NkEventSet(&WorkerStarted);
    NkEventWait(&self->Stop, NK_WAIT_FOREVER);
    /* Stopped by the drop: the context is going, and access says so. */
    if (DriverCtxGet(WdfGetDriver()) == NULL)
        InterlockedIncrement(&ThreadSawGone);
}

static NTSTATUS InitDriverCtx(WDFOBJECT Object, DRIVER_CTX *Ctx, PVOID Argument)
{
    (void)Object;
    (void)Argument;
    Ctx->Value = 42;
    NkThreadSetInit(&Ctx->Threads);
    return STATUS_SUCCESS;
}

VOID DriverCtxDrop(WDFOBJECT Object, DRIVER_CTX *Ctx)
{
    (void)Object;
    NkThreadSetStopAndJoinAll(&Ctx->Threads);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    WDF_DRIVER_CONFIG config;
    WDF_OBJECT_ATTRIBUTES a;
    WDFDRIVER driver;
    NTSTATUS status;

    WDF_DRIVER_CONFIG_INIT(&config, WDF_NO_EVENT_CALLBACK);
    config.DriverInitFlags |= WdfDriverInitNonPnpDriver;
    DriverCtxAttributes(&a);
    status = WdfDriverCreate(DriverObject, RegistryPath, WithDriverContext ? &a : WDF_NO_OBJECT_ATTRIBUTES,
                             &config, &driver);
    if (!NT_SUCCESS(status) || !WithDriverContext)
        return status;
    status = DriverCtxInit(driver, InitDriverCtx, NULL);
    /* Threads start once the context is live: one started by the
     * initializer would find it "not ready" (the state is initialising). */
    if (NT_SUCCESS(status)) {
        DRIVER_CTX *ctx = DriverCtxGet(driver);
        status = NkThreadSetStart(&ctx->Threads, &ctx->Worker, DriverObject, Worker, &ctx->Worker);
    }
    if (NT_SUCCESS(status) && OwnChildFromContext) {
        /* The mistake the notes warn about: the driver context owning one
         * of the driver's own descendants past unload.  The child holds its
         * parent, the owner holds the child: a reference loop. */
        WDF_OBJECT_ATTRIBUTES oa;
        WDFOBJECT child;
        WDF_OBJECT_ATTRIBUTES_INIT(&oa);
        status = WdfObjectCreate(&oa, &child);         /* parent: the driver */
        if (NT_SUCCESS(status))
            status = NkOwnedTake(&LoopHandle, child);
    }
    return status;
}

static DRIVER_OBJECT Drv;

static void Load(BOOLEAN DriverContext)
{
    UNICODE_STRING path = RTL_CONSTANT_STRING(L"\\Registry\\Machine\\System\\NkContext");
    memset(&Drv, 0, sizeof(Drv));
    WithDriverContext = DriverContext;
    assert_int_equal(FxDriverEntry(&Drv, &path), STATUS_SUCCESS);
}

/* The KMDF tests run inside a loaded driver (WdfFunctions bound); the
 * leak check comes after the unload tears everything down. */
static int SetupLoaded(void **state)
{
    (void)state;
    NkHostReset();
    Drops = LeafDrops = 0;
    OwnChildFromContext = FALSE;
    Load(FALSE);
    return 0;
}

static int TeardownUnload(void **state)
{
    (void)state;
    Drv.DriverUnload(&Drv);
    assert_int_equal(NkHostCheckLeaks(), 0);
    assert_int_equal(NkHostViolationCount(), NkHostViolationCountOf("ndiskit.owned-twice") +
                                                 NkHostViolationCountOf("ndiskit.release-twice"));
    return 0;
}

static void test_driver_context_from_threads(void **state)
{
    (void)state;
    NkHostReset();
    ThreadSawLive = ThreadSawGone = 0;
    OwnChildFromContext = FALSE;
    NkEventInit(&WorkerStarted, FALSE, FALSE);
    Load(TRUE);
    NkEventWait(&WorkerStarted, NK_WAIT_FOREVER);
    assert_int_equal(ThreadSawLive, 1);
    assert_non_null(DriverCtxGet(WdfGetDriver()));

    Drv.DriverUnload(&Drv);                            /* framework teardown: EvtDestroy -> drop */
    assert_int_equal(ThreadSawGone, 1);                /* "not any more", not a stale pointer */
    assert_int_equal(NkHostObjectReferences(&Drv), 0); /* the thread was joined */
    assert_int_equal(NkHostCheckLeaks(), 0);
    assert_int_equal(NkHostViolationCount(), 0);
}

/* The notes' second case: a driver context holding the last reference to
 * an object whose teardown needs the driver context.  With a descendant
 * of the driver that cannot happen - it is a reference loop (the child
 * holds the driver, the context holds the child), so the driver is never
 * destroyed and its drop never runs.  The host reports the loop at unload
 * instead of hanging or crashing; the rule for drivers is to release what
 * a context owns of its own tree in EvtDriverUnload. */
static void test_driver_context_owning_its_descendant_is_a_loop(void **state)
{
    (void)state;
    NkHostReset();
    OwnChildFromContext = TRUE;
    ThreadSawGone = 0;
    NkEventInit(&WorkerStarted, FALSE, FALSE);
    Load(TRUE);
    NkEventWait(&WorkerStarted, NK_WAIT_FOREVER);
    NkHostExpectViolations();
    Drv.DriverUnload(&Drv);
    assert_int_equal(ThreadSawGone, 0);                /* the drop never ran */
    assert_true(NkHostCheckLeaks() > 0);
    assert_true(NkHostViolationCountOf("wdf.leak") > 0);
    assert_true(NkHostViolationCountOf("thread.leak") > 0); /* and the worker was never joined */
    /* Nothing can be undone now: the framework is unbound, so the thread
     * may not even call WdfGetDriver.  It stays blocked until the process
     * ends; this is the last test. */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_context_states, SetupLoaded, TeardownUnload),
        cmocka_unit_test_setup_teardown(test_failed_init_never_drops, SetupLoaded, TeardownUnload),
        cmocka_unit_test_setup_teardown(test_allocate_on_existing_object, SetupLoaded, TeardownUnload),
        cmocka_unit_test_setup_teardown(test_owned_child_of_deleted_tree, SetupLoaded, TeardownUnload),
        cmocka_unit_test_setup_teardown(test_owned_release_and_misuse, SetupLoaded, TeardownUnload),
        cmocka_unit_test(test_driver_context_from_threads),
        cmocka_unit_test(test_driver_context_owning_its_descendant_is_a_loop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
