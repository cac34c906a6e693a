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
import select
import signal
import struct
import subprocess
import sys
import tempfile
import time

SKIP = 77
ADAPTER = "lo0"


class Failed(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failed(what)
    print(f"ok: {what}")


class Host:
    """`ndiskit host run` with ndisprot bound to an in-memory loopback adapter."""

    def __init__(self, ndiskit, so, sock):
        self.sock = sock
        self.p = subprocess.Popen([ndiskit, "host", "run", so, "--loopback", ADAPTER, "--socket", sock],
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

    def run(self, *args, timeout=60, env=None):
        return subprocess.run([self.binary, *args], env=env or self.env, capture_output=True, text=True,
                              timeout=timeout)

    def start(self, *args):
        """Starts prottest and returns once it has opened the adapter ("opened ..." on stdout)."""
        p = subprocess.Popen([self.binary, *args], env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        line = p.stdout.readline()
        if not line.startswith("opened"):
            out, err = p.communicate(timeout=30)
            raise Failed(f"prottest did not open the adapter: {line}{out}{err}")
        return p


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
    try:
        host = Host(ndiskit, so, sock)
        pt = Prottest(prottest_bin, sock)
        test_usage(pt)
        test_read_write(pt)
        test_pcap_inputs(pt, tmp)
        test_open_errors(pt, tmp)
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


if __name__ == "__main__":
    sys.exit(main())
