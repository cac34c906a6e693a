#!/usr/bin/env python3
"""Microsoft's KMDF ndisprot sample (NDIS 6.0) builds unchanged against
ndiskit's headers and libraries.

  ms_ndisprot.py windows CONFIG --peer DIR --src ROOT --work DIR --clang C
                 --lld-link L --dlltool D --llvm-lib A --ndiskit TOOL
  ms_ndisprot.py host CONFIG --peer DIR --src ROOT --work DIR --clang C

CONFIG is the sample's own configuration, read from its .vcxproj:
  release   Release|x64: its defines (NDIS_WDM=1 NDIS60=1)
  dbg       Debug|x64: its defines plus DBG=1 (what the WDK's debug
            configurations define), so every `#if DBG` path is compiled
  optional  dbg plus the sample's optional paths EX_CALLBACK (callback
            objects, pageable code) and DBG_SPIN_LOCK (its lock auditing)

The source list and defines come from the .vcxproj; the sources are read
from the peer folder and never copied.  The only additions are what the
MSBuild project gives every file implicitly: the sample's folder on the
include path (its precompiled header makes `#include <precomp.h>` work)
and KMDF 1.15, the version its INF binds.

windows: compile for x86_64-pc-windows-msvc with ndiskit's kernel flags
(without -Werror: warnings in Microsoft's code are reported, not fatal),
add ndiskit's KMDF entry stub, link with lld-link against import libraries
generated here from lib/imports/*.def and wdmsec.lib built from
lib/wdmsec, then `ndiskit image fix` and `ndiskit image check` (clean or
fail).  DriverEntry must land in INIT (#pragma alloc_text) and, with
EX_CALLBACK, the callback routines in PAGE.

host: compile every file for x86_64 Linux (objects only; the host build
of the driver as a module is a CMake target).

Exit 0 pass, 1 fail, 77 skip (no peer folder).  The last line gives the
error and warning counts.
"""
import argparse, json, os, re, subprocess, sys

KMDF_MINOR = 15
KERNEL_FLAGS = ["-ffreestanding", "-fms-extensions", "-mno-stack-arg-probe", "-fno-stack-protector",
                "-fno-exceptions", "-mno-avx", "-O2", "-Wall", "-Wextra"]
WINDOWS = ["--target=x86_64-pc-windows-msvc"]
# Microsoft's code uses MSVC's extensions (__pragma, #pragma warning): -fms-extensions.
HOST_FLAGS = ["-fshort-wchar", "-fms-extensions", "-fPIC", "-O1", "-Wall", "-Wextra"]


def vcxproj(peer):
    proj = [f for f in os.listdir(peer) if f.endswith(".vcxproj")]
    if len(proj) != 1:
        sys.exit(f"{peer}: expected one .vcxproj, found {proj}")
    text = open(os.path.join(peer, proj[0]), encoding="utf-8-sig").read()
    files = {f.lower(): f for f in os.listdir(peer)}
    sources = []
    for name in re.findall(r'<ClCompile Include="([^"]+)"', text):
        real = files.get(name.lower())   # MSBuild names files case-insensitively
        if real is None:
            sys.exit(f"{peer}: {name} is in the project but not in the folder")
        sources.append(real)
    defines = {}
    for cond, body in re.findall(r"<ItemDefinitionGroup Condition=\"'\$\(Configuration\)\|\$\(Platform\)'=='([^']+)'\">(.*?)</ItemDefinitionGroup>", text, re.S):
        m = re.search(r"<ClCompile>\s*<PreprocessorDefinitions>([^<]*)</PreprocessorDefinitions>", body)
        if m:
            defines[cond] = [d for d in m.group(1).split(";") if d and not d.startswith("%(")]
    return proj[0], sources, defines


def config_defines(defines, config):
    key = "Release|x64" if config == "release" else "Debug|x64"
    if key not in defines:
        sys.exit(f"the project has no {key} preprocessor definitions")
    d = list(defines[key])
    if config in ("dbg", "optional"):
        d.append("DBG=1")
    if config == "optional":
        d += ["EX_CALLBACK=1", "DBG_SPIN_LOCK=1"]
    return d + ["KMDF_VERSION_MAJOR=1", f"KMDF_VERSION_MINOR={KMDF_MINOR}"]


