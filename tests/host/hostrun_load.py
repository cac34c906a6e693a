#!/usr/bin/python3
"""`ndiskit host run` loading drivers: what works, and what it says when it cannot.

    hostrun_load.py NDISKIT NKECHO_SO HELLO_SO MISSING_HELPER_SO MISSING_LIBRARY_SO

Several drivers may be given; the same image twice is refused.  A bare
file name is a file in the current directory (not a search of the
library path); a directory, an empty file, a text file, a Windows image and
an ELF file that is not a shared object are each named for what they are;
an unresolved import is blamed on the host kernel only when it is a DDI,
otherwise on the driver's build; a library the driver needs and the
dynamic linker cannot find is named.  Exit 0 passed, 1 failed.
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


def serving(log):
    log.seek(0)
    return "serving its devices on" in log.read()


def run(ndiskit, driver, tmp, cwd=None):
    """driver: one path, or a list of them (several drivers in one run)."""
    drivers = driver if isinstance(driver, list) else [driver]
    p = subprocess.run([ndiskit, "host", "run", *drivers, "--socket", os.path.join(tmp, "never.sock")], cwd=cwd,
                       capture_output=True, text=True, timeout=DEADLINE)
    return p.returncode, p.stderr


def refused(ndiskit, driver, tmp, *expected):
    rc, err = run(ndiskit, driver, tmp)
    assert rc == 1, (driver, rc, err)
    for text in expected:
        assert text in err, f"{driver}: expected {text!r} in:\n{err}"
    name = " ".join(os.path.basename(d) for d in (driver if isinstance(driver, list) else [driver]))
    print(f"ok: {name}: {err.strip().splitlines()[-1]}")
    return err


def main():
    ndiskit, nkecho, hello, missing, missing_library = sys.argv[1:6]
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
        # Several drivers load in one run, but one image given twice is one
        # driver (dlopen returns the same module): refused by name.
        refused(ndiskit, [nkecho, nkecho], tmp, "is the same driver as", "a driver is loaded once")
        # A driver after a good one that does not load: the run fails, the
        # good one is unloaded (dlopen errors come before any DriverEntry).
        refused(ndiskit, [nkecho, empty], tmp, "the file is empty")
        # A library it was linked against, not to be found.
        refused(ndiskit, missing_library, tmp, "the driver needs the library libnkgone.so",
                "the dynamic linker does not find")
    print("hostrun_load: all passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
