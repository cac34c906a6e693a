#!/usr/bin/env python3
"""Prove ndiskit's header layouts against reference tables.

  check.py --table TBL --prelude PRELUDE_H --target TRIPLE
           [--exceptions FILE] [--clang CLANG] -- EXTRA_CLANG_ARGS...
  check.py --reference-prelude REF_H --reference-args "ARGS" --types T1,T2 ...
           [--reference-macros PREFIX1,PREFIX2] ...
           (derive the table from another header set first: the size,
           alignment and every member offset of each type, see abiprobe.py;
           and the value and signedness of every object-like macro whose
           name starts with one of the prefixes and that is an integer
           constant there)

A reference table is one measured fact per line (`size T = N`, `off T F = N`,
`const NAME = N`).  Every item our headers declare must have the reference
value; items we do not declare are counted.  --exceptions lists items where we
deliberately follow the WDK rather than the reference (one `item = value  #
why` per line); those items must have exactly the stated value instead.
"""
import argparse, os, re, subprocess, sys

import abiprobe


def reference_macros(clang, prelude, args, prefixes):
    """Names of the object-like macros the reference prelude defines that
    start with one of prefixes (clang -E -dM)."""
    p = subprocess.run([clang, *args, "-E", "-dM", "-x", "c", prelude], capture_output=True, text=True)
    if p.returncode != 0:
        raise abiprobe.ProbeError("the reference headers do not preprocess:\n" + p.stderr[-4000:])
    names = re.findall(r"^#define ([A-Za-z_]\w*) ", p.stdout, re.M)
    return sorted(n for n in set(names) if n.startswith(prefixes))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--prelude", required=True, help="header including ours")
    ap.add_argument("--target", required=True)
    ap.add_argument("--table", help="reference table")
    ap.add_argument("--reference-prelude", help="derive the table from this prelude")
    ap.add_argument("--reference-args", default="", help="clang args for the reference headers")
    ap.add_argument("--types", default="", help="types to derive, with --reference-prelude")
    ap.add_argument("--reference-macros", default="",
                    help="macro name prefixes to derive, with --reference-prelude")
    ap.add_argument("--exceptions")
    ap.add_argument("--clang", default=os.environ.get("CLANG", "clang-19"))
    ap.add_argument("clang_args", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    extra = [x for x in a.clang_args if x != "--"]

    try:
        if a.reference_prelude:
            rargs = a.reference_args.split()
            types = [t for t in a.types.split(",") if t]
            items = abiprobe.layout_items(a.clang, a.reference_prelude, types, rargs)
            macros = []
            prefixes = tuple(p for p in a.reference_macros.split(",") if p)
            if prefixes:
                macros = [f"{kind} {n}" for n in reference_macros(a.clang, a.reference_prelude, rargs,
                                                                  prefixes)
                          for kind in ("const", "sign")]
            measured = abiprobe.measure(a.clang, a.reference_prelude, items + macros, rargs)
            # A macro that is no integer constant there (a string) is no item.
            for k in macros:
                if measured[k] is None:
                    del measured[k]
            if prefixes and not any(k.startswith("const ") for k in measured):
                print("the reference headers define no integer macro named " + ", ".join(prefixes) + "*",
                      file=sys.stderr)
                return 1
            absent = [k for k, v in measured.items() if v is None]
            if absent:
                print("the reference headers do not declare their own items: " + ", ".join(absent),
                      file=sys.stderr)
                return 1
            ref = {k: str(v) for k, v in measured.items()}
            name = os.path.basename(a.reference_prelude)
        else:
            ref = abiprobe.load_table(a.table)
            name = os.path.basename(a.table)
        exc = abiprobe.load_table(a.exceptions) if a.exceptions else {}
        for k, v in exc.items():
            if k not in ref:
                print(f"exception {k} is not a reference item", file=sys.stderr)
                return 1
            ref[k] = v
        mine = abiprobe.measure(a.clang, a.prelude, list(ref), [f"--target={a.target}", *extra])
    except abiprobe.ProbeError as e:
        print(f"abi check: {e}", file=sys.stderr)
        return 1

    bad = missing = 0
    for k, v in ref.items():
        got = mine.get(k)
        if got is None:
            missing += 1
        elif str(got) != v:
            bad += 1
            print(f"MISMATCH {k}: reference={v} ours={got}")
    print(f"{name} [{a.target}]: {len(ref) - bad - missing} match, {bad} mismatch, "
          f"{missing} not declared" + (f" ({len(exc)} documented exceptions)" if exc else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
