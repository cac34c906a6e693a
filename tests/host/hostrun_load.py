#!/usr/bin/python3
"""`ndiskit host run` loading drivers: what works, and what it says when it cannot.

    hostrun_load.py NDISKIT NKECHO_SO HELLO_SO MISSING_HELPER_SO MISSING_LIBRARY_SO PROTOSAMPLE_SO SAFESAMPLE_SO

A bare file name is a file in the current directory (not a search of the
library path); a directory, an empty file, a text file, a Windows image and
an ELF file that is not a shared object are each named for what they are;
an unresolved import is blamed on the host kernel only when it is a DDI,
otherwise on the driver's build; a library the driver needs and the
dynamic linker cannot find is named.  Several drivers load in the order
given, bind once all are in, and unload in reverse; one whose entry point
fails has the ones before it unloaded; one with missing imports keeps all
from running.  A --config file with an error is named by FILE:LINE, exit 2,
before any driver loads.  Exit 0 passed, 1 failed.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

DEADLINE = 30.0


def serving(log, text="serving its devices on"):
    log.seek(0)
    return text in log.read()


def run(ndiskit, driver, tmp, cwd=None, extra=()):
    drivers = list(driver) if isinstance(driver, (list, tuple)) else [driver]
    p = subprocess.run([ndiskit, "host", "run", *drivers, "--socket", os.path.join(tmp, "never.sock"), *extra],
                       cwd=cwd, capture_output=True, text=True, timeout=DEADLINE)
    return p.returncode, p.stderr


def refused(ndiskit, driver, tmp, *expected, rc_wanted=1, extra=()):
    rc, err = run(ndiskit, driver, tmp, extra=extra)
    assert rc == rc_wanted, (driver, rc, err)
    for text in expected:
        assert text in err, f"{driver}: expected {text!r} in:\n{err}"
    name = os.path.basename(driver) if isinstance(driver, str) else "+".join(map(os.path.basename, driver))
    print(f"ok: {name}: {err.strip().splitlines()[-1]}")
    return err


def main():
    ndiskit, nkecho, hello, missing, missing_library, protosample, safesample = sys.argv[1:8]
    ndiskit = os.path.abspath(ndiskit)
    with tempfile.TemporaryDirectory(prefix="ndiskit-load-") as tmp:
        # A bare name, run from the directory holding it.
        shutil.copy(nkecho, os.path.join(tmp, "nkecho.so"))
        sock = os.path.join(tmp, "s.sock")
        log = tempfile.TemporaryFile(mode="w+")
        p = subprocess.Popen([ndiskit, "host", "run", "nkecho.so", "--socket", sock, "--verbose"], cwd=tmp, stdout=log,
                             stderr=subprocess.STDOUT)
        try:
            end = time.monotonic() + DEADLINE
            # Loaded and serving once it says so: the line comes after listen()
            # and its SIGTERM handler (the socket file exists a moment before).
            while not serving(log) and p.poll() is None and time.monotonic() < end:
                time.sleep(0.01)
            assert serving(log), "nkecho.so by its bare name did not load"
            p.send_signal(signal.SIGTERM)
            assert p.wait(timeout=DEADLINE) == 0
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        print("ok: a bare name loads from the current directory")
        # --verbose: at unload, the KMDF DDIs the driver called, with counts.
        log.seek(0)
        out = log.read()
        assert re.search(r"the driver called \d+ KMDF DDI\(s\) \(the host implements \d+ of \d+ slots\)", out), out
        assert re.search(r"^    WdfDriverCreate +wdfdriver\.h +1$", out, re.M), out
        assert re.search(r"^    WdfIoQueueCreate +wdfio\.h +[1-9]\d*$", out, re.M), out
        print("ok: --verbose lists the KMDF DDIs called")

        empty = os.path.join(tmp, "empty.so")
        open(empty, "wb").close()
        text = os.path.join(tmp, "text.so")
        with open(text, "w") as f:
            f.write("this is not a driver\n")
        pe = os.path.join(tmp, "nkecho.sys")
        with open(pe, "wb") as f:
            f.write(b"MZ" + bytes(510))
        rel = os.path.join(tmp, "relocatable.so")
        with open(nkecho, "rb") as f:
            image = bytearray(f.read(4096))
        image[16:18] = (1).to_bytes(2, "little")   # ET_REL
        with open(rel, "wb") as f:
            f.write(image)
        refused(ndiskit, tmp, tmp, "is a directory")
        refused(ndiskit, empty, tmp, "the file is empty")
        refused(ndiskit, text, tmp, "not an ELF shared object but a text file")
        refused(ndiskit, pe, tmp, "a Windows image")
        refused(ndiskit, rel, tmp, "not a shared object")
        refused(ndiskit, os.path.join(tmp, "absent.so"), tmp, "No such file or directory")
        # A WDM driver: its DDIs are the host kernel's gap.
        # Every missing import is listed, by module, not only the first.
        err = refused(ndiskit, hello, tmp, "function(s) nothing here defines",
                      "ntoskrnl.exe (the host kernel does not implement these yet):")
        listed = [ln.strip() for ln in err.splitlines() if ln.startswith("    ")]
        assert len(listed) >= 2 and all(n.startswith("Io") for n in listed), err
        # The driver's own function, left out of its build.
        refused(ndiskit, missing, tmp, "exported by no kernel module (the driver's own code",
                "    NkTestHelperLeftOut")
        # A library it was linked against, not to be found.
        refused(ndiskit, missing_library, tmp, "the driver needs the library libnkgone.so",
                "the dynamic linker does not find")
        several(ndiskit, nkecho, protosample, safesample, hello, tmp)
        configs(ndiskit, nkecho, tmp)
    print("hostrun_load: all passed")
    return 0


def several(ndiskit, nkecho, protosample, safesample, hello, tmp):
    """nkecho (KMDF), protosample (an NDIS protocol) and safesample (KMDF too:
    each KMDF driver binds the framework on its own) in one host, with a --config."""
    cfg = os.path.join(tmp, "run.cfg")
    with open(cfg, "w") as f:
        f.write("[service nkecho]\nLevel = 3\n# protosample reads its binding's filter: directed, promiscuous\n"
                "[binding protosample wire0]\nPacketFilter = 0x21\nOther = multi: a, b\n")
    sock = os.path.join(tmp, "two.sock")
    log = tempfile.TemporaryFile(mode="w+")
    p = subprocess.Popen([ndiskit, "host", "run", nkecho, protosample, safesample, "--loopback", "wire0", "--config", cfg,
                          "--socket", sock, "--verbose"], stdout=log, stderr=subprocess.STDOUT)
    try:
        end = time.monotonic() + DEADLINE
        while not serving(log, "loaded; serving their devices on") and p.poll() is None and time.monotonic() < end:
            time.sleep(0.01)
        assert serving(log, "loaded; serving their devices on"), "nkecho.so + protosample.so + safesample.so did not load"
        # Binds come from a host thread once both entry points returned.
        while not serving(log, "protosample: bound to wire0") and time.monotonic() < end:
            time.sleep(0.01)
        p.send_signal(signal.SIGTERM)
        assert p.wait(timeout=DEADLINE) == 0
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    log.seek(0)
    out = log.read()
    assert f"{nkecho}, {protosample}, {safesample} loaded" in out, out
    # The --config value, read by the driver through NdisReadConfiguration on its binding.
    assert "protosample: bound to wire0, MTU 1500, packet filter 0x21" in out, out
    # Bound once both entry points returned; unloaded last first.
    order = [out.find(t) for t in ("loaded; serving", "protosample: bound to wire0",
                                   f"stopping: closing handles, unloading {safesample}, {protosample}, {nkecho}",
                                   f"unloading {safesample}\n", f"unloading {protosample}\n", "protosample: unloaded",
                                   f"unloading {nkecho}\n", "unloaded; 0 leak(s), 0 verifier finding(s)")]
    assert -1 not in order and order == sorted(order), (order, out)
    print("ok: three drivers (two of them KMDF) load in order, bind after all, unload in reverse; "
          "a --config value read by one")

    # Missing imports in the second: the first never runs.
    err = refused(ndiskit, [nkecho, hello], tmp, "cannot load " + hello, "function(s) nothing here defines")
    assert "unloading" not in err and "loaded;" not in err, err
    # The second's entry point fails - a second copy of nkecho (service
    # nkecho2) creating the control device the first already has, which
    # collides as on Windows: the first is unloaded.
    second = os.path.join(tmp, "nkecho2.so")
    shutil.copy(nkecho, second)
    err = refused(ndiskit, [nkecho, second], tmp, f"{second}: DriverEntry failed with NTSTATUS 0xC0000035",
                  f"unloading the drivers loaded before it: {nkecho}", f"unloading {nkecho}")
    # One driver per service, whatever the case of its file's name.
    copy = os.path.join(tmp, "NKECHO.x.so")
    shutil.copy(nkecho, copy)
    err = refused(ndiskit, [nkecho, copy], tmp, f"{nkecho} and {copy} are both service 'NKECHO'", rc_wanted=2)
    # --miniport for a driver that registered no miniport: said, and the drivers unloaded.
    err = refused(ndiskit, nkecho, tmp, "miniport nkecho:{X}: NTSTATUS 0xC0000034 (no driver of that service "
                  "registered a miniport)", f"unloading {nkecho}", extra=("--miniport", "nkecho:{X}"))
    err = refused(ndiskit, nkecho, tmp, "(no driver given registered a miniport)", extra=("--miniport", "{X}"))
    print("ok: several drivers: missing imports, a failing entry point, one driver per service, "
          "--miniport without a miniport driver")


def configs(ndiskit, nkecho, tmp):
    """A --config file with an error: FILE:LINE, exit 2, no driver loaded."""
    cases = (
        ("[service nkecho]\nA = 1\n[bogus x]\n", "3: unknown section kind 'bogus'"),
        ("[service nkecho]\r\nA = 1\r\nA = 2\r\n", "3: 'A' set again for this key (first at line 2)"),
        ("[service nkecho]\nA = 4294967296\n", "2: out of range"),
        ("[service nkecho]\nA = x\0y\n", "2: NUL byte"),
        ("[service nkecho]\n" + "A = " + "x" * 5000 + "\n", "2: line too long"),
        ("[binding nkecho veth9]\n", "1: no --adapter or --loopback named 'veth9' in this run"),
    )
    for i, (text, message) in enumerate(cases):
        cfg = os.path.join(tmp, f"bad{i}.cfg")
        with open(cfg, "w", newline="") as f:
            f.write(text)
        err = refused(ndiskit, nkecho, tmp, f"ndiskit host: {cfg}:{message}", rc_wanted=2, extra=("--config", cfg))
        assert "loaded" not in err and "nkecho:" not in err, err
    refused(ndiskit, nkecho, tmp, f"ndiskit host: {tmp}/absent.cfg: cannot open: No such file or directory",
            rc_wanted=2, extra=("--config", f"{tmp}/absent.cfg"))
    print("ok: bad --config files: FILE:LINE, exit 2, nothing loaded")


if __name__ == "__main__":
    sys.exit(main())
