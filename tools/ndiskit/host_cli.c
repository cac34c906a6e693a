/*
 * host_cli.c - `ndiskit host run DRIVER.so... [options]`: load drivers built
 * for the host kernel, in order, after storing the registry values of a
 * --config file (host_config.c); run their entry points, and serve their
 * devices to user-mode programs over a Unix socket (host/client/nkwire.h),
 * until SIGINT/SIGTERM; then unload them in the reverse order and report
 * leaks and verifier findings.
 *
 * This file is compiled with the NT headers (it drives the host kernel
 * through <nkhost.h>); the rest of the tool is plain C11.
 */
#define _GNU_SOURCE 1
#include <ntddk.h>
#include <nkhost.h>

#include "host_cli.h"
#include "host_config.h"
#include "nkwire.h"
#include "util.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#define MAX_ADAPTERS 16
/* How long, at stop, clients get to take their last replies before their
 * connections are shut down under them. */
#define STOP_GRACE_SECONDS 3

typedef NTSTATUS NTAPI ENTRY_FN(PDRIVER_OBJECT, PUNICODE_STRING);

typedef struct {
    const char *Name;
    BOOLEAN Loopback;       /* in-memory, sends come back as receives */
    NK_HOST_ADAPTER *Adapter;
} ADAPTER_ARG;

static volatile sig_atomic_t Stopping;
static int WakePipe[2] = {-1, -1};
static pthread_mutex_t ConnLock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ConnCond = PTHREAD_COND_INITIALIZER;
static int Connections;
static int ConnFds[1024];      /* open connections, to wake them at stop */
static BOOLEAN Verbose;

/* What requests' buffers may hold at once, server-wide.  A request costs
 * its client a header, but the server its input, its output and the
 * request's system buffer (filled at once): 192 MiB at most, held for as
 * long as the driver keeps the request pending.  A per-connection cap
 * would not bound that (connections are free), so large requests share
 * one budget and are refused beyond it, as Windows fails an I/O it cannot
 * get pool for; small ones never wait on large ones. */
#define BUDGET_SMALL (1ull << 20)        /* requests holding at most this are not counted */
#define BUDGET_LARGE (256ull << 20)      /* what the counted ones may hold together */
static pthread_mutex_t BudgetLock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t BudgetHeld;

/* Reserves Bytes of the budget: TRUE, or FALSE when they do not fit. */
static BOOLEAN BudgetTake(uint64_t Bytes)
{
    BOOLEAN ok = TRUE;
    if (Bytes <= BUDGET_SMALL)
        return TRUE;
    pthread_mutex_lock(&BudgetLock);
    if (Bytes > BUDGET_LARGE - BudgetHeld)
        ok = FALSE;
    else
        BudgetHeld += Bytes;
    pthread_mutex_unlock(&BudgetLock);
    return ok;
}

static void BudgetGive(uint64_t Bytes)
{
    if (Bytes <= BUDGET_SMALL)
        return;
    pthread_mutex_lock(&BudgetLock);
    BudgetHeld -= Bytes;
    pthread_mutex_unlock(&BudgetLock);
}

/* Reads and drops Length bytes of a refused request's input: 0, or -1
 * when the client left. */
static int Discard(int fd, uint32_t Length)
{
    char sink[16384];
    while (Length != 0) {
        uint32_t k = Length < sizeof(sink) ? Length : (uint32_t)sizeof(sink);
        if (NkWireRecvAll(fd, sink, k) != 0)
            return -1;
        Length -= k;
    }
    return 0;
}

/* ---- one connection = one handle ------------------------------------------------- */

static int Reply(int fd, NTSTATUS Status, ULONG Information, const void *Data, ULONG DataLength)
{
    NK_WIRE_REPLY r = {NK_WIRE_MAGIC, Status, Information, DataLength};
    if (NkWireSendAll(fd, &r, sizeof(r)) != 0)
        return -1;
    return DataLength != 0 ? NkWireSendAll(fd, Data, DataLength) : 0;
}

/* Waits for Io, cancelling it if the client goes away (its process died
 * or closed the handle from another thread; *Gone is set) or the server is
 * stopping (the client still gets the cancelled status). */
static NTSTATUS Wait(int fd, NK_HOST_IO *Io, ULONG *Bytes, BOOLEAN *Gone)
{
    for (;;) {
        NTSTATUS s = NkHostWaitIo(Io, 50, Bytes);
        struct pollfd p = {fd, POLLRDHUP, 0};
        if (s != STATUS_TIMEOUT)
            return s;
        if (!Stopping && poll(&p, 1, 0) == 1 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR)))
            *Gone = TRUE; /* nobody to answer */
        if (*Gone || Stopping) {
            NkHostCancelIo(Io);
            return NkHostWaitIo(Io, MAXULONG, Bytes);
        }
    }
}

/* Room for more descriptors than a request carries (one, with
 * NK_WIRE_SHARE): the kernel installs as many as fit in the control buffer
 * and drops the rest, so with room for a few the excess is seen - and
 * closed - rather than leaked into the server a message at a time. */
#define MAX_PASSED 8

/* statfs's f_type of tmpfs/shmem, where memfd_create puts its files
 * (without MFD_HUGETLB): <linux/magic.h>'s TMPFS_MAGIC. */
#define SHMEM_MAGIC 0x01021994

/* A request header, and the descriptor passed with it (NK_WIRE_SHARE), if
 * any: recvmsg, so SCM_RIGHTS is not lost.  Exactly one descriptor is
 * kept (*Passed); any other arrangement - several, or a control message
 * the kernel had to truncate - closes them all and sets *Passed to -2.
 * 0, or -1 when the client left. */
