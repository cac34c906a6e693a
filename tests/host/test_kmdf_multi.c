/*
 * test_kmdf_multi.c - two KMDF drivers bound in one process, as Windows
 * has them (an NDIS intermediate driver and a protocol driver, say).
 *
 * kmdfmulti_a.so and kmdfmulti_b.so (kmdfmulti_driver.c built twice, each
 * with lib/kmdf/stub.c) are loaded with dlopen, the way `ndiskit host run`
 * loads drivers: each FxDriverEntry binds through the host's
 * WdfVersionBind and gets its own globals and WDFDRIVER.  This executable
 * exports the host kernel (linked whole, like ndiskit) for their imports.
 *
 * Covered: both control devices answer I/O; an object created without a
 * parent goes to the driver that created it, so unloading one driver runs
 * only that driver's cleanups and leaves the other's devices working;
 * WdfWdmDriverGetWdfDriverHandle per driver object; WdfDriverCreate twice
 * by one driver and WdfVersionBind twice for one driver object are still
 * findings; the table's capacity (32); no leak once both are unloaded;
 * NkHostReset with both bound.
 */
#include <ntddk.h>
#include <wdfldr.h>
#include <nkhost.h>

#include <dlfcn.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#define IOCTL_MULTI_WHO CTL_CODE(FILE_DEVICE_UNKNOWN, 0x950, METHOD_BUFFERED, FILE_ANY_ACCESS)

typedef NTSTATUS ENTRY_FN(PDRIVER_OBJECT, PUNICODE_STRING);
typedef PVOID DRIVER_OF_FN(PDRIVER_OBJECT);
typedef NTSTATUS AGAIN_FN(PDRIVER_OBJECT, PUNICODE_STRING);
typedef NTSTATUS ORPHAN_FN(VOID);

typedef struct _MULTI {
    void *So;
    DRIVER_OBJECT Drv;
    UNICODE_STRING RegPath;
    ENTRY_FN *Entry;
    PVOID *Driver;          /* its MultiDriver: the WDFDRIVER DriverEntry got */
    LONG *Cleanups;         /* its MultiCleanups */
    DRIVER_OF_FN *DriverOf; /* WdfWdmDriverGetWdfDriverHandle, called as this driver */
    AGAIN_FN *Again;
    ORPHAN_FN *Orphan;
    BOOLEAN Loaded;
} MULTI;

static MULTI A, B;

static void Open(MULTI *M, const char *Path, PCWSTR RegPath)
{
    memset(M, 0, sizeof(*M));
    M->So = dlopen(Path, RTLD_NOW | RTLD_LOCAL);
    if (M->So == NULL)
        fail_msg("dlopen %s: %s", Path, dlerror());
    M->Entry = (ENTRY_FN *)dlsym(M->So, "FxDriverEntry");
    M->Driver = (PVOID *)dlsym(M->So, "MultiDriver");
    M->Cleanups = (LONG *)dlsym(M->So, "MultiCleanups");
    M->DriverOf = (DRIVER_OF_FN *)dlsym(M->So, "MultiDriverOf");
    M->Again = (AGAIN_FN *)dlsym(M->So, "MultiCreateDriverAgain");
    M->Orphan = (ORPHAN_FN *)dlsym(M->So, "MultiCreateOrphan");
    assert_non_null(M->Entry);
    assert_non_null(M->Driver);
    assert_non_null(M->Cleanups);
    assert_non_null(M->DriverOf);
    assert_non_null(M->Again);
    assert_non_null(M->Orphan);
    RtlInitUnicodeString(&M->RegPath, RegPath);
}

static NTSTATUS Load(MULTI *M)
{
    NTSTATUS status;
    memset(&M->Drv, 0, sizeof(M->Drv));
    status = M->Entry(&M->Drv, &M->RegPath);
    M->Loaded = NT_SUCCESS(status);
    return status;
}

static void Unload(MULTI *M)
{
    assert_true(M->Loaded);
    assert_non_null(M->Drv.DriverUnload);
    M->Drv.DriverUnload(&M->Drv); /* the framework's unload, then the stub's unbind */
    M->Loaded = FALSE;
}

