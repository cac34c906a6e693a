#!/usr/bin/python3
"""Microsoft's KMDF ndisprot sample and Microsoft's prottest, both built
unchanged from ../shared/peers, on a veth pair under `ndiskit host run`.

    ms_ndisprot_veth.py NDISKIT MS_PROTTEST MS_NDISPROT_SO

The near end of the pair is given to the sample's driver; the far end lives
in a network namespace, where tcpdump captures and scapy sends (the set-up
is tests/e2e/ndisprot_veth.py's).  Checked:

  1. prottest -e enumerates the binding;
  2. frames prottest writes appear on the far end byte-exact (tcpdump),
     as the sample's client builds them: EtherType 0x888E, the adapter's
     MAC as source, the payload counting up from 0;
  3. frames scapy sends from the far end are read by prottest -r (it says
     how many it read: Microsoft's client keeps no copy);
  4. the server unloads the sample with no leak and no verifier finding.

Exit 77 (skipped, with the reason) where namespaces are not allowed or a
tool is missing; 0 passed; 1 failed.
"""
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
import veth as lab  # noqa: E402  (the veth/namespace set-up, the server, the capture)


def start(binary, sock, *args):
    env = dict(os.environ, NDISKIT_HOST_SOCKET=sock)
    return subprocess.Popen([binary, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def answer_until_done(p, frames, tmp, timeout=60):
    """Sends frames from the far end until the client exits: it says
    nothing once it has opened the adapter and waits in ReadFile, so its
    exit (having read what it was asked to) is the condition."""
    deadline = time.monotonic() + timeout
    while p.poll() is None and time.monotonic() < deadline:
        PAIR.far_send(frames, os.path.join(tmp, "far-in.pcap"))
    if p.poll() is None:
        p.kill()
    return p.communicate(timeout=30)[0]


def capture_count(cap, count, timeout=60):
    """Waits until tcpdump has written `count` frames (the sample's frames
    are all alike, so the count is the condition), then stops it."""
    deadline = time.monotonic() + timeout
    while len(lab.pcap_records(cap.path)) < count and time.monotonic() < deadline:
        if cap.p.poll() is not None:
            raise RuntimeError("tcpdump exited: " + cap.p.stderr.read())
        time.sleep(0.01)  # polling interval; the condition is the frame count
    cap.p.terminate()
    cap.p.wait(timeout=30)
    return lab.frames_from(cap.path)


PAIR = None


def main():
    global PAIR
    ndiskit, prottest_bin, so = sys.argv[1:4]
    PAIR = lab.VethPair("msp")
    tmp = tempfile.mkdtemp(prefix="ms-ndisprot-e2e-")
    sock = os.path.join(tmp, "host.sock")
    host = None
    try:
        near_mac, far_mac = PAIR.near_mac(), PAIR.far_mac()
        host = lab.Host(ndiskit, [so, "--adapter", PAIR.near], sock)
        name = "\\DEVICE\\{NKPACKET-" + PAIR.near + "}"

        # 1. Enumeration (the client waits for the binds with BIND_WAIT first).
        p = start(prottest_bin, sock, "-e")
        r = subprocess.CompletedProcess(p.args, 0, p.communicate(timeout=60)[0])
        lab.check(name in r.stdout, f"Microsoft's prottest -e lists {name}: {r.stdout!r}")

        # 2. Writes, then reads (the sample's -w: write COUNT frames, then read
        # COUNT): 5 frames of 100 bytes to the far end's MAC, seen there
        # byte-exact; then the far end answers until the client has read 5.
        count, length = 5, 100
        want = (bytes.fromhex(far_mac.replace(":", "")) + bytes.fromhex(near_mac.replace(":", "")) +
                b"\x88\x8e" + bytes(range(length - 14)))
        cap = lab.Capture(PAIR, os.path.join(tmp, "far.pcap"), ["ether", "proto", "0x888e"])
        p = start(prottest_bin, sock, "-w", "-n", str(count), "-l", str(length), "-m", far_mac, name)
        got = capture_count(cap, count)
        lab.check(got == [want] * count, f"the far end saw {count} frames byte-exact (got {len(got)})")
        out = answer_until_done(p, lab.make_frames(near_mac, far_mac, 0x888E, count, sizes=(length,)), tmp)
        lab.check(f"finished sending {count} packets of {length} bytes" in out and f"read {count} packets" in out,
                  f"Microsoft's prottest -w wrote {count} frames and read {count} back ({out.strip()!r})")

        # 3. Reads only: prottest -r -n 5 returns once it has read five frames.
        p = start(prottest_bin, sock, "-r", "-n", str(count), "-l", "1514", name)
        sent = lab.make_frames(near_mac, far_mac, 0x888E, count, sizes=(60, 1514))
        out = answer_until_done(p, sent, tmp)
        lab.check(f"read {count} packets" in out,
                  f"Microsoft's prottest -r read {count} frames from the far end ({out.strip()!r})")

        # 4. A clean unload.
        rc, log = host.stop()
        host = None
        lab.check(rc == 0 and "0 leak(s), 0 verifier finding(s)" in log,
                  f"ndiskit host run unloads Microsoft's sample cleanly ({log.strip().splitlines()[-1]!r})")
        return 0
    except (AssertionError, RuntimeError, subprocess.SubprocessError) as e:
        print(f"FAIL: {e}")
        return 1
    finally:
        if host is not None:
            rc, log = host.stop()
            print(log)
        PAIR.teardown()


if __name__ == "__main__":
    sys.exit(main())