static int RecvRequest(int fd, NK_WIRE_REQUEST *q, int *Passed)
{
    union {
        char Buffer[CMSG_SPACE(MAX_PASSED * sizeof(int))];
        struct cmsghdr Align;
    } control;
    struct iovec v = {q, sizeof(*q)};
    struct msghdr m;
    int fds[MAX_PASSED + 1], nfds = 0;
    BOOLEAN excess = FALSE;
    ssize_t k;

    *Passed = -1;
    memset(&m, 0, sizeof(m));
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    m.msg_control = control.Buffer;
    m.msg_controllen = sizeof(control.Buffer);
    do
        k = recvmsg(fd, &m, MSG_CMSG_CLOEXEC);
    while (k < 0 && errno == EINTR);
    if (k < 0)
        return -1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c != NULL; c = CMSG_NXTHDR(&m, c)) {
        size_t n;
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS || c->cmsg_len < CMSG_LEN(0))
            continue;
        n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < n; i++) {
            int d;
            memcpy(&d, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
            if (nfds < (int)(sizeof(fds) / sizeof(fds[0])))
                fds[nfds++] = d;
            else
                close(d); /* cannot happen with the buffer's size; never leak one */
        }
    }
    if (nfds > 1 || (m.msg_flags & MSG_CTRUNC) != 0)
        excess = TRUE;
    if (nfds == 1 && !excess)
        *Passed = fds[0];
    else
        for (int i = 0; i < nfds; i++)
            close(fds[i]);
    if (excess)
        *Passed = -2;
    if (k == 0)
        return -1;
    /* The rest of the header, if it came in pieces. */
    return (size_t)k == sizeof(*q) ? 0 : NkWireRecvAll(fd, (char *)q + k, sizeof(*q) - (size_t)k);
}

/* Maps the shared input region a client passed (NK_WIRE_SHARE) into *Base
 * and *Size, replacing the old one; closes Fd.  The region must be sealed
 * against shrinking and growing and be the announced size: a mapping past
 * the end of a file - one announced larger than it is, or truncated later
 * - is SIGBUS for the whole server at the first read.  So is a region on
 * hugetlbfs (memfd_create with MFD_HUGETLB): a hole punched in it gives
 * its huge pages back, and a read with none left to fault in is SIGBUS
 * too; the seals do not stop that, so only shmem is taken.  A refused
 * region fails this request only. */
