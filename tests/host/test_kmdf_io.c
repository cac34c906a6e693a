/*
 * test_kmdf_io.c - drivers/nkecho, the same source that builds
 * dist/nkecho/nkecho.sys, loaded through our entry stub into the host
 * kernel and driven through <nkhost.h>'s user-mode I/O calls: opens by
 * device name and by symbolic link, buffered IOCTLs with short buffers,
 * pended reads completed by writes, cancellation, close with I/O pending,
 * and unload - each ending without leaks or verifier reports.
 */
#include <ntddk.h>
#include <nkhost.h>

#include "nkecho_ioctl.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

/* The entry stub's entry point, which binds and runs nkecho's DriverEntry. */
DRIVER_INITIALIZE FxDriverEntry;

/* ---- harness ------------------------------------------------------------------ */

static DRIVER_OBJECT Drv;
static UNICODE_STRING RegPath = RTL_CONSTANT_STRING(L"\\Registry\\Machine\\System\\NkEcho");

static int Setup(void **state)
{
    (void)state;
    NkHostReset();
    memset(&Drv, 0, sizeof(Drv));
    assert_int_equal(FxDriverEntry(&Drv, &RegPath), STATUS_SUCCESS);
    return 0;
}

static int Teardown(void **state)
{
    (void)state;
    Drv.DriverUnload(&Drv);
    assert_int_equal(NkHostCheckLeaks(), 0);
    return 0;
}

static void test_open_and_close(void **state)
{
    HANDLE a, b, c;
    (void)state;

    assert_int_equal(NkHostCreateFile(L"\\\\.\\NkEcho", &a), STATUS_SUCCESS);
    assert_int_equal(NkHostCreateFile(L"\\Device\\NkEcho", &b), STATUS_SUCCESS);
    assert_int_equal(NkHostCreateFile(L"\\\\.\\NoSuchDevice", &c), STATUS_OBJECT_NAME_NOT_FOUND);
    assert_null(c);
    assert_true(NkHostLogContains("nkecho: create"));
    assert_int_equal(NkHostCloseHandle(a), STATUS_SUCCESS);
    assert_int_equal(NkHostCloseHandle(b), STATUS_SUCCESS);
    assert_true(NkHostLogContains("nkecho: cleanup"));
    assert_true(NkHostLogContains("nkecho: close"));
}

static void test_ioctl_echo(void **state)
{
    HANDLE h;
    UCHAR in[100], out[100];
    ULONG n;
    (void)state;

    for (int i = 0; i < 100; i++)
        in[i] = (UCHAR)(i * 3);
    assert_int_equal(NkHostCreateFile(L"\\\\.\\NkEcho", &h), STATUS_SUCCESS);
    assert_int_equal(NkHostDeviceIoControl(h, IOCTL_NKECHO_ECHO, in, 100, out, 100, &n), STATUS_SUCCESS);
    assert_int_equal(n, 100);
    assert_memory_equal(in, out, 100);
    assert_int_equal(NkHostDeviceIoControl(h, IOCTL_NKECHO_ECHO, in, 100, out, 99, &n), STATUS_BUFFER_TOO_SMALL);
    assert_int_equal(n, 0);
    assert_int_equal(NkHostDeviceIoControl(h, IOCTL_NKECHO_ECHO, NULL, 0, out, 100, &n), STATUS_BUFFER_TOO_SMALL);
    assert_int_equal(NkHostDeviceIoControl(h, IOCTL_NKECHO_ECHO + 4, in, 1, out, 1, &n), STATUS_INVALID_DEVICE_REQUEST);
    NkHostCloseHandle(h);
}

static void test_read_waits_for_write(void **state)
{
    HANDLE h;
    NK_HOST_IO *io;
    UCHAR frame[60], got[1514];
    ULONG n;
    (void)state;

    memset(frame, 0x5A, sizeof(frame));
    assert_int_equal(NkHostCreateFile(L"\\\\.\\NkEcho", &h), STATUS_SUCCESS);
    assert_int_equal(NkHostReadFileAsync(h, got, sizeof(got), &io), STATUS_PENDING);
    assert_int_equal(NkHostWaitIo(io, 20, &n), STATUS_TIMEOUT);         /* parked */
    assert_int_equal(NkHostWriteFile(h, frame, sizeof(frame), &n), STATUS_SUCCESS);
    assert_int_equal(n, 60);
    assert_int_equal(NkHostWaitIo(io, MAXULONG, &n), STATUS_SUCCESS);
    assert_int_equal(n, 60);
    assert_memory_equal(got, frame, 60);
    NkHostCloseHandle(h);
}

static void test_cancel_and_close_with_pending(void **state)
{
    HANDLE h;
    NK_HOST_IO *a, *b;
    UCHAR buf[64];
    ULONG n;
    (void)state;

    assert_int_equal(NkHostCreateFile(L"\\\\.\\NkEcho", &h), STATUS_SUCCESS);
    assert_int_equal(NkHostReadFileAsync(h, buf, sizeof(buf), &a), STATUS_PENDING);
    assert_int_equal(NkHostReadFileAsync(h, buf, sizeof(buf), &b), STATUS_PENDING);
    NkHostCancelIo(a);
    assert_int_equal(NkHostWaitIo(a, MAXULONG, &n), STATUS_CANCELLED);
    assert_int_equal(n, 0);
    /* Closing the handle cancels what is still pending on it. */
    assert_int_equal(NkHostCloseHandle(h), STATUS_SUCCESS);
    assert_int_equal(NkHostWaitIo(b, MAXULONG, &n), STATUS_CANCELLED);
    assert_true(NkHostLogContains("nkecho: close"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_and_close, Setup, Teardown),
        cmocka_unit_test_setup_teardown(test_ioctl_echo, Setup, Teardown),
        cmocka_unit_test_setup_teardown(test_read_waits_for_write, Setup, Teardown),
        cmocka_unit_test_setup_teardown(test_cancel_and_close_with_pending, Setup, Teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
