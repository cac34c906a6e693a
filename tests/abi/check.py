#!/usr/bin/env python3
"""Prove ndiskit's header layouts against reference tables.

  check.py --probe ABI_PROBE --table TBL --prelude PRELUDE_H --target TRIPLE
           [--exceptions FILE] [--clang CLANG] -- EXTRA_CLANG_ARGS...
  check.py --probe ABI_PROBE --reference-headers DIR... --types T1,T2 ...
           (derive the table from another header set first; see --help)

A reference table is one measured fact per line (`size T = N`, `off T F = N`,
`const NAME = N`).  Every item our headers declare must have the reference
value; items we do not declare are counted.  --exceptions lists items where we
deliberately follow the WDK rather than the reference (one `item = value  #
why` per line); those items must have exactly the stated value instead.
"""
import argparse, os, subprocess, sys, tempfile


def load(path):
    items = {}
    for ln in open(path):
        ln = ln.split("#", 1)[0].rstrip()
        if " = " in ln:
            k, v = ln.rsplit(" = ", 1)
            items[k.strip()] = v.strip()
    return items


def probe(args, *cmd):
    env = dict(os.environ, CLANG=args.clang)
    return subprocess.run([sys.executable, args.probe, *cmd], env=env,
                          capture_output=True, text=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--probe", required=True, help="shared/abi/abi_probe.py")
    ap.add_argument("--prelude", required=True, help="header including ours")
    ap.add_argument("--target", required=True)
    ap.add_argument("--table", help="reference table")
    ap.add_argument("--reference-prelude", help="derive the table from this prelude")
    ap.add_argument("--reference-args", default="", help="clang args for the reference headers")
    ap.add_argument("--types", default="", help="types to derive, with --reference-prelude")
    ap.add_argument("--exceptions")
    ap.add_argument("--clang", default=os.environ.get("CLANG", "clang-19"))
    ap.add_argument("clang_args", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    extra = [x for x in a.clang_args if x != "--"]

    if not os.path.exists(a.probe):
        print(f"abi check: {a.probe} not found: the ABI reference (shared/abi) must be "
              "beside the checkout, or set -DNDISKIT_SHARED_DIR", file=sys.stderr)
        return 1

    with tempfile.TemporaryDirectory() as td:
        table = a.table
        if a.reference_prelude:
            spec = os.path.join(td, "ref.spec")
            table = os.path.join(td, "ref.tbl")
            rargs = a.reference_args.split()
            for step in (("spec", "--prelude", a.reference_prelude, "--types", a.types, "-o", spec),
                         ("measure", "--prelude", a.reference_prelude, "--spec", spec, "-o", table)):
                p = probe(a, *step, "--", *rargs)
                if p.returncode != 0:
                    print(p.stdout + p.stderr, file=sys.stderr)
                    return 1
        ref = load(table)
        exc = load(a.exceptions) if a.exceptions else {}
        for k, v in exc.items():
            if k in ref:
                ref[k] = v
        spec = os.path.join(td, "ours.spec")
        with open(spec, "w") as f:
            f.write("\n".join(ref) + "\n")
        ours = os.path.join(td, "ours.tbl")
        p = probe(a, "measure", "--prelude", a.prelude, "--spec", spec, "-o", ours, "--",
                  f"--target={a.target}", *extra)
        if p.returncode != 0:
            print(p.stdout + p.stderr, file=sys.stderr)
            return 1
        mine = load(ours)

    bad = missing = 0
    for k, v in ref.items():
        got = mine.get(k, "MISSING")
        if got == "MISSING":
            missing += 1
        elif got != v:
            bad += 1
            print(f"MISMATCH {k}: reference={v} ours={got}")
    print(f"{os.path.basename(table if not a.reference_prelude else a.reference_prelude)} "
          f"[{a.target}]: {len(ref) - bad - missing} match, {bad} mismatch, {missing} not declared"
          + (f" ({len(exc)} documented exceptions)" if exc else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