static NTSTATUS MapShared(int Conn, int Fd, uint32_t Length, PUCHAR *Base, size_t *Size)
{
    const int seals = F_SEAL_SHRINK | F_SEAL_GROW;
    const char *why = NULL;
    struct statfs fs;
    struct stat st;
    PUCHAR map;
    int have;

    if (Fd == -2)
        why = "more than one descriptor passed, or some the server could not take";
    else if (Fd < 0)
        why = "no descriptor passed";
    else if (Length == 0 || Length > NK_WIRE_MAX_BUFFER)
        why = "bad size";
    else if ((have = fcntl(Fd, F_GET_SEALS)) < 0 || (have & seals) != seals)
        why = "not a memfd sealed with F_SEAL_SHRINK|F_SEAL_GROW";
    else if (fstat(Fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size != (off_t)Length)
        why = "its size is not the size announced";
    else if (fstatfs(Fd, &fs) != 0 || fs.f_type != SHMEM_MAGIC)
        why = "not on shmem (a memfd without MFD_HUGETLB)";
    if (why != NULL) {
        fprintf(stderr, "ndiskit host: connection %d: shared input region refused: %s\n", Conn, why);
        if (Fd >= 0)
            close(Fd);
        return STATUS_INVALID_PARAMETER;
    }
    map = mmap(NULL, Length, PROT_READ, MAP_SHARED, Fd, 0);
    close(Fd);
    if (map == MAP_FAILED)
        return STATUS_INSUFFICIENT_RESOURCES;
    if (*Base != NULL)
        munmap(*Base, *Size);
    *Base = map;
    *Size = Length;
    return STATUS_SUCCESS;
}

static void *Serve(void *Arg)
{
    int fd = (int)(intptr_t)Arg;
    HANDLE handle = NULL;
    BOOLEAN gone = FALSE;
    PUCHAR shared = NULL; /* the client's shared input region (NK_WIRE_SHARE) */
    size_t sharedSize = 0;

    while (!gone) {
        NK_WIRE_REQUEST q;
        PUCHAR in = NULL, out = NULL;
        BOOLEAN inShared = FALSE;
        NK_HOST_IO *io = NULL;
        NTSTATUS status;
        ULONG bytes = 0;
        uint64_t charge;
        int passed;

        if (RecvRequest(fd, &q, &passed) != 0)
            break; /* closed: CloseHandle */
        if (q.Op == NK_WIRE_SHARE && q.Magic == NK_WIRE_MAGIC && q.InLength == 0 && q.Flags == 0 &&
            handle != NULL) {
            if (Reply(fd, MapShared(fd, passed, q.OutLength, &shared, &sharedSize), 0, NULL, 0) != 0)
                break;
            continue;
        }
        if (passed >= 0)
            close(passed);
        if (q.Magic != NK_WIRE_MAGIC || q.InLength > NK_WIRE_MAX_BUFFER || q.OutLength > NK_WIRE_MAX_BUFFER ||
            (q.Op == NK_WIRE_CREATE) != (handle == NULL) || (q.Flags & ~NK_WIRE_IN_SHARED) != 0 ||
            ((q.Flags & NK_WIRE_IN_SHARED) && (q.InLength > sharedSize || q.Op == NK_WIRE_CREATE))) {
            fprintf(stderr, "ndiskit host: malformed request on connection %d; closing it\n", fd);
            break;
        }
        /* Input from the socket, output, and the system buffer (the larger of the two). */
        charge = ((q.Flags & NK_WIRE_IN_SHARED) ? 0 : (uint64_t)q.InLength) + q.OutLength +
                 (q.InLength > q.OutLength ? q.InLength : q.OutLength);
        if (!BudgetTake(charge)) {
            if ((!(q.Flags & NK_WIRE_IN_SHARED) && Discard(fd, q.InLength) != 0) ||
                Reply(fd, STATUS_INSUFFICIENT_RESOURCES, 0, NULL, 0) != 0)
                break;
            continue;
        }
        if (q.Flags & NK_WIRE_IN_SHARED) {
            in = shared; /* copied into the request's system buffer, as from the socket */
            inShared = TRUE;
        } else if (q.InLength != 0) {
            in = malloc(q.InLength);
            if (in == NULL || NkWireRecvAll(fd, in, q.InLength) != 0) {
                free(in);
                BudgetGive(charge);
                break;
            }
        }
        if (q.OutLength != 0 && (out = malloc(q.OutLength)) == NULL) {
            if (!inShared)
                free(in);
            BudgetGive(charge);
            Reply(fd, STATUS_INSUFFICIENT_RESOURCES, 0, NULL, 0);
            continue;
        }
        switch (q.Op) {
        case NK_WIRE_CREATE: {
            WCHAR name[1024];
            ULONG units = q.InLength / 2;
            /* An empty name names nothing (and there are no bytes to copy). */
            if (units == 0 || q.InLength % 2 != 0 || units >= sizeof(name) / sizeof(name[0])) {
                status = STATUS_OBJECT_NAME_INVALID;
                break;
            }
            memcpy(name, in, q.InLength);
            name[units] = 0;
            status = NkHostCreateFile(name, &handle);
            if (!NT_SUCCESS(status))
                handle = NULL;
            break;
        }
        case NK_WIRE_IOCTL:
            status = NkHostDeviceIoControlAsync(handle, q.Code, in, q.InLength, out, q.OutLength, &io);
            break;
        case NK_WIRE_READ:
            status = NkHostReadFileAsync(handle, out, q.OutLength, &io);
            break;
        case NK_WIRE_WRITE:
            status = NkHostWriteFileAsync(handle, in, q.InLength, &io);
            break;
        default:
            status = STATUS_INVALID_DEVICE_REQUEST;
            break;
        }
        if (status == STATUS_PENDING && io != NULL)
            status = Wait(fd, io, &bytes, &gone);
        if (!gone) {
            /* Output bytes go back for success and warnings (STATUS_BUFFER_OVERFLOW), as the I/O manager copies them. */
            ULONG data = q.Op != NK_WIRE_WRITE && !NT_ERROR(status) ? bytes : 0;
            if (Reply(fd, status, bytes, out, data) != 0)
                gone = TRUE;
        }
        if (!inShared)
            free(in);
        free(out);
        BudgetGive(charge);
        if ((q.Op == NK_WIRE_CREATE && handle == NULL) || Stopping)
            break;
    }
    if (handle != NULL)
        NkHostCloseHandle(handle); /* cleanup, cancel what is left, close */
    if (shared != NULL)
        munmap(shared, sharedSize);
    pthread_mutex_lock(&ConnLock);
    for (int i = 0; i < Connections; i++)
        if (ConnFds[i] == fd)
            ConnFds[i] = ConnFds[Connections - 1];
    close(fd);
    Connections--;
    pthread_cond_broadcast(&ConnCond);
    pthread_mutex_unlock(&ConnLock);
    return NULL;
}

/* ---- run ------------------------------------------------------------------------------- */

static void OnSignal(int Sig)
{
    (void)Sig;
    Stopping = 1;
    if (WakePipe[1] >= 0) {
        ssize_t r = write(WakePipe[1], "x", 1);
        (void)r;
    }
}

static int Listen(const char *Path)
{
    struct sockaddr_un a;
    int fd;

    memset(&a, 0, sizeof(a));
    a.sun_family = AF_UNIX;
    if (strlen(Path) >= sizeof(a.sun_path)) {
        fprintf(stderr, "ndiskit host: socket path too long: %s\n", Path);
        return -1;
    }
    strcpy(a.sun_path, Path);
    /* Never bind where another user could have put the socket first, or
     * swap it: the path must be ours (nkwire.h).  Nor remove a file that
     * is not a socket: --socket may name one by mistake. */
    int e = NkWireCheckPath(Path);
    switch (e) {
    case 0:
    case ENOENT:
        break;
    case ENOTSOCK:
        fprintf(stderr, "ndiskit host: %s exists and is not a socket; not replacing it\n", Path);
        return -1;
    case EPERM:
        fprintf(stderr, "ndiskit host: refusing %s: it, or its directory, belongs to another user or is open "
                        "to others (use a directory of your own: --socket or $" NK_WIRE_SOCKET_ENV ")\n", Path);
        return -1;
    default:
        fprintf(stderr, "ndiskit host: cannot use %s: %s\n", Path, strerror(e));
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    /* A socket file nobody listens on is left from a server that died: reuse its path. */
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0) {
        fprintf(stderr, "ndiskit host: another host kernel is serving %s\n", Path);
        close(fd);
        return -1;
    }
    close(fd);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    /* Bound under a temporary name and renamed into place once listening:
     * whoever sees the path may connect at once (between bind and listen a
     * connect is refused).  A path too long for the suffix is bound as is. */
    BOOLEAN staged = snprintf(a.sun_path, sizeof(a.sun_path), "%s.%d", Path, (int)getpid()) < (int)sizeof(a.sun_path);
    if (!staged)
        strcpy(a.sun_path, Path);
    unlink(a.sun_path);
    /* Only this user may open the driver's devices (the SDDL's job on Windows). */
    mode_t old = umask(0077);
    int rc = bind(fd, (struct sockaddr *)&a, sizeof(a));
    umask(old);
    if (rc != 0 || listen(fd, 64) != 0 || (staged && rename(a.sun_path, Path) != 0)) {
        fprintf(stderr, "ndiskit host: cannot listen on %s: %s\n", Path, strerror(errno));
        if (rc == 0)
            unlink(a.sun_path);
        close(fd);
        return -1;
    }
    return fd;
}

static NTSTATUS AddAdapter(ADAPTER_ARG *a, ULONG Index)
{
    if (!a->Loopback)
        return NkHostAddPacketAdapter(a->Name, &a->Adapter);
    {
        WCHAR name[64];
        UCHAR mac[6] = {0x02, 0x4E, 0x4B, 0x00, 0x00, (UCHAR)(Index + 1)}; /* locally administered */
        size_t i;
        /* Named as given, in full (host_config_adapter_key names its key so). */
        if (strlen(a->Name) >= RTL_NUMBER_OF(name))
            return STATUS_NAME_TOO_LONG;
        for (i = 0; a->Name[i] != '\0'; i++)
            name[i] = (unsigned char)a->Name[i];
        name[i] = 0;
        return NkHostAddAdapter(name, mac, 1500, &a->Adapter);
    }
}

/* ---- loading the driver ------------------------------------------------------------- */

/* What dlopen's error means for Driver, in terms of who lacks what. */
static void ExplainLoadError(const char *Driver, const char *Why)
{
    static const char undefinedText[] = ": undefined symbol: ";
    static const char noLibraryText[] = ": cannot open shared object file";
    const char *u = strstr(Why, undefinedText), *l = strstr(Why, noLibraryText);
    const char *base = strrchr(Driver, '/');

    base = base != NULL ? base + 1 : Driver;
    fprintf(stderr, "ndiskit host: cannot load %s: %s\n", Driver, Why);
    if (u != NULL) {
        const char *sym = u + sizeof(undefinedText) - 1;
        int modLength = (int)(u - Why), symLength = (int)strcspn(sym, ", \n");
        const char *modBase = memrchr(Why, '/', (size_t)modLength);
        int own;

        modBase = modBase != NULL ? modBase + 1 : Why;
        own = (int)(u - modBase) == (int)strlen(base) && strncmp(modBase, base, strlen(base)) == 0;
        /* The driver's own imports were listed by module before this
         * (ReportMissingImports); what is left is a library it needs. */
        if (!own)
            fprintf(stderr, "ndiskit host: %.*s, a library %s needs, uses %.*s, which nothing loaded defines\n",
                    modLength, Why, Driver, symLength, sym);
    } else if (l != NULL) {
        fprintf(stderr, "ndiskit host: the driver needs the library %.*s, which the dynamic linker does not find "
                        "(ldd %s)\n", (int)(l - Why), Why, Driver);
    }
}

typedef struct {
    const char *Module; /* of the last line printed */
} MISSING_LIST;

static VOID PrintMissingImport(const char *Module, const char *Name, PVOID Context)
{
    MISSING_LIST *list = Context;
    if (list->Module == NULL || strcmp(list->Module, Module) != 0) {
        if (strcmp(Module, "(unknown)") == 0)
            fprintf(stderr, "  exported by no kernel module (the driver's own code, or a library missing from "
                            "its build):\n");
        else
            fprintf(stderr, "  %s (the host kernel does not implement these yet):\n", Module);
        list->Module = Module;
    }
    fprintf(stderr, "    %s\n", Name);
}

/* Lists, by module, every function Driver imports that nothing here
 * defines; TRUE if there was any.  The complete list, not the first
 * name dlopen trips over: a driver engineer porting a driver wants to
 * see the whole gap at once. */
static BOOLEAN ReportMissingImports(const char *Driver)
{
    MISSING_LIST list = {NULL};
    ULONG count = 0;

    if (NkHostListMissingImports(Driver, NULL, NULL, &count) != STATUS_PROCEDURE_NOT_FOUND)
        return FALSE;
    fprintf(stderr, "ndiskit host: cannot load %s: it imports %lu function(s) nothing here defines:\n", Driver,
            (unsigned long)count);
    NkHostListMissingImports(Driver, PrintMissingImport, &list, NULL);
    return TRUE;
}

/* ---- DDI coverage (--verbose) --------------------------------------------------------- */

typedef struct {
    ULONG Called, CalledMissing, Implemented, Total;
    BOOLEAN Listing, Missing; /* the pass: list what was called (of one kind), or count */
} COVERAGE;

static VOID CoverageRow(const NK_HOST_DDI_COVERAGE *Ddi, PVOID Context)
{
    COVERAGE *c = Context;
    if (!c->Listing) {
        c->Total++;
        c->Implemented += Ddi->Implemented;
        c->Called += Ddi->Calls != 0;
        c->CalledMissing += Ddi->Calls != 0 && !Ddi->Implemented;
    } else if (Ddi->Calls != 0 && Ddi->Implemented != c->Missing) {
        fprintf(stderr, "    %-44s %-18s %llu\n", Ddi->Name, Ddi->Area, (unsigned long long)Ddi->Calls);
    }
}

/* Which KMDF DDIs the drivers called (Who: "the driver" or "the
 * drivers"), how often, and which of those the host kernel lacks: what a
 * driver engineer reads to see how much of the framework a run exercised,
 * and where the host is the gap. */
static void PrintCoverage(const char *Who)
{
    COVERAGE c = {0};
    NkHostDdiCoverage(CoverageRow, &c);
    fprintf(stderr, "ndiskit host: %s called %lu KMDF DDI(s) (the host implements %lu of %lu slots)\n", Who,
            (unsigned long)c.Called, (unsigned long)c.Implemented, (unsigned long)c.Total);
    c.Listing = TRUE;
    NkHostDdiCoverage(CoverageRow, &c);
    if (c.CalledMissing != 0) {
        fprintf(stderr, "ndiskit host: %lu of them the host kernel does not implement (each a wdf.unimplemented "
                        "finding):\n", (unsigned long)c.CalledMissing);
        c.Missing = TRUE;
        NkHostDdiCoverage(CoverageRow, &c);
    }
}

/* Loads Driver, saying precisely what is wrong when it cannot be. */
static void *LoadDriver(const char *Driver)
{
    char path[4096];
    unsigned char h[20];
    struct stat st;
    ssize_t n;
    void *so;
    int fd;

    /* A name without a slash is a file here, as for any command: dlopen
     * would search the library path for it instead. */
    if (snprintf(path, sizeof(path), "%s%s", strchr(Driver, '/') == NULL ? "./" : "", Driver) >=
        (int)sizeof(path)) {
        fprintf(stderr, "ndiskit host: path too long: %s\n", Driver);
        return NULL;
    }
    if (stat(path, &st) != 0) {
        fprintf(stderr, "ndiskit host: cannot load %s: %s\n", Driver, strerror(errno));
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        fprintf(stderr, "ndiskit host: cannot load %s: it is a directory, not a driver's .so\n", Driver);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        fprintf(stderr, "ndiskit host: cannot load %s: not a regular file\n", Driver);
        return NULL;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "ndiskit host: cannot load %s: %s\n", Driver, strerror(errno));
        return NULL;
    }
    n = pread(fd, h, sizeof(h), 0);
    close(fd);
    if (n < 0) {
        fprintf(stderr, "ndiskit host: cannot load %s: %s\n", Driver, strerror(errno));
        return NULL;
    }
    if (n == 0) {
        fprintf(stderr, "ndiskit host: cannot load %s: the file is empty\n", Driver);
        return NULL;
    }
    if (n < 4 || memcmp(h, "\x7f" "ELF", 4) != 0) {
        BOOLEAN text = TRUE;
        for (ssize_t i = 0; i < n; i++)
            if ((h[i] < 0x20 || h[i] >= 0x7F) && h[i] != '\n' && h[i] != '\r' && h[i] != '\t')
                text = FALSE;
        fprintf(stderr, "ndiskit host: cannot load %s: not an ELF shared object%s\n", Driver,
                n >= 2 && h[0] == 'M' && h[1] == 'Z'
                    ? " but a Windows image (the host kernel runs the host build, build/bin/drivers/NAME.so)"
                : text ? " but a text file"
                       : "");
        return NULL;
    }
    /* e_type (ET_DYN = 3) at offset 16, little-endian as on this host. */
    if (n == (ssize_t)sizeof(h) && (h[16] | h[17] << 8) != 3) {
        fprintf(stderr, "ndiskit host: cannot load %s: an ELF file but not a shared object (a driver's host "
                        "build is a MODULE library: ndiskit_add_driver)\n", Driver);
        return NULL;
    }
    /* Lazy binding, so one missing function does not hide the others: the
     * whole list is checked below, before any of the driver's code runs.
     * A missing library (or data symbol) still fails here. */
    so = dlopen(path, RTLD_LAZY | RTLD_LOCAL);
    if (so == NULL) {
        char why[1024];
        snprintf(why, sizeof(why), "%s", dlerror());
        if (strstr(why, ": undefined symbol: ") == NULL || !ReportMissingImports(path))
            ExplainLoadError(path, why);
        return NULL;
    }
    if (ReportMissingImports(path)) {
        dlclose(so);
        return NULL;
    }
    return so;
}

