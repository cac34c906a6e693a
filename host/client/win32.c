/*
 * win32.c - CreateFile/DeviceIoControl/ReadFile/WriteFile/CloseHandle for
 * Linux programs, carried to `ndiskit host run` over its Unix socket
 * (nkwire.h), with GetLastError codes mapped from the driver's NTSTATUS the
 * way Windows maps them.
 *
 * A HANDLE is the connection's file descriptor plus one, so 0 and
 * INVALID_HANDLE_VALUE are never valid handles.  The last error is per
 * thread, as on Windows.
 */
#define _GNU_SOURCE 1
#include <windows.h>
#include <winioctl.h>

#include "nkwire.h"
#include "ntpath.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static _Thread_local DWORD LastError;

DWORD WINAPI GetLastError(void)
{
    return LastError;
}

void WINAPI SetLastError(DWORD dwErrCode)
{
    LastError = dwErrCode;
}

void WINAPI Sleep(DWORD dwMilliseconds)
{
    struct timespec ts = {dwMilliseconds / 1000, (long)(dwMilliseconds % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* ---- NTSTATUS -> Win32 ------------------------------------------------------- */

#include "ntstatus_map.h"

ULONG WINAPI RtlNtStatusToDosError(LONG Status)
{
    uint32_t s = (uint32_t)Status;

#define NK_CASE(status, error, name) \
    case status:                     \
        return error;

    if (s == 0 || (s & 0x20000000u) != 0) /* success, and customer codes, pass through */
        return s;
    if ((s & 0xF0000000u) == 0xD0000000u) /* bit 28 is ignored: 0xD... maps as 0xC... */
        s &= ~0x10000000u;
    switch (s) {
        NK_STATUS_MAP_LIST(NK_CASE)
    default:
        return ERROR_MR_MID_NOT_FOUND;
    }
#undef NK_CASE
}

/* Win32 semantics: any success status (including informational ones) is
 * TRUE; warnings and errors are FALSE with the mapped last error. */
static BOOL Result(int32_t Status)
{
    if (Status >= 0) {
        LastError = ERROR_SUCCESS;
        return TRUE;
    }
    LastError = RtlNtStatusToDosError(Status);
    return FALSE;
}

/* ---- the connection -------------------------------------------------------------- */

static int FdOf(HANDLE h)
{
    intptr_t v = (intptr_t)h;
    return h == NULL || h == INVALID_HANDLE_VALUE || v <= 0 || v > 0x7fffffff ? -1 : (int)(v - 1);
}

/* Each handle's shared input region (nkwire.h), by descriptor. */
#define NK_SHARED_FDS 4096
static struct {
    void *Base;
    size_t Size;
} Shared[NK_SHARED_FDS];

/* Each handle's turn: a handle opened without FILE_FLAG_OVERLAPPED runs
 * one request at a time, its other threads' requests waiting (as the I/O
 * manager serializes I/O on a synchronous file object).  The connection
 * carries one request and its reply at a time, and replies carry no
 * request id: two threads sending and receiving on it at once would take
 * each other's replies, or pieces of them.  Descriptors past the table are
 * not serialized (nor shared, above). */
static pthread_mutex_t Turn[NK_SHARED_FDS] = {[0 ... NK_SHARED_FDS - 1] = PTHREAD_MUTEX_INITIALIZER};

static void Unshare(int fd)
{
    if (fd >= 0 && fd < NK_SHARED_FDS && Shared[fd].Base != NULL) {
        munmap(Shared[fd].Base, Shared[fd].Size);
        Shared[fd].Base = NULL;
        Shared[fd].Size = 0;
    }
}

/* A region of at least Length bytes shared with the server for this
 * handle, or NULL (then the input goes over the socket as usual). */
static void *SharedRegion(int fd, size_t Length)
{
    NK_WIRE_REQUEST q = {NK_WIRE_MAGIC, NK_WIRE_SHARE, 0, 0, 0, 0};
    char control[CMSG_SPACE(sizeof(int))];
    struct msghdr m;
    struct iovec v = {&q, sizeof(q)};
    struct cmsghdr *c;
    NK_WIRE_REPLY r = {0, 0, 0, 0};
    size_t size;
    void *base;
    int mfd;

    if (fd < 0 || fd >= NK_SHARED_FDS)
        return NULL;
    if (Shared[fd].Size >= Length)
        return Shared[fd].Base; /* a handle's I/O is serialized: no one else uses it now */
    size = (Length + (1u << 20) - 1) & ~(size_t)((1u << 20) - 1);
    mfd = memfd_create("ndiskit-wire", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (mfd < 0)
        return NULL;
    /* Sealed at its size: the server maps it only so (a file that could
     * shrink under its mapping would fault the server). */
    if (ftruncate(mfd, (off_t)size) != 0 || fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW) != 0 ||
        (base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0)) == MAP_FAILED) {
        close(mfd);
        return NULL;
    }
    q.OutLength = (uint32_t)size;
    memset(&m, 0, sizeof(m));
    memset(control, 0, sizeof(control));
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    m.msg_control = control;
    m.msg_controllen = sizeof(control);
    c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &mfd, sizeof(int));
    if (sendmsg(fd, &m, MSG_NOSIGNAL) != (ssize_t)sizeof(q) || NkWireRecvAll(fd, &r, sizeof(r)) != 0 ||
        r.Magic != NK_WIRE_MAGIC || r.Status != 0 || r.DataLength != 0) {
        /* Refused, the input goes over the socket; a reply that breaks the
         * protocol leaves nothing to trust on this connection. */
        if (r.Magic != NK_WIRE_MAGIC || r.DataLength != 0)
            shutdown(fd, SHUT_RDWR);
        close(mfd);
        munmap(base, size);
        return NULL;
    }
    close(mfd); /* the server has its own descriptor; the mapping stays */
    Unshare(fd);
    Shared[fd].Base = base;
    Shared[fd].Size = size;
    return base;
}

/* Whether reply R can be the answer to request Q: the server's word is
 * not taken for more than the caller asked.  Output comes back (as the I/O
 * manager copies it) for success and warnings only, exactly Information
 * bytes of it, never more than the caller's buffer; a write reports at
 * most what it was given. */
static BOOL ReplyFits(const NK_WIRE_REQUEST *Q, const NK_WIRE_REPLY *R)
{
    BOOL error = ((uint32_t)R->Status >> 30) == 3;

    if (R->Magic != NK_WIRE_MAGIC)
        return FALSE;
    switch (Q->Op) {
    case NK_WIRE_READ:
    case NK_WIRE_IOCTL:
        return R->Information <= Q->OutLength && R->DataLength == (error ? 0 : R->Information);
    case NK_WIRE_WRITE:
        return R->Information <= Q->InLength && R->DataLength == 0;
    default:
        return R->DataLength == 0;
    }
}

/* One request and its reply: ERROR_SUCCESS with the driver's *Status and
 * *Information, or the Win32 error that ends the exchange -
 * ERROR_DEVICE_NOT_CONNECTED when the server has gone (stopped: as a
 * device that went away), ERROR_INVALID_DATA for a reply that breaks the
 * protocol (the connection is shut down: nothing after it can be
 * trusted).  Out receives nothing unless the reply is valid. */
static DWORD Call(int fd, uint32_t Op, uint32_t Code, const void *In, uint32_t InLength, void *Out,
                  uint32_t OutLength, int32_t *Status, uint32_t *Information)
{
    NK_WIRE_REQUEST q = {NK_WIRE_MAGIC, Op, Code, InLength, OutLength, 0};
    NK_WIRE_REPLY r;
    void *shared = NULL;

    *Status = 0;
    *Information = 0;
    if (InLength >= NK_WIRE_SHARED_THRESHOLD && Op != NK_WIRE_CREATE)
        shared = SharedRegion(fd, InLength);
    if (shared != NULL) {
        memcpy(shared, In, InLength);
        q.Flags = NK_WIRE_IN_SHARED;
    }
    if (NkWireSendAll(fd, &q, sizeof(q)) != 0 ||
        (InLength != 0 && shared == NULL && NkWireSendAll(fd, In, InLength) != 0) ||
        NkWireRecvAll(fd, &r, sizeof(r)) != 0)
        return ERROR_DEVICE_NOT_CONNECTED;
    if (!ReplyFits(&q, &r)) {
        shutdown(fd, SHUT_RDWR);
        return ERROR_INVALID_DATA;
    }
    if (r.DataLength != 0 && NkWireRecvAll(fd, Out, r.DataLength) != 0)
        return ERROR_DEVICE_NOT_CONNECTED;
    *Status = r.Status;
    *Information = r.Information;
    return ERROR_SUCCESS;
}

/* Connects to the server: $NDISKIT_HOST_SOCKET or the default path
 * (nkwire.h), only if the socket is the caller's and so is the process
 * listening on it - someone else's server must never see our requests or
 * answer them.  The descriptor, or -1 with LastError set. */
static int Connect(void)
{
    const char *env = getenv(NK_WIRE_SOCKET_ENV);
    struct sockaddr_un a;
    struct ucred peer;
    socklen_t peerLength = sizeof(peer);
    int fd, e;

    memset(&a, 0, sizeof(a));
    a.sun_family = AF_UNIX;
    if (env != NULL && *env != '\0') {
        if (strlen(env) >= sizeof(a.sun_path)) {
            LastError = ERROR_INVALID_NAME;
            return -1;
        }
        strcpy(a.sun_path, env);
        e = 0;
    } else {
        e = NkWireDefaultSocketPath(a.sun_path, sizeof(a.sun_path), 0);
    }
    if (e == 0)
        e = NkWireCheckPath(a.sun_path);
    if (e != 0) {
        /* Nothing there: no host kernel running, as on Windows with the
         * driver not loaded.  Someone else's: refused. */
        LastError = e == ENOENT || e == ENOTDIR ? ERROR_FILE_NOT_FOUND
                    : e == ENAMETOOLONG         ? ERROR_INVALID_NAME
                                                : ERROR_ACCESS_DENIED;
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        LastError = ERROR_NO_SYSTEM_RESOURCES;
        return -1;
    }
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
        close(fd);
        LastError = ERROR_FILE_NOT_FOUND;
        return -1;
    }
    /* The path was checked before connecting; the listener's credentials
     * close the gap between the two. */
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &peerLength) != 0 || peer.uid != geteuid()) {
        close(fd);
        LastError = ERROR_ACCESS_DENIED;
        return -1;
    }
    return fd;
}

