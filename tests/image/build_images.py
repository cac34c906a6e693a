#!/usr/bin/env python3
"""Build the image tool's test images: testdrv.c linked by lld-link 14, 19 and
22, each once plain and once with objects carrying .retplne and .00cfg.

  build_images.py SOURCE_DIR OUT_DIR

Writes OUT_DIR/<variant>.sys and OUT_DIR/images.txt (one variant per line),
and tinydrv.c linked by lld-link 14 and 19 as OUT_DIR/<lld>-tiny.sys (not in
images.txt): no absolute addresses, so no base relocation directory.
Every image is linked the way lld-link users link drivers before they know
better: /DRIVER /SUBSYSTEM:NATIVE, no /SECTION flags.
"""
import os, shutil, struct, subprocess, sys

LLD = {"lld14": "lld-link-14", "lld19": "lld-link-19", "lld22": "lld-link-22"}
IMAGE_SCN_LNK_INFO = 0x00000200
IMAGE_SCN_ALIGN_1BYTES = 0x00100000


def run(*cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"build_images: {' '.join(cmd)} failed:\n{p.stdout}{p.stderr}")


def set_section_flags(obj, name, flags):
    """Give section NAME of COFF object OBJ the characteristics FLAGS."""
    b = bytearray(open(obj, "rb").read())
    nsec, = struct.unpack_from("<H", b, 2)
    opt, = struct.unpack_from("<H", b, 16)
    for i in range(nsec):
        off = 20 + opt + 40 * i
        if bytes(b[off:off + 8]).rstrip(b"\0") == name:
            struct.pack_into("<I", b, off + 36, flags)
            open(obj, "wb").write(b)
            return
    sys.exit(f"build_images: {obj} has no section {name!r}")


def main():
    src, out = sys.argv[1:3]
    root = os.path.abspath(os.path.join(src, "..", ".."))
    os.makedirs(out, exist_ok=True)
    cc = ["clang-19", "--target=x86_64-pc-windows-msvc", "-ffreestanding", "-fms-extensions",
          "-mno-stack-arg-probe", "-fno-stack-protector", "-O2", "-Wall", "-Werror",
          "-I", os.path.join(root, "include")]
    run(*cc, "-c", os.path.join(src, "testdrv.c"), "-o", os.path.join(out, "testdrv.obj"))
    for s in ("retplne", "cfg00"):
        run("clang-19", "--target=x86_64-pc-windows-msvc", "-c", os.path.join(src, f"{s}.s"),
            "-o", os.path.join(out, f"{s}.obj"))
    set_section_flags(os.path.join(out, "retplne.obj"), b".retplne",
                      IMAGE_SCN_LNK_INFO | IMAGE_SCN_ALIGN_1BYTES)
    lib = os.path.join(out, "ntoskrnl.lib")
    run("llvm-dlltool-19", "-m", "i386:x86-64", "-d",
        os.path.join(root, "lib", "imports", "ntoskrnl.def"), "-l", lib)

    variants = []
    for tag, lld in LLD.items():
        if not shutil.which(lld):
            sys.exit(f"build_images: {lld} not found (scripts/deps installs it)")
        for kind, extra in (("plain", []), ("retplne", ["retplne.obj", "cfg00.obj"])):
            name = f"{tag}-{kind}"
            objs = [os.path.join(out, o) for o in ["testdrv.obj", *extra]]
            run(lld, "/nologo", "/DRIVER", "/SUBSYSTEM:NATIVE", "/MACHINE:X64",
                "/ENTRY:DriverEntry", "/NODEFAULTLIB", "/DYNAMICBASE", "/NXCOMPAT",
                f"/OUT:{os.path.join(out, name + '.sys')}", *objs, lib)
            variants.append(name)
    run(*cc, "-c", os.path.join(src, "tinydrv.c"), "-o", os.path.join(out, "tinydrv.obj"))
    for tag in ("lld14", "lld19"):
        run(LLD[tag], "/nologo", "/DRIVER", "/SUBSYSTEM:NATIVE", "/MACHINE:X64", "/ENTRY:DriverEntry",
            "/NODEFAULTLIB", "/DYNAMICBASE", "/NXCOMPAT", f"/OUT:{os.path.join(out, tag + '-tiny.sys')}",
            os.path.join(out, "tinydrv.obj"), lib)
    with open(os.path.join(out, "images.txt"), "w") as f:
        f.write("\n".join(variants) + "\n")
    print(f"built {len(variants)} images in {out}")


if __name__ == "__main__":
    main()
