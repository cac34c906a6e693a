#!/usr/bin/env python3
"""Every structure and constant ndiskit's headers declare has the same layout
or value on the host as on the Windows kernel target.

  host_matches_windows.py CLANG INCLUDE_DIR

The reference tables prove the Windows layouts of the structures they list;
this check covers all the others too: it finds every struct/union typedef
declared under INCLUDE_DIR (clang's AST, Windows target), lists their sizes,
alignments and member offsets (every named member at every depth) from the
Windows layout with abiprobe.py, measures them for both targets, and fails on
any difference.  Constants are every
enumerator and every object-like #define under INCLUDE_DIR that is an
integer constant (the others - strings, types - are not declared on both
targets alike).  The host kernel shares
these structures with driver code, so a silent host/Windows difference would
make host tests prove nothing.
"""
import json, os, re, subprocess, sys, tempfile

import abiprobe

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


def main():
    clang, inc = sys.argv[1:3]
    with tempfile.TemporaryDirectory() as td:
        prelude = os.path.join(td, "prelude.h")
        with open(prelude, "w") as f:
            f.write(PRELUDE)
        types = record_typedefs(clang, inc, prelude)
        consts = record_constants(clang, inc, prelude)
        try:
            items = abiprobe.layout_items(clang, prelude, types, [*WINDOWS, "-I", inc])
            items += [f"const {c}" for c in consts]
            w = abiprobe.measure(clang, prelude, items, [*WINDOWS, "-I", inc])
            h = abiprobe.measure(clang, prelude, items, [*HOST, "-I", inc])
        except abiprobe.ProbeError as e:
            sys.exit(f"host_matches_windows: {e}")
    bad = [k for k in items if h[k] != w[k]]
    for k in bad:
        print(f"DIFFERS {k}: windows={w[k]} host={h[k]}")
    unmeasured = [k for k in items if w[k] is None and h[k] is None]
    layout = [k for k in items if not k.startswith("const ")]
    if any(w[k] is None for k in layout):
        print("layout items the Windows target does not measure: "
              + ", ".join(k for k in layout if w[k] is None))
        return 1
    nconst = sum(1 for k in items if k.startswith("const ") and w[k] is not None)
    print(f"{len(types)} structure types ({len(layout)} sizes, alignments and offsets) and "
          f"{nconst} integer constants: {len(items) - len(unmeasured) - len(bad)} items identical "
          f"on host, {len(bad)} differ ({len(unmeasured)} names are no integer constant on either)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