/* The longest path CreateFile takes here (the server's limit is the same). */
#define NK_NAME_UNITS 1024

/* Path: the Win32 path, UTF-16LE units, Units of them. */
static HANDLE Open(const uint16_t *Path, size_t Units)
{
    uint16_t name[NK_NAME_UNITS];
    size_t nameUnits;
    uint32_t info;
    int32_t status;
    DWORD error;
    int fd;

    error = NkWin32PathToNt(Path, Units, name, NK_NAME_UNITS, &nameUnits);
    if (error != ERROR_SUCCESS) {
        LastError = error;
        return INVALID_HANDLE_VALUE;
    }
    fd = Connect();
    if (fd < 0)
        return INVALID_HANDLE_VALUE;
    error = Call(fd, NK_WIRE_CREATE, 0, name, (uint32_t)(nameUnits * 2), NULL, 0, &status, &info);
    if (error != ERROR_SUCCESS) {
        LastError = error;
        close(fd);
        return INVALID_HANDLE_VALUE;
    }
    if (!Result(status)) {
        close(fd);
        return INVALID_HANDLE_VALUE;
    }
    return (HANDLE)(intptr_t)(fd + 1);
}

static BOOL CheckCreate(LPSECURITY_ATTRIBUTES Sa, DWORD Disposition, DWORD Flags)
{
    (void)Sa;
    if (Flags & FILE_FLAG_OVERLAPPED) {
        LastError = ERROR_NOT_SUPPORTED; /* this library does synchronous I/O only */
        return FALSE;
    }
    if (Disposition != OPEN_EXISTING && Disposition != OPEN_ALWAYS) {
        LastError = ERROR_ACCESS_DENIED; /* devices cannot be created from user mode */
        return FALSE;
    }
    return TRUE;
}

