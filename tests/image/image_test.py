#!/usr/bin/env python3
"""Integration test of `ndiskit image` on images linked by lld-link 14, 19, 22.

  image_test.py NDISKIT IMAGES_DIR WORK_DIR

For every image build_images.py produced: `check` reports findings (exit 1)
before `fix` and none (exit 0) after it; the fixed image's section flags and
checksum are what a loadable driver needs according to two independent
parsers (python3-pefile and llvm-readobj); fixing again changes no byte; a
failed fix leaves its input untouched and writes nothing; unreadable input
exits 2 with an offset in the message.  Prints "N passed, M failed".
"""
import hashlib, json, os, re, shutil, subprocess, sys

import pefile

NOT_PAGED = 0x08000000
DISCARDABLE = 0x02000000
MEM_READ = 0x40000000
MEM_WRITE = 0x80000000
MEM_EXECUTE = 0x20000000

passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {what}")
    else:
        failed += 1
        print(f"FAIL {what}")
    return ok


def tool(ndiskit, *args):
    return subprocess.run([ndiskit, "image", *args], capture_output=True, text=True)


def digest(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def section_name(s):
    return s.Name.rstrip(b"\0").decode("ascii", "replace")


def readobj(path):
    """Section characteristics and checksum as llvm-readobj sees them."""
    out = subprocess.run(["llvm-readobj-19", "--file-headers", "--sections", path],
                         capture_output=True, text=True, check=True).stdout
    checksum = int(re.search(r"CheckSum: (0x[0-9A-Fa-f]+)", out).group(1), 16)
    flags = {}
    for m in re.finditer(r"Name: (\S+) \(.*?\n(?:.*\n)*?\s+Characteristics \[ \((0x[0-9A-Fa-f]+)\)",
                         out):
        flags[m.group(1)] = int(m.group(2), 16)
    return checksum, flags


def expect_loadable(path, label):
    """The rules a kernel image must meet, judged by pefile and llvm-readobj."""
    pe = pefile.PE(path)
    ok = True
    for s in pe.sections:
        name, ch = section_name(s), s.Characteristics
        if name.startswith("PAGE"):
            ok &= check(not ch & NOT_PAGED, f"{label}: {name} stays pageable")
        elif name == "INIT":
            ok &= check(bool(ch & DISCARDABLE), f"{label}: INIT is discardable")
        elif name in (".retplne", ".00cfg", ".cfg00"):
            ok &= check(ch & (DISCARDABLE | MEM_READ) == DISCARDABLE | MEM_READ
                        and not ch & (MEM_WRITE | MEM_EXECUTE),
                        f"{label}: {name} neutralised (discardable read-only, 0x{ch:08x})")
        elif not ch & DISCARDABLE and name != ".rsrc":
            ok &= check(bool(ch & NOT_PAGED), f"{label}: {name} is non-paged (0x{ch:08x})")
        ok &= check(bool(ch & MEM_READ), f"{label}: {name} is readable")
    stored = pe.OPTIONAL_HEADER.CheckSum
    ok &= check(stored != 0 and stored == pe.generate_checksum(),
                f"{label}: checksum 0x{stored:08x} is pefile's")
    ro_sum, ro_flags = readobj(path)
    ok &= check(ro_sum == stored, f"{label}: llvm-readobj sees the same checksum")
    ok &= check(all(ro_flags.get(section_name(s)) == s.Characteristics for s in pe.sections),
                f"{label}: llvm-readobj sees the same section flags")
    pe.close()
    return ok


def main():
    ndiskit, images, work = sys.argv[1:4]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    names = open(os.path.join(images, "images.txt")).read().split()
    check(len(names) == 6, "six lld-link test images (14, 19, 22; plain and .retplne)")

    for name in names:
        src = os.path.join(images, name + ".sys")
        img = os.path.join(work, name + ".sys")
        shutil.copy(src, img)
        before = tool(ndiskit, "check", img)
        check(before.returncode == 1, f"{name}: check before fix reports findings (exit {before.returncode})")
        j = tool(ndiskit, "check", "--json", img)
        try:
            json.loads(j.stdout)
            check(j.returncode == 1, f"{name}: check --json is valid JSON with findings")
        except ValueError:
            check(False, f"{name}: check --json is valid JSON ({j.stdout[:80]!r})")
        if "retplne" in name and name.startswith(("lld14", "lld19")):
            check(".retplne" in before.stdout, f"{name}: check names the .retplne section")

        fix = tool(ndiskit, "fix", img)
        check(fix.returncode == 0, f"{name}: fix succeeds ({fix.stderr.strip()[:120]})")
        after = tool(ndiskit, "check", img)
        check(after.returncode == 0, f"{name}: check after fix is clean ({after.stdout.strip()[-200:]})")
        expect_loadable(img, name)

        # Idempotence: fixing a fixed image changes no byte, in place or to -o.
        h = digest(img)
        again = os.path.join(work, name + ".again.sys")
        check(tool(ndiskit, "fix", "-o", again, img).returncode == 0 and digest(again) == h,
              f"{name}: fix of a fixed image (-o) is byte-identical")
        check(tool(ndiskit, "fix", img).returncode == 0 and digest(img) == h,
              f"{name}: fix in place of a fixed image is byte-identical")

        dump = tool(ndiskit, "dump", img)
        check(dump.returncode == 0 and ".text" in dump.stdout, f"{name}: dump lists sections")
        if "retplne" in name and name.startswith(("lld14", "lld19")):
            d = tool(ndiskit, "dump", src).stdout
            check("RetpolineV1" in d and re.search(r"IAT call", d, re.I) is not None,
                  f"{name}: dump decodes the .retplne magic and entry kinds")

    # No base relocation directory (lld-link writes none for a driver
    # without absolute addresses), RELOCS_STRIPPED clear: the loader has
    # nothing to relocate (info RELOCS-NONE), so fix and check go ahead.
    # The same image with RELOCS_STRIPPED set is refused (RELOCS-MISSING).
    for tag in ("lld14", "lld19"):
        img = os.path.join(work, f"{tag}-tiny.sys")
        shutil.copy(os.path.join(images, f"{tag}-tiny.sys"), img)
        pe = pefile.PE(img)
        check(pe.OPTIONAL_HEADER.DATA_DIRECTORY[5].Size == 0 and not pe.FILE_HEADER.Characteristics & 1,
              f"{tag}-tiny: no base relocation directory, RELOCS_STRIPPED clear")
        pe.close()
        r = tool(ndiskit, "check", img)
        check("info RELOCS-NONE" in r.stdout and "RELOCS-MISSING" not in r.stdout,
              f"{tag}-tiny: check says RELOCS-NONE (info), not RELOCS-MISSING")
        r = tool(ndiskit, "fix", img)
        check(r.returncode == 0, f"{tag}-tiny: fix succeeds ({r.stderr.strip()[:120]})")
        r = tool(ndiskit, "check", img)
        check(r.returncode == 0, f"{tag}-tiny: check after fix is clean ({r.stdout.strip()[-120:]})")
        stripped = os.path.join(work, f"{tag}-tiny-stripped.sys")
        b = bytearray(open(img, "rb").read())
        lfanew = int.from_bytes(b[0x3c:0x40], "little")
        b[lfanew + 4 + 18] |= 1  # IMAGE_FILE_RELOCS_STRIPPED
        open(stripped, "wb").write(b)
        h = digest(stripped)
        r = tool(ndiskit, "check", stripped)
        check(r.returncode == 1 and "error RELOCS-MISSING" in r.stdout,
              f"{tag}-tiny with RELOCS_STRIPPED: check says RELOCS-MISSING (error)")
        r = tool(ndiskit, "fix", stripped)
        check(r.returncode == 1 and "RELOCS-MISSING" in r.stderr and digest(stripped) == h,
              f"{tag}-tiny with RELOCS_STRIPPED: fix refuses, input untouched")

    # A failed fix leaves the input as it was and writes nothing.
    src = os.path.join(images, names[0] + ".sys")
    data = open(src, "rb").read()
    trunc = os.path.join(work, "truncated.sys")
    open(trunc, "wb").write(data[:0x180])
    h = digest(trunc)
    r = tool(ndiskit, "fix", trunc)
    check(r.returncode == 2 and digest(trunc) == h, "fix of a truncated image fails (exit 2), input unchanged")
    check(re.search(r"offset 0x[0-9a-f]+", r.stderr, re.I) is not None,
          f"truncated image error names an offset ({r.stderr.strip()[:120]})")
    check(sorted(os.listdir(work)) == sorted(set(os.listdir(work))) and
          not [f for f in os.listdir(work) if f.startswith(".") or f.endswith(".tmp")],
          "no temporary file left behind")
    r = tool(ndiskit, "check", trunc)
    check(r.returncode == 2, "check of a truncated image exits 2")
    good = os.path.join(work, "good.sys")
    shutil.copy(src, good)
    h = digest(good)
    r = tool(ndiskit, "fix", "-o", os.path.join(work, "no-such-dir", "out.sys"), good)
    check(r.returncode == 2 and digest(good) == h and not os.path.exists(os.path.join(work, "no-such-dir")),
          "fix to an unwritable destination fails (exit 2), input unchanged")
    r = tool(ndiskit, "check", os.path.join(work, "missing.sys"))
    check(r.returncode == 2, "check of a missing file exits 2")

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