void host_usage(FILE *out)
{
    fputs("usage: ndiskit host run DRIVER.so... [--adapter IFNAME]... [--loopback NAME]...\n"
          "                        [--miniport [SERVICE:]NAME]... [--config FILE]\n"
          "                        [--socket PATH] [--fatal] [--verbose]\n"
          "  Loads each DRIVER.so in the order given (built for the host kernel:\n"
          "  ndiskit_add_driver in the host build puts it in build/bin/drivers/), runs\n"
          "  their entry points in that order, and serves their devices to programs\n"
          "  linked with the ndiskit client library (CreateFile, DeviceIoControl,\n"
          "  ReadFile, WriteFile) until SIGINT or SIGTERM; then unloads them in the\n"
          "  reverse order and reports leaks and verifier findings.  A driver's service\n"
          "  name is its file name before the first '.' (mux.so: mux); its RegistryPath\n"
          "  is " HOST_CONFIG_SERVICES_KEY "<service>.\n"
          "  NDIS binds wait until every entry point has returned.\n"
          "  --adapter IFNAME   an NDIS adapter backed by Linux interface IFNAME\n"
          "                     (AF_PACKET; needs CAP_NET_RAW), named\n"
          "                     \\DEVICE\\{NKPACKET-IFNAME}\n"
          "  --loopback NAME    an in-memory adapter named NAME whose sends come back as\n"
          "                     receives\n"
          "  --miniport [SERVICE:]NAME\n"
          "                     after the entry points, start an instance named NAME\n"
          "                     (\\Device\\NAME unless NAME starts with a backslash) of\n"
          "                     the miniport driver of service SERVICE, or of the first\n"
          "                     driver given that registered one, as PnP starts a\n"
          "                     device; it is halted before the drivers unload\n"
          "  --config FILE      registry values for the drivers to read, stored before the\n"
          "                     first driver loads (the format is below)\n"
          "  --socket PATH      where to listen (default $" NK_WIRE_SOCKET_ENV ", else\n"
          "                     $XDG_RUNTIME_DIR/" NK_WIRE_SOCKET_NAME ", else\n"
          "                     /tmp/ndiskit-<uid>/" NK_WIRE_SOCKET_NAME "); clients use the same\n"
          "                     variable.  The path must be yours, in a directory only you\n"
          "                     (or root, sticky) control\n"
          "  --fatal            abort at the first verifier finding (for a debugger)\n"
          "  --verbose          show the drivers' DbgPrint output and, at unload, the KMDF\n"
          "                     DDIs they called (with counts) and which the host lacks\n"
          "\n"
          "  --config FILE: UTF-8 text, lines (LF or CRLF) of at most 4096 bytes.\n"
          "    # comment          ('#' or ';', to the end of the line, outside \"strings\")\n"
          "    [service mux]      ...\\Services\\mux\\Parameters\n"
          "    [binding mux veth0]  ...\\Services\\mux\\Parameters\\Adapters\\<key>, <key> the\n"
          "                       last part of the name of the adapter --adapter veth0 or\n"
          "                       --loopback veth0 adds ({NKPACKET-veth0}, veth0)\n"
          "    [instance \\Device\\{GUID}]  the miniport instance's key in the network\n"
          "                       class, ...\\Control\\Class\\{4d36e972-...}\\{GUID}\n"
          "    [key \\Registry\\Machine\\...]  any key\n"
          "    Name = 10          REG_DWORD, 0..4294967295: decimal or 0x1-8 hex digits\n"
          "    Name = some text   REG_SZ (no '\"' ',' ';' '#'; blanks around it dropped)\n"
          "    Name = \"a, \"\"b\"\"\"  REG_SZ, quoted: \"\" is a '\"'; \"\" alone is the empty string\n"
          "    Name = multi: \\Device\\{A1}, \"x, y\"   REG_MULTI_SZ, comma-separated strings\n"
          "    Name = hex: 02,00,ff   REG_BINARY, bytes of two hex digits\n"
          "    Names, keys and section arguments are printable ASCII; strings any UTF-8.\n"
          "    A number-like value that is no DWORD (-1, 010, 2^32) is an error: quote\n"
          "    it.  A key named by several sections gets all their values; a value set\n"
          "    twice for one key is an error.  Any error is reported as FILE:LINE: what\n"
          "    is wrong, exit 2, and nothing is stored.\n"
          "\n"
          "  Exit status: 0 clean; 1 a driver failed to load (missing imports, its entry\n"
          "  point failed: the ones loaded before it are unloaded) or a setup step\n"
          "  failed; 2 usage (two drivers of one service included) or a bad --config\n"
          "  file; 3 leaks or verifier findings.\n",
          out);
}