HANDLE WINAPI CreateFileA(LPCSTR lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
                          LPSECURITY_ATTRIBUTES lpSecurityAttributes, DWORD dwCreationDisposition,
                          DWORD dwFlagsAndAttributes, HANDLE hTemplateFile)
{
    uint16_t name[NK_NAME_UNITS];
    size_t n;
    (void)dwDesiredAccess;
    (void)dwShareMode;
    (void)hTemplateFile;

    if (lpFileName == NULL) {
        LastError = ERROR_INVALID_PARAMETER;
        return INVALID_HANDLE_VALUE;
    }
    if (!CheckCreate(lpSecurityAttributes, dwCreationDisposition, dwFlagsAndAttributes))
        return INVALID_HANDLE_VALUE;
    /* Device names are ASCII; anything else is not a name we can serve. */
    for (n = 0; lpFileName[n] != '\0'; n++) {
        if (n == NK_NAME_UNITS) {
            LastError = ERROR_FILENAME_EXCED_RANGE;
            return INVALID_HANDLE_VALUE;
        }
        if ((unsigned char)lpFileName[n] >= 0x80) {
            LastError = ERROR_INVALID_NAME;
            return INVALID_HANDLE_VALUE;
        }
        name[n] = (unsigned char)lpFileName[n];
    }
    return Open(name, n);
}

