#!/usr/bin/env python3
"""An object compiled from SOURCE needs no symbol outside ALLOWED.

  undefined_check.py CLANG NM SOURCE ALLOWED[,ALLOWED...] -- CFLAGS...

Header-only code meant for the Windows kernel must not pull in CRT helpers
(__chkstk, _fltused, 128-bit division, ...) that no kernel module exports.
"""
import os, subprocess, sys, tempfile


def main():
    sep = sys.argv.index("--")
    clang, nm, source, allowed = sys.argv[1:sep]
    flags = sys.argv[sep + 1:]
    allowed = set(allowed.split(","))
    with tempfile.TemporaryDirectory() as td:
        obj = os.path.join(td, "check.obj")
        p = subprocess.run([clang, *flags, "-c", source, "-o", obj], capture_output=True, text=True)
        if p.returncode != 0:
            print(p.stderr)
            return 1
        p = subprocess.run([nm, "--undefined-only", "--format=just-symbols", obj],
                           capture_output=True, text=True, check=True)
    undefined = sorted(set(p.stdout.split()))
    extra = [s for s in undefined if s not in allowed]
    print(f"undefined: {' '.join(undefined) or '(none)'}")
    for s in extra:
        print(f"FAIL: {os.path.basename(source)} needs {s}, which the kernel does not provide")
    return 1 if extra else 0


if __name__ == "__main__":
    sys.exit(main())