static const char ShortUsage[] =
    "usage: ndiskit host run DRIVER.so... [--adapter IFNAME]... [--loopback NAME]...\n"
    "                        [--miniport [SERVICE:]NAME]... [--config FILE]\n"
    "                        [--socket PATH] [--fatal] [--verbose]\n";

#define MAX_DRIVERS 16

typedef struct {
    const char *File;           /* as given */
    char Service[HOST_CONFIG_MAX_NAME + 1];
    void *So;
    ENTRY_FN *Entry;
    DRIVER_OBJECT Object;
    WCHAR RegistryPathBuffer[HOST_CONFIG_MAX_PATH + 1];
    UNICODE_STRING RegistryPath;
    BOOLEAN Entered;            /* its entry point succeeded: unload it */
} DRIVER;

static DRIVER Drivers[MAX_DRIVERS];

/* Unloads the drivers whose entry points succeeded, last first. */
static void UnloadDrivers(ULONG Count)
{
    for (ULONG i = Count; i-- > 0;) {
        DRIVER *d = &Drivers[i];
        if (!d->Entered)
            continue;
        d->Entered = FALSE;
        if (d->Object.DriverUnload != NULL) {
            fprintf(stderr, "ndiskit host: unloading %s\n", d->File);
            d->Object.DriverUnload(&d->Object);
        } else {
            fprintf(stderr, "ndiskit host: %s has no DriverUnload; left as it is\n", d->File);
        }
    }
}

