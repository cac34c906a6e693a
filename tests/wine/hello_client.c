/*
 * hello_client.c - user-mode half of the Wine round-trip test for
 * drivers/hello.  Built with mingw-w64 as a Windows console program and run
 * under wine64.  It installs the given hello.sys as a kernel service, starts
 * it, exercises the echo IOCTL (including its error paths), stops the service
 * and checks that unload removed the device.  Prints one line per check and a
 * final "N passed, M failed" line; exit status 0 only if all passed.
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

#include "../../drivers/hello/hello_ioctl.h"

#define SERVICE_NAME "ndiskit_hello"

static int passed, failed;

static void check(int ok, const char *what, DWORD detail)
{
    if (ok) {
        passed++;
        printf("ok   %s\n", what);
    } else {
        failed++;
        printf("FAIL %s (detail %lu)\n", what, (unsigned long)detail);
    }
}

static void remove_stale_service(SC_HANDLE scm)
{
    SC_HANDLE svc = OpenServiceA(scm, SERVICE_NAME, SERVICE_ALL_ACCESS);
    SERVICE_STATUS st;
    if (!svc)
        return;
    ControlService(svc, SERVICE_CONTROL_STOP, &st);
    DeleteService(svc);
    CloseServiceHandle(svc);
}

static int wait_for_state(SC_HANDLE svc, DWORD state)
{
    SERVICE_STATUS st;
    for (int i = 0; i < 200; i++) {
        if (QueryServiceStatus(svc, &st) && st.dwCurrentState == state)
            return 1;
        Sleep(25);
    }
    return 0;
}

static int echo(HANDLE dev, const void *in, DWORD in_len, void *out, DWORD out_len, DWORD *got)
{
    *got = 0;
    return DeviceIoControl(dev, IOCTL_HELLO_ECHO, (void *)in, in_len, out, out_len, got, NULL);
}

/*
 * The first Wine process in a prefix starts services.exe itself; until it
 * listens, OpenSCManager fails with RPC_S_SERVER_UNAVAILABLE (1722).  On a
 * loaded machine that window is seconds long, so wait for the service
 * manager to answer (at most 60 s) rather than failing on the first try.
 */
static SC_HANDLE open_scm(void)
{
    for (int tries = 0; tries < 600; tries++) {
        SC_HANDLE scm = OpenSCManagerA(NULL, NULL, SC_MANAGER_ALL_ACCESS);
        if (scm || GetLastError() != RPC_S_SERVER_UNAVAILABLE)
            return scm;
        Sleep(100);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    char image[MAX_PATH];
    SC_HANDLE scm, svc;
    SERVICE_STATUS st;
    HANDLE dev;
    DWORD got;
    static unsigned char in[HELLO_ECHO_MAX_BYTES + 1], out[HELLO_ECHO_MAX_BYTES + 1];

    if (argc != 2) {
        fprintf(stderr, "usage: hello_client PATH\\TO\\hello.sys\n");
        return 2;
    }
    if (!GetFullPathNameA(argv[1], sizeof(image), image, NULL)) {
        fprintf(stderr, "hello_client: bad path %s\n", argv[1]);
        return 2;
    }

    scm = open_scm();
    if (!scm) {
        fprintf(stderr, "hello_client: OpenSCManager failed: %lu\n", GetLastError());
        return 2;
    }
    remove_stale_service(scm);
    svc = CreateServiceA(scm, SERVICE_NAME, SERVICE_NAME, SERVICE_ALL_ACCESS, SERVICE_KERNEL_DRIVER,
                         SERVICE_DEMAND_START, SERVICE_ERROR_NORMAL, image, NULL, NULL, NULL, NULL, NULL);
    check(svc != NULL, "create kernel service", GetLastError());
    if (!svc)
        goto done;
    check(StartServiceA(svc, 0, NULL), "start service (DriverEntry)", GetLastError());
    check(wait_for_state(svc, SERVICE_RUNNING), "service running", 0);

    dev = CreateFileA(HELLO_WIN32_PATH, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    check(dev != INVALID_HANDLE_VALUE, "open " HELLO_WIN32_PATH, GetLastError());
    if (dev != INVALID_HANDLE_VALUE) {
        for (DWORD i = 0; i < sizeof(in); i++)
            in[i] = (unsigned char)(i * 7 + 3);

        memset(out, 0, sizeof(out));
        check(echo(dev, in, 100, out, 100, &got) && got == 100 && !memcmp(in, out, 100),
              "echo 100 bytes", got);

        memset(out, 0, sizeof(out));
        check(echo(dev, in, HELLO_ECHO_MAX_BYTES, out, HELLO_ECHO_MAX_BYTES, &got) &&
                  got == HELLO_ECHO_MAX_BYTES && !memcmp(in, out, HELLO_ECHO_MAX_BYTES),
              "echo maximum size", got);

        check(echo(dev, NULL, 0, out, 16, &got) && got == 0, "echo 0 bytes", got);

        check(!echo(dev, in, 64, out, 63, &got) && GetLastError() == ERROR_INSUFFICIENT_BUFFER,
              "short output buffer fails with ERROR_INSUFFICIENT_BUFFER", GetLastError());

        check(!echo(dev, in, HELLO_ECHO_MAX_BYTES + 1, out, HELLO_ECHO_MAX_BYTES + 1, &got) &&
                  GetLastError() == ERROR_INVALID_USER_BUFFER,
              "oversized input fails with ERROR_INVALID_USER_BUFFER", GetLastError());

        check(!DeviceIoControl(dev, IOCTL_HELLO_ECHO + 4, in, 4, out, 4, &got, NULL) &&
                  GetLastError() == ERROR_INVALID_FUNCTION,
              "unknown IOCTL fails with ERROR_INVALID_FUNCTION", GetLastError());

        CloseHandle(dev);
    }

    check(ControlService(svc, SERVICE_CONTROL_STOP, &st), "stop service (DriverUnload)", GetLastError());
    check(wait_for_state(svc, SERVICE_STOPPED), "service stopped", 0);

    dev = CreateFileA(HELLO_WIN32_PATH, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    check(dev == INVALID_HANDLE_VALUE && GetLastError() == ERROR_FILE_NOT_FOUND,
          "device is gone after unload", GetLastError());
    if (dev != INVALID_HANDLE_VALUE)
        CloseHandle(dev);

    check(DeleteService(svc), "delete service", GetLastError());
    CloseServiceHandle(svc);
done:
    CloseServiceHandle(scm);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
