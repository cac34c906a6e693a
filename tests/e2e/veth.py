"""What the veth end-to-end tests share: a veth pair whose far end lives in
a network namespace (tcpdump captures there, scapy sends from there),
`ndiskit host run` serving drivers on the near end, and prottest, linked
with the client library, as the user-mode program.

Everything waits for a condition with a deadline, never for a fixed time.
Debian's /usr/bin/python3 runs these scripts: python3-scapy imports there.
"""
import os
import re
import struct
import subprocess
import sys
import time

SKIP = 77
DEADLINE = 60.0   # seconds any one condition may take on a loaded machine


def run(*cmd, check=True, **kw):
    return subprocess.run(cmd, check=check, capture_output=True, text=True, **kw)


def skip(why):
    print(f"SKIP: {why}")
    sys.exit(SKIP)


def check(cond, what):
    if not cond:
        raise AssertionError(what)
    print(f"ok: {what}")


def wait_for(what, cond, deadline=DEADLINE):
    """cond() until true; an AssertionError naming what was waited for if
    the deadline passes first."""
    end = time.monotonic() + deadline
    while True:
        value = cond()
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)  # polling interval; the condition decides


class VethPair:
    """near (here) <-> far (in namespace ns), both up, with no IPv6 or ARP
    chatter: only the test's frames are on the wire.  Skips (77) where
    root, ip, tcpdump, scapy or network namespaces are missing."""

    def __init__(self, tag):
        pid = os.getpid()
        self.ns, self.near, self.far = f"nk{tag}{pid}", f"nk{tag}n{pid % 100000}", f"nk{tag}f{pid % 100000}"
        if os.geteuid() != 0:
            skip("needs root for a network namespace and AF_PACKET")
        for tool in ("ip", "tcpdump"):
            if run("sh", "-c", f"command -v {tool}", check=False).returncode != 0:
                skip(f"{tool} is not installed")
        try:
            import scapy.all  # noqa: F401
        except ImportError:
            skip("python3-scapy is not installed")
        if run("ip", "netns", "add", self.ns, check=False).returncode != 0:
            skip("network namespaces are not allowed here")
        run("ip", "link", "add", self.near, "type", "veth", "peer", "name", self.far)
        run("ip", "link", "set", self.far, "netns", self.ns)
        for pre, dev in (([], self.near), (self.in_ns(), self.far)):
            run(*pre, "sysctl", "-qw", f"net.ipv6.conf.{dev}.disable_ipv6=1", check=False)
            run(*pre, "ip", "link", "set", dev, "arp", "off")
            run(*pre, "ip", "link", "set", dev, "up")

    def in_ns(self):
        return ["ip", "netns", "exec", self.ns]

    def near_mac(self):
        return open(f"/sys/class/net/{self.near}/address").read().strip()

    def far_mac(self):
        return run(*self.in_ns(), "cat", f"/sys/class/net/{self.far}/address").stdout.strip()

    def near_promiscuous(self):
        """Whether anything holds the near end promiscuous: a packet
        socket's PACKET_MR_PROMISC counts in `promiscuity`, without the
        PROMISC flag `ip link set promisc on` shows."""
        m = re.search(r"promiscuity (\d+)", run("ip", "-d", "link", "show", self.near).stdout)
        return m is not None and int(m.group(1)) > 0

    def far_send(self, frames, path):
        """Sends frames (bytes) from the far end, in order."""
        write_pcap(path, frames)
        code = f"from scapy.all import rdpcap, sendp; sendp(rdpcap({path!r}), iface={self.far!r}, verbose=False)"
        run(*self.in_ns(), "/usr/bin/python3", "-c", code)

    def teardown(self):
        run("ip", "link", "del", self.near, check=False)
        run("ip", "netns", "del", self.ns, check=False)


def frames_from(path):
    from scapy.all import rdpcap
    return [bytes(p) for p in rdpcap(path)]


def write_pcap(path, frames):
    from scapy.all import Ether, wrpcap
    wrpcap(path, [Ether(f) for f in frames])


def mac_bytes(mac):
    return bytes.fromhex(mac.replace(":", "").replace("-", ""))


