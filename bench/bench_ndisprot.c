/*
 * bench_ndisprot.c - frames per second through ndisprot under the host
 * kernel on a veth pair, as a ratio to a plain AF_PACKET socket doing the
 * same work on the same veth in the same run.
 *
 *     bench_ndisprot NDISKIT NDISPROT_SO [MUX_SO]
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
 * With MUX_SO, a second part: `ndiskit host run MUX_SO NDISPROT_SO` with one
 * VELAN (VLAN ID 10) over nkbench0, and the same batched writes and reads
 * through ndisprot on that VELAN (mux tagging every frame sent, stripping
 * and demultiplexing every frame received) as a ratio to ndisprot bound
 * directly to nkbench0 in the same server: what the intermediate driver
 * costs (issue 15's target: at least 0.85x).
 *
 * Needs root (veth, AF_PACKET); without it, says so and exits 77.  Built
 * without sanitizers (make bench configures build/bench-host for it).
 */
#define _GNU_SOURCE 1
#include <windows.h>
#include <winioctl.h>
#include <ntddndis.h> /* OIDs */

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
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "protuser.h"

#define NEAR "nkbench0"
#define FAR "nkbench1"
#define NEAR_ADAPTER "\\DEVICE\\{NKPACKET-" NEAR "}"
/* The server's socket, in a directory of our own (a fixed name in /tmp is
 * anyone's to take first). */
static char SocketDir[] = "/tmp/ndiskit-bench-XXXXXX";
static char SocketPath[64];
#define BATCH 256
#define ETHERTYPE 0x88B5 /* IEEE local experimental: nothing else on the wire uses it */

static uint8_t NearMac[6], FarMac[6];
/* The open being measured: its adapter's MAC (the source of what it
 * writes, the destination of what the generator sends it) and, for a mux
 * VELAN, the VLAN ID the generator tags its frames with. */
static uint8_t LocalMac[6];
static uint16_t Vid;
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

static void CloseDevice(void)
{
    if (Device != INVALID_HANDLE_VALUE)
        CloseHandle(Device);
    Device = INVALID_HANDLE_VALUE;
}

static void StopServer(void)
{
    CloseDevice();
    if (Server > 0) {
        kill(Server, SIGTERM);
        waitpid(Server, NULL, 0);
    }
    Server = -1;
}

static void Teardown(void)
{
    StopServer();
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
    /* The same queue the host kernel's adapter asks for: 8 MB, past
     * net.core.rmem_max (we are root). */
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) != 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
    if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) != 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
    if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void Frame(uint8_t *f, size_t Length, const uint8_t *Dst, const uint8_t *Src, uint32_t Seq, uint32_t Run)
{
    memcpy(f, Dst, 6);
    memcpy(f + 6, Src, 6);
    f[12] = ETHERTYPE >> 8;
    f[13] = ETHERTYPE & 0xFF;
    memset(f + 14, 0x5A, Length - 14);
    memcpy(f + 14, &Seq, 4);
    memcpy(f + 18, &Run, 4);
}

/* ---- writes ---------------------------------------------------------------------------- */

