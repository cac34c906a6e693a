/*
 * packet.c - adapters backed by a real Linux interface through an
 * AF_PACKET socket, so a protocol under the host kernel sends and
 * receives real frames (on a veth in a test's network namespace, say).
 *
 * A receiver thread reads every frame arriving on the interface (not the
 * ones this socket sent) and indicates it to the bindings as an injected
 * frame is, the frames of one recvmmsg as one chain; its socket's queue
 * stands in for the NIC's ring, and what overflows it is reported as the
 * adapter's receive discards.  Sends are written to the socket before
 * send-complete.
 * OID_GEN_CURRENT_PACKET_FILTER with NDIS_PACKET_TYPE_PROMISCUOUS turns the
 * interface's promiscuous mode on, as a NIC's filter would.
 *
 * The adapter has no 802.1Q offload: an 802.1Q tag is part of the frame,
 * as a NIC without priority/VLAN tagging hands it up.  Linux takes the tag
 * out of the frames a packet socket reads (into PACKET_AUXDATA, whatever
 * the interface's rx-vlan-offload), so the receiver puts it back where it
 * was, after the addresses - as libpcap does - or an intermediate driver
 * such as mux would see tagged frames as untagged.
 */
#include "ndis_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define NK_RX_BATCH NK_INDICATE_MAX
#define NK_VLAN_TAG 4

/* Puts the 802.1Q tag the kernel took out of a frame back in front of its
 * EtherType.  Frame points NK_VLAN_TAG bytes into its buffer: the
 * addresses move down into that headroom, and the returned frame starts
 * at the buffer. */
static UCHAR *ReinsertVlanTag(UCHAR *Frame, const struct tpacket_auxdata *Aux)
{
    UCHAR *tagged = Frame - NK_VLAN_TAG;
    USHORT tpid = (Aux->tp_status & TP_STATUS_VLAN_TPID_VALID) && Aux->tp_vlan_tpid != 0 ? Aux->tp_vlan_tpid : 0x8100;
    memmove(tagged, Frame, 12);
    tagged[12] = (UCHAR)(tpid >> 8);
    tagged[13] = (UCHAR)tpid;
    tagged[14] = (UCHAR)(Aux->tp_vlan_tci >> 8);
    tagged[15] = (UCHAR)Aux->tp_vlan_tci;
    return tagged;
}

/* The tag the kernel took out of a received frame, if any. */
static const struct tpacket_auxdata *VlanOf(struct msghdr *Msg)
{
    for (struct cmsghdr *c = CMSG_FIRSTHDR(Msg); c != NULL; c = CMSG_NXTHDR(Msg, c)) {
        const struct tpacket_auxdata *aux;
        if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA ||
            c->cmsg_len < CMSG_LEN(sizeof(struct tpacket_auxdata)))
            continue;
        aux = (const struct tpacket_auxdata *)CMSG_DATA(c);
        /* TP_STATUS_VLAN_VALID tells a tag of VLAN 0, priority 0 from none. */
        return (aux->tp_status & TP_STATUS_VLAN_VALID) || aux->tp_vlan_tci != 0 ? aux : NULL;
    }
    return NULL;
}

/* The receive path of a real NIC: wait for frames, then take everything
 * the socket holds, up to NK_RX_BATCH per system call (recvmmsg). */