/* Prints the drivers' files, separated by commas, first to last or (Reverse) last to first. */
static void PrintDrivers(ULONG Count, BOOLEAN Reverse)
{
    for (ULONG i = 0; i < Count; i++)
        fprintf(stderr, "%s%s", i != 0 ? ", " : "", Drivers[Reverse ? Count - 1 - i : i].File);
}

/* Reads, checks and resolves the --config file: 0, or 2 (the status) with
 * FILE:LINE: what is wrong said. */
static int LoadConfig(const char *File, const ADAPTER_ARG *Adapters, ULONG AdapterCount, struct host_config *Config)
{
    struct host_config_adapter keys[MAX_ADAPTERS];
    char keyText[MAX_ADAPTERS][HOST_CONFIG_MAX_NAME + 1];
    struct host_config_names names = {host_config_class_key(), keys, 0};
    char err[512];
    unsigned line;
    int rc;

    for (ULONG i = 0; i < AdapterCount; i++) {
        /* An argument that names no adapter fails when it is added; here it is none to bind to. */
        if (host_config_adapter_key(Adapters[i].Name, Adapters[i].Loopback, keyText[i], sizeof(keyText[i])) != 0)
            continue;
        keys[names.adapter_count].arg = Adapters[i].Name;
        keys[names.adapter_count++].key = keyText[i];
    }
    rc = host_config_load(File, Config, &line, err, sizeof(err));
    if (rc == 0 && (rc = host_config_resolve(Config, &names, &line, err, sizeof(err))) != 0)
        host_config_free(Config);
    if (rc == 0)
        return 0;
    fputs("ndiskit host: ", stderr);
    util_print_escaped(stderr, File, 4096);
    if (line != 0)
        fprintf(stderr, ":%u", line);
    fprintf(stderr, ": %s\n", err);
    return 2;
}

/* Devices come after the entry points, as PnP starts them: each
 * --miniport [SERVICE:]NAME is an instance of that service's miniport
 * driver, or of the first driver given that registered one.  0, or 1 with
 * the reason said. */
static int StartMiniports(ADAPTER_ARG *Miniports, ULONG Count, ULONG DriverCount)
{
    for (ULONG i = 0; i < Count; i++) {
        const char *arg = Miniports[i].Name, *colon = strchr(arg, ':'), *name = colon != NULL ? colon + 1 : arg;
        WCHAR instance[128], service[HOST_CONFIG_MAX_NAME + 1];
        NTSTATUS status = STATUS_OBJECT_NAME_NOT_FOUND;
        size_t n = 0;

        if (name[0] != '\\')
            for (const char *p = "\\Device\\"; *p; p++)
                instance[n++] = (UCHAR)*p;
        for (const char *p = name; *p && n < RTL_NUMBER_OF(instance) - 1; p++)
            instance[n++] = (UCHAR)*p;
        instance[n] = 0;
        for (ULONG d = 0; d < DriverCount && status == STATUS_OBJECT_NAME_NOT_FOUND; d++) {
            const char *svc = Drivers[d].Service;
            if (colon != NULL && ((size_t)(colon - arg) != strlen(svc) || strncasecmp(arg, svc, strlen(svc)) != 0))
                continue;
            for (n = 0; svc[n] != '\0'; n++)
                service[n] = (UCHAR)svc[n];
            service[n] = 0;
            status = NkHostStartMiniport(service, instance, &Miniports[i].Adapter);
        }
        if (!NT_SUCCESS(status)) {
            fprintf(stderr, "ndiskit host: miniport %s: NTSTATUS 0x%08X%s\n", arg, (unsigned)status,
                    status == STATUS_OBJECT_NAME_NOT_FOUND    ? colon != NULL ? " (no driver of that service registered a miniport)"
                                                                              : " (no driver given registered a miniport)"
                    : status == STATUS_OBJECT_NAME_COLLISION ? " (an adapter of that name exists)"
                                                             : " (MiniportInitializeEx failed)");
            return 1;
        }
    }
    return 0;
}

