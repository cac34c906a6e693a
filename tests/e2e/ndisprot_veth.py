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
import tempfile

from veth import (Capture, Host, VethPair, check, frames_from, make_frames, prottest, start_prottest,
                  write_pcap)


def main():
    ndiskit, prottest_bin, so = sys.argv[1:4]
    pair = VethPair("prot")
    tmp = tempfile.mkdtemp(prefix="ndisprot-e2e-")
    sock = os.path.join(tmp, "host.sock")
    host = None
    try:
        near_mac, far_mac = pair.near_mac(), pair.far_mac()
        host = Host(ndiskit, [so, "--adapter", pair.near], sock)
        name = "\\DEVICE\\{NKPACKET-" + pair.near + "}"

        r = prottest(prottest_bin, sock, "-e")
        check(r.returncode == 0 and name in r.stdout, f"prottest -e lists {name}")

        # 1. Writes reach the far end byte-exact, single and batched.
        for batch in ([], ["-b", "16"]):
            sent = make_frames(far_mac, near_mac, 0x888E, 40)
            # The last frame written marks the end of the capture: tcpdump
            # has seen every frame before it once it has seen this one.
            last = make_frames(far_mac, near_mac, 0x888E, 1, sizes=(99,))[0]
            write_pcap(os.path.join(tmp, "in.pcap"), sent + [last])
            cap = Capture(pair, os.path.join(tmp, "far.pcap"), ["ether", "proto", "0x888e"])
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
            pair.far_send(sent, os.path.join(tmp, "far-in.pcap"))
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
            pair.far_send(mixed, os.path.join(tmp, "far-in.pcap"))
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
        pair.far_send(to_other + to_us, os.path.join(tmp, "far-in.pcap"))
        rc = p.wait(timeout=60)
        check(rc == 0 and frames_from(out) == to_us, "without -p, frames to another MAC are not read")
        p = start_prottest(prottest_bin, sock, "-r", "-p", "-n", "3", "-o", out, "-T", "10000", name)
        pair.far_send(to_other, os.path.join(tmp, "far-in.pcap"))
        rc = p.wait(timeout=60)
        check(rc == 0 and frames_from(out) == to_other, "with -p, frames to another MAC are read")
        check(not pair.near_promiscuous(), "promiscuous mode is off again once the handle closed")

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
        pair.teardown()


if __name__ == "__main__":
    sys.exit(main())
