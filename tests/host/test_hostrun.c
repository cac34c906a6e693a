/*
 * test_hostrun.c - `ndiskit host run` serving drivers/nkecho to a program
 * written against the Win32 API (the client library's <windows.h>): open,
 * IOCTLs, a blocking read completed by a write from another thread, the
 * error codes GetLastError reports, a client that dies with a read
 * pending, and a server that stops under an open handle.  The server must
 * then exit 0: nothing leaked, no verifier finding.  And nkecho served
 * while a second driver (an NDIS protocol) is loaded with it.
 *
 * Plain C: no NT headers here, exactly like a user-mode tool.
 */
#define _GNU_SOURCE 1
#include <windows.h>
#include <winioctl.h>

#include "nkecho_ioctl.h"
#include "protuser.h"
#include "nkwire.h"

#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

static char SocketPath[108];
static char ServerLog[] = "/tmp/ndiskit-test-hostrun-log-XXXXXX";
static pid_t Server;

static double Now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Occurrences of Needle in the file at Path. */
static int CountInFile(const char *Path, const char *Needle)
{
    static char text[1 << 20];
    FILE *f = fopen(Path, "r");
    size_t n;
    int count = 0;
    if (f == NULL)
        return 0;
    n = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[n] = '\0';
    for (const char *p = strstr(text, Needle); p != NULL; p = strstr(p + 1, Needle))
        count++;
    return count;
}

/* Waits (by the clock, up to 50 s: loaded machines are slow) until the file
 * at Path holds Needle at least Count times; 0 on time-out, or as soon as
 * process Pid (if not 0) has exited. */
static int WaitFor(const char *Path, const char *Needle, int Count, pid_t Pid)
{
    const struct timespec poll = {0, 1000000};
    double deadline = Now() + 50;
    while (CountInFile(Path, Needle) < Count) {
        if (Now() > deadline || (Pid != 0 && waitpid(Pid, NULL, WNOHANG) == Pid))
            return 0;
        nanosleep(&poll, NULL);
    }
    return 1;
}

static void WaitForText(const char *Path, const char *Needle, int Count)
{
    if (!WaitFor(Path, Needle, Count, 0))
        fail_msg("%s: \"%s\" not seen %d time(s) within 50 s", Path, Needle, Count);
}

/* `ndiskit host run` prints this once it listens and has its SIGTERM
 * handler: its socket file exists a moment before it accepts connections. */
#define SERVING "serving its devices on"

/* The server's stderr (with --verbose, the driver's DbgPrint lines) goes to
 * ServerLog, where tests wait for the driver to say what it did. */
static pid_t StartServer(void)
{
    int served = CountInFile(ServerLog, SERVING);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(ServerLog, O_WRONLY | O_APPEND);
        if (fd < 0 || dup2(fd, 2) < 0)
            _exit(126);
        execl(NDISKIT_TOOL, NDISKIT_TOOL, "host", "run", NKECHO_SO, "--verbose", "--socket", SocketPath,
              (char *)NULL);
        _exit(127);
    }
    if (WaitFor(ServerLog, SERVING, served + 1, pid))
        return pid;
    kill(pid, SIGKILL);
    return -1;
}

