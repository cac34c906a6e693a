#!/usr/bin/python3
"""ndisprot end to end on a veth pair, the way a user runs it.

    ndisprot_veth.py NDISKIT PROTTEST NDISPROT_SO

One end of the pair (near) stays in this namespace and is given to
`ndiskit host run` with ndisprot; the other (far) lives in a network
namespace, where tcpdump captures and scapy sends.  prottest, linked with
the client library, is the user-mode program.  Checked byte for byte:

  1. frames prottest writes (a pcap crafted here, single and batched writes)
     appear on the far end, as tcpdump sees them, in order;
  2. frames scapy sends from the far end are read by prottest (-o pcap),
     single and batched reads;
  3. EtherType filtering: by default only 0x888E reaches prottest; with
     -t 0x0800 only IPv4;
  4. promiscuous: a frame to another station's MAC reaches prottest only
     with -p.

Exit 77 (skipped, with the reason) where network namespaces are not
allowed or a tool is missing; 0 passed; 1 failed.
"""
import os
import subprocess
import sys
import struct
import tempfile
import time

SKIP = 77
NS = f"nkprot{os.getpid()}"
NEAR, FAR = f"nkpn{os.getpid() % 100000}", f"nkpf{os.getpid() % 100000}"


def run(*cmd, check=True, **kw):
    return subprocess.run(cmd, check=check, capture_output=True, text=True, **kw)


def skip(why):
    print(f"SKIP: {why}")
    sys.exit(SKIP)


def mac_of(dev, ns=None):
    pre = ["ip", "netns", "exec", ns] if ns else []
    return open(f"/sys/class/net/{dev}/address").read().strip() if ns is None else \
        run(*pre, "cat", f"/sys/class/net/{dev}/address").stdout.strip()


def setup():
    if os.geteuid() != 0:
        skip("needs root for a network namespace and AF_PACKET")
    for tool in ("ip", "tcpdump"):
        if run("sh", "-c", f"command -v {tool}", check=False).returncode != 0:
            skip(f"{tool} is not installed")
    try:
        import scapy.all  # noqa: F401
    except ImportError:
        skip("python3-scapy is not installed")
    if run("ip", "netns", "add", NS, check=False).returncode != 0:
        skip("network namespaces are not allowed here")
    run("ip", "link", "add", NEAR, "type", "veth", "peer", "name", FAR)
    run("ip", "link", "set", FAR, "netns", NS)
    for pre, dev in (([], NEAR), (["ip", "netns", "exec", NS], FAR)):
        # No IPv6 or ARP chatter: only the test's frames on the wire.
        run(*pre, "sysctl", "-qw", f"net.ipv6.conf.{dev}.disable_ipv6=1", check=False)
        run(*pre, "ip", "link", "set", dev, "arp", "off")
        run(*pre, "ip", "link", "set", dev, "up")


def teardown():
    run("ip", "link", "del", NEAR, check=False)
    run("ip", "netns", "del", NS, check=False)


def frames_from(path):
    from scapy.all import rdpcap
    return [bytes(p) for p in rdpcap(path)]


def write_pcap(path, frames):
    from scapy.all import Ether, wrpcap
    wrpcap(path, [Ether(f) for f in frames])


def make_frames(dst, src, etype, count, sizes=(60, 64, 128, 1000, 1514)):
    out = []
    for i in range(count):
        n = sizes[i % len(sizes)]
        header = bytes.fromhex(dst.replace(":", "")) + bytes.fromhex(src.replace(":", "")) + etype.to_bytes(2, "big")
        body = bytes([(i * 7 + k) & 0xFF for k in range(n - 14)])
        out.append(header + body)
    return out


