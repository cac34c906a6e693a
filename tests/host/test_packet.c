/*
 * test_packet.c - an NDIS protocol under the host kernel on a real Linux
 * interface: a veth pair whose far end is in a network namespace this test
 * creates.  Frames the protocol sends must appear on the far end
 * byte-exact; frames written on the far end must reach the protocol
 * byte-exact.  Skipped (exit 77) where the machine does not allow network
 * namespaces or raw sockets.
 */
#define _GNU_SOURCE 1
#include "nkproto.h"
#include <nkhost.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

static char Ns[32], Near[IFNAMSIZ], Far[IFNAMSIZ];
static int FarSocket = -1;

static int Run(const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    return system(cmd);
}

static void Teardown(void)
{
    if (FarSocket >= 0)
        close(FarSocket);
    Run("ip link del %s >/dev/null 2>&1", Near);
    Run("ip netns del %s >/dev/null 2>&1", Ns);
}

/* A raw socket on the far interface, created inside the namespace. */
static int OpenFar(void)
{
    char path[64];
    int self = open("/proc/self/ns/net", O_RDONLY), ns, fd = -1;
    struct sockaddr_ll sll;

    snprintf(path, sizeof(path), "/var/run/netns/%s", Ns);
    ns = open(path, O_RDONLY);
    if (self < 0 || ns < 0 || setns(ns, CLONE_NEWNET) != 0)
        goto out;
    fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
    memset(&sll, 0, sizeof(sll));
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_ALL);
    sll.sll_ifindex = (int)if_nametoindex(Far);
    if (fd >= 0 && bind(fd, (struct sockaddr *)&sll, sizeof(sll)) != 0) {
        close(fd);
        fd = -1;
    }
    setns(self, CLONE_NEWNET);
out:
    if (self >= 0)
        close(self);
    if (ns >= 0)
        close(ns);
    return fd;
}

static int Setup(void **state)
{
    (void)state;
    snprintf(Ns, sizeof(Ns), "nkt%d", (int)getpid());
    snprintf(Near, sizeof(Near), "nka%d", (int)getpid() % 100000);
    snprintf(Far, sizeof(Far), "nkb%d", (int)getpid() % 100000);
    /* No IPv6 on the pair: router solicitations would race the test's frames. */
    if (Run("ip netns add %s >/dev/null 2>&1", Ns) != 0 ||
        Run("ip link add %s type veth peer name %s >/dev/null 2>&1", Near, Far) != 0 ||
        Run("ip link set %s netns %s && sysctl -qw net.ipv6.conf.%s.disable_ipv6=1 2>/dev/null; "
            "ip netns exec %s sysctl -qw net.ipv6.conf.%s.disable_ipv6=1 2>/dev/null; "
            "ip link set %s up && ip netns exec %s ip link set %s up",
            Far, Ns, Near, Ns, Far, Near, Ns, Far) != 0 ||
        (FarSocket = OpenFar()) < 0) {
        Teardown();
        fprintf(stderr, "test_packet: SKIPPED: cannot create a network namespace and veth pair here "
                        "(needs root / CAP_NET_ADMIN and iproute2)\n");
        exit(77);
    }
    NkHostReset();
    return 0;
}

/* Seconds on the monotonic clock: waits below end on a condition or, on a
 * machine too loaded to deliver a frame in 30 s, fail. */