static double WriteRaw(size_t Length, unsigned N)
{
    uint8_t f[1514];
    int fd = RawSocket(NEAR);
    double t0;
    unsigned sent = 0;
    Frame(f, Length, FarMac, LocalMac, 0, 0);
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

    Frame(f, Length, FarMac, LocalMac, 0, 0);
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

/*
 * A read run: a generator thread on the far end offers N frames at a fixed
 * rate (or as fast as it can), each carrying the run's number and its
 * sequence number after the Ethernet header; the reader counts the
 * distinct sequence numbers of its own run, so a frame left over from
 * an earlier run (still queued somewhere) is never counted.  After the N,
 * the generator repeats an end mark until the reader has seen one: frames
 * travel in order, so by then every surviving frame has arrived.
 *
 * Around each run the stages are counted: frames that reached the near
 * interface (its rx_packets), what the receiving socket dropped, and for
 * ndisprot what the adapter discarded, what was indicated, and what the
 * queue dropped - so loss is reported where it happened.
 */
#define END_MARK 0xFFFFFFFFu
#define MAX_FRAMES 200000

typedef struct {
    size_t Length;
    unsigned N;
    double Rate;            /* frames/s offered; 0: as fast as possible */
    uint32_t Run;
    volatile int Go, Done;
    double Seconds;         /* how long the N took to send */
    unsigned EndMarks;
} GENERATOR;

static uint32_t RunCounter;
static uint8_t Seen[MAX_FRAMES];

/* The generator's frame: to the open's adapter, tagged with Vid (802.1Q,
 * priority 0) when measuring a VELAN; returns its length on the wire. */
static size_t WireFrame(uint8_t *f, size_t Length, uint32_t Seq, uint32_t Run)
{
    uint8_t plain[1514];
    if (Vid == 0) {
        Frame(f, Length, LocalMac, FarMac, Seq, Run);
        return Length;
    }
    Frame(plain, Length, LocalMac, FarMac, Seq, Run);
    memcpy(f, plain, 12);
    f[12] = 0x81;
    f[13] = 0x00;
    f[14] = (uint8_t)(Vid >> 8);
    f[15] = (uint8_t)Vid;
    memcpy(f + 16, plain + 12, Length - 12);
    return Length + 4;
}

static void *Generate(void *Arg)
{
    GENERATOR *g = Arg;
    uint8_t f[1518];
    size_t n;
    int fd = RawSocket(FAR);
    struct timespec due;
    unsigned burst;
    double t0;

    /* Sleeps end within microseconds of the timetable, not the default
     * 50 us slack later; bursts are a fifth of a millisecond's frames (at
     * least 16), so the sender wakes at most 5000 times a second. */
    prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
    burst = g->Rate > 0 && g->Rate / 5000 > 16 ? (unsigned)(g->Rate / 5000) : 16;
    while (!g->Go)
        ;
    t0 = Now();
    clock_gettime(CLOCK_MONOTONIC, &due);
    for (unsigned i = 0; i < g->N;) {
        /* Paced: bursts on a fixed timetable, sleeping until each burst is
         * due (a burst is what a NIC's interrupt moderation delivers
         * anyway); a sender that fell behind catches up at full speed. */
        if (g->Rate > 0 && i % burst == 0) {
            double at = t0 + i / g->Rate;
            due.tv_sec = (time_t)at;
            due.tv_nsec = (long)((at - (double)due.tv_sec) * 1e9);
            clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, NULL);
        }
        n = WireFrame(f, g->Length, i, g->Run);
        if (send(fd, f, n, 0) == (ssize_t)n)
            i++;
        else if (errno != ENOBUFS && errno != EAGAIN)
            break;
    }
    g->Seconds = Now() - t0;
    n = WireFrame(f, g->Length, END_MARK, g->Run);
    while (!g->Done) {
        if (send(fd, f, n, 0) == (ssize_t)n)
            g->EndMarks++;
        usleep(20000);
    }
    close(fd);
    return NULL;
}

static unsigned long long ReadCounter(const char *Dev, const char *Name)
{
    char path[128];
    unsigned long long v = 0;
    FILE *f;
    snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/%s", Dev, Name);
    f = fopen(path, "r");
    if (f != NULL) {
        if (fscanf(f, "%llu", &v) != 1)
            v = 0;
        fclose(f);
    }
    return v;
}

/* One frame seen by a reader: 1 if it is the end mark of this run. */
static int See(const GENERATOR *g, const uint8_t *Frame, unsigned *Got)
{
    uint32_t run, seq;
    memcpy(&seq, Frame + 14, 4);
    memcpy(&run, Frame + 18, 4);
    if (run != g->Run)
        return 0;
    if (seq == END_MARK)
        return 1;
    if (seq < g->N && !Seen[seq]) {
        Seen[seq] = 1;
        (*Got)++;
    }
    return 0;
}

