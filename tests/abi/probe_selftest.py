#!/usr/bin/env python3
"""abiprobe.py and check.py on a header whose layout is known by hand, so the
ABI proof cannot pass by measuring nothing.

  probe_selftest.py CLANG
"""
import os, subprocess, sys, tempfile

import abiprobe

HEADER = r"""
typedef struct _INNER { unsigned short A; unsigned long long B; } INNER;
typedef struct _OUTER {
    unsigned char Tag;
    union { unsigned int Word; unsigned char Bytes[4]; };   /* anonymous */
    struct { unsigned int Lo : 4; unsigned int Hi : 28; } Bits;
    INNER Inner;
    INNER Many[2];
} OUTER;
enum { COLOUR_RED = 3 };
#define MINUS_ONE (-1)
#define NOT_AN_INTEGER "text"
typedef long SIGNED32;
#define SIGNED_HIGH ((SIGNED32)0xC0000001L)
#define UNSIGNED_HIGH 0xC0000001u
#define SIGNED_LOW ((SIGNED32)0x103L)
#define UNSIGNED_LOW 0x103u
"""

EXPECTED_ITEMS = [
    "size OUTER", "align OUTER", "off OUTER Tag", "off OUTER Word", "off OUTER Bytes",
    "off OUTER Bits", "off OUTER Inner", "off OUTER Inner.A", "off OUTER Inner.B",
    "off OUTER Many",
]
EXPECTED_VALUES = {
    "size OUTER": 64, "align OUTER": 8, "off OUTER Tag": 0, "off OUTER Word": 4,
    "off OUTER Bytes": 4, "off OUTER Bits": 8, "off OUTER Inner": 16, "off OUTER Inner.A": 16,
    "off OUTER Inner.B": 24, "off OUTER Many": 32,
    "const COLOUR_RED": 3, "const MINUS_ONE": 2**64 - 1,
    "const NOT_AN_INTEGER": None, "const NOT_DECLARED": None, "off OUTER Missing": None,
    "size NO_SUCH_TYPE": None,
    "sign SIGNED_HIGH": 1, "sign UNSIGNED_HIGH": 0, "sign SIGNED_LOW": 1, "sign UNSIGNED_LOW": 0,
    "sign COLOUR_RED": 1, "sign MINUS_ONE": 1, "sign NOT_AN_INTEGER": None, "sign NOT_DECLARED": None,
    "const SIGNED_LOW": 0x103, "const UNSIGNED_LOW": 0x103,
}
TARGETS = (["--target=x86_64-pc-windows-msvc"], ["--target=x86_64-linux-gnu"])


def main():
    clang = sys.argv[1]
    failures = []
    with tempfile.TemporaryDirectory() as td:
        header = os.path.join(td, "known.h")
        with open(header, "w") as f:
            f.write(HEADER)
        for args in TARGETS:
            items = abiprobe.layout_items(clang, header, ["OUTER"], args)
            if items != EXPECTED_ITEMS:
                failures.append(f"{args[0]}: items {items}")
            got = abiprobe.measure(clang, header, list(EXPECTED_VALUES), args)
            for k, v in EXPECTED_VALUES.items():
                if got[k] != v:
                    failures.append(f"{args[0]}: {k} = {got[k]}, expected {v}")

        # check.py passes a right table, fails a wrong one, counts absent items.
        check = os.path.join(os.path.dirname(os.path.abspath(__file__)), "check.py")
        for wrong, rc, summary in ((False, 0, "11 match, 0 mismatch, 1 not declared"),
                                   (True, 1, "10 match, 1 mismatch, 1 not declared")):
            table = os.path.join(td, "t.tbl")
            with open(table, "w") as f:
                for k in EXPECTED_ITEMS + ["const COLOUR_RED", "off OUTER Missing"]:
                    v = EXPECTED_VALUES[k] if EXPECTED_VALUES[k] is not None else 0
                    if wrong and k == "off OUTER Inner.B":
                        v += 8
                    f.write(f"{k} = {v}\n")
            p = subprocess.run([sys.executable, check, "--clang", clang, "--table", table,
                                "--prelude", header, "--target", "x86_64-linux-gnu"],
                               capture_output=True, text=True)
            if p.returncode != rc or summary not in p.stdout:
                failures.append(f"check.py (wrong={wrong}): rc {p.returncode}\n{p.stdout}{p.stderr}")
    for f in failures:
        print("FAIL", f)
    print(f"probe self-test: {len(EXPECTED_VALUES)} known values x {len(TARGETS)} targets, "
          f"check.py right and wrong table: {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
