/*
 * bench_ndisprot.c - frames per second through ndisprot under the host
 * kernel on a veth pair, as a ratio to a plain AF_PACKET socket doing the
 * same work on the same veth in the same run.
 *
 *     bench_ndisprot NDISKIT NDISPROT_SO
 *
 * Sets up a veth pair (nkbench0 <-> nkbench1, IPv6 and ARP off so only our
 * frames cross it), starts `ndiskit host run NDISPROT_SO --adapter
 * nkbench0`, and for 64- and 1514-byte frames measures:
 *
 *   write  N frames on nkbench0: WriteFile per frame / IOCTL_NDISPROT_WRITE_BATCH
 *          of 64, vs send() on an AF_PACKET socket bound to nkbench0;
 *   read   N frames sent into nkbench1 by a generator thread: ReadFile per
 *          frame / IOCTL_NDISPROT_READ_BATCH, vs recv() on an AF_PACKET
 *          socket bound to nkbench0 - frames per second delivered to the
 *          reader (drops are counted; the generator is the same for both).
 *
 * Needs root (veth, AF_PACKET); without it, says so and exits 77.  Built
 * without sanitizers (make bench configures build/bench-host for it).
 */
#define _GNU_SOURCE 1
#include <windows.h>
#include <winioctl.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "protuser.h"

#define NEAR "nkbench0"
#define FAR "nkbench1"
/* The server's socket, in a directory of our own (a fixed name in /tmp is
 * anyone's to take first). */
static char SocketDir[] = "/tmp/ndiskit-bench-XXXXXX";
static char SocketPath[64];
#define BATCH 256
#define ETHERTYPE 0x88B5 /* IEEE local experimental: nothing else on the wire uses it */

static uint8_t NearMac[6], FarMac[6];
static HANDLE Device = INVALID_HANDLE_VALUE;
static pid_t Server = -1;

static double Now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int Sh(const char *Format, ...)
{
    char cmd[512];
    va_list ap;
    va_start(ap, Format);
    vsnprintf(cmd, sizeof(cmd), Format, ap);
    va_end(ap);
    return system(cmd);
}

static void ReadMac(const char *Dev, uint8_t Mac[6])
{
    char path[128], text[32];
    FILE *f;
    snprintf(path, sizeof(path), "/sys/class/net/%s/address", Dev);
    f = fopen(path, "r");
    if (f == NULL || fgets(text, sizeof(text), f) == NULL ||
        sscanf(text, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &Mac[0], &Mac[1], &Mac[2], &Mac[3], &Mac[4], &Mac[5]) != 6) {
        fprintf(stderr, "bench_ndisprot: cannot read the MAC of %s\n", Dev);
        exit(1);
    }
    fclose(f);
}

static void Teardown(void)
{
    if (Device != INVALID_HANDLE_VALUE)
        CloseHandle(Device);
    if (Server > 0) {
        kill(Server, SIGTERM);
        waitpid(Server, NULL, 0);
    }
    if (SocketPath[0] != '\0') {
        unlink(SocketPath);
        rmdir(SocketDir);
    }
    Sh("ip link del " NEAR " >/dev/null 2>&1");
}

static int RawSocket(const char *Dev)
{
    struct sockaddr_ll sll;
    int fd = socket(AF_PACKET, SOCK_RAW, htons(ETHERTYPE));
    int size = 8 << 20;
    if (fd < 0)
        return -1;
    memset(&sll, 0, sizeof(sll));
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETHERTYPE);
    sll.sll_ifindex = (int)if_nametoindex(Dev);
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
    if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void Frame(uint8_t *f, size_t Length, const uint8_t *Dst, const uint8_t *Src, uint32_t Seq)
{
    memcpy(f, Dst, 6);
    memcpy(f + 6, Src, 6);
    f[12] = ETHERTYPE >> 8;
    f[13] = ETHERTYPE & 0xFF;
    memset(f + 14, 0x5A, Length - 14);
    memcpy(f + 14, &Seq, 4);
}

/* ---- writes ---------------------------------------------------------------------------- */

static double WriteRaw(size_t Length, unsigned N)
{
    uint8_t f[1514];
    int fd = RawSocket(NEAR);
    double t0;
    unsigned sent = 0;
    Frame(f, Length, FarMac, NearMac, 0);
    t0 = Now();
    while (sent < N) {
        if (send(fd, f, Length, 0) == (ssize_t)Length)
            sent++;
        else if (errno != ENOBUFS && errno != EAGAIN)
            break;
    }
    t0 = Now() - t0;
    close(fd);
    return sent / t0;
}

