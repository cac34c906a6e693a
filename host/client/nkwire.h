/*
 * nkwire.h - the protocol between `ndiskit host run` and the Win32-style
 * client library (host/client/win32.c).  Plain C, no NT headers: both the
 * server and user-mode programs include it.
 *
 * One Unix stream connection is one open handle, so a handle's I/O is
 * serialized exactly as on a Windows handle opened without
 * FILE_FLAG_OVERLAPPED, and handles of one process are independent.  The
 * first message is CREATE; then any number of IOCTL/READ/WRITE, each
 * answered by one reply before the next is sent.  Closing the connection
 * is CloseHandle (and a process that dies closes its handles, as on
 * Windows).  All fields are host byte order: both ends are on this machine.
 */
#ifndef NDISKIT_NKWIRE_H
#define NDISKIT_NKWIRE_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define NK_WIRE_MAGIC 0x314B574Eu /* "NWK1" */

enum {
    NK_WIRE_CREATE = 1, /* In: the name, UTF-16LE, no terminator */
    NK_WIRE_IOCTL,      /* In: input buffer; OutLength: output buffer size */
    NK_WIRE_READ,       /* OutLength: buffer size */
    NK_WIRE_WRITE,      /* In: the data */
    NK_WIRE_SHARE,      /* SCM_RIGHTS: a memfd of OutLength bytes, the handle's shared input region */
};

typedef struct {
    uint32_t Magic;
    uint32_t Op;
    uint32_t Code;      /* IOCTL: the control code */
    uint32_t InLength;  /* bytes that follow this header (or, with NK_WIRE_IN_SHARED, in the shared region) */
    uint32_t OutLength; /* the caller's output buffer size */
    uint32_t Flags;     /* NK_WIRE_IN_* */
} NK_WIRE_REQUEST;

/* Large inputs (a batch of frames) do not cross the socket: the client
 * copies them into a memory region it shared once with NK_WIRE_SHARE, and
 * the request says so.  The socket's per-byte cost (two copies and a
 * writer wakeup per buffer-full) is most of a large request's time. */
#define NK_WIRE_IN_SHARED 0x1u
#define NK_WIRE_SHARED_THRESHOLD (64u << 10)

typedef struct {
    uint32_t Magic;
    int32_t Status;      /* the NTSTATUS the driver completed with */
    uint32_t Information; /* IoStatus.Information (bytes transferred) */
    uint32_t DataLength;  /* output bytes that follow this header */
} NK_WIRE_REPLY;

/* The largest buffer either way (and of a name: 32767 UTF-16 units). */
#define NK_WIRE_MAX_BUFFER (64u << 20)
#define NK_WIRE_MAX_NAME (32767u * 2)

/* Where the server listens: $NDISKIT_HOST_SOCKET, else NK_WIRE_SOCKET_NAME
 * in the caller's private runtime directory - $XDG_RUNTIME_DIR, or
 * /tmp/ndiskit-<uid>, which the server creates mode 0700.  A fixed name in
 * /tmp could be taken first by another local user, whose server our
 * clients would then talk to (or whose file would keep ours from
 * starting): so the directory must belong to the caller and be closed to
 * others, and a socket that is not the caller's is refused (NkWireCheckPath). */
#define NK_WIRE_SOCKET_ENV "NDISKIT_HOST_SOCKET"
#define NK_WIRE_SOCKET_NAME "ndiskit-host.sock"
#define NK_WIRE_SOCKET_DEFAULT_TEXT "$XDG_RUNTIME_DIR/" NK_WIRE_SOCKET_NAME ", else /tmp/ndiskit-<uid>/" NK_WIRE_SOCKET_NAME

/* Whole-buffer send and receive on a connection, retrying after signals.
 * 0, or -1 when the peer has gone (never SIGPIPE: MSG_NOSIGNAL). */
static inline int NkWireSendAll(int Fd, const void *Data, size_t Length)
{
    const char *p = (const char *)Data;
    while (Length != 0) {
        ssize_t k = send(Fd, p, Length, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        p += k;
        Length -= (size_t)k;
    }
    return 0;
}

static inline int NkWireRecvAll(int Fd, void *Data, size_t Length)
{
    char *p = (char *)Data;
    while (Length != 0) {
        ssize_t k = recv(Fd, p, Length, 0);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        p += k;
        Length -= (size_t)k;
    }
    return 0;
}

/* 0 when Dir can be the caller's own runtime directory: a real directory
 * (not a symbolic link), owned by the caller, that no one else may write
 * to.  EPERM (someone else's, or open to others), ENOTDIR, or
 * what lstat failed with. */
static inline int NkWireCheckPrivateDir(const char *Dir)
{
    struct stat st;
    if (lstat(Dir, &st) != 0)
        return errno;
    if (!S_ISDIR(st.st_mode))
        return ENOTDIR;
    if (st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
        return EPERM;
    return 0;
}

/* The default socket path (without $NDISKIT_HOST_SOCKET) into Path.  With
 * Create (the server), /tmp/ndiskit-<uid> is made if missing.  0, or an
 * errno value: EPERM when the directory is not the caller's alone
 * (someone made it first), ENAMETOOLONG. */
static inline int NkWireDefaultSocketPath(char *Path, size_t Size, int Create)
{
    const char *xdg = getenv("XDG_RUNTIME_DIR");
    char dir[256];
    int n, e;

    if (xdg != NULL && xdg[0] == '/')
        n = snprintf(dir, sizeof(dir), "%s", xdg);
    else
        n = snprintf(dir, sizeof(dir), "/tmp/ndiskit-%lu", (unsigned long)geteuid());
    if (n < 0 || (size_t)n >= sizeof(dir))
        return ENAMETOOLONG;
    if (Create && (xdg == NULL || xdg[0] != '/') && mkdir(dir, 0700) != 0 && errno != EEXIST)
        return errno;
    if ((e = NkWireCheckPrivateDir(dir)) != 0)
        return e;
    n = snprintf(Path, Size, "%s/%s", dir, NK_WIRE_SOCKET_NAME);
    return n < 0 || (size_t)n >= Size ? ENAMETOOLONG : 0;
}

/* Before using Path (server: binding it; client: connecting to it): a file
 * already there must be a socket owned by the caller, and its directory
 * must be the caller's or root's and, if others may write to it, sticky
 * (as /tmp), so no one else can swap the socket under us.  0; ENOENT when
 * nothing is there yet; EPERM for someone else's socket or an unsafe
 * directory; ENOTSOCK for a file that is not a socket; ENAMETOOLONG. */
static inline int NkWireCheckPath(const char *Path)
{
    char dir[256];
    const char *slash = strrchr(Path, '/');
    struct stat st;
    size_t n;

    if (slash == NULL) {
        dir[0] = '.';
        n = 1;
    } else {
        n = slash == Path ? 1 : (size_t)(slash - Path);
        if (n >= sizeof(dir))
            return ENAMETOOLONG;
        memcpy(dir, Path, n);
    }
    dir[n] = '\0';
    if (stat(dir, &st) != 0)
        return errno;
    if ((st.st_uid != geteuid() && st.st_uid != 0) ||
        ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 && (st.st_mode & S_ISVTX) == 0))
        return EPERM;
    if (lstat(Path, &st) != 0)
        return errno;
    if (!S_ISSOCK(st.st_mode))
        return ENOTSOCK;
    return st.st_uid == geteuid() ? 0 : EPERM;
}

#endif
