#!/usr/bin/python3
"""mux end to end on a veth pair: `ndiskit host run mux.so ndisprot.so`,
four VELANs (VLAN IDs 0, 10, 20 and 4094) over the near end, prottest as
the user of each VELAN, tcpdump and scapy on the far end.

    mux_veth.py NDISKIT PROTTEST MUX_SO NDISPROT_SO

Checked byte for byte:

  1. frames prottest writes on the VID-10 VELAN leave the near end tagged
     with VID 10 and the VELAN's MAC (its NetworkAddress);
  2. frames scapy sends tagged 10, 20, 4094, untagged and with a VID no
     VELAN has each reach exactly the VELAN they should, untagged;
  3. a VELAN's filter: directed frames to another VELAN's MAC are not its
     own; promiscuous (-p) takes them and turns the near end promiscuous
     until the handle closes; its multicast list (-M) takes the groups
     listed and no other;
  4. a VELAN's own statistics (prottest -S: OID_GEN_XMIT_OK, ...) count
     what it sent and received;
  5. the server unloads both drivers with no leak and no verifier finding.

Exit 77 (skipped, with the reason) where network namespaces are not
allowed or a tool is missing; 0 passed; 1 failed.
"""
import os
import re
import subprocess
import sys
import tempfile

from veth import (Capture, Host, VethPair, check, frames_from, make_frames, prottest, start_prottest, tag,
                  wait_for, write_pcap)

# The VELANs: (VLAN ID, instance GUID, NetworkAddress or None for the
# address mux derives from the lower adapter's).
VELANS = [
    (0, "{6D757800-0000-4000-8000-000000000000}", None),
    (10, "{6D757800-000A-4000-8000-000000000000}", "02-6D-75-78-00-0A"),
    (20, "{6D757800-0014-4000-8000-000000000000}", None),
    (4094, "{6D757800-0FFE-4000-8000-000000000000}", "02-6D-75-78-0F-FE"),
]
BROADCAST = "ff:ff:ff:ff:ff:ff"
EAPOL = 0x888E


def device(guid):
    return "\\Device\\" + guid


def write_config(path, near):
    lines = ["# mux over the near end of the veth pair, four VELANs", f"[binding mux {near}]",
             "UpperBindings = multi: " + ", ".join(device(g) for _, g, _ in VELANS)]
    for vid, guid, address in VELANS:
        lines += ["", f"[instance {device(guid)}]", f"VlanID = {vid}"]
        if address:
            lines.append(f"NetworkAddress = {address}")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def bound_adapters(prottest_bin, sock):
    r = prottest(prottest_bin, sock, "-e")
    return r.stdout.upper() if r.returncode == 0 else ""


def opened_mac(p):
    m = re.search(r"MAC ([0-9a-f:]{17})", p.opened)
    return m.group(1) if m else None