static int Run(int argc, char **argv)
{
    const char *sock = getenv(NK_WIRE_SOCKET_ENV), *configFile = NULL;
    char defaultSock[sizeof(((struct sockaddr_un *)0)->sun_path)];
    ADAPTER_ARG adapters[MAX_ADAPTERS], miniports[MAX_ADAPTERS];
    ULONG nAdapters = 0, nDrivers = 0, nMiniports = 0;
    BOOLEAN fatal = FALSE, failed = FALSE;
    struct host_config config = {0};
    NTSTATUS status;
    int lfd, spare = -1, rc = 0;
    BOOLEAN acceptFailing = FALSE;
    SIZE_T leaks, findings;

    if (sock != NULL && *sock == '\0')
        sock = NULL;
    struct cli c = cli_start("ndiskit host run", ShortUsage, "host", argc, argv);
    const char *name;
    int r;
    while (cli_next(&c)) {
        if (cli_help(&c)) {
            host_usage(stdout);
            return 0;
        } else if ((r = cli_value(&c, NULL, "--adapter", &name)) != 0 ||
                   (r = cli_value(&c, NULL, "--loopback", &name)) != 0) {
            if (r < 0)
                return 2;
            if (nAdapters == MAX_ADAPTERS)
                return cli_error(&c, "at most %d adapters", MAX_ADAPTERS);
            adapters[nAdapters].Loopback = strncmp(c.arg, "--loopback", 10) == 0;
            adapters[nAdapters].Name = name;
            adapters[nAdapters++].Adapter = NULL;
        } else if ((r = cli_value(&c, NULL, "--config", &configFile)) != 0) {
            if (r < 0)
                return 2;
        } else if ((r = cli_value(&c, NULL, "--miniport", &name)) != 0) {
            if (r < 0)
                return 2;
            if (nMiniports == MAX_ADAPTERS)
                return cli_error(&c, "at most %d miniport instances", MAX_ADAPTERS);
            if (name[0] == '\0' || name[strlen(name) - 1] == ':')
                return cli_error(&c, "--miniport: an instance name, [SERVICE:]NAME, not '%s'", name);
            miniports[nMiniports].Loopback = FALSE;
            miniports[nMiniports].Name = name;
            miniports[nMiniports++].Adapter = NULL;
        } else if ((r = cli_value(&c, NULL, "--socket", &sock)) != 0) {
            if (r < 0)
                return 2;
        } else if (cli_flag(&c, NULL, "--fatal")) {
            fatal = TRUE;
        } else if (cli_flag(&c, NULL, "--verbose")) {
            Verbose = TRUE;
        } else if (cli_option(&c)) {
            return cli_unknown_option(&c);
        } else if (nDrivers == MAX_DRIVERS) {
            return cli_error(&c, "at most %d drivers", MAX_DRIVERS);
        } else {
            Drivers[nDrivers++].File = c.arg;
        }
    }
    if (nDrivers == 0)
        return cli_error(&c, "no DRIVER.so given");
    /* Each driver's service, from its file name: one driver per service. */
    for (ULONG i = 0; i < nDrivers; i++) {
        DRIVER *d = &Drivers[i];
        const char *base = strrchr(d->File, '/');
        size_t n;
        base = base != NULL ? base + 1 : d->File;
        n = strcspn(base, ".");
        if (n == 0)
            return cli_error(&c, "'%s' names no service (its file name before the first '.')", d->File);
        if (n > HOST_CONFIG_MAX_NAME)
            return cli_error(&c, "'%s': service name longer than %d characters", d->File, HOST_CONFIG_MAX_NAME);
        memcpy(d->Service, base, n);
        d->Service[n] = '\0';
        for (ULONG j = 0; j < i; j++)
            if (strcasecmp(Drivers[j].Service, d->Service) == 0)
                return cli_error(&c, "%s and %s are both service '%s' (one driver per service)", Drivers[j].File,
                                 d->File, d->Service);
        n = 0;
        for (const char *p = HOST_CONFIG_SERVICES_KEY; *p != '\0'; p++)
            d->RegistryPathBuffer[n++] = (UCHAR)*p;
        for (const char *p = d->Service; *p != '\0'; p++)
            d->RegistryPathBuffer[n++] = (UCHAR)*p;
        d->RegistryPathBuffer[n] = 0;
        RtlInitUnicodeString(&d->RegistryPath, d->RegistryPathBuffer);
    }
    /* The whole file is read and checked before anything is stored. */
    if (configFile != NULL && (rc = LoadConfig(configFile, adapters, nAdapters, &config)) != 0)
        return rc;
    if (Verbose)
        setenv("NDISKIT_HOST_DBGPRINT", "1", 1);
    if (sock == NULL) {
        int e = NkWireDefaultSocketPath(defaultSock, sizeof(defaultSock), 1);
        if (e != 0) {
            fprintf(stderr, "ndiskit host: no private directory for the socket (%s): %s%s\n",
                    NK_WIRE_SOCKET_DEFAULT_TEXT, strerror(e),
                    e == EPERM ? " - it belongs to another user or is open to others; use --socket" : "");
            host_config_free(&config);
            return 1;
        }
        sock = defaultSock;
    }

    NkHostReset();
    if (!fatal)
        NkHostExpectViolations(); /* report every finding, stop at none */
    if (configFile != NULL) {
        char err[512];
        unsigned line;
        if (host_config_apply(&config, &line, err, sizeof(err)) != 0) {
            fputs("ndiskit host: ", stderr);
            util_print_escaped(stderr, configFile, 4096);
            fprintf(stderr, ":%u: %s\n", line, err);
            host_config_free(&config);
            return 1;
        }
        host_config_free(&config);
    }

    /* Every driver's imports are checked (and every gap listed) before any
     * driver's code runs. */
    for (ULONG i = 0; i < nDrivers; i++) {
        DRIVER *d = &Drivers[i];
        d->So = LoadDriver(d->File);
        if (d->So == NULL) {
            failed = TRUE;
            continue;
        }
        /* A KMDF driver enters through our stub (it binds to the framework
         * first); a WDM driver through DriverEntry. */
        d->Entry = (ENTRY_FN *)dlsym(d->So, "FxDriverEntry");
        if (d->Entry == NULL)
            d->Entry = (ENTRY_FN *)dlsym(d->So, "DriverEntry");
        if (d->Entry == NULL) {
            fprintf(stderr, "ndiskit host: %s exports neither FxDriverEntry nor DriverEntry\n", d->File);
            failed = TRUE;
        }
    }
    if (failed) {
        rc = 1;
        goto out_close;
    }

    for (ULONG i = 0; i < nAdapters; i++) {
        status = AddAdapter(&adapters[i], i);
        if (!NT_SUCCESS(status)) {
            fprintf(stderr, "ndiskit host: adapter %s: NTSTATUS 0x%08X%s\n", adapters[i].Name, (unsigned)status,
                    status == STATUS_ACCESS_DENIED           ? " (AF_PACKET needs CAP_NET_RAW)"
                    : status == STATUS_OBJECT_NAME_NOT_FOUND ? " (no such interface)"
                    : status == STATUS_NOT_SUPPORTED         ? " (not an Ethernet interface)"
                    : status == STATUS_NAME_TOO_LONG         ? " (name too long)"
                                                             : "");
            rc = 1;
            goto out_adapters;
        }
        if (adapters[i].Loopback && !NT_SUCCESS(status = NkHostConnectAdapters(adapters[i].Adapter,
                                                                               adapters[i].Adapter))) {
            fprintf(stderr, "ndiskit host: loopback %s: NTSTATUS 0x%08X\n", adapters[i].Name, (unsigned)status);
            rc = 1;
            goto out_adapters;
        }
    }

    /* Binds once every entry point has returned, as Windows delivers them
     * in practice (NkHostHoldBinds says why); tests explore the other order. */
    NkHostHoldBinds(TRUE);
    for (ULONG i = 0; i < nDrivers && rc == 0; i++) {
        DRIVER *d = &Drivers[i];
        status = d->Entry(&d->Object, &d->RegistryPath);
        if (NT_SUCCESS(status)) {
            d->Entered = TRUE;
            continue;
        }
        fprintf(stderr, "ndiskit host: %s: DriverEntry failed with NTSTATUS 0x%08X\n", d->File, (unsigned)status);
        if (i != 0) {
            fputs("ndiskit host: unloading the drivers loaded before it: ", stderr);
            PrintDrivers(i, TRUE);
            fputc('\n', stderr);
        }
        rc = 1;
    }
    NkHostHoldBinds(FALSE);
    if (rc != 0)
        goto out_unload;
    if ((rc = StartMiniports(miniports, nMiniports, nDrivers)) != 0)
        goto out_unload;

    if (pipe2(WakePipe, O_CLOEXEC) != 0 || (lfd = Listen(sock)) < 0) {
        rc = 1;
        goto out_unload;
    }
    signal(SIGINT, OnSignal);
    signal(SIGTERM, OnSignal);
    signal(SIGPIPE, SIG_IGN);
    fputs("ndiskit host: ", stderr);
    PrintDrivers(nDrivers, FALSE);
    fprintf(stderr, " loaded; serving %s devices on %s (SIGINT or SIGTERM to stop)\n", nDrivers == 1 ? "its" : "their",
            sock);

    spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
    while (!Stopping) {
        struct pollfd p[2] = {{lfd, POLLIN, 0}, {WakePipe[0], POLLIN, 0}};
        pthread_t t;
        int cfd;
        if (poll(p, 2, -1) < 0 || !(p[0].revents & POLLIN))
            continue;
        cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
        if (cfd < 0) {
            int e = errno;
            if (e != EMFILE && e != ENFILE && e != ENOBUFS && e != ENOMEM)
                continue; /* EINTR, ECONNABORTED, ...: that client only */
            /* Out of descriptors (or memory): the waiting client would keep
             * the listening socket readable and this loop spinning.  Refuse
             * it - with the spare descriptor, so its open fails now instead
             * of hanging - say so once, and back off until things free up. */
            if (!acceptFailing)
                fprintf(stderr, "ndiskit host: cannot accept connections: %s; refusing clients until "
                                "descriptors are freed\n", strerror(e));
            acceptFailing = TRUE;
            if (spare >= 0) {
                close(spare);
                cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
                if (cfd >= 0)
                    close(cfd);
                spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
            }
            poll(&p[1], 1, 100);
            continue;
        }
        if (acceptFailing) {
            fprintf(stderr, "ndiskit host: accepting connections again\n");
            acceptFailing = FALSE;
        }
        if (spare < 0)
            spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
        pthread_mutex_lock(&ConnLock);
        if (Connections == (int)(sizeof(ConnFds) / sizeof(ConnFds[0])) ||
            pthread_create(&t, NULL, Serve, (void *)(intptr_t)cfd) != 0) {
            pthread_mutex_unlock(&ConnLock);
            close(cfd); /* the client sees the open fail */
            continue;
        }
        ConnFds[Connections++] = cfd;
        pthread_mutex_unlock(&ConnLock);
        pthread_detach(t);
    }
    fputs("ndiskit host: stopping: closing handles, unloading ", stderr);
    PrintDrivers(nDrivers, TRUE);
    fputc('\n', stderr);
    close(lfd);
    unlink(sock);
    /* Every connection's pending I/O is cancelled (Stopping) and its handle
     * closed, as when the processes holding them exit. */
    if (spare >= 0)
        close(spare);
    pthread_mutex_lock(&ConnLock);
    for (int i = 0; i < Connections; i++)
        shutdown(ConnFds[i], SHUT_RD); /* an idle connection's recv returns: it closes its handle */
    {
        /* A client that does not read its replies holds its thread in
         * send(): after a grace period for the cancelled requests' replies
         * to go out, shut the sending side too - the send fails and the
         * thread goes on to close its handle.  Stopping takes bounded time
         * whatever the clients do. */
        struct timespec deadline;
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_sec += STOP_GRACE_SECONDS;
        while (Connections != 0 && pthread_cond_timedwait(&ConnCond, &ConnLock, &deadline) != ETIMEDOUT)
            ;
        if (Connections != 0)
            fprintf(stderr, "ndiskit host: %d client(s) not taking their replies; disconnecting them\n",
                    Connections);
        for (int i = 0; i < Connections; i++)
            shutdown(ConnFds[i], SHUT_RDWR);
    }
    while (Connections != 0)
        pthread_cond_wait(&ConnCond, &ConnLock);
    pthread_mutex_unlock(&ConnLock);

out_unload:
    /* PnP removes the devices before their drivers unload. */
    for (ULONG i = 0; i < nMiniports; i++)
        if (miniports[i].Adapter != NULL)
            NkHostRemoveAdapter(miniports[i].Adapter);
    UnloadDrivers(nDrivers);
out_adapters:
    Stopping = 1;
    for (ULONG i = 0; i < nAdapters; i++)
        if (adapters[i].Adapter != NULL)
            NkHostRemoveAdapter(adapters[i].Adapter);
    if (Verbose)
        PrintCoverage(nDrivers == 1 ? "the driver" : "the drivers");
    leaks = NkHostCheckLeaks();
    findings = NkHostViolationCount();
    if (rc == 0) {
        fprintf(stderr, "ndiskit host: unloaded; %zu leak(s), %zu verifier finding(s)\n", (size_t)leaks,
                (size_t)findings);
        if (findings != 0)
            rc = 3;
    }
out_close:
    for (ULONG i = nDrivers; i-- > 0;)
        if (Drivers[i].So != NULL)
            dlclose(Drivers[i].So);
    return rc;
}

int host_command(int argc, char **argv)
{
    struct cli c = cli_start("ndiskit host", ShortUsage, "host", argc, argv);
    if (!cli_next(&c))
        return cli_error(&c, "missing command (run)");
    if (cli_help(&c) || strcmp(c.arg, "help") == 0) {
        host_usage(stdout);
        return 0;
    }
    if (strcmp(c.arg, "run") == 0)
        return Run(argc - c.next, argv + c.next);
    return cli_option(&c) ? cli_unknown_option(&c) : cli_unknown_command(&c);
}