static double Now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void test_real_frames(void **state)
{
    NK_HOST_ADAPTER *a;
    UCHAR frame[60], got[2048];
    struct timespec ts = {0, 5000000};
    double deadline;
    int seen = 0;
    (void)state;

    assert_int_equal(NkHostAddPacketAdapter(Near, &a), STATUS_SUCCESS);
    Register();
    assert_non_null(Open);

    /* Out: protocol -> veth -> far end. */
    memset(frame, 0xff, 6);                       /* broadcast */
    memcpy(frame + 6, Open->Mac, 6);
    frame[12] = 0x88;                             /* EtherType 0x88B5: local experimental */
    frame[13] = 0xB5;
    for (int i = 14; i < 60; i++)
        frame[i] = (UCHAR)i;
    Send(frame, sizeof(frame));
    assert_int_equal(Open->SendsCompleted, 1);
    for (deadline = Now() + 30; !seen && Now() < deadline;) {
        struct pollfd p = {FarSocket, POLLIN, 0};
        ssize_t n;
        if (poll(&p, 1, 10) <= 0)
            continue;
        n = recv(FarSocket, got, sizeof(got), 0);
        if (n == 60 && got[12] == 0x88 && got[13] == 0xB5) {
            assert_memory_equal(got, frame, 60);
            seen = 1;
        }
    }
    assert_true(seen);

    /* In: far end -> veth -> protocol. */
    frame[13] = 0xB6;
    memcpy(frame + 6, "\x02\x11\x22\x33\x44\x55", 6);
    assert_int_equal(send(FarSocket, frame, sizeof(frame), 0), 60);
    for (seen = 0, deadline = Now() + 30; !seen && Now() < deadline;) {
        seen = Open->Received > 0 && Open->LastLength == 60 && Open->LastFrame[13] == 0xB6;
        if (!seen)
            nanosleep(&ts, NULL);
    }
    assert_true(seen);
    assert_memory_equal(Open->LastFrame, frame, 60);

    /* A burst: every frame arrives, in order (the packet adapter
     * indicates what one recvmmsg returns as one chain). */
    {
        ULONG before = Open->Received;
        for (int i = 0; i < 100; i++) {
            frame[14] = (UCHAR)i;
            assert_int_equal(send(FarSocket, frame, sizeof(frame), 0), 60);
        }
        for (deadline = Now() + 30; Open->Received < before + 100 && Now() < deadline;)
            nanosleep(&ts, NULL);
        assert_int_equal(Open->Received, before + 100);
        assert_int_equal(Open->LastFrame[14], 99);
        fprintf(stderr, "test_packet: 100 frames in, longest chain indicated %lu\n",
                (unsigned long)Open->LongestChain);
    }

    /* 802.1Q: the kernel takes the tag out of what a packet socket reads;
     * the adapter, a NIC without VLAN offload, indicates it in the frame,
     * where it was on the wire - also for a full-size frame, 4 bytes over
     * the MTU. */
    {
        static UCHAR tagged[1518];
        ULONG before = Open->Received;
        memcpy(tagged, frame, 12);
        tagged[12] = 0x81;
        tagged[13] = 0x00;
        tagged[14] = (3 << 5) | 0x00;             /* priority 3, VLAN 10 */
        tagged[15] = 10;
        tagged[16] = 0x88;
        tagged[17] = 0xB7;
        for (int i = 18; i < (int)sizeof(tagged); i++)
            tagged[i] = (UCHAR)(i * 3);
        assert_int_equal(send(FarSocket, tagged, 64, 0), 64);
        for (deadline = Now() + 30; Open->Received < before + 1 && Now() < deadline;)
            nanosleep(&ts, NULL);
        assert_int_equal(Open->Received, before + 1);
        assert_int_equal(Open->LastLength, 64);
        assert_memory_equal(Open->LastFrame, tagged, 64);
        assert_int_equal(send(FarSocket, tagged, sizeof(tagged), 0), (ssize_t)sizeof(tagged));
        for (deadline = Now() + 30; Open->Received < before + 2 && Now() < deadline;)
            nanosleep(&ts, NULL);
        assert_int_equal(Open->Received, before + 2);
        assert_memory_equal(Open->LastFrame, tagged, sizeof(Open->LastFrame)); /* the protocol keeps 1514 */
    }

    NdisDeregisterProtocolDriver(Protocol);
    NkHostRemoveAdapter(a);
    assert_int_equal(NkHostCheckLeaks(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_real_frames)};
    int rc;
    Setup(NULL);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    Teardown();
    return rc;
}