def compile_all(cc, flags, peer, sources, out_dir, ext):
    errors = warnings = 0
    objs = []
    for s in sources:
        obj = os.path.join(out_dir, os.path.splitext(s)[0] + ext)
        p = subprocess.run([cc, *flags, "-c", os.path.join(peer, s), "-o", obj],
                           capture_output=True, text=True)
        e = len(re.findall(r"\berror:", p.stderr))
        w = len(re.findall(r"\bwarning:", p.stderr))
        errors += e if p.returncode == 0 else max(e, 1)
        warnings += w
        if p.stderr:
            sys.stdout.write(p.stderr)
        objs.append(obj)
    return objs, errors, warnings


def run(cmd, what):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.stdout.write(p.stdout + p.stderr)
        print(f"FAIL: {what} (exit {p.returncode}): {' '.join(cmd)}")
        sys.exit(1)
    return p.stdout


def symbol_section(clang, obj, symbol):
    """The COFF section a defined symbol lives in, from llvm-objdump's table."""
    # llvm-objdump of the same LLVM as clang: clang-19 -> llvm-objdump-19.
    objdump = os.path.join(os.path.dirname(clang),
                           os.path.basename(clang).replace("clang", "llvm-objdump", 1))
    hdrs = run([objdump, "-h", obj], f"llvm-objdump -h {obj}")
    names = {}
    for ln in hdrs.splitlines():
        m = re.match(r"\s*(\d+)\s+(\S+)\s+[0-9a-f]+", ln)
        if m:
            names[int(m.group(1)) + 1] = m.group(2)   # COFF sections are 1-based
    syms = run([objdump, "-t", obj], f"llvm-objdump -t {obj}")
    for ln in syms.splitlines():
        m = re.search(r"\(sec\s+(\d+)\).*\s(\S+)$", ln)
        if m and m.group(2) == symbol:
            return names.get(int(m.group(1)))
    return None