/* The macro of that name (windows.h) picks between the two below. */
#undef CreateFileW

HANDLE WINAPI CreateFileW(LPCWSTR lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
                          LPSECURITY_ATTRIBUTES lpSecurityAttributes, DWORD dwCreationDisposition,
                          DWORD dwFlagsAndAttributes, HANDLE hTemplateFile)
{
    size_t n = 0;
    (void)dwDesiredAccess;
    (void)dwShareMode;
    (void)hTemplateFile;

    if (lpFileName == NULL) {
        LastError = ERROR_INVALID_PARAMETER;
        return INVALID_HANDLE_VALUE;
    }
    if (!CheckCreate(lpSecurityAttributes, dwCreationDisposition, dwFlagsAndAttributes))
        return INVALID_HANDLE_VALUE;
    while (lpFileName[n] != 0) {
        if (++n == NK_NAME_UNITS) {
            LastError = ERROR_FILENAME_EXCED_RANGE;
            return INVALID_HANDLE_VALUE;
        }
    }
    return Open(lpFileName, n);
}

HANDLE WINAPI NkCreateFileWFromWchar(const wchar_t *lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
                                     LPSECURITY_ATTRIBUTES lpSecurityAttributes, DWORD dwCreationDisposition,
                                     DWORD dwFlagsAndAttributes, HANDLE hTemplateFile)
{
    uint16_t name[NK_NAME_UNITS];
    size_t n = 0;

    if (lpFileName == NULL || sizeof(wchar_t) == sizeof(WCHAR))
        return CreateFileW((LPCWSTR)lpFileName, dwDesiredAccess, dwShareMode, lpSecurityAttributes,
                           dwCreationDisposition, dwFlagsAndAttributes, hTemplateFile);
    /* wchar_t is UTF-32 here: encode as UTF-16 (surrogate pairs above the BMP). */
    for (const wchar_t *p = lpFileName; *p != 0; p++) {
        uint32_t c = (uint32_t)*p;
        if (n + 3 > NK_NAME_UNITS) { /* two units and the terminator */
            LastError = ERROR_FILENAME_EXCED_RANGE;
            return INVALID_HANDLE_VALUE;
        }
        if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
            LastError = ERROR_INVALID_NAME;
            return INVALID_HANDLE_VALUE;
        }
        if (c >= 0x10000) {
            c -= 0x10000;
            name[n++] = (uint16_t)(0xD800 + (c >> 10));
            name[n++] = (uint16_t)(0xDC00 + (c & 0x3FF));
        } else {
            name[n++] = (uint16_t)c;
        }
    }
    name[n] = 0;
    return CreateFileW(name, dwDesiredAccess, dwShareMode, lpSecurityAttributes, dwCreationDisposition,
                       dwFlagsAndAttributes, hTemplateFile);
}

