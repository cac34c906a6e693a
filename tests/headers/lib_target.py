#!/usr/bin/env python3
"""The framework headers (lib/include/ndiskit) choose their Windows or host
code from the compiler's target, not from ndiskit's WDK headers.

  lib_target.py CLANG INCLUDE_DIR LIB_INCLUDE_DIR

Over the real WDK, ndiskit's internal macros (NDISKIT_WINDOWS,
NDISKIT_HOST, NDISKIT_NDIS_VERSION, ...) do not exist, and its include
guards have other names.  This test includes ndiskit's WDK headers, then
removes every internal macro and the ndis.h guard NDISKIT_NDIS_H (which
the framework headers used to test) - what remains is what the WDK's
headers would provide; the other include guards stay, standing in for the
WDK's own, so a later #include <ntddk.h> is still a no-op - and compiles
the framework headers after them, for each target, to assembly:

  Windows: NkMdlMap maps the MDL (MmGetSystemAddressForMdlSafe ->
           MmMapLockedPagesSpecifyCache), NkReportMisuse calls DbgPrintEx,
           and NkMdlSpanFromNb (declared only with ndis.h) exists.
  host:    NkMdlMap uses the described address (no mapping call) and
           NkReportMisuse reaches the host verifier (NkHostViolation).
"""
import os, re, subprocess, sys, tempfile

TU = r"""
#define NDIS630 1
#include <ndis.h>
#include <wdf.h>
/* What the WDK's headers would not define: every ndiskit-internal macro. */
%(undefs)s
#include <ndiskit/nbl.h>
#include <ndiskit/mdl.h>
#include <ndiskit/verify.h>

PUCHAR TestMap(PMDL Mdl) { return NkMdlMap(Mdl); }
void TestReport(void) { NkReportMisuse("test.rule", "value %%d", 1); }
SIZE_T TestSpan(PNET_BUFFER Nb) { return NkMdlSpanFromNb(Nb).Length; }
ULONG TestCount(PNET_BUFFER_LIST Nbl) { return NkNblChainCount(Nbl); }
"""

TARGETS = {
    "windows": (["--target=x86_64-pc-windows-msvc", "-ffreestanding"],
                ["MmMapLockedPagesSpecifyCache", "DbgPrintEx"], ["NkHostViolation"]),
    "host": (["-fshort-wchar"], ["NkHostViolation"], ["MmMapLockedPagesSpecifyCache", "DbgPrintEx"]),
}


def internal_macros(inc):
    names = set()
    for root, _, files in os.walk(inc):
        for f in files:
            if f.endswith(".h"):
                text = open(os.path.join(root, f)).read()
                names.update(re.findall(r"^\s*#\s*define\s+(NDISKIT_\w+)", text, re.M))
    return sorted(n for n in names if not n.endswith("_H") or n == "NDISKIT_NDIS_H")


def main():
    clang, inc, lib_inc = sys.argv[1:4]
    macros = internal_macros(inc)
    tu_text = TU % {"undefs": "\n".join(f"#undef {m}" for m in macros)}
    failed = False
    with tempfile.TemporaryDirectory() as td:
        tu = os.path.join(td, "lib_target.c")
        open(tu, "w").write(tu_text)
        for name, (flags, want, refuse) in TARGETS.items():
            asm = os.path.join(td, name + ".s")
            p = subprocess.run([clang, *flags, "-O1", "-std=gnu11", "-Wall", "-Wextra", "-Werror",
                                "-I", inc, "-I", lib_inc, "-S", tu, "-o", asm],
                               capture_output=True, text=True)
            if p.returncode != 0:
                print(f"FAIL {name}: does not compile without ndiskit's internal macros\n{p.stderr[-3000:]}")
                failed = True
                continue
            text = open(asm).read()
            for sym in want:
                if not re.search(r"(?:\b|__imp_)" + sym + r"\b", text):
                    print(f"FAIL {name}: {sym} not referenced: the framework headers took the wrong branch")
                    failed = True
            for sym in refuse:
                if re.search(r"(?:\b|__imp_)" + sym + r"\b", text):
                    print(f"FAIL {name}: {sym} referenced: the framework headers took the wrong branch")
                    failed = True
            if not failed:
                print(f"ok {name}: {', '.join(want)} referenced, {', '.join(refuse)} not")
    print(f"{len(macros)} ndiskit-internal macros removed before the framework headers")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