typedef struct {
    unsigned Offered, Delivered;
    double OfferedRate, DeliveredRate;  /* frames/s */
    long long Wire;                     /* reached the near interface */
    long long SocketDrops;              /* raw: the socket's own tp_drops */
    long long AdapterDiscards, Indicated, QueueDrops, NoMemory; /* ndisprot */
    double MaxGap;                      /* longest wait between two reads returning, s */
    double ServerCpu;                   /* ndisprot: the host kernel's CPU seconds (user + system) */
} READ_RESULT;

/* CPU time the host kernel process has used, s: what the machine's other
 * load does not change, unlike rates on a shared 2-core VM. */
static double ServerCpuSeconds(void)
{
    char path[64], text[1024], *p;
    unsigned long long user = 0, sys = 0;
    FILE *f;
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)Server);
    f = fopen(path, "r");
    if (f == NULL)
        return 0;
    if (fgets(text, sizeof(text), f) != NULL && (p = strrchr(text, ')')) != NULL)
        (void)sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &user, &sys);
    fclose(f);
    return (double)(user + sys) / (double)sysconf(_SC_CLK_TCK);
}

static void StartRun(GENERATOR *g, size_t Length, unsigned N, double Rate, pthread_t *t)
{
    memset(g, 0, sizeof(*g));
    g->Length = Length;
    g->N = N;
    g->Rate = Rate;
    g->Run = ++RunCounter;
    memset(Seen, 0, N);
    pthread_create(t, NULL, Generate, g);
}

static READ_RESULT ReadRaw(size_t Length, unsigned N, double Rate)
{
    static uint8_t buf[2048];
    READ_RESULT r;
    GENERATOR g;
    struct timeval tv = {2, 0};
    struct tpacket_stats st;
    socklen_t sl = sizeof(st);
    pthread_t t;
    unsigned long long wire0;
    int fd = RawSocket(NEAR);
    double t0, last;
    unsigned got = 0;

    memset(&r, 0, sizeof(r));
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &sl); /* resets it */
    wire0 = ReadCounter(NEAR, "rx_packets");
    StartRun(&g, Length, N, Rate, &t);
    t0 = last = Now();
    g.Go = 1;
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof(buf), 0);
        unsigned before = got;
        double now = Now();
        if (n <= 0)
            break; /* 2 s without a frame: the generator is stuck */
        if (n >= 22 && See(&g, buf, &got))
            break;
        if (got != before) {
            if (now - last > r.MaxGap)
                r.MaxGap = now - last;
            last = now;
        }
    }
    g.Done = 1;
    pthread_join(t, NULL);
    sl = sizeof(st);
    getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &sl);
    close(fd);
    r.Offered = N;
    r.Delivered = got;
    r.OfferedRate = N / g.Seconds;
    r.DeliveredRate = got / (last - t0);
    r.Wire = (long long)(ReadCounter(NEAR, "rx_packets") - wire0) - g.EndMarks;
    r.SocketDrops = st.tp_drops;
    return r;
}

static NDISPROT_STATISTICS Statistics(void)
{
    NDISPROT_STATISTICS st;
    DWORD n;
    memset(&st, 0, sizeof(st));
    DeviceIoControl(Device, IOCTL_NDISPROT_GET_STATISTICS, NULL, 0, &st, sizeof(st), &n, NULL);
    return st;
}

/* Lets what an earlier run left in the host's socket drain through
 * ndisprot (nothing indicated for 100 ms), then empties its queue. */
static void Quiesce(void)
{
    ULONGLONG last = ~0ull;
    ULONG q;
    DWORD n;
    for (int i = 0; i < 100; i++) {
        ULONGLONG now = Statistics().FramesIndicated;
        if (now == last)
            break;
        last = now;
        usleep(100000);
    }
    q = 1;
    DeviceIoControl(Device, IOCTL_NDISPROT_SET_QUEUE_LENGTH, &q, sizeof(q), NULL, 0, &n, NULL);
    q = NDISPROT_MAX_QUEUE_LENGTH;
    DeviceIoControl(Device, IOCTL_NDISPROT_SET_QUEUE_LENGTH, &q, sizeof(q), NULL, 0, &n, NULL);
}

