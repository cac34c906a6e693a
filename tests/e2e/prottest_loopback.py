#!/usr/bin/python3
"""prottest as a new user meets it: the program itself, against ndisprot
under `ndiskit host run` with an in-memory loopback adapter (frames written
come back as frames read).  No root, no network namespace.

    prottest_loopback.py NDISKIT PROTTEST NDISPROT_SO

Checked: --help; -r and -w together; reading nanosecond pcap and pcapng
files (-i, files made here with scapy); the open errors (no server, no
such adapter); Ctrl-C and SIGTERM during a capture (a valid pcap, the
summary, exit 0); when -T is an error; the progress line (-v) and quiet
mode (-Q).  Every wait is for a condition (a line of output, a process
exit), bounded by a generous timeout, never a fixed sleep.

Exit 0 passed, 1 failed, 77 skipped (python3-scapy missing).
"""
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

SKIP = 77
ADAPTER = "lo0"


class Failed(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failed(what)
    print(f"ok: {what}")


class Veth:
    """A veth pair in this namespace (root only): the host's adapter on one
    end, frames injected on the other with an AF_PACKET socket.  None where
    that is not allowed; the tests that need frames from outside then skip."""

    def __init__(self):
        n = os.getpid() % 100000
        self.near, self.far = f"ptn{n}", f"ptf{n}"
        self.name = "\\DEVICE\\{NKPACKET-" + self.near + "}"
        self.ok = False
        if os.geteuid() != 0:
            self.why = "not root"
            return
        r = subprocess.run(["ip", "link", "add", self.near, "type", "veth", "peer", "name", self.far],
                           capture_output=True, text=True)
        if r.returncode != 0:
            self.why = "ip link add: " + r.stderr.strip()
            return
        for dev in (self.near, self.far):
            subprocess.run(["sysctl", "-qw", f"net.ipv6.conf.{dev}.disable_ipv6=1"], capture_output=True)
            subprocess.run(["ip", "link", "set", dev, "arp", "off", "up"], check=True)
        self.near_mac = bytes.fromhex(open(f"/sys/class/net/{self.near}/address").read().strip().replace(":", ""))
        self.far_mac = bytes.fromhex(open(f"/sys/class/net/{self.far}/address").read().strip().replace(":", ""))
        self.ok = True

    def frames(self, count, n=100):
        return [frame(i, n, mac=self.near_mac)[:6] + self.far_mac + frame(i, n)[12:] for i in range(count)]

    def send(self, frames):
        import socket
        with socket.socket(socket.AF_PACKET, socket.SOCK_RAW) as s:
            s.bind((self.far, 0))
            for f in frames:
                s.send(f)

    def remove(self):
        if self.ok:
            subprocess.run(["ip", "link", "del", self.near], capture_output=True)


class Host:
    """`ndiskit host run` with ndisprot bound to an in-memory loopback adapter (and the veth's near end)."""

    def __init__(self, ndiskit, so, sock, veth):
        self.sock = sock
        extra = ["--adapter", veth.near] if veth.ok else []
        self.p = subprocess.Popen([ndiskit, "host", "run", so, "--loopback", ADAPTER, *extra, "--socket", sock],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        # It says "serving its devices on ..." once it listens.
        line = self.p.stdout.readline()
        if "serving" not in line:
            raise Failed("ndiskit host run did not start: " + line + self.p.stdout.read())

    def stop(self):
        self.p.send_signal(signal.SIGTERM)
        out, _ = self.p.communicate(timeout=60)
        return self.p.returncode, out


class Prottest:
    def __init__(self, binary, sock):
        self.binary = binary
        self.env = dict(os.environ, NDISKIT_HOST_SOCKET=sock)

    # A run that ended inside a read (Ctrl-C, -T) leaves its handle to the
    # process exit; the server closes it a moment later, and until then the
    # adapter is busy for the next open.  Runs wait for that, up to 30 s.
    BUSY = "error 170 busy"

    def run(self, *args, timeout=60, env=None):
        deadline = time.monotonic() + 30
        while True:
            r = subprocess.run([self.binary, *args], env=env or self.env, capture_output=True, text=True,
                               timeout=timeout)
            if self.BUSY not in r.stderr or time.monotonic() > deadline:
                return r

    def start(self, *args):
        """Starts prottest; returns once it has opened the adapter ("opened ..." on stdout)."""
        deadline = time.monotonic() + 30
        while True:
            r = Running([self.binary, *args], self.env)
            try:
                r.wait_line("stdout", lambda l: l.startswith("opened"))
                return r
            except Failed:
                rc, out, err = r.finish()
                if self.BUSY not in err or time.monotonic() > deadline:
                    raise Failed(f"prottest did not open the adapter (exit {rc}): {out}{err}")


class Running:
    """A prottest run whose output lines are collected as they come (threads), to wait for one of them."""

    def __init__(self, argv, env):
        self.p = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines = {"stdout": [], "stderr": []}
        self.queues = {"stdout": queue.Queue(), "stderr": queue.Queue()}
        self.threads = [threading.Thread(target=self._collect, args=(name, getattr(self.p, name)), daemon=True)
                        for name in ("stdout", "stderr")]
        for t in self.threads:
            t.start()

    def _collect(self, name, stream):
        for line in stream:
            self.lines[name].append(line)
            self.queues[name].put(line)
        self.queues[name].put(None)

    def wait_line(self, name, want, timeout=30):
        """Waits for a line of stdout or stderr that contains want (or satisfies it); returns it."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.queues[name].get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                line = None
            if line is None:
                raise Failed(f"no {name} line with {want!r}; got: {''.join(self.lines[name])[-2000:]}"
                             f"{''.join(self.lines['stderr'])[-1000:]}")
            if want(line) if callable(want) else want in line:
                return line

    def send_signal(self, sig):
        self.p.send_signal(sig)

    def finish(self, timeout=60):
        """Waits for the exit: (exit status, all of stdout, all of stderr)."""
        self.p.wait(timeout=timeout)
        for t in self.threads:
            t.join(timeout)
        return self.p.returncode, "".join(self.lines["stdout"]), "".join(self.lines["stderr"])


def summary_of(stdout):
    """(written, refused, read) from prottest's summary line."""
    for line in stdout.splitlines():
        if " frame(s) written, " in line:
            w, rest = line.split(" frame(s) written, ")
            refused, rest = rest.split(" refused, ")
            return int(w), int(refused), int(rest.split(" read")[0])
    raise Failed("no summary line in: " + stdout)


def frames_of(path):
    from scapy.all import rdpcap
    return [bytes(p) for p in rdpcap(path)]


def frame(i, n=60, etype=0x888E, mac=b"\x02\x4e\x4b\x00\x00\x01"):
    return mac + mac + etype.to_bytes(2, "big") + bytes((i * 3 + k) & 0xFF for k in range(n - 14))


def test_usage(pt):
    for args in (["--help"], ["-h"]):
        r = pt.run(*args)
        check(r.returncode == 0 and r.stdout.startswith("usage: prottest") and r.stderr == "",
              f"prottest {args[0]} prints the usage on stdout and exits 0")


def test_read_write(pt):
    for args in (["-r", "-w"], ["-w", "-r"]):
        r = pt.run(*args, "-n", "3", ADAPTER)
        check(r.returncode == 0 and "3 frame(s) written, 0 refused, 3 read" in r.stdout,
              f"prottest {' '.join(args)} writes a frame and reads a frame, as without either ({r.stdout.strip().splitlines()[-1]})")


def test_pcap_inputs(pt, tmp):
    """Frames sent from a nanosecond pcap (either byte order) and from pcapng, all as scapy writes them."""
    from scapy.all import Ether, PcapNgWriter, PcapWriter
    sent = [frame(i, n) for i, n in enumerate((60, 64, 128, 1000, 1514))]
    size = sum(len(f) for f in sent)
    files = []
    for endian, what in (("<", "little-endian"), (">", "big-endian")):
        path = os.path.join(tmp, f"nanos{endian == '>'}.pcap")
        w = PcapWriter(path, nano=True, endianness=endian, linktype=1)
        w.write([Ether(f) for f in sent])
        w.close()
        files.append((path, f"a nanosecond pcap ({what})"))
    path = os.path.join(tmp, "in.pcapng")
    w = PcapNgWriter(path)
    for f in sent:
        w.write(Ether(f))
    w.close()
    files.append((path, "a pcapng file"))
    for path, what in files:
        r = pt.run("-w", "-s", "-i", path, ADAPTER)
        check(r.returncode == 0 and f"{len(sent)} frame(s) written, 0 refused" in r.stdout and
              f"sent {len(sent)} ({size} bytes)" in r.stdout, f"prottest -w -i sends every frame of {what}")
    # Cut inside its last block: the frames before it are sent, then an error naming the file and offset.
    data = open(path, "rb").read()
    cut = os.path.join(tmp, "cut.pcapng")
    open(cut, "wb").write(data[:-10])
    r = pt.run("-w", "-i", cut, ADAPTER)
    check(r.returncode == 2 and f"prottest: {cut}: offset " in r.stderr and "the file ends inside" in r.stderr and
          f"{len(sent) - 1} frame(s) written" in r.stdout,
          f"a cut pcapng file: its whole frames are sent, then an error naming the file and offset ({r.stderr.strip()})")


def test_open_errors(pt, tmp):
    """No driver (no server) and a wrong adapter name are told apart; the wrong name lists the right ones."""
    env = dict(pt.env, NDISKIT_HOST_SOCKET=os.path.join(tmp, "nobody-serves-this.sock"))
    r = pt.run("-n", "1", ADAPTER, env=env)
    check(r.returncode == 2 and "cannot open \\\\.\\NdisProt" in r.stderr and "is ndisprot loaded?" in r.stderr,
          f"without the driver: 'cannot open \\\\.\\NdisProt ... is ndisprot loaded?', exit 2 ({r.stderr.strip()})")
    r = pt.run("-n", "1", "\\DEVICE\\{NO-SUCH-ADAPTER}")
    check(r.returncode == 2 and "OPEN_DEVICE failed for adapter '\\DEVICE\\{NO-SUCH-ADAPTER}'" in r.stderr and
          "no such adapter" in r.stderr and f" 0. {ADAPTER}" in r.stderr and "loaded" not in r.stderr,
          f"a wrong adapter name: 'OPEN_DEVICE failed for adapter ...' and the adapters there are, exit 2 "
          f"({r.stderr.strip()})")


def test_interrupt(pt, tmp, veth):
    """Ctrl-C and SIGTERM end a run normally: the summary, the capture whole and renamed, exit 0."""
    out = os.path.join(tmp, "int.pcap")
    # 1. Frames flowing (write a frame, read it back, ...): SIGINT between or inside calls.
    p = pt.start("-o", out, "-s", ADAPTER)
    p.wait_line("stdout", "read 100 bytes")
    p.send_signal(signal.SIGINT)
    rc, stdout, stderr = p.finish()
    written, _, read = summary_of(stdout)
    got = frames_of(out)
    check(rc == 0 and "stopped by SIGINT" in stderr, f"SIGINT ends a running capture with exit 0 ({stderr.strip()})")
    check(len(got) >= 1 and all(len(f) == 100 for f in got), f"its pcap holds {len(got)} whole frame(s)")
    # prottest printed the per-frame lines itself: the pcap has every frame it read (the summary's count).
    check(len(got) == read and written >= 1, f"the summary counts what the pcap holds ({read} read)")
    check("statistics: received" in stdout, "-s statistics are printed after Ctrl-C")
    check(not os.path.exists(out + ".partial"), "no FILE.partial is left")
    # 2. Waiting in a read with nothing to read: SIGTERM.
    p = pt.start("-r", "-o", out, "-T", "0", ADAPTER)
    p.send_signal(signal.SIGTERM)
    rc, stdout, stderr = p.finish()
    check(rc == 0 and "stopped by SIGTERM" in stderr and summary_of(stdout) == (0, 0, 0),
          f"SIGTERM ends a capture waiting for its first frame: summary, exit 0 ({stderr.strip()})")
    check(frames_of(out) == [] and os.path.getsize(out) == 24, "its pcap is a valid empty capture (the header)")
    # 3. Frames captured, then Ctrl-C while waiting for more.
    if not veth.ok:
        print(f"skip: Ctrl-C after frames from the wire ({veth.why})")
        return
    sent = veth.frames(5)
    p = pt.start("-r", "-o", out, "-T", "0", veth.name)
    veth.send(sent)
    for _ in sent:
        p.wait_line("stdout", "read 100 bytes")
    p.send_signal(signal.SIGINT)
    rc, stdout, stderr = p.finish()
    check(rc == 0 and summary_of(stdout) == (0, 0, 5) and frames_of(out) == sent,
          "Ctrl-C while a capture waits for more: the 5 frames read are in the pcap, byte-exact, exit 0")


def test_timeout(pt, tmp, veth):
    """-T is a failure only when the run had not done what it was asked."""
    r = pt.run("-r", "-T", "300", ADAPTER)
    check(r.returncode == 2 and "nothing was read" in r.stderr, f"-r -T: no frame at all is a failure ({r.stderr.strip()})")
    r = pt.run("-r", "-n", "5", "-T", "300", ADAPTER)
    check(r.returncode == 2 and "before its count" in r.stderr, "-r -n 5 -T: fewer than 5 frames is a failure")
    r = pt.run("-n", "20", ADAPTER)
    check(r.returncode == 0 and summary_of(r.stdout) == (20, 0, 20), "a run that reaches its count exits 0 (default -T)")
    if not veth.ok:
        print(f"skip: -T after frames from the wire ({veth.why})")
        return
    out = os.path.join(tmp, "idle.pcap")
    sent = veth.frames(3)
    p = pt.start("-r", "-o", out, "-T", "2000", veth.name)
    veth.send(sent)
    rc, stdout, stderr = p.finish()
    check(rc == 0 and "the capture ends" in stderr and summary_of(stdout) == (0, 0, 3) and
          frames_of(out) == sent, f"-r without -n: the traffic stops, -T ends the capture, exit 0 ({stderr.strip()})")
    p = pt.start("-r", "-n", "5", "-o", out, "-T", "2000", veth.name)
    veth.send(sent)
    rc, stdout, stderr = p.finish()
    check(rc == 2 and frames_of(out) == sent,
          "-r -n 5 with 3 frames: -T is a failure, the 3 frames are kept")


def test_progress_and_quiet(pt):
    """-v: a progress line a second on stderr; -Q: no line per frame."""
    p = pt.start("-v", "-b", "16", ADAPTER)
    line = p.wait_line("stderr", lambda l: " pps, " in l and " Mbit/s)" in l and " read (" in l)
    p.send_signal(signal.SIGINT)
    rc, _, _ = p.finish()
    check(rc == 0 and line.startswith("prottest: ") and " written (" in line,
          f"-v prints a progress line ({line.strip()})")
    r = pt.run("-Q", "-n", "20", ADAPTER)
    check(r.returncode == 0 and "read 100 bytes" not in r.stdout and summary_of(r.stdout) == (20, 0, 20),
          "-Q prints no line per frame, still the summary")
    r = pt.run("--quiet", "-v", ADAPTER)
    check(r.returncode == 1 and "-Q" in r.stderr, "-Q with -v is a usage error")


def main():
    ndiskit, prottest_bin, so = sys.argv[1:4]
    try:
        import scapy.all  # noqa: F401
    except ImportError:
        print("SKIP: python3-scapy is not installed")
        return SKIP
    tmp = tempfile.mkdtemp(prefix="prottest-loopback-")
    sock = os.path.join(tmp, "host.sock")
    host = None
    veth = Veth()
    try:
        try:
            host = Host(ndiskit, so, sock, veth)
        except Failed as e:
            if not veth.ok:
                raise
            veth.remove()  # AF_PACKET not allowed here: the loopback adapter alone
            veth.ok, veth.why = False, f"ndiskit host run --adapter failed: {e}"
            host = Host(ndiskit, so, sock, veth)
        pt = Prottest(prottest_bin, sock)
        test_usage(pt)
        test_read_write(pt)
        test_pcap_inputs(pt, tmp)
        test_open_errors(pt, tmp)
        test_interrupt(pt, tmp, veth)
        test_timeout(pt, tmp, veth)
        test_progress_and_quiet(pt)
        rc, log = host.stop()
        host = None
        check(rc == 0 and "0 leak(s), 0 verifier finding(s)" in log, "ndiskit host run unloads ndisprot cleanly")
        return 0
    except (Failed, subprocess.SubprocessError) as e:
        print(f"FAIL: {e}")
        return 1
    finally:
        if host is not None:
            print(host.stop()[1])
        veth.remove()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