static void *Receiver(void *Arg)
{
    NK_ADAPTER *a = Arg;
    static _Thread_local UCHAR frames[NK_RX_BATCH][NK_MAX_FRAME];
    static _Thread_local union {
        struct cmsghdr Align;
        UCHAR Bytes[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
    } control[NK_RX_BATCH];
    struct mmsghdr msgs[NK_RX_BATCH];
    struct iovec iov[NK_RX_BATCH];
    struct sockaddr_ll from[NK_RX_BATCH];
    const UCHAR *ready[NK_RX_BATCH];
    ULONG lengths[NK_RX_BATCH], count;

    while (!a->Stopping) {
        struct pollfd p = {a->Socket, POLLIN, 0};
        int got;

        if (poll(&p, 1, 20) <= 0)
            continue;
        do {
            for (int i = 0; i < NK_RX_BATCH; i++) {
                /* Headroom for a tag to put back (ReinsertVlanTag). */
                iov[i].iov_base = frames[i] + NK_VLAN_TAG;
                iov[i].iov_len = sizeof(frames[i]) - NK_VLAN_TAG;
                memset(&msgs[i].msg_hdr, 0, sizeof(msgs[i].msg_hdr));
                msgs[i].msg_hdr.msg_iov = &iov[i];
                msgs[i].msg_hdr.msg_iovlen = 1;
                msgs[i].msg_hdr.msg_name = &from[i];
                msgs[i].msg_hdr.msg_namelen = sizeof(from[i]);
                msgs[i].msg_hdr.msg_control = control[i].Bytes;
                msgs[i].msg_hdr.msg_controllen = sizeof(control[i].Bytes);
            }
            got = recvmmsg(a->Socket, msgs, NK_RX_BATCH, MSG_DONTWAIT, NULL);
            count = 0;
            for (int i = 0; i < got; i++) {
                ULONG n = msgs[i].msg_len;
                const struct tpacket_auxdata *vlan;
                UCHAR *frame = frames[i] + NK_VLAN_TAG;
                if (n < 14 || from[i].sll_pkttype == PACKET_OUTGOING)
                    continue;
                if ((vlan = VlanOf(&msgs[i].msg_hdr)) != NULL) {
                    frame = ReinsertVlanTag(frame, vlan);
                    n += NK_VLAN_TAG;
                }
                /* Larger than the MTU we reported (plus a tag, as 802.1Q
                 * allows): a NIC would drop it. */
                if (n > a->Mtu + 14 + (vlan != NULL || (frame[12] == 0x81 && frame[13] == 0x00) ? NK_VLAN_TAG : 0))
                    continue;
                ready[count] = frame;
                lengths[count++] = n;
            }
            /* What one system call brought in goes up as one chain per
             * open, as a NIC indicates a whole interrupt's worth. */
            if (count != 0)
                NkNdisIndicateReceived(a, ready, lengths, count);
        } while (got == NK_RX_BATCH && !a->Stopping);
    }
    return NULL;
}

/* NDIS adapter names look like \DEVICE\{GUID}; ours name the interface. */
NTSTATUS NkHostPacketAdapterName(PCSTR IfName, PWCHAR Name, ULONG Capacity)
{
    static const char prefix[] = "\\DEVICE\\{NKPACKET-";
    size_t k = 0, n = strlen(IfName);

    if (Capacity < sizeof(prefix) - 1 + n + 2)
        return STATUS_NAME_TOO_LONG;
    for (size_t i = 0; prefix[i] != '\0'; i++)
        Name[k++] = (WCHAR)prefix[i];
    for (size_t i = 0; i < n; i++)
        Name[k++] = (WCHAR)(UCHAR)IfName[i];
    Name[k++] = L'}';
    Name[k] = 0;
    return STATUS_SUCCESS;
}

NTSTATUS NkHostAddPacketAdapter(PCSTR IfName, NK_HOST_ADAPTER **Adapter)
{
    struct ifreq ifr;
    struct sockaddr_ll sll;
    WCHAR name[64];
    NK_ADAPTER *a;
    NTSTATUS status;
    int fd;
    size_t n = strlen(IfName);

    *Adapter = NULL;
    if (n == 0 || n >= IFNAMSIZ)
        return STATUS_INVALID_PARAMETER;
    fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
    if (fd < 0)
        return errno == EPERM || errno == EACCES ? STATUS_ACCESS_DENIED : STATUS_INSUFFICIENT_RESOURCES;
    memset(&ifr, 0, sizeof(ifr));
    memcpy(ifr.ifr_name, IfName, n);
    if (ioctl(fd, SIOCGIFINDEX, &ifr) != 0) {
        close(fd);
        return STATUS_OBJECT_NAME_NOT_FOUND;
    }
    memset(&sll, 0, sizeof(sll));
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_ALL);
    sll.sll_ifindex = ifr.ifr_ifindex;
    {
        /* Queues the size of a NIC's rings (8 MB), not the socket default.
         * SO_RCVBUF is capped by net.core.rmem_max (208 KiB on a stock
         * kernel: ~90 full-size frames, a few hundred microseconds of a
         * veth's rate), so as root, which a packet socket needs anyway,
         * the size is forced past the cap. */
        int size = 8 << 20;
        if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) != 0)
            (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
        if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) != 0)
            (void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
    }
    {
        int on = 1; /* 802.1Q tags the kernel takes out come back as PACKET_AUXDATA (Receiver) */
        if (setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &on, sizeof(on)) != 0) {
            close(fd);
            return STATUS_INVALID_DEVICE_STATE;
        }
    }
    if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) != 0 || ioctl(fd, SIOCGIFHWADDR, &ifr) != 0) {
        close(fd);
        return STATUS_INVALID_DEVICE_STATE;
    }
    if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER) {
        close(fd); /* an 802.3 medium only: no loopback, tun or IPoIB interfaces */
        return STATUS_NOT_SUPPORTED;
    }
    {
        UCHAR mac[6];
        ULONG mtu;
        memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
        if (ioctl(fd, SIOCGIFMTU, &ifr) != 0) {
            close(fd);
            return STATUS_INVALID_DEVICE_STATE;
        }
        mtu = (ULONG)ifr.ifr_mtu;
        NkHostPacketAdapterName(IfName, name, RTL_NUMBER_OF(name)); /* fits: IfName is shorter than IFNAMSIZ */
        status = NkNdisCreateAdapter(name, mac, mtu, fd, &a);
    }
    if (!NT_SUCCESS(status)) {
        close(fd);
        return status;
    }
    a->IfIndex = sll.sll_ifindex;
    if (pthread_create(&a->Receiver, NULL, Receiver, a) != 0) {
        a->Socket = -1;
        close(fd);
        NkHostRemoveAdapter((NK_HOST_ADAPTER *)a);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    NkNdisBindAll(a);
    *Adapter = (NK_HOST_ADAPTER *)a;
    return STATUS_SUCCESS;
}