static double WriteNdisprot(size_t Length, unsigned N, unsigned Batch)
{
    static uint8_t records[BATCH * (sizeof(NDISPROT_FRAME_HEADER) + 1520)];
    LONG results[BATCH];
    uint8_t f[1514];
    unsigned sent = 0;
    size_t size = 0;
    double t0;
    DWORD n;

    Frame(f, Length, FarMac, NearMac, 0);
    for (unsigned i = 0; i < Batch; i++) {
        NDISPROT_FRAME_HEADER *h = (NDISPROT_FRAME_HEADER *)(records + size);
        memset(h, 0, sizeof(*h));
        h->Length = (ULONG)Length;
        memcpy(NDISPROT_FRAME_DATA(h), f, Length);
        size += NDISPROT_FRAME_RECORD_SIZE(Length);
    }
    t0 = Now();
    while (sent < N) {
        if (Batch == 1) {
            if (!WriteFile(Device, f, (DWORD)Length, &n, NULL))
                break;
            sent++;
        } else {
            if (!DeviceIoControl(Device, IOCTL_NDISPROT_WRITE_BATCH, records, (DWORD)size, results, sizeof(results),
                                 &n, NULL))
                break;
            sent += Batch;
        }
    }
    return sent / (Now() - t0);
}

/* ---- reads ----------------------------------------------------------------------------- */

typedef struct {
    size_t Length;
    unsigned N;
    volatile int Go, Done;
} GENERATOR;

#define END_MARK 0xFFFFFFFFu /* "no more": sent until the reader is done, so a dropped last frame ends nothing */

static void *Generate(void *Arg)
{
    GENERATOR *g = Arg;
    uint8_t f[1514];
    int fd = RawSocket(FAR);
    while (!g->Go)
        ;
    for (unsigned i = 0; i < g->N;) {
        Frame(f, g->Length, NearMac, FarMac, i);
        if (send(fd, f, g->Length, 0) == (ssize_t)g->Length)
            i++;
        else if (errno != ENOBUFS && errno != EAGAIN)
            break;
    }
    while (!g->Done) {
        usleep(100000);
        Frame(f, g->Length, NearMac, FarMac, END_MARK);
        (void)send(fd, f, g->Length, 0);
    }
    close(fd);
    return NULL;
}

/* Frames per second the reader got while the generator sent N; *Got: how many. */
static double ReadRaw(size_t Length, unsigned N, unsigned *Got)
{
    static uint8_t buf[2048];
    GENERATOR g = {Length, N, 0, 1};
    struct timeval tv = {0, 200000};
    pthread_t t;
    int fd = RawSocket(NEAR);
    double t0, last;
    unsigned got = 0;

    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    pthread_create(&t, NULL, Generate, &g);
    t0 = last = Now();
    g.Go = 1;
    while (got < N) {
        if (recv(fd, buf, sizeof(buf), 0) <= 0)
            break; /* 200 ms without a frame: the rest were dropped */
        got++;
        last = Now();
    }
    pthread_join(t, NULL);
    close(fd);
    *Got = got;
    return got / (last - t0);
}

static double ReadNdisprot(size_t Length, unsigned N, unsigned Batch, unsigned *Got)
{
    static uint8_t buf[BATCH * (sizeof(NDISPROT_FRAME_HEADER) + 1520)];
    GENERATOR g = {Length, N, 0, 0};
    pthread_t t;
    double t0, last;
    unsigned got = 0;
    DWORD n;

    pthread_create(&t, NULL, Generate, &g);
    t0 = last = Now();
    g.Go = 1;
    for (int done = 0; !done;) {
        /* The reads block: the frame with the last sequence number ends the
         * run, or the generator's end mark if frames were dropped. */
        if (Batch == 1) {
            uint32_t seq;
            if (!ReadFile(Device, buf, sizeof(buf), &n, NULL))
                break;
            memcpy(&seq, buf + 14, 4);
            if (seq != END_MARK)
                got++, last = Now();
            done = seq == N - 1 || seq == END_MARK;
        } else {
            if (!DeviceIoControl(Device, IOCTL_NDISPROT_READ_BATCH, NULL, 0, buf,
                                 (DWORD)(Batch * NDISPROT_FRAME_RECORD_SIZE(Length)), &n, NULL))
                break;
            for (size_t off = 0; off + sizeof(NDISPROT_FRAME_HEADER) <= n;) {
                NDISPROT_FRAME_HEADER *h = (NDISPROT_FRAME_HEADER *)(buf + off);
                uint32_t seq;
                memcpy(&seq, NDISPROT_FRAME_DATA(h) + 14, 4);
                if (seq != END_MARK)
                    got++, last = Now();
                done |= seq == N - 1 || seq == END_MARK;
                off += NDISPROT_FRAME_RECORD_SIZE(h->Length);
            }
        }
    }
    g.Done = 1;
    pthread_join(t, NULL);
    /* Frames still queued (end marks, late ones) must not leak into the next run. */
    {
        NDISPROT_STATISTICS st;
        ULONG q = 1;
        DeviceIoControl(Device, IOCTL_NDISPROT_SET_QUEUE_LENGTH, &q, sizeof(q), NULL, 0, &n, NULL);
        if (DeviceIoControl(Device, IOCTL_NDISPROT_GET_STATISTICS, NULL, 0, &st, sizeof(st), &n, NULL) &&
            st.QueuedFrames != 0)
            ReadFile(Device, buf, sizeof(buf), &n, NULL);
        q = NDISPROT_MAX_QUEUE_LENGTH;
        DeviceIoControl(Device, IOCTL_NDISPROT_SET_QUEUE_LENGTH, &q, sizeof(q), NULL, 0, &n, NULL);
    }
    *Got = got;
    return got / (last - t0);
}