/* The letter the device named Name answers with ('?' if it does not). */
static char Who(PCWSTR Name)
{
    HANDLE h;
    char who = '?';
    ULONG n = 0;
    if (!NT_SUCCESS(NkHostCreateFile(Name, &h)))
        return '?';
    if (!NT_SUCCESS(NkHostDeviceIoControl(h, IOCTL_MULTI_WHO, NULL, 0, &who, 1, &n)) || n != 1)
        who = '?';
    NkHostCloseHandle(h);
    return who;
}

static int Setup(void **state)
{
    (void)state;
    NkHostReset();
    Open(&A, KMDFMULTI_A_SO, L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\kmdfmulti_a");
    Open(&B, KMDFMULTI_B_SO, L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\kmdfmulti_b");
    return 0;
}

static int Teardown(void **state)
{
    (void)state;
    /* A failed assertion may leave a driver loaded: unload it before its
     * code goes away with dlclose. */
    if (A.Loaded && A.Drv.DriverUnload != NULL)
        A.Drv.DriverUnload(&A.Drv);
    if (B.Loaded && B.Drv.DriverUnload != NULL)
        B.Drv.DriverUnload(&B.Drv);
    NkHostReset();
    dlclose(A.So);
    dlclose(B.So);
    return 0;
}

static void test_two_drivers_load_answer_and_unload_apart(void **state)
{
    (void)state;
    assert_int_equal(Load(&A), STATUS_SUCCESS);
    assert_int_equal(Load(&B), STATUS_SUCCESS);
    assert_non_null(*A.Driver);
    assert_non_null(*B.Driver);
    assert_ptr_not_equal(*A.Driver, *B.Driver);

    assert_int_equal(Who(L"\\Device\\NkMultiA"), 'A');
    assert_int_equal(Who(L"\\Device\\NkMultiB"), 'B');

    /* Each driver object maps to its own WDFDRIVER, whoever asks. */
    assert_ptr_equal(A.DriverOf(&A.Drv), *A.Driver);
    assert_ptr_equal(A.DriverOf(&B.Drv), *B.Driver);
    assert_ptr_equal(B.DriverOf(&B.Drv), *B.Driver);
    assert_ptr_equal(B.DriverOf(&A.Drv), *A.Driver);

    /* Objects without a parent go to the calling driver: B's second one
     * is deleted with B, not with A. */
    assert_int_equal(B.Orphan(), STATUS_SUCCESS);
    Unload(&A);
    assert_int_equal(*A.Cleanups, 1);
    assert_int_equal(*B.Cleanups, 0);
    assert_null(B.DriverOf(&A.Drv));
    assert_ptr_equal(B.DriverOf(&B.Drv), *B.Driver);

    /* B is untouched: its device still answers, A's is gone. */
    assert_int_equal(Who(L"\\Device\\NkMultiA"), '?');
    assert_int_equal(Who(L"\\Device\\NkMultiB"), 'B');
    assert_int_equal(B.Orphan(), STATUS_SUCCESS);

    Unload(&B);
    assert_int_equal(*B.Cleanups, 3);
    assert_int_equal(Who(L"\\Device\\NkMultiB"), '?');
    assert_int_equal(NkHostCheckLeaks(), 0);
    assert_int_equal(NkHostViolationCount(), 0);
}

/* Unloaded in the other order, then loaded again: the table slots are reused. */
static void test_unload_second_first_and_reload(void **state)
{
    (void)state;
    assert_int_equal(Load(&A), STATUS_SUCCESS);
    assert_int_equal(Load(&B), STATUS_SUCCESS);
    Unload(&B);
    assert_int_equal(*B.Cleanups, 1);
    assert_int_equal(*A.Cleanups, 0);
    assert_int_equal(Who(L"\\Device\\NkMultiA"), 'A');
    assert_int_equal(Load(&B), STATUS_SUCCESS);
    assert_int_equal(Who(L"\\Device\\NkMultiB"), 'B');
    Unload(&A);
    Unload(&B);
    assert_int_equal(NkHostCheckLeaks(), 0);
    assert_int_equal(NkHostViolationCount(), 0);
}

static void test_same_driver_twice_is_a_finding(void **state)
{
    static WCHAR component[] = L"KmdfLibrary";
    WDFFUNC *table = NULL;
    WDF_BIND_INFO info = {sizeof(WDF_BIND_INFO), component, {1, 15, 0}, 10, (WDFFUNC *)&table, NULL};
    PWDF_COMPONENT_GLOBALS globals = NULL;
    DRIVER_OBJECT other;
    (void)state;

    assert_int_equal(Load(&A), STATUS_SUCCESS);
    assert_int_equal(Load(&B), STATUS_SUCCESS);
    NkHostExpectViolations();

    /* WdfDriverCreate again by A: a finding, and A keeps its driver. */
    assert_int_equal(A.Again(&A.Drv, &A.RegPath), STATUS_INVALID_DEVICE_STATE);
    assert_int_equal(NkHostViolationCountOf("wdf.driver-twice"), 1);
    assert_ptr_equal(A.DriverOf(&A.Drv), *A.Driver);

    /* A bound driver object bound again: refused, the first bind intact. */
    assert_int_equal(WdfVersionBind(&A.Drv, &A.RegPath, &info, &globals), STATUS_INVALID_DEVICE_STATE);
    assert_null(globals);
    assert_int_equal(NkHostViolationCountOf("wdf.bind-twice"), 1);

    /* Another driver object binds fine while both are bound. */
    memset(&other, 0, sizeof(other));
    assert_int_equal(WdfVersionBind(&other, &A.RegPath, &info, &globals), STATUS_SUCCESS);
    assert_non_null(globals);
    assert_non_null(table);
    assert_int_equal(WdfVersionUnbind(&A.RegPath, &info, globals), STATUS_SUCCESS);
    /* Unbinding it again: it is no longer bound. */
    assert_int_equal(WdfVersionUnbind(&A.RegPath, &info, globals), STATUS_INVALID_PARAMETER);
    assert_int_equal(NkHostViolationCountOf("wdf.unbind-unknown"), 1);

    assert_int_equal(Who(L"\\Device\\NkMultiA"), 'A');
    assert_int_equal(Who(L"\\Device\\NkMultiB"), 'B');
    Unload(&A);
    Unload(&B);
    assert_int_equal(*A.Cleanups, 1);
    assert_int_equal(*B.Cleanups, 1);
    assert_int_equal(NkHostCheckLeaks(), 0);
    assert_int_equal(NkHostViolationCount(), 3);
}

/* The host holds 32 bound drivers: the 33rd bind is refused with
 * STATUS_INSUFFICIENT_RESOURCES (a host limit, not a finding), and binding
 * works again once one is unbound. */
static void test_bind_capacity(void **state)
{
    static WCHAR component[] = L"KmdfLibrary";
    static DRIVER_OBJECT others[31];
    PWDF_COMPONENT_GLOBALS globals[31];
    PWDF_COMPONENT_GLOBALS extra = NULL;
    WDFFUNC *table = NULL;
    WDF_BIND_INFO info = {sizeof(WDF_BIND_INFO), component, {1, 15, 0}, 10, (WDFFUNC *)&table, NULL};
    (void)state;

    assert_int_equal(Load(&A), STATUS_SUCCESS);
    assert_int_equal(Load(&B), STATUS_SUCCESS);
    for (ULONG i = 0; i < 30; i++)
        assert_int_equal(WdfVersionBind(&others[i], &A.RegPath, &info, &globals[i]), STATUS_SUCCESS);
    assert_int_equal(WdfVersionBind(&others[30], &A.RegPath, &info, &extra), STATUS_INSUFFICIENT_RESOURCES);
    assert_null(extra);
    assert_int_equal(WdfVersionUnbind(&A.RegPath, &info, globals[0]), STATUS_SUCCESS);
    assert_int_equal(WdfVersionBind(&others[30], &A.RegPath, &info, &extra), STATUS_SUCCESS);
    assert_int_equal(WdfVersionUnbind(&A.RegPath, &info, extra), STATUS_SUCCESS);
    for (ULONG i = 1; i < 30; i++)
        assert_int_equal(WdfVersionUnbind(&A.RegPath, &info, globals[i]), STATUS_SUCCESS);
    /* The two real drivers never noticed. */
    assert_int_equal(Who(L"\\Device\\NkMultiA"), 'A');
    assert_int_equal(Who(L"\\Device\\NkMultiB"), 'B');
    Unload(&A);
    Unload(&B);
    assert_int_equal(NkHostCheckLeaks(), 0);
    assert_int_equal(NkHostViolationCount(), 0);
}

/* I/O to both drivers from two threads while a third has one driver
 * create objects (the table and the tree under one lock), then A unloads
 * while B's I/O goes on: B answers throughout. */
static void *AskB(void *Arg)
{
    LONG *wrong = Arg;
    for (int i = 0; i < 200; i++)
        if (Who(L"\\Device\\NkMultiB") != 'B')
            __atomic_fetch_add(wrong, 1, __ATOMIC_RELAXED);
    return NULL;
}

static void *AskA(void *Arg)
{
    LONG *wrong = Arg;
    for (int i = 0; i < 100; i++)
        if (Who(L"\\Device\\NkMultiA") != 'A')
            __atomic_fetch_add(wrong, 1, __ATOMIC_RELAXED);
    return NULL;
}

static void test_concurrent_io_and_unload(void **state)
{
    pthread_t a, b;
    LONG wrongA = 0, wrongB = 0;
    (void)state;

    assert_int_equal(Load(&A), STATUS_SUCCESS);
    assert_int_equal(Load(&B), STATUS_SUCCESS);
    assert_int_equal(pthread_create(&a, NULL, AskA, &wrongA), 0);
    assert_int_equal(pthread_create(&b, NULL, AskB, &wrongB), 0);
    for (int i = 0; i < 50; i++)
        assert_int_equal(A.Orphan(), STATUS_SUCCESS);
    assert_int_equal(pthread_join(a, NULL), 0);
    assert_int_equal(wrongA, 0);
    Unload(&A); /* while B is still being asked */
    assert_int_equal(pthread_join(b, NULL), 0);
    assert_int_equal(wrongB, 0);
    assert_int_equal(*A.Cleanups, 51);
    assert_int_equal(*B.Cleanups, 0);
    Unload(&B);
    assert_int_equal(NkHostCheckLeaks(), 0);
    assert_int_equal(NkHostViolationCount(), 0);
}

/* NkHostReset with both drivers bound forgets both. */
static void test_reset_covers_both(void **state)
{
    (void)state;
    assert_int_equal(Load(&A), STATUS_SUCCESS);
    assert_int_equal(Load(&B), STATUS_SUCCESS);
    NkHostReset();
    A.Loaded = B.Loaded = FALSE;
    assert_int_equal(Who(L"\\Device\\NkMultiA"), '?');
    assert_int_equal(Who(L"\\Device\\NkMultiB"), '?');
    /* Both can bind again: nothing is left bound. */
    assert_int_equal(Load(&A), STATUS_SUCCESS);
    assert_int_equal(Load(&B), STATUS_SUCCESS);
    Unload(&A);
    Unload(&B);
    assert_int_equal(NkHostCheckLeaks(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_two_drivers_load_answer_and_unload_apart, Setup, Teardown),
        cmocka_unit_test_setup_teardown(test_unload_second_first_and_reload, Setup, Teardown),
        cmocka_unit_test_setup_teardown(test_same_driver_twice_is_a_finding, Setup, Teardown),
        cmocka_unit_test_setup_teardown(test_bind_capacity, Setup, Teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_io_and_unload, Setup, Teardown),
        cmocka_unit_test_setup_teardown(test_reset_covers_both, Setup, Teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
