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
#include <sys/socket.h>
#include <sys/types.h>

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

/* Where the server listens: $NDISKIT_HOST_SOCKET, else this path. */
#define NK_WIRE_SOCKET_ENV "NDISKIT_HOST_SOCKET"
#define NK_WIRE_SOCKET_DEFAULT "/tmp/ndiskit-host.sock"

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

#endif