def windows(a, sources, defs):
    work = a.work
    os.makedirs(work, exist_ok=True)
    inc = [f"-I{a.src}/include", f"-I{a.peer}"]
    flags = WINDOWS + KERNEL_FLAGS + inc + [f"-D{d}" for d in defs]
    objs, errors, warnings = compile_all(a.clang, flags, a.peer, sources, work, ".obj")
    print(f"windows {a.config}: {len(sources)} files, {errors} errors, {warnings} warnings")
    if errors:
        print(f"FAIL: {errors} compile errors")
        return 1
    # Our own code keeps -Werror.
    stub = os.path.join(work, "stub.obj")
    run([a.clang, *WINDOWS, *KERNEL_FLAGS, "-Werror", f"-I{a.src}/include",
         "-DKMDF_VERSION_MAJOR=1", f"-DKMDF_VERSION_MINOR={KMDF_MINOR}",
         "-c", f"{a.src}/lib/kmdf/stub.c", "-o", stub], "compile lib/kmdf/stub.c")
    libs = []
    for m in ("ntoskrnl", "ndis", "wdfldr"):
        lib = os.path.join(work, f"{m}.lib")
        run([a.dlltool, "-m", "i386:x86-64", "-d", f"{a.src}/lib/imports/{m}.def", "-l", lib],
            f"import library {m}")
        libs.append(lib)
    wdmsec_obj = os.path.join(work, "wdmsec_data.obj")
    run([a.clang, *WINDOWS, *KERNEL_FLAGS, "-Werror", f"-I{a.src}/include", "-c",
         f"{a.src}/lib/wdmsec/wdmsec.c", "-o", wdmsec_obj], "compile lib/wdmsec/wdmsec.c")
    wdmsec = os.path.join(work, "wdmsec.lib")
    if os.path.exists(wdmsec):
        os.unlink(wdmsec)
    run([a.llvm_lib, f"/out:{wdmsec}", wdmsec_obj], "wdmsec.lib")
    libs.append(wdmsec)   # as the project's link line has it
    image = os.path.join(work, "ndisprot.sys")
    # The flags ndiskit_add_driver links every kernel image with.
    run([a.lld_link, "/nologo", "/DRIVER", "/SUBSYSTEM:NATIVE", "/MACHINE:X64", "/ENTRY:FxDriverEntry",
         "/NODEFAULTLIB", "/RELEASE", "/DYNAMICBASE", "/NXCOMPAT", "/INCREMENTAL:NO", "/OPT:REF",
         "/OPT:ICF", f"/OUT:{image}", *objs, stub, *libs], "lld-link")
    fixed = os.path.join(work, "ndisprot.fixed.sys")
    run([a.ndiskit, "image", "fix", "-q", "-o", fixed, image], "ndiskit image fix")
    print(run([a.ndiskit, "image", "check", fixed], "ndiskit image check").strip())

    dump = json.loads(run([a.ndiskit, "image", "dump", "--json", fixed], "ndiskit image dump"))
    image_info = dump["files"][0]
    sections = [s.get("name") for s in image_info.get("sections", [])]
    imports = {}
    for imp in image_info.get("imports", []):
        imports[imp["dll"]] = [f.get("name") for f in imp.get("functions", [])]
    print(f"sections: {' '.join(sections)}")
    for dll, names in sorted(imports.items()):
        print(f"imports from {dll} ({len(names)}): {' '.join(names)}")

    # #pragma alloc_text placed the code (ALLOC_PRAGMA is defined for Windows).
    want = [("ntdisp", "DriverEntry", "INIT")]
    if a.config == "optional":
        want += [("excallbk", "ndisprotRegisterExCallBack", "PAGE"),
                 ("excallbk", "ndisprotUnregisterExCallBack", "PAGE")]
    for base, sym, sec in want:
        obj = next(o for o in objs if os.path.basename(o).lower() == base + ".obj")
        got = symbol_section(a.clang, obj, sym)
        if got != sec:
            print(f"FAIL: {sym} is in section {got}, not {sec} (#pragma alloc_text)")
            return 1
        if sec not in sections:
            print(f"FAIL: the image has no {sec} section")
            return 1
        print(f"{sym}: in {sec}")
    print(f"PASS windows {a.config}: 0 errors, {warnings} warnings, image fixed and checked clean")
    return 0


def host(a, sources, defs):
    os.makedirs(a.work, exist_ok=True)
    flags = HOST_FLAGS + [f"-I{a.src}/include", f"-I{a.peer}"] + [f"-D{d}" for d in defs]
    # Syntax and semantics only: the object code is the host module target's job.
    _, errors, warnings = compile_all(a.clang, flags + ["-fsyntax-only"], a.peer, sources, a.work, ".o")
    print(f"host {a.config}: {len(sources)} files, {errors} errors, {warnings} warnings")
    if errors:
        print(f"FAIL: {errors} compile errors")
        return 1
    print(f"PASS host {a.config}: 0 errors, {warnings} warnings")
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("target", choices=["windows", "host"])
    ap.add_argument("config", choices=["release", "dbg", "optional"])
    ap.add_argument("--peer", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--clang", required=True)
    ap.add_argument("--lld-link")
    ap.add_argument("--dlltool")
    ap.add_argument("--llvm-lib")
    ap.add_argument("--ndiskit")
    a = ap.parse_args()
    if not os.path.isdir(a.peer):
        print(f"SKIP: {a.peer} is absent (Microsoft's ndisprot_kmdf_60 sample; see "
              f"../shared/peers/README.md, or set -DNDISKIT_PEERS_DIR)")
        return 77
    _, sources, defines = vcxproj(a.peer)
    defs = config_defines(defines, a.config)
    print(f"sources: {' '.join(sources)}")
    print(f"defines: {' '.join(defs)}")
    return windows(a, sources, defs) if a.target == "windows" else host(a, sources, defs)


if __name__ == "__main__":
    sys.exit(main())