static READ_RESULT ReadNdisprot(size_t Length, unsigned N, double Rate, unsigned Batch)
{
    static uint8_t buf[BATCH * (sizeof(NDISPROT_FRAME_HEADER) + 1520)];
    NDISPROT_STATISTICS s0, s1;
    READ_RESULT r;
    GENERATOR g;
    pthread_t t;
    unsigned long long wire0;
    double t0, last;
    unsigned got = 0;
    DWORD n;

    memset(&r, 0, sizeof(r));
    Quiesce();
    s0 = Statistics();
    r.ServerCpu = ServerCpuSeconds();
    wire0 = ReadCounter(NEAR, "rx_packets");
    StartRun(&g, Length, N, Rate, &t);
    t0 = last = Now();
    g.Go = 1;
    for (int done = 0; !done;) {
        unsigned before = got;
        double now;
        if (Batch == 1) {
            if (!ReadFile(Device, buf, sizeof(buf), &n, NULL))
                break;
            done = n >= 22 && See(&g, buf, &got);
        } else {
            if (!DeviceIoControl(Device, IOCTL_NDISPROT_READ_BATCH, NULL, 0, buf,
                                 (DWORD)(Batch * NDISPROT_FRAME_RECORD_SIZE(Length)), &n, NULL))
                break;
            for (size_t off = 0; off + sizeof(NDISPROT_FRAME_HEADER) <= n;) {
                NDISPROT_FRAME_HEADER *h = (NDISPROT_FRAME_HEADER *)(buf + off);
                if (h->Length >= 22)
                    done |= See(&g, NDISPROT_FRAME_DATA(h), &got);
                off += NDISPROT_FRAME_RECORD_SIZE(h->Length);
            }
        }
        now = Now();
        if (got != before) {
            if (now - last > r.MaxGap)
                r.MaxGap = now - last;
            last = now;
        }
    }
    g.Done = 1;
    pthread_join(t, NULL);
    r.ServerCpu = ServerCpuSeconds() - r.ServerCpu;
    s1 = Statistics();
    r.Offered = N;
    r.Delivered = got;
    r.OfferedRate = N / g.Seconds;
    r.DeliveredRate = got / (last - t0);
    r.Wire = (long long)(ReadCounter(NEAR, "rx_packets") - wire0) - g.EndMarks;
    r.AdapterDiscards = s1.AdapterReceiveDiscards == NDISPROT_STATISTIC_UNKNOWN
                            ? -1
                            : (long long)(s1.AdapterReceiveDiscards - s0.AdapterReceiveDiscards);
    r.Indicated = (long long)(s1.FramesIndicated - s0.FramesIndicated) - g.EndMarks;
    r.QueueDrops = (long long)(s1.DroppedQueueFull - s0.DroppedQueueFull);
    r.NoMemory = (long long)(s1.DroppedNoResources - s0.DroppedNoResources);
    return r;
}

/* Opens ndisprot on the adapter named Adapter (waiting up to Seconds for
 * ndisprot to bind to it: a VELAN comes up after mux binds) and reads its
 * MAC into LocalMac. */