def make_frames(dst, src, etype, count, sizes=(60, 64, 128, 1000, 1514), seed=0):
    """count frames dst -> src of EtherType etype, of the given sizes in
    turn, each body a pattern of its index (and seed)."""
    out = []
    for i in range(count):
        n = sizes[i % len(sizes)]
        header = mac_bytes(dst) + mac_bytes(src) + etype.to_bytes(2, "big")
        out.append(header + bytes([(i * 7 + seed * 13 + k) & 0xFF for k in range(n - 14)]))
    return out


def tag(frame, vid, priority=0):
    """frame with an 802.1Q tag (TPID 0x8100) inserted after the addresses."""
    return frame[:12] + b"\x81\x00" + ((priority << 13) | vid).to_bytes(2, "big") + frame[12:]


class Host:
    """`ndiskit host run` with the given drivers and options."""

    def __init__(self, ndiskit, args, sock):
        self.sock = sock
        self.p = subprocess.Popen([ndiskit, "host", "run", *args, "--socket", sock],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        # Ready once it says so: it prints this line after listen() and after
        # installing its SIGTERM handler (the socket file exists before both).
        seen = ""
        for line in self.p.stdout:
            seen += line
            if "serving its devices on" in line or "serving their devices on" in line:
                return
        raise RuntimeError("ndiskit host run exited: " + seen + self.p.stdout.read())

    def stop(self):
        self.p.terminate()
        out, _ = self.p.communicate(timeout=60)
        return self.p.returncode, out


def prottest(prottest_bin, sock, *args, timeout=60):
    env = dict(os.environ, NDISKIT_HOST_SOCKET=sock)
    return subprocess.run([prottest_bin, *args], env=env, capture_output=True, text=True, timeout=timeout)


def start_prottest(prottest_bin, sock, *args):
    """prottest running, once it says the open is configured and reading."""
    env = dict(os.environ, NDISKIT_HOST_SOCKET=sock)
    p = subprocess.Popen([prottest_bin, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline()  # "opened ..." once the open is configured and reading
    if not line.startswith("opened"):
        out, err = p.communicate(timeout=30)
        raise RuntimeError(f"prottest did not open the adapter: {line}{out}{err}")
    p.opened = line
    return p


def pcap_records(path):
    """The frames of a pcap file tcpdump may still be writing: a record
    not yet complete is left for the next look."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return []
    if len(data) < 24:
        return []
    order = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    out, at = [], 24
    while at + 16 <= len(data):
        incl = struct.unpack(order + "I", data[at + 8:at + 12])[0]
        if at + 16 + incl > len(data):
            break
        out.append(data[at + 16:at + 16 + incl])
        at += 16 + incl
    return out


class Capture:
    """tcpdump on the far end, writing each frame as it sees it (-U)."""

    def __init__(self, pair, path, expression):
        self.path = path
        # A burst of batched writes must not overrun the capture's kernel
        # buffer while tcpdump waits for a CPU: ring slots sized for a frame
        # (-s), and 16 MiB of them (-B).
        self.p = subprocess.Popen([*pair.in_ns(), "tcpdump", "-i", pair.far, "-U", "--immediate-mode", "-n",
                                   "-s", "2048", "-B", "16384", "-w", path, *expression],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        # tcpdump says "listening on ..." once the capture is live.
        line = self.p.stderr.readline()
        if "listening" not in line:
            raise RuntimeError("tcpdump: " + line)

    def stop(self, last, timeout=DEADLINE):
        """Once the frame `last` (sent after all the others) is captured,
        every frame before it is in the file too: stop and return what was
        captured."""
        deadline = time.monotonic() + timeout
        while last not in pcap_records(self.path) and time.monotonic() < deadline:
            if self.p.poll() is not None:
                raise RuntimeError("tcpdump exited: " + self.p.stderr.read())
            time.sleep(0.01)  # polling interval; the condition is the last frame
        self.p.terminate()
        self.p.wait(timeout=30)
        # tcpdump's exit statistics: "N packets dropped by kernel".
        self.dropped = " ".join(l.strip() for l in self.p.stderr.read().splitlines() if "dropped" in l)
        return frames_from(self.path)
