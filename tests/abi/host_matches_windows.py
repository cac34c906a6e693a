#!/usr/bin/env python3
"""Every structure and constant ndiskit's headers declare has the same layout
or value on the host as on the Windows kernel target.

  host_matches_windows.py PROBE CLANG INCLUDE_DIR

The reference tables prove the Windows layouts of the structures they list;
this check covers all the others too: it finds every struct/union typedef
declared under INCLUDE_DIR (clang's AST, Windows target), derives a spec of
their sizes, alignments and member offsets from the Windows layout, measures
it for x86_64 Linux, and fails on any difference.  Constants are every
enumerator and every object-like #define under INCLUDE_DIR that is an
integer constant expression (the others - strings, types - are skipped by
the probe on both targets alike).  The host kernel shares
these structures with driver code, so a silent host/Windows difference would
make host tests prove nothing.
"""
import json, os, re, subprocess, sys, tempfile

PRELUDE = """#define NDIS630 1
#define NDIS630_MINIPORT 1
#include <ntddk.h>
#include <ndis.h>
#include <wdf.h>
#include <wdfldr.h>
#include <wdmsec.h>
"""
WINDOWS = ["--target=x86_64-pc-windows-msvc", "-ffreestanding"]
HOST = ["--target=x86_64-linux-gnu", "-fshort-wchar"]


def record_typedefs(clang, inc, prelude):
    p = subprocess.run([clang, *WINDOWS, "-I", inc, "-fsyntax-only", "-Xclang", "-ast-dump=json",
                        prelude], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(p.stderr[-4000:])
    names = []
    inc = os.path.realpath(inc)
    cur_file = None
    top = json.loads(p.stdout).get("inner", [])
    # Opaque types (forward-declared only, e.g. NDIS_PORT) have no layout.
    complete = {n["name"] for n in top
                if n.get("kind") == "RecordDecl" and n.get("completeDefinition") and "name" in n}
    for n in top:
        loc = n.get("loc", {})
        cur_file = loc.get("file", cur_file)   # clang omits an unchanged file
        if n.get("kind") != "TypedefDecl" or not cur_file:
            continue
        if not os.path.realpath(cur_file).startswith(inc + os.sep):
            continue
        qt = n.get("type", {}).get("qualType", "")
        desugared = n.get("type", {}).get("desugaredQualType", qt)
        if "*" in qt or "(" in qt or "[" in qt:
            continue
        if desugared.startswith(("struct ", "union ")):
            tag = desugared.split(" ", 1)[1]
            if tag in complete or "(unnamed" in tag or "(anonymous" in tag:
                names.append(n["name"])
    return sorted(set(names))


def record_constants(clang, inc, prelude):
    p = subprocess.run([clang, *WINDOWS, "-I", inc, "-fsyntax-only", "-Xclang", "-ast-dump=json",
                        prelude], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(p.stderr[-4000:])
    names = set()
    inc = os.path.realpath(inc)
    cur_file = None
    for n in json.loads(p.stdout).get("inner", []):
        cur_file = n.get("loc", {}).get("file", cur_file)
        if n.get("kind") != "EnumDecl" or not cur_file:
            continue
        if not os.path.realpath(cur_file).startswith(inc + os.sep):
            continue
        names.update(c["name"] for c in n.get("inner", []) if c.get("kind") == "EnumConstantDecl")
    define = re.compile(r"^\s*#\s*define\s+([A-Za-z_]\w*)[ \t]+\S", re.M)
    for root, _, files in os.walk(inc):
        for f in files:
            if f.endswith(".h"):
                names.update(define.findall(open(os.path.join(root, f)).read()))
    return sorted(n for n in names if not n.startswith("NDISKIT_"))


def run(probe, clang, *args):
    p = subprocess.run([sys.executable, probe, *args], capture_output=True, text=True,
                       env=dict(os.environ, CLANG=clang))
    if p.returncode != 0:
        sys.exit(p.stdout + p.stderr)


def load(path):
    return dict(l.rstrip("\n").rsplit(" = ", 1) for l in open(path) if " = " in l)


def main():
    probe, clang, inc = sys.argv[1:4]
    with tempfile.TemporaryDirectory() as td:
        prelude = os.path.join(td, "prelude.h")
        open(prelude, "w").write(PRELUDE)
        types = record_typedefs(clang, inc, prelude)
        consts = record_constants(clang, inc, prelude)
        spec = os.path.join(td, "all.spec")
        run(probe, clang, "spec", "--prelude", prelude, "--types", ",".join(types), "-o", spec,
            "--", *WINDOWS, "-I", inc)
        with open(spec, "a") as f:
            f.write("".join(f"const {c}\n" for c in consts))
        win, host = os.path.join(td, "win.tbl"), os.path.join(td, "host.tbl")
        run(probe, clang, "measure", "--prelude", prelude, "--spec", spec, "-o", win,
            "--", *WINDOWS, "-I", inc)
        run(probe, clang, "measure", "--prelude", prelude, "--spec", spec, "-o", host,
            "--", *HOST, "-I", inc)
        w, h = load(win), load(host)
    bad = sorted(k for k in set(w) | set(h) if h.get(k) != w.get(k))
    for k in bad:
        print(f"DIFFERS {k}: windows={w.get(k)} host={h.get(k)}")
    nconst = sum(1 for k in w if k.startswith("const "))
    print(f"{len(types)} structure types and {nconst} integer constants, {len(w)} items: "
          f"{len(w) - len(bad)} identical on host, {len(bad)} differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
