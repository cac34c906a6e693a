#!/usr/bin/env python3
"""Every DDI our headers import has an export in lib/imports/*.def, and every
.def export is declared by our headers.

  imports_check.py CLANG INCLUDE_DIR DEF_DIR

The headers are parsed by clang for the Windows kernel target; a function or
variable is "imported" when it carries __declspec(dllimport).  A declared
import missing from the .def files would be an unresolved symbol at link time
(or a call through a garbage IAT slot if someone hand-wrote a stub); a .def
export no header declares is dead weight or a typo.
"""
import json, os, re, subprocess, sys, tempfile

TU = """
#define NDIS630 1
#define NDIS_MINIPORT_DRIVER 1
#define NDIS630_MINIPORT 1
#include <ntddk.h>
#include <ndis.h>
#include <wdf.h>
#include <wdfldr.h>
"""


def walk(node, out):
    kind = node.get("kind")
    if kind in ("FunctionDecl", "VarDecl") and "name" in node:
        attrs = {c.get("kind") for c in node.get("inner", [])}
        entry = out.setdefault(node["name"], False)
        out[node["name"]] = entry or "DLLImportAttr" in attrs
    for c in node.get("inner", []):
        if c.get("kind") not in ("CompoundStmt",):
            walk(c, out)


def def_exports(def_dir):
    exports = {}
    for f in sorted(os.listdir(def_dir)):
        if not f.endswith(".def"):
            continue
        in_exports = False
        for ln in open(os.path.join(def_dir, f)):
            ln = ln.split(";", 1)[0].strip()
            if not ln:
                continue
            if ln.upper() == "EXPORTS":
                in_exports = True
            elif in_exports:
                exports[ln.split()[0]] = f
    return exports


def main():
    clang, inc, def_dir = sys.argv[1:4]
    with tempfile.NamedTemporaryFile("w", suffix=".c", delete=False) as f:
        f.write(TU)
        tu = f.name
    try:
        p = subprocess.run([clang, "--target=x86_64-pc-windows-msvc", "-ffreestanding",
                            "-I", inc, "-fsyntax-only", "-Xclang", "-ast-dump=json", tu],
                           capture_output=True, text=True)
    finally:
        os.unlink(tu)
    if p.returncode != 0:
        print(p.stderr[-4000:], file=sys.stderr)
        return 1
    decls = {}
    walk(json.loads(p.stdout), decls)
    exports = def_exports(def_dir)

    imported = sorted(n for n, imp in decls.items() if imp)
    missing = [n for n in imported if n not in exports]
    undeclared = [n for n in sorted(exports) if n not in decls]
    for n in missing:
        print(f"MISSING EXPORT: {n} is declared dllimport but no lib/imports/*.def exports it")
    for n in undeclared:
        print(f"UNDECLARED: {exports[n]} exports {n}, which no header declares")
    print(f"{len(imported)} imported declarations, {len(exports)} .def exports, "
          f"{len(missing)} missing, {len(undeclared)} undeclared")
    return 1 if missing or undeclared else 0


if __name__ == "__main__":
    sys.exit(main())