static int OpenDevice(const char *Adapter, uint16_t VlanId, double Seconds)
{
    uint16_t name[128];
    ULONG q = NDISPROT_MAX_QUEUE_LENGTH;
    union {
        NDISPROT_ETHERTYPE_FILTER f;
        uint8_t bytes[16];
    } types;
    union {
        NDISPROT_QUERY_OID q;
        uint8_t bytes[sizeof(NDISPROT_QUERY_OID) + 8];
    } oid;
    double deadline = Now() + Seconds;
    size_t i;
    DWORD n;
    BOOL opened;

    for (i = 0; Adapter[i] && i + 1 < sizeof(name) / sizeof(name[0]); i++)
        name[i] = (uint16_t)Adapter[i];
    CloseDevice();
    Device = CreateFileA("\\\\.\\NdisProt", GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    if (Device == INVALID_HANDLE_VALUE || !DeviceIoControl(Device, IOCTL_NDISPROT_BIND_WAIT, NULL, 0, NULL, 0, &n, NULL))
        return 0;
    while (!(opened = DeviceIoControl(Device, IOCTL_NDISPROT_OPEN_DEVICE, name, (DWORD)(i * 2), NULL, 0, &n, NULL)) &&
           GetLastError() == 2 /* not bound to it yet */ && Now() < deadline)
        usleep(20000); /* polling interval; the condition is the open */
    memset(&types, 0, sizeof(types));
    types.f.Count = 1;
    types.f.EtherTypes[0] = ETHERTYPE;
    memset(&oid, 0, sizeof(oid));
    oid.q.Oid = OID_802_3_CURRENT_ADDRESS;
    if (!opened ||
        !DeviceIoControl(Device, IOCTL_NDISPROT_SET_ETHERTYPES, &types, NDISPROT_ETHERTYPE_FILTER_SIZE(1), NULL, 0,
                         &n, NULL) ||
        !DeviceIoControl(Device, IOCTL_NDISPROT_SET_QUEUE_LENGTH, &q, sizeof(q), NULL, 0, &n, NULL) ||
        !DeviceIoControl(Device, IOCTL_NDISPROT_QUERY_OID_VALUE, &oid, sizeof(oid), &oid, sizeof(oid), &n, NULL) ||
        n < offsetof(NDISPROT_QUERY_OID, Data) + 6)
        return 0;
    memcpy(LocalMac, oid.q.Data, 6);
    Vid = VlanId;
    return 1;
}

/* `ndiskit host run` with Args (NULL-terminated, after "host run"), on
 * our socket; returns once it is listening. */
static int StartServer(const char *Ndiskit, const char *const *Args)
{
    const char *argv[16];
    size_t k = 0;
    unlink(SocketPath);
    argv[k++] = Ndiskit;
    argv[k++] = "host";
    argv[k++] = "run";
    for (size_t i = 0; Args[i] != NULL && k + 3 < sizeof(argv) / sizeof(argv[0]); i++)
        argv[k++] = Args[i];
    argv[k++] = "--socket";
    argv[k++] = SocketPath;
    argv[k] = NULL;
    Server = fork();
    if (Server == 0) {
        int null = open("/dev/null", 1);
        dup2(null, 1);
        execv(Ndiskit, (char *const *)argv);
        _exit(127);
    }
    for (int i = 0; i < 400 && access(SocketPath, F_OK) != 0; i++)
        usleep(25000); /* polling interval; the condition is the socket */
    return access(SocketPath, F_OK) == 0;
}

static void Row(const char *What, double Base, double Ours, const char *Note)
{
    printf("%-44s %10.0f %10.0f  %5.2fx%s\n", What, Base, Ours, Ours / Base, Note);
}

/* The raw socket's runs are measured with the server stopped, so the host
 * kernel's receiver does not compete with it for the CPU (it would read
 * every frame on the interface too); what piles up in its socket while
 * stopped is drained (and not counted) before ndisprot's next run. */
static void PauseServer(int Stop)
{
    kill(Server, Stop ? SIGSTOP : SIGCONT);
}

static void ReadRow(const char *What, const READ_RESULT *r, double RawRate)
{
    char drops[24], ratio[16], cpu[16];
    if (r->AdapterDiscards < 0 && r->Indicated == 0)
        snprintf(drops, sizeof(drops), "%lld", r->SocketDrops);
    else
        snprintf(drops, sizeof(drops), "%lld", r->AdapterDiscards);
    ratio[0] = 0;
    if (RawRate > 0)
        snprintf(ratio, sizeof(ratio), "%5.2fx", r->DeliveredRate / RawRate);
    cpu[0] = 0;
    if (r->ServerCpu > 0)
        snprintf(cpu, sizeof(cpu), "%5.2f", r->ServerCpu * 1e6 / r->Offered);
    printf("%-34s %8.0f %7u %7lld %7s %7lld %6lld %7u %6.2f%% %8.0f %5.0f %5s %s\n", What, r->OfferedRate,
           r->Offered, r->Wire, drops, r->Indicated, r->QueueDrops + r->NoMemory, r->Delivered,
           100.0 * (r->Offered - r->Delivered) / r->Offered, r->DeliveredRate, r->MaxGap * 1e3, cpu, ratio);
}

static READ_RESULT Raw(size_t Length, unsigned N, double Rate)
{
    READ_RESULT r;
    PauseServer(1);
    r = ReadRaw(Length, N, Rate);
    PauseServer(0);
    r.AdapterDiscards = -1;
    return r;
}

/* ---- over a mux VELAN ------------------------------------------------------------------ */

#define VELAN_VID 10
#define VELAN_ADAPTER "\\Device\\{6D757800-000A-4000-8000-000000000000}"

/* The same server loads mux and ndisprot: ndisprot is bound to nkbench0
 * itself and to the VELAN mux puts over it, so the two are measured on one
 * host kernel, one after the other (one open at a time: the other's
 * filter would see the frames too). */
static int MuxPart(const char *Ndiskit, const char *MuxSo, const char *NdisprotSo)
{
    static const size_t sizes[] = {64, 1514};
    char config[96];
    FILE *f;

    snprintf(config, sizeof(config), "%s/mux.conf", SocketDir);
    f = fopen(config, "w");
    if (f == NULL || fprintf(f, "[binding mux " NEAR "]\nUpperBindings = multi: " VELAN_ADAPTER "\n\n"
                                "[instance " VELAN_ADAPTER "]\nVlanID = %d\n", VELAN_VID) < 0 || fclose(f) != 0) {
        perror("bench_ndisprot: mux.conf");
        return 1;
    }
    StopServer();
    {
        const char *args[] = {MuxSo, NdisprotSo, "--adapter", NEAR, "--config", config, NULL};
        if (!StartServer(Ndiskit, args)) {
            fprintf(stderr, "bench_ndisprot: ndiskit host run with mux did not start\n");
            return 1;
        }
    }
    printf("\nndisprot over a mux VELAN (VLAN ID %d: tagged on the wire) vs ndisprot bound to the adapter,\n"
           "batches of %d, frames/s, one server\n", VELAN_VID, BATCH);
    printf("%-44s %10s %10s  %s\n", "operation", "direct", "VELAN", "ratio");
    for (size_t s = 0; s < 2; s++) {
        size_t len = sizes[s];
        unsigned n = len == 64 ? 100000 : 50000;
        double write[2], read[2];
        long long lost[2];
        char what[96];
        for (int velan = 0; velan < 2; velan++) {
            /* The same bytes on the wire: a VELAN's largest frame is 4
             * bytes short of the adapter's (its MTU gives the tag room). */
            size_t frame = velan && len == 1514 ? len - 4 : len;
            READ_RESULT r;
            if (!(velan ? OpenDevice(VELAN_ADAPTER, VELAN_VID, 30) : OpenDevice(NEAR_ADAPTER, 0, 10))) {
                fprintf(stderr, "bench_ndisprot: cannot open ndisprot on %s: error %lu\n",
                        velan ? VELAN_ADAPTER : NEAR_ADAPTER, (unsigned long)GetLastError());
                return 1;
            }
            write[velan] = WriteNdisprot(frame, n, BATCH);
            r = ReadNdisprot(frame, n, 0, BATCH);
            read[velan] = r.DeliveredRate;
            lost[velan] = (long long)r.Offered - r.Delivered;
            CloseDevice();
        }
        snprintf(what, sizeof(what), "write %4zu bytes on the wire, batched", len);
        Row(what, write[0], write[1], "  (target >= 0.85x)");
        snprintf(what, sizeof(what), "read %4zu bytes on the wire, batched (lost %lld/%lld)", len, lost[0], lost[1]);
        Row(what, read[0], read[1], "  (target >= 0.85x)");
    }
    return 0;
}

int main(int argc, char **argv)
{
    static const size_t sizes[] = {64, 1514};
    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: bench_ndisprot NDISKIT NDISPROT_SO [MUX_SO]\n");
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
    setenv("NDISKIT_HOST_SOCKET", SocketPath, 1);
    {
        const char *args[] = {argv[2], "--adapter", NEAR, NULL};
        if (!StartServer(argv[1], args)) {
            fprintf(stderr, "bench_ndisprot: ndiskit host run did not start\n");
            return 1;
        }
    }
    if (!OpenDevice(NEAR_ADAPTER, 0, 10)) {
        fprintf(stderr, "bench_ndisprot: cannot open ndisprot on " NEAR ": error %lu\n", (unsigned long)GetLastError());
        return 1;
    }

    printf("ndisprot under the host kernel on a veth pair, frames/s (same run, same veth)\n");
    printf("%-44s %10s %10s  %s\n", "operation", "AF_PACKET", "ndisprot", "ratio");
    for (size_t s = 0; s < 2; s++) {
        size_t len = sizes[s];
        unsigned n = len == 64 ? 100000 : 50000;
        char what[96];
        double raw;

        PauseServer(1);
        raw = WriteRaw(len, n);
        PauseServer(0);
        snprintf(what, sizeof(what), "write %4zu-byte frames, one per call", len);
        Row(what, raw, WriteNdisprot(len, n, 1), "");
        snprintf(what, sizeof(what), "write %4zu-byte frames, batches of %d", len, BATCH);
        Row(what, raw, WriteNdisprot(len, n, BATCH), "  (target >= 0.8x)");
    }

    /* Reads: loss next to rate, per stage.  wire: reached the near
     * interface; drops: the raw socket's own (tp_drops), or for ndisprot
     * the adapter's receive discards (its AF_PACKET socket's queue, NDIS);
     * indicated: reached ndisprot; q.drop: ndisprot's queue (full, or no
     * memory); delivered: distinct frames the reader got.  First as fast as
     * the generator can send (the offered rate then depends on who else
     * runs: the two are not offered the same load), then paced at fixed
     * fractions of the raw socket's maximum, the same offered rate for
     * both; gapms: the reader's longest wait for a read to return (the
     * queue of 4096 frames covers 4096 / rate seconds of it); us/fr: the
     * host kernel's CPU time per frame offered (receiving, indicating,
     * queueing and serving the reads); ratio:
     * delivered rate over the raw socket's in the row above. */
    printf("\nreads (queue %u frames, batches of %d)  offered/s offered    wire   drops  indic. q.drop "
           "deliv.   lost  deliv/s gapms us/fr ratio\n", NDISPROT_MAX_QUEUE_LENGTH, BATCH);
    for (size_t s = 0; s < 2; s++) {
        size_t len = sizes[s];
        unsigned n = len == 64 ? 100000 : 50000;
        char what[96];
        READ_RESULT raw, r;

        raw = Raw(len, n, 0);
        snprintf(what, sizeof(what), "%4zu B, max rate: raw socket", len);
        ReadRow(what, &raw, 0);
        r = ReadNdisprot(len, n, 0, BATCH);
        ReadRow("            ndisprot, batched", &r, raw.DeliveredRate);
        r = ReadNdisprot(len, n, 0, 1);
        ReadRow("            ndisprot, one per call", &r, raw.DeliveredRate);

        /* Paced at fixed fractions of the raw socket's maximum: each
         * rate offered to the raw socket, then to ndisprot. */
        for (int i = 0; i < 4; i++) {
            static const double fractions[] = {1.0, 0.75, 0.5, 0.25};
            double rate = raw.DeliveredRate * fractions[i];
            READ_RESULT paced = Raw(len, n, rate);
            snprintf(what, sizeof(what), "%4zu B, paced %3.0f%%: raw socket", len, 100 * fractions[i]);
            ReadRow(what, &paced, 0);
            r = ReadNdisprot(len, n, rate, BATCH);
            ReadRow("            ndisprot, batched", &r, paced.DeliveredRate);
        }
    }
    return argc == 4 ? MuxPart(argv[1], argv[3], argv[2]) : 0;
}