VOID NkNdisStopPacketAdapter(NK_ADAPTER *a)
{
    a->Stopping = TRUE;
    pthread_join(a->Receiver, NULL);
    close(a->Socket);
    a->Socket = -1;
}

/* The NB's bytes straight from its MDLs (one iovec each), no copy. */
VOID NkNdisTransmit(NK_ADAPTER *a, PNET_BUFFER nb)
{
    struct iovec iov[64];
    struct msghdr msg;
    PMDL mdl = NET_BUFFER_CURRENT_MDL(nb);
    ULONG offset = NET_BUFFER_CURRENT_MDL_OFFSET(nb), left = NET_BUFFER_DATA_LENGTH(nb);
    size_t count = 0;

    while (left != 0 && mdl != NULL) {
        ULONG avail = MmGetMdlByteCount(mdl) - offset, take = avail < left ? avail : left;
        PUCHAR va = MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority);
        if (va == NULL || count == RTL_NUMBER_OF(iov))
            return; /* unmappable, or more pieces than a NIC's gather list: dropped */
        if (take != 0) {
            iov[count].iov_base = va + offset;
            iov[count].iov_len = take;
            count++;
        }
        left -= take;
        offset = 0;
        mdl = mdl->Next;
    }
    memset(&msg, 0, sizeof(msg));
    msg.msg_iov = iov;
    msg.msg_iovlen = count;
    (void)sendmsg(a->Socket, &msg, MSG_DONTWAIT); /* a full queue drops, as a NIC would */
}

/* The drops of the socket's receive queue since the last call
 * (PACKET_STATISTICS resets on read) are added to the adapter's count:
 * they are the frames a NIC would have dropped with its ring full. */
ULONG64 NkNdisReceiveDiscards(NK_ADAPTER *a)
{
    struct tpacket_stats st;
    socklen_t n = sizeof(st);
    if (a->Socket >= 0 && getsockopt(a->Socket, SOL_PACKET, PACKET_STATISTICS, &st, &n) == 0)
        __atomic_add_fetch(&a->ReceiveDiscards, st.tp_drops, __ATOMIC_RELAXED);
    return __atomic_load_n(&a->ReceiveDiscards, __ATOMIC_RELAXED);
}

/* Called by the OID path when the packet filter changes. */
VOID NkNdisApplyFilter(NK_ADAPTER *a, ULONG Filter)
{
    struct packet_mreq mr;
    if (a->Socket < 0)
        return;
    memset(&mr, 0, sizeof(mr));
    mr.mr_ifindex = a->IfIndex;
    mr.mr_type = PACKET_MR_PROMISC;
    (void)setsockopt(a->Socket, SOL_PACKET,
                     (Filter & NDIS_PACKET_TYPE_PROMISCUOUS) ? PACKET_ADD_MEMBERSHIP : PACKET_DROP_MEMBERSHIP, &mr,
                     sizeof(mr));
}