static int StopServer(pid_t pid)
{
    int status;
    kill(pid, SIGTERM);
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

static int Setup(void **state)
{
    int fd;
    (void)state;
    fd = mkstemp(ServerLog);
    if (fd < 0)
        return -1;
    close(fd);
    snprintf(SocketPath, sizeof(SocketPath), "/tmp/ndiskit-test-%d.sock", (int)getpid());
    setenv("NDISKIT_HOST_SOCKET", SocketPath, 1);
    Server = StartServer();
    return Server > 0 ? 0 : -1;
}

static HANDLE Open(void)
{
    return CreateFileW(L"\\\\.\\NkEcho", GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                       FILE_ATTRIBUTE_NORMAL, NULL);
}

static void test_open_and_errors(void **state)
{
    HANDLE h;
    (void)state;

    h = CreateFileA("\\\\.\\NoSuchDevice", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    assert_ptr_equal(h, INVALID_HANDLE_VALUE);
    assert_int_equal(GetLastError(), ERROR_FILE_NOT_FOUND);   /* STATUS_OBJECT_NAME_NOT_FOUND */
    h = CreateFileA("\\\\.\\NkEcho", GENERIC_READ, 0, NULL, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, NULL);
    assert_ptr_equal(h, INVALID_HANDLE_VALUE);
    assert_int_equal(GetLastError(), ERROR_NOT_SUPPORTED);
    /* An empty path is no path, as on Windows. */
    h = CreateFileA("", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    assert_ptr_equal(h, INVALID_HANDLE_VALUE);
    assert_int_equal(GetLastError(), ERROR_PATH_NOT_FOUND);
    h = CreateFileW(L"", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    assert_ptr_equal(h, INVALID_HANDLE_VALUE);
    assert_int_equal(GetLastError(), ERROR_PATH_NOT_FOUND);
    /* Every spelling Windows accepts for the device reaches it: the client
     * makes the NT path, the host kernel resolves \??\Global, \GLOBAL??
     * and \??\GLOBALROOT as the object manager does, case-blind. */
    {
        static const char *const opens[] = {
            "\\\\.\\\\NkEcho", "//./NkEcho", "\\\\.\\nkecho", "\\\\.\\NKECHO. ", "\\\\?\\NkEcho",
            "//?/NkEcho", "\\\\.\\Global\\NkEcho", "\\\\.\\global\\NkEcho", "\\\\?\\GLOBALROOT\\Device\\NkEcho",
            "\\\\.\\GlobalRoot\\GLOBAL??\\NkEcho", "\\\\.\\X\\..\\NkEcho", "\\\\.\\Global\\Global\\NkEcho",
        };
        static const struct {
            const char *Path;
            DWORD Error;
        } refused[] = {
            {"NkEcho", ERROR_FILE_NOT_FOUND},          /* a file: no files here */
            {"\\Device\\NkEcho", ERROR_PATH_NOT_FOUND}, /* \Device\ is an NT path, not a Win32 one */
            {"\\\\?\\\\NkEcho", ERROR_INVALID_NAME}, /* \\?\ is not normalised: an empty component */
            {"\\\\?\\Global\\\\NkEcho", ERROR_INVALID_NAME},
            {"\\\\.\\", ERROR_INVALID_NAME},                   /* \??\ itself */
            {"\\\\.\\Global\\NoSuchDevice", ERROR_FILE_NOT_FOUND},
            {"\\\\.\\GLOBALROOT\\NkEcho", ERROR_FILE_NOT_FOUND},
            {"\\\\server\\NkEcho", ERROR_BAD_NETPATH},
        };
        for (size_t i = 0; i < sizeof(opens) / sizeof(opens[0]); i++) {
            h = CreateFileA(opens[i], GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
            if (h == INVALID_HANDLE_VALUE)
                fail_msg("%s: error %u", opens[i], (unsigned)GetLastError());
            assert_true(CloseHandle(h));
        }
        for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
            h = CreateFileA(refused[i].Path, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
            assert_ptr_equal(h, INVALID_HANDLE_VALUE);
            if (GetLastError() != refused[i].Error)
                fail_msg("%s: error %u, expected %u", refused[i].Path, (unsigned)GetLastError(),
                         (unsigned)refused[i].Error);
        }
    }
    h = CreateFileA("\\\\.\\NkEcho", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    assert_ptr_not_equal(h, INVALID_HANDLE_VALUE);
    assert_true(CloseHandle(h));
    assert_false(CloseHandle(h));
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
}

static void test_ioctls(void **state)
{
    HANDLE h = Open();
    char in[300], out[300];
    DWORD n = 12345;
    OVERLAPPED ov;
    (void)state;

    assert_ptr_not_equal(h, INVALID_HANDLE_VALUE);
    for (size_t i = 0; i < sizeof(in); i++)
        in[i] = (char)(i * 7);
    assert_true(DeviceIoControl(h, IOCTL_NKECHO_ECHO, in, sizeof(in), out, sizeof(out), &n, NULL));
    assert_int_equal(n, sizeof(in));
    assert_memory_equal(in, out, sizeof(in));
    /* Large inputs travel through the handle's shared region (nkwire.h),
     * growing it as needed, then small ones through the socket again. */
    for (size_t size = 64 << 10; size <= (3u << 20); size *= 3) {
        char *big = malloc(size), *back = malloc(size);
        assert_non_null(big);
        assert_non_null(back);
        for (size_t i = 0; i < size; i++)
            big[i] = (char)(i * 13 + size);
        assert_true(DeviceIoControl(h, IOCTL_NKECHO_ECHO, big, (DWORD)size, back, (DWORD)size, &n, NULL));
        assert_int_equal(n, size);
        assert_memory_equal(big, back, size);
        free(big);
        free(back);
    }
    assert_true(DeviceIoControl(h, IOCTL_NKECHO_ECHO, in, sizeof(in), out, sizeof(out), &n, NULL));
    assert_memory_equal(in, out, sizeof(in));
    /* The driver refuses a short output buffer with STATUS_BUFFER_TOO_SMALL. */
    assert_false(DeviceIoControl(h, IOCTL_NKECHO_ECHO, in, sizeof(in), out, 10, &n, NULL));
    assert_int_equal(GetLastError(), ERROR_INSUFFICIENT_BUFFER);
    assert_int_equal(n, 0);
    /* An unknown code: STATUS_INVALID_DEVICE_REQUEST. */
    assert_false(DeviceIoControl(h, CTL_CODE(FILE_DEVICE_UNKNOWN, 0x9AB, METHOD_BUFFERED, FILE_ANY_ACCESS), in,
                                 4, out, 4, &n, NULL));
    assert_int_equal(GetLastError(), ERROR_INVALID_FUNCTION);
    memset(&ov, 0, sizeof(ov));
    assert_false(DeviceIoControl(h, IOCTL_NKECHO_ECHO, in, 4, out, 4, &n, &ov));
    assert_int_equal(GetLastError(), ERROR_NOT_SUPPORTED);
    assert_false(DeviceIoControl(h, IOCTL_NKECHO_ECHO, NULL, 4, out, 4, &n, NULL));
    assert_int_equal(GetLastError(), ERROR_NOACCESS);
    assert_true(CloseHandle(h));
}

typedef struct {
    HANDLE Handle;
    char Buffer[64];
    DWORD Bytes;
    BOOL Ok;
    DWORD Error;
} READER;

static void *Reader(void *Arg)
{
    READER *r = Arg;
    r->Ok = ReadFile(r->Handle, r->Buffer, sizeof(r->Buffer), &r->Bytes, NULL);
    r->Error = GetLastError();
    return NULL;
}

static void test_blocking_read_completed_by_write(void **state)
{
    READER r;
    pthread_t t;
    HANDLE w = Open();
    DWORD n;
    int queued;
    (void)state;

    memset(&r, 0, sizeof(r));
    r.Handle = Open();
    assert_ptr_not_equal(r.Handle, INVALID_HANDLE_VALUE);
    queued = CountInFile(ServerLog, "nkecho: read queued");
    assert_int_equal(pthread_create(&t, NULL, Reader, &r), 0);
    /* nkecho drops a write nobody is reading for: write once the read is queued. */
    WaitForText(ServerLog, "nkecho: read queued", queued + 1);
    assert_true(WriteFile(w, "frame!", 6, &n, NULL));
    assert_int_equal(n, 6);
    pthread_join(t, NULL);
    assert_true(r.Ok);
    assert_int_equal(r.Bytes, 6);
    assert_memory_equal(r.Buffer, "frame!", 6);
    CloseHandle(r.Handle);
    CloseHandle(w);
}

typedef struct {
    HANDLE Handle;
    char Out[64];
    DWORD Bytes;
    BOOL Ok;
} ECHOER;

static void *Echoer(void *Arg)
{
    ECHOER *e = Arg;
    e->Ok = DeviceIoControl(e->Handle, IOCTL_NKECHO_ECHO, "from the other thread", 21, e->Out, sizeof(e->Out),
                            &e->Bytes, NULL);
    return NULL;
}

/* Two threads on one handle: a read pending in the driver, then an IOCTL
 * from another thread.  A handle opened without FILE_FLAG_OVERLAPPED
 * serializes them (the IOCTL waits for the read), and each thread gets
 * its own reply - never the other's. */
static void test_one_handle_two_threads(void **state)
{
    HANDLE w = Open();
    (void)state;

    for (int round = 0; round < 10; round++) {
        READER r;
        ECHOER e;
        pthread_t tr, te;
        struct timespec pause = {0, 20 * 1000000L};
        DWORD n;
        int queued = CountInFile(ServerLog, "nkecho: read queued");

        memset(&r, 0, sizeof(r));
        memset(&e, 0, sizeof(e));
        r.Handle = e.Handle = Open();
        assert_ptr_not_equal(r.Handle, INVALID_HANDLE_VALUE);
        assert_int_equal(pthread_create(&tr, NULL, Reader, &r), 0);
        WaitForText(ServerLog, "nkecho: read queued", queued + 1);
        assert_int_equal(pthread_create(&te, NULL, Echoer, &e), 0);
        nanosleep(&pause, NULL); /* the IOCTL under way (or waiting its turn) */
        assert_true(WriteFile(w, "frame!", 6, &n, NULL));
        pthread_join(tr, NULL);
        pthread_join(te, NULL);
        assert_true(r.Ok);
        assert_int_equal(r.Bytes, 6);
        assert_memory_equal(r.Buffer, "frame!", 6);
        assert_true(e.Ok);
        assert_int_equal(e.Bytes, 21);
        assert_memory_equal(e.Out, "from the other thread", 21);
        CloseHandle(r.Handle);
    }
    CloseHandle(w);
}

/* CloseHandle from another thread while a read is pending on the handle:
 * the read ends (the server cancels it, its client gone) and the close
 * returns, with nothing of the handle - its descriptor, its shared region
 * - taken from under the call still running on it. */
static void test_close_with_a_read_pending_in_another_thread(void **state)
{
    READER r;
    pthread_t t;
    struct timespec deadline;
    int queued = CountInFile(ServerLog, "nkecho: read queued");
    (void)state;

    memset(&r, 0, sizeof(r));
    r.Handle = Open();
    assert_ptr_not_equal(r.Handle, INVALID_HANDLE_VALUE);
    assert_int_equal(pthread_create(&t, NULL, Reader, &r), 0);
    WaitForText(ServerLog, "nkecho: read queued", queued + 1);
    assert_true(CloseHandle(r.Handle));
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 20;
    assert_int_equal(pthread_timedjoin_np(t, NULL, &deadline), 0); /* the read came back */
    assert_false(r.Ok);
}

static void test_client_dies_with_a_read_pending(void **state)
{
    pid_t child;
    int status, queued = CountInFile(ServerLog, "nkecho: read queued");
    (void)state;

    child = fork();
    if (child == 0) {
        HANDLE h = Open();
        char b[16];
        DWORD n;
        if (h == INVALID_HANDLE_VALUE)
            _exit(1);
        ReadFile(h, b, sizeof(b), &n, NULL); /* blocks until killed */
        _exit(2);
    }
    WaitForText(ServerLog, "nkecho: read queued", queued + 1);
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
    assert_true(WIFSIGNALED(status));
    /* The server cancels the read and closes the handle; the device keeps working. */
    {
        HANDLE h = Open();
        char b[4] = "abc", o[4];
        DWORD n;
        assert_true(DeviceIoControl(h, IOCTL_NKECHO_ECHO, b, 4, o, 4, &n, NULL));
        CloseHandle(h);
    }
}

static void test_server_stops_under_an_open_handle(void **state)
{
    HANDLE idle;
    READER r;
    pthread_t t;
    char b[4];
    DWORD n;
    int queued;
    (void)state;

    memset(&r, 0, sizeof(r));
    idle = Open();                                             /* open, nothing pending */
    assert_ptr_not_equal(idle, INVALID_HANDLE_VALUE);
    r.Handle = Open();
    assert_ptr_not_equal(r.Handle, INVALID_HANDLE_VALUE);
    queued = CountInFile(ServerLog, "nkecho: read queued");
    assert_int_equal(pthread_create(&t, NULL, Reader, &r), 0);
    WaitForText(ServerLog, "nkecho: read queued", queued + 1);
    /* Stopping unloads the driver: the pending read is cancelled, and
     * nothing may leak (exit status 0). */
    assert_int_equal(StopServer(Server), 0);
    Server = 0;
    pthread_join(t, NULL);
    assert_false(r.Ok);
    assert_int_equal(r.Error, ERROR_OPERATION_ABORTED);
    assert_false(DeviceIoControl(r.Handle, IOCTL_NKECHO_ECHO, b, 4, b, 4, &n, NULL));
    assert_int_equal(GetLastError(), ERROR_DEVICE_NOT_CONNECTED);
    CloseHandle(r.Handle);
    CloseHandle(idle);
    /* No server: opening fails as with the driver not loaded. */
    assert_ptr_equal(Open(), INVALID_HANDLE_VALUE);
    assert_int_equal(GetLastError(), ERROR_FILE_NOT_FOUND);
}

/* `ndiskit host run ARGS... --socket SOCK` in the background, its stderr
 * in a log file, for the tests of what a whole run prints and how it ends:
 * RunStart returns once it serves (Ready seen in the log). */
typedef struct {
    char Log[32];
    char Sock[108];
    int LogFd;
    pid_t Pid;
} HOST_RUN;

static void RunStart(HOST_RUN *Run, const char *Ready, const char *const *Args)
{
    const char *argv[24];
    size_t k = 0;

    snprintf(Run->Log, sizeof(Run->Log), "/tmp/ndiskit-test-log-XXXXXX");
    Run->LogFd = mkstemp(Run->Log);
    assert_true(Run->LogFd >= 0);
    snprintf(Run->Sock, sizeof(Run->Sock), "/tmp/ndiskit-test-run-%d.sock", (int)getpid());
    argv[k++] = NDISKIT_TOOL;
    argv[k++] = "host";
    argv[k++] = "run";
    for (size_t i = 0; Args[i] != NULL && k + 3 < sizeof(argv) / sizeof(argv[0]); i++)
        argv[k++] = Args[i];
    argv[k++] = "--socket";
    argv[k++] = Run->Sock;
    argv[k] = NULL;
    Run->Pid = fork();
    if (Run->Pid == 0) {
        dup2(Run->LogFd, 2);
        execv(NDISKIT_TOOL, (char *const *)argv);
        _exit(127);
    }
    assert_true(WaitFor(Run->Log, Ready, 1, Run->Pid));
}

/* SIGTERM; the run must exit 0.  Its log's text into Text. */
static void RunStop(HOST_RUN *Run, char *Text, size_t Size)
{
    ssize_t n;
    int status;

    kill(Run->Pid, SIGTERM);
    assert_int_equal(waitpid(Run->Pid, &status, 0), Run->Pid);
    n = pread(Run->LogFd, Text, Size - 1, 0);
    close(Run->LogFd);
    unlink(Run->Log);
    assert_true(n > 0);
    Text[n] = '\0';
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("ndiskit host run: exit status 0x%x\n%s", (unsigned)status, Text);
}

/* A driver with a worker thread (tests/drivers/safe_sample.c, on the safe
 * layer's thread set): stopping the host joins the thread in the driver's
 * unload, with nothing leaked. */
static void test_driver_thread_joined_at_stop(void **state)
{
    static const char *const args[] = {SAFESAMPLE_SO, "--verbose", NULL};
    char text[4096];
    HOST_RUN run;
    (void)state;

    RunStart(&run, SERVING, args); /* the worker started in DriverEntry, before */
    WaitForText(run.Log, "safesample: worker running", 1);
    RunStop(&run, text, sizeof(text));
    assert_non_null(strstr(text, "safesample: worker running"));
    assert_non_null(strstr(text, "safesample: unloading: joined 1 thread(s)"));
    assert_non_null(strstr(text, "0 leak(s), 0 verifier finding(s)"));
}

/* Two drivers in one host - nkecho, a KMDF control device, and
 * protosample, an NDIS protocol bound to a loopback adapter: nkecho's
 * device answers while both are loaded, and at stop protosample (loaded
 * last) unloads first, with nothing leaked. */
static void test_two_drivers_one_host(void **state)
{
    static const char *const args[] = {NKECHO_SO, PROTOSAMPLE_SO, "--loopback", "wire0", "--verbose", NULL};
    char text[8192], in[64], out[64];
    const char *bound, *first, *second;
    HOST_RUN run;
    DWORD n = 0;
    HANDLE h;
    (void)state;

    RunStart(&run, "loaded; serving their devices on", args);
    WaitForText(run.Log, "protosample: bound to wire0", 1);
    setenv("NDISKIT_HOST_SOCKET", run.Sock, 1);
    h = Open();
    setenv("NDISKIT_HOST_SOCKET", SocketPath, 1);
    assert_ptr_not_equal(h, INVALID_HANDLE_VALUE);
    memset(in, 0x5A, sizeof(in));
    assert_true(DeviceIoControl(h, IOCTL_NKECHO_ECHO, in, sizeof(in), out, sizeof(out), &n, NULL));
    assert_int_equal(n, sizeof(in));
    assert_memory_equal(in, out, sizeof(in));
    assert_true(CloseHandle(h));
    RunStop(&run, text, sizeof(text));
    bound = strstr(text, "protosample: bound to wire0");
    first = strstr(text, "ndiskit host: unloading " PROTOSAMPLE_SO "\n");
    second = strstr(text, "ndiskit host: unloading " NKECHO_SO "\n");
    assert_non_null(bound);
    assert_non_null(first);
    assert_non_null(second);
    assert_true(bound < first && first < strstr(text, "protosample: unloaded") &&
                strstr(text, "protosample: unloaded") < second);
    assert_non_null(strstr(text, "0 leak(s), 0 verifier finding(s)"));
}

static void test_status_mapping(void **state)
{
    (void)state;
    assert_int_equal(RtlNtStatusToDosError(0), ERROR_SUCCESS);
    assert_int_equal(RtlNtStatusToDosError((LONG)0xC000000D), ERROR_INVALID_PARAMETER);
    assert_int_equal(RtlNtStatusToDosError((LONG)0xD000000D), ERROR_INVALID_PARAMETER); /* bit 28 ignored */
    assert_int_equal(RtlNtStatusToDosError((LONG)0x80000005), ERROR_MORE_DATA);
    assert_int_equal(RtlNtStatusToDosError((LONG)0xC0230001), ERROR_MR_MID_NOT_FOUND); /* an NDIS status */
    assert_int_equal(RtlNtStatusToDosError((LONG)0xE0001234), 0xE0001234);             /* customer code */
}

/* ---- the client library against a server that lies ---------------------------------- */

/* A fake server on one connection: CREATE succeeds, the next request gets
 * Reply followed by Sent bytes of 0xEE; then it waits for the client to
 * hang up.  Listen may be shut down to end it early. */
typedef struct {
    int Listen;
    NK_WIRE_REPLY Reply;
    uint32_t Sent;
} FAKE_SERVER;

static char Discard[256 << 10];

static void *FakeServe(void *Arg)
{
    FAKE_SERVER *f = Arg;
    NK_WIRE_REQUEST q;
    NK_WIRE_REPLY ok = {NK_WIRE_MAGIC, 0, 0, 0};
    int c = accept(f->Listen, NULL, NULL);

    if (c < 0)
        return NULL;
    if (NkWireRecvAll(c, &q, sizeof(q)) == 0 && q.InLength <= sizeof(Discard) &&
        NkWireRecvAll(c, Discard, q.InLength) == 0 && NkWireSendAll(c, &ok, sizeof(ok)) == 0 &&
        NkWireRecvAll(c, &q, sizeof(q)) == 0 && q.InLength <= sizeof(Discard) &&
        NkWireRecvAll(c, Discard, q.InLength) == 0 && NkWireSendAll(c, &f->Reply, sizeof(f->Reply)) == 0) {
        memset(Discard, 0xEE, f->Sent);
        NkWireSendAll(c, Discard, f->Sent);
        while (recv(c, Discard, sizeof(Discard), 0) > 0)
            ;
    }
    close(c);
    return NULL;
}

/* A listening socket at Path (replacing whatever is there), or -1. */
static int ListenAt(const char *Path, BOOL Listen)
{
    struct sockaddr_un a;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    memset(&a, 0, sizeof(a));
    a.sun_family = AF_UNIX;
    snprintf(a.sun_path, sizeof(a.sun_path), "%s", Path);
    unlink(Path);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 || (Listen && listen(fd, 4) != 0)) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* Every reply field the library would pass on is checked against what was
 * asked: a larger count is a protocol error (ERROR_INVALID_DATA), nothing
 * is written to the caller's buffer, and the handle is dead after it. */
static void test_client_trusts_no_reply_field(void **state)
{
    static const struct {
        uint32_t Op, Length;          /* the call and its buffer size */
        int32_t Status;
        uint32_t Information, DataLength, Sent;
    } cases[] = {
        {NK_WIRE_READ, 16, 0, 65536, 16, 16},       /* more read than the buffer holds */
        {NK_WIRE_READ, 16, 0, 16, 65536, 65536},    /* more data than the buffer holds */
        {NK_WIRE_READ, 16, 0, 8, 16, 16},           /* data and count disagree */
        {NK_WIRE_IOCTL, 16, (int32_t)0xC0000001u, 4, 4, 4}, /* data with an error */
        {NK_WIRE_IOCTL, 16, 0, 17, 17, 17},
        {NK_WIRE_WRITE, 10, 0, 1000, 0, 0},         /* more written than given */
        {NK_WIRE_WRITE, 10, 0, 10, 4, 4},           /* data for a write */
    };
    char path[108], saved[108];
    (void)state;

    snprintf(saved, sizeof(saved), "%s", getenv("NDISKIT_HOST_SOCKET"));
    snprintf(path, sizeof(path), "/tmp/ndiskit-test-fake-%d.sock", (int)getpid());
    setenv("NDISKIT_HOST_SOCKET", path, 1);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        FAKE_SERVER f;
        pthread_t t;
        unsigned char buffer[64];
        DWORD n = 12345;
        BOOL ok;
        HANDLE h;

        f.Listen = ListenAt(path, TRUE);
        assert_true(f.Listen >= 0);
        f.Reply = (NK_WIRE_REPLY){NK_WIRE_MAGIC, cases[i].Status, cases[i].Information, cases[i].DataLength};
        f.Sent = cases[i].Sent;
        assert_int_equal(pthread_create(&t, NULL, FakeServe, &f), 0);
        h = CreateFileA("\\\\.\\Fake", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
        assert_ptr_not_equal(h, INVALID_HANDLE_VALUE);
        memset(buffer, 0x11, sizeof(buffer));
        if (cases[i].Op == NK_WIRE_READ)
            ok = ReadFile(h, buffer, cases[i].Length, &n, NULL);
        else if (cases[i].Op == NK_WIRE_WRITE)
            ok = WriteFile(h, buffer, cases[i].Length, &n, NULL);
        else
            ok = DeviceIoControl(h, IOCTL_NKECHO_ECHO, buffer, 4, buffer, cases[i].Length, &n, NULL);
        print_message("case %zu\n", i);
        assert_false(ok);
        assert_int_equal(GetLastError(), ERROR_INVALID_DATA);
        assert_int_equal(n, 0);
        for (size_t b = 0; b < sizeof(buffer); b++)
            assert_int_equal(buffer[b], 0x11);
        /* Nothing after a broken reply can be trusted: the handle is dead. */
        assert_false(ReadFile(h, buffer, 16, &n, NULL));
        assert_int_equal(GetLastError(), ERROR_DEVICE_NOT_CONNECTED);
        assert_true(CloseHandle(h));
        pthread_join(t, NULL);
        close(f.Listen);
    }
    unlink(path);
    setenv("NDISKIT_HOST_SOCKET", saved, 1);
}

/* A socket another user put at the path, or one whose listener is another
 * user's, is refused before any request goes out (root only: it takes
 * making things another user's). */
static void test_client_refuses_another_users_server(void **state)
{
    char path[108], saved[108];
    FAKE_SERVER f;
    pthread_t t;
    HANDLE h;
    int ready[2], fd;
    char c;
    pid_t child;
    (void)state;

    if (geteuid() != 0) {
        print_message("skipped: needs root\n");
        return;
    }
    snprintf(saved, sizeof(saved), "%s", getenv("NDISKIT_HOST_SOCKET"));
    snprintf(path, sizeof(path), "/tmp/ndiskit-test-squat-%d.sock", (int)getpid());
    setenv("NDISKIT_HOST_SOCKET", path, 1);

    /* The socket file is someone else's. */
    memset(&f, 0, sizeof(f));
    f.Listen = ListenAt(path, TRUE);
    assert_true(f.Listen >= 0);
    assert_int_equal(chown(path, 65534, 65534), 0);
    assert_int_equal(pthread_create(&t, NULL, FakeServe, &f), 0);
    h = CreateFileA("\\\\.\\NkEcho", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    assert_ptr_equal(h, INVALID_HANDLE_VALUE);
    assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
    shutdown(f.Listen, SHUT_RDWR); /* ends the fake server's accept */
    pthread_join(t, NULL);
    close(f.Listen);

    /* The file is ours, the process listening on it is not. */
    fd = ListenAt(path, FALSE);
    assert_true(fd >= 0);
    assert_int_equal(pipe(ready), 0);
    child = fork();
    if (child == 0) {
        FAKE_SERVER g;
        memset(&g, 0, sizeof(g));
        g.Listen = fd;
        if (setgid(65534) != 0 || setuid(65534) != 0 || listen(fd, 4) != 0 || write(ready[1], "r", 1) != 1)
            _exit(1);
        FakeServe(&g);
        _exit(0);
    }
    close(fd);
    assert_int_equal(read(ready[0], &c, 1), 1);
    h = CreateFileA("\\\\.\\NkEcho", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    assert_ptr_equal(h, INVALID_HANDLE_VALUE);
    assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    close(ready[0]);
    close(ready[1]);
    unlink(path);
    setenv("NDISKIT_HOST_SOCKET", saved, 1);
}

static int Teardown(void **state)
{
    (void)state;
    if (Server > 0)
        assert_int_equal(StopServer(Server), 0);
    unlink(SocketPath);
    {
        /* The server's log, for a failure's diagnosis (ctest shows it only then). */
        FILE *f = fopen(ServerLog, "r");
        char line[512];
        while (f != NULL && fgets(line, sizeof(line), f) != NULL)
            fprintf(stderr, "server: %s", line);
        if (f != NULL)
            fclose(f);
    }
    unlink(ServerLog);
    return 0;
}

/* Two KMDF drivers in one run (nkecho and ndisprot, each with its own
 * framework driver): both devices answer, and both unload clean. */
static void test_two_kmdf_drivers(void **state)
{
    static const char *const args[] = {NKECHO_SO, NDISPROT_SO, "--loopback", "lo0", NULL};
    char text[8192], in[16] = "both drivers", out[16];
    HOST_RUN run;
    HANDLE echo, prot;
    DWORD n = 0;
    (void)state;

    RunStart(&run, "serving their devices on", args);
    setenv("NDISKIT_HOST_SOCKET", run.Sock, 1);
    echo = CreateFileW(L"\\\\.\\NkEcho", GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                       FILE_ATTRIBUTE_NORMAL, NULL);
    prot = CreateFileW(L"\\\\.\\NdisProt", GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                       FILE_ATTRIBUTE_NORMAL, NULL);
    setenv("NDISKIT_HOST_SOCKET", SocketPath, 1);
    assert_ptr_not_equal(echo, INVALID_HANDLE_VALUE);
    assert_ptr_not_equal(prot, INVALID_HANDLE_VALUE);
    assert_true(DeviceIoControl(echo, IOCTL_NKECHO_ECHO, in, sizeof(in), out, sizeof(out), &n, NULL));
    assert_int_equal(n, sizeof(in));
    assert_memory_equal(in, out, sizeof(in));
    assert_true(DeviceIoControl(prot, IOCTL_NDISPROT_BIND_WAIT, NULL, 0, NULL, 0, &n, NULL));
    CloseHandle(echo);
    CloseHandle(prot);
    RunStop(&run, text, sizeof(text));
    assert_non_null(strstr(text, "0 leak(s), 0 verifier finding(s)"));
}

/* A miniport driver (tests/drivers/mini_sample.c) with --miniport: an
 * instance is started after the entry point, as PnP starts a device, and
 * halted before the driver unloads through NDIS's unload. */
static void test_miniport_instance_started_and_halted(void **state)
{
    static const char *const args[] = {MINISAMPLE_SO, "--verbose", "--miniport", "minisample:{NK-MINI-1}", NULL};
    char text[4096];
    HOST_RUN run;
    (void)state;

    RunStart(&run, SERVING, args); /* started before serving */
    RunStop(&run, text, sizeof(text));
    assert_non_null(strstr(text, "minisample: initialized"));
    assert_non_null(strstr(text, "minisample: halted after 0 send(s)"));
    assert_non_null(strstr(text, "minisample: unloaded"));
    assert_true(strstr(text, "minisample: halted") < strstr(text, "minisample: unloaded"));
    assert_non_null(strstr(text, "0 leak(s), 0 verifier finding(s)"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_mapping),
        cmocka_unit_test(test_client_trusts_no_reply_field),
        cmocka_unit_test(test_client_refuses_another_users_server),
        cmocka_unit_test(test_open_and_errors),
        cmocka_unit_test(test_ioctls),
        cmocka_unit_test(test_blocking_read_completed_by_write),
        cmocka_unit_test(test_one_handle_two_threads),
        cmocka_unit_test(test_close_with_a_read_pending_in_another_thread),
        cmocka_unit_test(test_client_dies_with_a_read_pending),
        cmocka_unit_test(test_server_stops_under_an_open_handle),
        cmocka_unit_test(test_driver_thread_joined_at_stop),
        cmocka_unit_test(test_two_drivers_one_host),
        cmocka_unit_test(test_two_kmdf_drivers),
        cmocka_unit_test(test_miniport_instance_started_and_halted),
    };
    return cmocka_run_group_tests(tests, Setup, Teardown);
}