def main():
    ndiskit, prottest_bin, mux_so, ndisprot_so = sys.argv[1:5]
    pair = VethPair("mux")
    tmp = tempfile.mkdtemp(prefix="mux-e2e-")
    sock = os.path.join(tmp, "host.sock")
    host = None
    readers = []
    try:
        far_mac = pair.far_mac()
        config = os.path.join(tmp, "mux.conf")
        write_config(config, pair.near)
        host = Host(ndiskit, [mux_so, ndisprot_so, "--adapter", pair.near, "--config", config], sock)
        # The VELANs come up on NDIS's threads after mux binds the near end;
        # ndisprot binds to each as it appears.
        wait_for("ndisprot bound to the four VELANs",
                 lambda: all(device(g).upper() in bound_adapters(prottest_bin, sock) for _, g, _ in VELANS))
        check(True, "ndisprot is bound to the four VELANs mux made from UpperBindings")
        name = {vid: device(guid) for vid, guid, _ in VELANS}

        # The VELANs' MACs, as they answer OID_802_3_CURRENT_ADDRESS.
        macs = {}
        for vid in name:
            r = prottest(prottest_bin, sock, "-w", "-n", "1", "-m", far_mac, "-l", "60", name[vid])
            m = re.search(r"MAC ([0-9a-f:]{17})", r.stdout)
            check(r.returncode == 0 and m, f"VID {vid}: prottest opens the VELAN ({r.stdout.strip()} {r.stderr.strip()})")
            macs[vid] = m.group(1)
        check(macs[10] == "02:6d:75:78:00:0a" and macs[4094] == "02:6d:75:78:0f:fe",
              "VELANs with a NetworkAddress take it")
        check(len(set(macs.values())) == 4 and all(int(macs[v][:2], 16) & 2 for v in (0, 20)),
              f"the others derive distinct locally administered addresses ({macs})")

        # 1. Writes on VID 10 leave tagged with VID 10 and the VELAN's MAC.
        for batch in ([], ["-b", "16"]):
            sent = make_frames(far_mac, macs[10], EAPOL, 30, sizes=(60, 64, 128, 1000, 1200))
            last = make_frames(far_mac, macs[10], EAPOL, 1, sizes=(99,))[0]
            write_pcap(os.path.join(tmp, "in.pcap"), sent + [last])
            cap = Capture(pair, os.path.join(tmp, "far.pcap"), ["vlan"])
            r = prottest(prottest_bin, sock, "-w", "-i", os.path.join(tmp, "in.pcap"), *batch, name[10])
            got = cap.stop(tag(last, 10))
            check(r.returncode == 0, f"prottest -w {' '.join(batch)} on the VID-10 VELAN exits 0 "
                                     f"({r.stdout.strip()} {r.stderr.strip()})")
            check(got == [tag(f, 10) for f in sent + [last]],
                  f"{len(sent) + 1} frames seen on the far end tagged with VID 10 from {macs[10]}, byte-exact, "
                  f"in order ({'batched' if batch else 'single'} writes; got {len(got)}; tcpdump: {cap.dropped})")

        # 2. Receive: each frame reaches exactly the VELAN of its VID,
        # untagged; untagged frames go to VID 0; an unknown VID to none.
        # Each VELAN's marker is sent after everything else: a frame that
        # reached the wrong VELAN would be read before its marker.
        src = far_mac
        rounds = {
            10: make_frames(BROADCAST, src, EAPOL, 3, seed=10),
            20: make_frames(BROADCAST, src, EAPOL, 2, seed=20),
            0: make_frames(BROADCAST, src, EAPOL, 2, seed=0),
            4094: make_frames(BROADCAST, src, EAPOL, 1, seed=94),
        }
        unknown = make_frames(BROADCAST, src, EAPOL, 2, seed=77)
        markers = {vid: make_frames(BROADCAST, src, EAPOL, 1, sizes=(97,), seed=vid + 1)[0] for vid in name}
        wire = [tag(f, 77) for f in unknown]
        for i in range(3):  # interleaved
            for vid, frames in rounds.items():
                if i < len(frames):
                    wire.append(frames[i] if vid == 0 else tag(frames[i], vid))
        wire += [markers[vid] if vid == 0 else tag(markers[vid], vid) for vid in name]
        outs = {vid: os.path.join(tmp, f"read{vid}.pcap") for vid in name}
        readers = {vid: start_prottest(prottest_bin, sock, "-r", "-n", str(len(rounds[vid]) + 1), "-o", outs[vid],
                                       "-T", "30000", name[vid]) for vid in name}
        pair.far_send(wire, os.path.join(tmp, "far-in.pcap"))
        for vid, p in readers.items():
            rc = p.wait(timeout=90)
            got = frames_from(outs[vid])
            want = rounds[vid] + [markers[vid]]
            check(rc == 0 and got == want,
                  f"VID {vid}: the {len(rounds[vid])} frames {'untagged' if vid == 0 else f'tagged {vid}'} "
                  f"and nothing else, tag stripped (read {len(got)}"
                  f"{'' if got == want else ': ' + ', '.join(f[:18].hex() for f in got)})")
        readers = []

        # 3a. Directed: a frame to another VELAN's MAC is not VID 10's.
        out = os.path.join(tmp, "directed.pcap")
        to_other = make_frames(macs[20], src, EAPOL, 2, seed=3)
        mine = make_frames(macs[10], src, EAPOL, 1, seed=4)
        p = start_prottest(prottest_bin, sock, "-r", "-n", "1", "-o", out, "-T", "30000", name[10])
        pair.far_send([tag(f, 10) for f in to_other + mine], os.path.join(tmp, "far-in.pcap"))
        check(p.wait(timeout=90) == 0 and frames_from(out) == mine,
              "VID 10 reads frames to its own MAC, not those to another VELAN's")

        # 3b. Promiscuous: the near end goes promiscuous while a VELAN is.
        check(not pair.near_promiscuous(), "the near end is not promiscuous while no VELAN is")
        stranger = "02:00:5e:10:20:30"
        to_stranger = make_frames(stranger, src, EAPOL, 3, seed=5)
        p = start_prottest(prottest_bin, sock, "-r", "-p", "-n", "3", "-o", out, "-T", "30000", name[10])
        wait_for("the near end to turn promiscuous", pair.near_promiscuous)
        check(True, "a promiscuous VELAN turns the lower adapter promiscuous")
        pair.far_send([tag(f, 10) for f in to_stranger], os.path.join(tmp, "far-in.pcap"))
        check(p.wait(timeout=90) == 0 and frames_from(out) == to_stranger,
              "with -p, VID 10 reads frames to another station")
        wait_for("the near end to leave promiscuous mode", lambda: not pair.near_promiscuous())
        check(True, "the lower adapter leaves promiscuous mode once no VELAN needs it")

        # 3c. Multicast: the VELAN's list decides.
        group, other_group = "01:00:5e:00:00:fb", "01:00:5e:00:00:fc"
        listed = make_frames(group, src, EAPOL, 2, seed=6)
        unlisted = make_frames(other_group, src, EAPOL, 2, seed=7)
        p = start_prottest(prottest_bin, sock, "-r", "-M", group, "-n", "2", "-o", out, "-T", "30000", name[10])
        pair.far_send([tag(f, 10) for f in unlisted + listed], os.path.join(tmp, "far-in.pcap"))
        check(p.wait(timeout=90) == 0 and frames_from(out) == listed,
              f"with -M {group}, VID 10 reads that group and not {other_group}")
        p = start_prottest(prottest_bin, sock, "-r", "-n", "1", "-o", out, "-T", "30000", name[10])
        pair.far_send([tag(f, 10) for f in listed + mine], os.path.join(tmp, "far-in.pcap"))
        check(p.wait(timeout=90) == 0 and frames_from(out) == mine,
              "without -M, the group is not read any more")

        # 4. The VELAN's own counters.
        def counters(vid):
            r = prottest(prottest_bin, sock, "-w", "-n", "1", "-m", far_mac, "-S", name[vid])
            m = re.search(r"adapter: sent (\d+), received (\d+)", r.stdout)
            check(r.returncode == 0 and m, f"VID {vid}: prottest -S reads the VELAN's counters ({r.stdout.strip()})")
            return int(m.group(1)), int(m.group(2))
        sent0, received0 = counters(20)
        p = start_prottest(prottest_bin, sock, "-r", "-n", "4", "-o", out, "-T", "30000", name[20])
        pair.far_send([tag(f, 20) for f in make_frames(BROADCAST, src, EAPOL, 4, seed=8)], os.path.join(tmp, "far-in.pcap"))
        check(p.wait(timeout=90) == 0, "VID 20 reads four more frames")
        sent1, received1 = counters(20)
        check(sent1 - sent0 == 1 and received1 - received0 == 4,
              f"VID 20 counts 1 frame sent and 4 received between two looks "
              f"(sent {sent0} -> {sent1}, received {received0} -> {received1})")

        rc, log = host.stop()
        host = None
        check(rc == 0 and "0 leak(s), 0 verifier finding(s)" in log,
              "ndiskit host run unloads ndisprot and mux cleanly")
        return 0
    except (AssertionError, RuntimeError, subprocess.SubprocessError) as e:
        print(f"FAIL: {e}")
        return 1
    finally:
        for p in (readers.values() if isinstance(readers, dict) else readers):
            p.kill()
        if host is not None:
            rc, log = host.stop()
            print(log)
        pair.teardown()


if __name__ == "__main__":
    sys.exit(main())