static int OpenDevice(void)
{
    uint16_t name[64];
    const char *text = "\\DEVICE\\{NKPACKET-" NEAR "}";
    ULONG q = NDISPROT_MAX_QUEUE_LENGTH;
    union {
        NDISPROT_ETHERTYPE_FILTER f;
        uint8_t bytes[16];
    } types;
    size_t i;
    DWORD n;

    for (i = 0; text[i]; i++)
        name[i] = (uint16_t)text[i];
    Device = CreateFileA("\\\\.\\NdisProt", GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    memset(&types, 0, sizeof(types));
    types.f.Count = 1;
    types.f.EtherTypes[0] = ETHERTYPE;
    return Device != INVALID_HANDLE_VALUE &&
           DeviceIoControl(Device, IOCTL_NDISPROT_BIND_WAIT, NULL, 0, NULL, 0, &n, NULL) &&
           DeviceIoControl(Device, IOCTL_NDISPROT_OPEN_DEVICE, name, (DWORD)(i * 2), NULL, 0, &n, NULL) &&
           DeviceIoControl(Device, IOCTL_NDISPROT_SET_ETHERTYPES, &types, NDISPROT_ETHERTYPE_FILTER_SIZE(1), NULL, 0,
                           &n, NULL) &&
           DeviceIoControl(Device, IOCTL_NDISPROT_SET_QUEUE_LENGTH, &q, sizeof(q), NULL, 0, &n, NULL);
}

static void Row(const char *What, double Base, double Ours, const char *Note)
{
    printf("%-44s %10.0f %10.0f  %5.2fx%s\n", What, Base, Ours, Ours / Base, Note);
}

int main(int argc, char **argv)
{
    static const size_t sizes[] = {64, 1514};
    if (argc != 3) {
        fprintf(stderr, "usage: bench_ndisprot NDISKIT NDISPROT_SO\n");
        return 2;
    }
    if (geteuid() != 0) {
        printf("bench_ndisprot: skipped: needs root for a veth pair and AF_PACKET\n");
        return 77;
    }
    Sh("ip link del " NEAR " >/dev/null 2>&1");
    if (Sh("ip link add " NEAR " type veth peer name " FAR) != 0) {
        printf("bench_ndisprot: skipped: cannot create a veth pair here\n");
        return 77;
    }
    atexit(Teardown);
    Sh("for d in " NEAR " " FAR "; do sysctl -qw net.ipv6.conf.$d.disable_ipv6=1; ip link set $d arp off; "
       "ip link set $d mtu 1500; ip link set $d up; done");
    ReadMac(NEAR, NearMac);
    ReadMac(FAR, FarMac);
    if (mkdtemp(SocketDir) == NULL) {
        perror("bench_ndisprot: mkdtemp");
        return 1;
    }
    snprintf(SocketPath, sizeof(SocketPath), "%s/host.sock", SocketDir);
    Server = fork();
    if (Server == 0) {
        int null = open("/dev/null", 1);
        dup2(null, 1);
        execl(argv[1], argv[1], "host", "run", argv[2], "--adapter", NEAR, "--socket", SocketPath, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 200 && access(SocketPath, F_OK) != 0; i++)
        usleep(25000);
    setenv("NDISKIT_HOST_SOCKET", SocketPath, 1);
    if (!OpenDevice()) {
        fprintf(stderr, "bench_ndisprot: cannot open ndisprot on " NEAR ": error %lu\n", (unsigned long)GetLastError());
        return 1;
    }

    printf("ndisprot under the host kernel on a veth pair, frames/s (same run, same veth)\n");
    printf("%-44s %10s %10s  %s\n", "operation", "AF_PACKET", "ndisprot", "ratio");
    for (size_t s = 0; s < 2; s++) {
        size_t len = sizes[s];
        unsigned n = len == 64 ? 100000 : 50000, got, gotRaw;
        char what[96], note[96];
        double raw;

        raw = WriteRaw(len, n);
        snprintf(what, sizeof(what), "write %4zu-byte frames, one per call", len);
        Row(what, raw, WriteNdisprot(len, n, 1), "");
        snprintf(what, sizeof(what), "write %4zu-byte frames, batches of %d", len, BATCH);
        Row(what, raw, WriteNdisprot(len, n, BATCH), "  (target >= 0.8x)");

        raw = ReadRaw(len, n, &gotRaw);
        double one = ReadNdisprot(len, n, 1, &got);
        snprintf(what, sizeof(what), "read  %4zu-byte frames, one per call", len);
        snprintf(note, sizeof(note), "  (delivered %u/%u vs raw %u/%u)", got, n, gotRaw, n);
        Row(what, raw, one, note);
        double batched = ReadNdisprot(len, n, BATCH, &got);
        snprintf(what, sizeof(what), "read  %4zu-byte frames, batches of %d", len, BATCH);
        snprintf(note, sizeof(note), "  (target >= 0.8x; delivered %u/%u)", got, n);
        Row(what, raw, batched, note);
    }
    return 0;
}