class Host:
    """`ndiskit host run` with ndisprot bound to the near end."""

    def __init__(self, ndiskit, so, sock):
        self.sock = sock
        self.p = subprocess.Popen([ndiskit, "host", "run", so, "--adapter", NEAR, "--socket", sock],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        # Ready once it says so: it prints this line after listen() and after
        # installing its SIGTERM handler (the socket file exists before both).
        seen = ""
        for line in self.p.stdout:
            seen += line
            if "serving its devices on" in line:
                return
        raise RuntimeError("ndiskit host run exited: " + seen + self.p.stdout.read())

    def stop(self):
        self.p.terminate()
        out, _ = self.p.communicate(timeout=30)
        return self.p.returncode, out


def prottest(prottest_bin, sock, *args, timeout=30):
    env = dict(os.environ, NDISKIT_HOST_SOCKET=sock)
    return subprocess.run([prottest_bin, *args], env=env, capture_output=True, text=True, timeout=timeout)


def start_prottest(prottest_bin, sock, *args):
    env = dict(os.environ, NDISKIT_HOST_SOCKET=sock)
    p = subprocess.Popen([prottest_bin, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline()  # "opened ..." once the open is configured and reading
    if not line.startswith("opened"):
        out, err = p.communicate(timeout=10)
        raise RuntimeError(f"prottest did not open the adapter: {line}{out}{err}")
    return p


def far_send(frames, path):
    write_pcap(path, frames)
    code = f"from scapy.all import rdpcap, sendp; sendp(rdpcap({path!r}), iface={FAR!r}, verbose=False)"
    run("ip", "netns", "exec", NS, "/usr/bin/python3", "-c", code)


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
    def __init__(self, path):
        self.path = path
        # A burst of batched writes must not overrun the capture's kernel
        # buffer while tcpdump waits for a CPU: ring slots sized for a frame
        # (-s), and 16 MiB of them (-B).
        self.p = subprocess.Popen(["ip", "netns", "exec", NS, "tcpdump", "-i", FAR, "-U", "--immediate-mode", "-n",
                                   "-s", "2048", "-B", "16384", "-w", path, "ether", "proto", "0x888e"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        # tcpdump says "listening on ..." once the capture is live.
        line = self.p.stderr.readline()
        if "listening" not in line:
            raise RuntimeError("tcpdump: " + line)

    def stop(self, last, timeout=60):
        """Once the frame `last` (sent after all the others) is captured -
        tcpdump writes each frame as it sees it (-U) - every frame before it
        is in the file too: stop and return what was captured."""
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


def check(cond, what):
    if not cond:
        raise AssertionError(what)
    print(f"ok: {what}")


def main():
    ndiskit, prottest_bin, so = sys.argv[1:4]
    setup()
    tmp = tempfile.mkdtemp(prefix="ndisprot-e2e-")
    sock = os.path.join(tmp, "host.sock")
    host = None
    try:
        near_mac, far_mac = mac_of(NEAR), mac_of(FAR, NS)
        host = Host(ndiskit, so, sock)
        name = "\\DEVICE\\{NKPACKET-" + NEAR + "}"

        r = prottest(prottest_bin, sock, "-e")
        check(r.returncode == 0 and name in r.stdout, f"prottest -e lists {name}")

        # 1. Writes reach the far end byte-exact, single and batched.
        for batch in ([], ["-b", "16"]):
            sent = make_frames(far_mac, near_mac, 0x888E, 40)
            # The last frame written marks the end of the capture: tcpdump
            # has seen every frame before it once it has seen this one.
            last = make_frames(far_mac, near_mac, 0x888E, 1, sizes=(99,))[0]
            write_pcap(os.path.join(tmp, "in.pcap"), sent + [last])
            cap = Capture(os.path.join(tmp, "far.pcap"))
            r = prottest(prottest_bin, sock, "-w", "-i", os.path.join(tmp, "in.pcap"), *batch, name)
            got = cap.stop(last)
            check(got[-1:] == [last], f"the end-of-capture frame was captured last ({len(got)} captured, "
                                      f"the end frame at {[i for i, f in enumerate(got) if f == last]}; "
                                      f"tcpdump: {cap.dropped})")
            got = got[:-1]
            check(r.returncode == 0, f"prottest -w -i {' '.join(batch)} exits 0 ({r.stdout.strip()} {r.stderr.strip()})")
            check(got == sent, f"{len(sent)} written frames seen on the far end byte-exact, in order "
                               f"({'batched' if batch else 'single'} writes; got {len(got)}; tcpdump: {cap.dropped})")

        # 2. Frames from the far end are read byte-exact, single and batched.
        for batch in ([], ["-b", "8"]):
            sent = make_frames(near_mac, far_mac, 0x888E, 30)
            out = os.path.join(tmp, "read.pcap")
            p = start_prottest(prottest_bin, sock, "-r", "-n", str(len(sent)), "-o", out, "-T", "10000", *batch, name)
            far_send(sent, os.path.join(tmp, "far-in.pcap"))
            rc = p.wait(timeout=60)
            got = frames_from(out)
            check(rc == 0, f"prottest -r -n {len(sent)} {' '.join(batch)} exits 0")
            check(got == sent, f"{len(sent)} frames from the far end read byte-exact, in order "
                               f"({'batched' if batch else 'single'} reads)")

        # 3. EtherType filtering.
        mixed = make_frames(near_mac, far_mac, 0x0800, 5) + make_frames(near_mac, far_mac, 0x888E, 5)
        eapol = [f for f in mixed if f[12:14] == b"\x88\x8e"]
        ipv4 = [f for f in mixed if f[12:14] == b"\x08\x00"]
        for args, want, what in (([], eapol, "0x888E by default"), (["-t", "0x0800"], ipv4, "only IPv4 with -t 0x0800")):
            out = os.path.join(tmp, "filter.pcap")
            p = start_prottest(prottest_bin, sock, "-r", "-n", "5", "-o", out, "-s", "-T", "10000", *args, name)
            far_send(mixed, os.path.join(tmp, "far-in.pcap"))
            rc = p.wait(timeout=60)
            stdout = p.stdout.read()
            got = frames_from(out)
            check(rc == 0 and got == want, f"EtherType filter: {what}")
            if not args:  # the IPv4 frames come first: all five dropped before the fifth EAPOL is read
                check("dropped 0 (queue full) 5 (EtherType)" in stdout,
                      "statistics count the 5 frames the filter dropped")

        # 4. Promiscuous: a frame to another station.
        stranger = "02:00:5e:10:20:30"
        to_other = make_frames(stranger, far_mac, 0x888E, 3)
        to_us = make_frames(near_mac, far_mac, 0x888E, 1)
        out = os.path.join(tmp, "promisc.pcap")
        p = start_prottest(prottest_bin, sock, "-r", "-n", "1", "-o", out, "-T", "10000", name)
        far_send(to_other + to_us, os.path.join(tmp, "far-in.pcap"))
        rc = p.wait(timeout=60)
        check(rc == 0 and frames_from(out) == to_us, "without -p, frames to another MAC are not read")
        p = start_prottest(prottest_bin, sock, "-r", "-p", "-n", "3", "-o", out, "-T", "10000", name)
        far_send(to_other, os.path.join(tmp, "far-in.pcap"))
        rc = p.wait(timeout=60)
        check(rc == 0 and frames_from(out) == to_other, "with -p, frames to another MAC are read")
        promisc = run("ip", "-d", "link", "show", NEAR).stdout
        check("PROMISC" not in promisc.split(">")[0], "promiscuous mode is off again once the handle closed")

        # The server unloads cleanly: no leaks, no verifier findings.
        rc, log = host.stop()
        host = None
        check(rc == 0 and "0 leak(s), 0 verifier finding(s)" in log, "ndiskit host run unloads ndisprot cleanly")
        return 0
    except (AssertionError, RuntimeError, subprocess.SubprocessError) as e:
        print(f"FAIL: {e}")
        return 1
    finally:
        if host is not None:
            rc, log = host.stop()
            print(log)
        teardown()


if __name__ == "__main__":
    sys.exit(main())