/* With a call under way on the handle in another thread (a read pending
 * in the driver), the connection is shut down first: that call fails at
 * once and the server cancels its request, its client gone.  The close
 * then waits for the call to leave, so neither the shared region it may
 * be copying into nor the descriptor number it is using (which the next
 * CreateFile could be given) goes from under it. */
BOOL WINAPI CloseHandle(HANDLE hObject)
{
    int fd = FdOf(hObject), e;
    if (fd >= 0 && fd < NK_SHARED_FDS && pthread_mutex_trylock(&Turn[fd]) != 0) {
        shutdown(fd, SHUT_RDWR);
        pthread_mutex_lock(&Turn[fd]);
    }
    Unshare(fd);
    e = fd < 0 ? -1 : close(fd);
    if (fd >= 0 && fd < NK_SHARED_FDS)
        pthread_mutex_unlock(&Turn[fd]);
    if (e != 0) {
        LastError = ERROR_INVALID_HANDLE;
        return FALSE;
    }
    return TRUE;
}

static BOOL Io(HANDLE h, uint32_t Op, uint32_t Code, const void *In, DWORD InLength, void *Out, DWORD OutLength,
               LPDWORD Bytes, LPOVERLAPPED Overlapped)
{
    uint32_t info = 0;
    int fd = FdOf(h);

    if (Bytes != NULL)
        *Bytes = 0;
    if (fd < 0) {
        LastError = ERROR_INVALID_HANDLE;
        return FALSE;
    }
    if (Overlapped != NULL) {
        LastError = ERROR_NOT_SUPPORTED;
        return FALSE;
    }
    if ((In == NULL && InLength != 0) || (Out == NULL && OutLength != 0)) {
        LastError = ERROR_NOACCESS; /* what the I/O manager's probe of a NULL buffer gives */
        return FALSE;
    }
    if (InLength > NK_WIRE_MAX_BUFFER || OutLength > NK_WIRE_MAX_BUFFER) {
        LastError = ERROR_INVALID_USER_BUFFER;
        return FALSE;
    }
    int32_t status;
    if (fd < NK_SHARED_FDS)
        pthread_mutex_lock(&Turn[fd]);
    DWORD error = Call(fd, Op, Code, In, InLength, Out, OutLength, &status, &info);
    if (fd < NK_SHARED_FDS)
        pthread_mutex_unlock(&Turn[fd]);
    if (error != ERROR_SUCCESS) {
        LastError = error;
        return FALSE;
    }
    if (Bytes != NULL)
        *Bytes = info;
    return Result(status);
}

BOOL WINAPI DeviceIoControl(HANDLE hDevice, DWORD dwIoControlCode, LPVOID lpInBuffer, DWORD nInBufferSize,
                            LPVOID lpOutBuffer, DWORD nOutBufferSize, LPDWORD lpBytesReturned,
                            LPOVERLAPPED lpOverlapped)
{
    return Io(hDevice, NK_WIRE_IOCTL, dwIoControlCode, lpInBuffer, nInBufferSize, lpOutBuffer, nOutBufferSize,
              lpBytesReturned, lpOverlapped);
}

BOOL WINAPI ReadFile(HANDLE hFile, LPVOID lpBuffer, DWORD nNumberOfBytesToRead, LPDWORD lpNumberOfBytesRead,
                     LPOVERLAPPED lpOverlapped)
{
    BOOL ok = Io(hFile, NK_WIRE_READ, 0, NULL, 0, lpBuffer, nNumberOfBytesToRead, lpNumberOfBytesRead,
                 lpOverlapped);
    /* A synchronous read at end of file succeeds with zero bytes. */
    if (!ok && LastError == ERROR_HANDLE_EOF) {
        LastError = ERROR_SUCCESS;
        return TRUE;
    }
    return ok;
}

BOOL WINAPI WriteFile(HANDLE hFile, LPCVOID lpBuffer, DWORD nNumberOfBytesToWrite,
                      LPDWORD lpNumberOfBytesWritten, LPOVERLAPPED lpOverlapped)
{
    return Io(hFile, NK_WIRE_WRITE, 0, lpBuffer, nNumberOfBytesToWrite, NULL, 0, lpNumberOfBytesWritten,
              lpOverlapped);
}
