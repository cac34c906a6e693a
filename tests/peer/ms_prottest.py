#!/usr/bin/env python3
"""Microsoft's ndisprot test client (prottest.c) builds unchanged against
ndiskit's client library and runs against ndiskit's own ndisprot.

  ms_prottest.py build --source PROTTEST.C --protuser DIR --include DIR
                       --library LIB --work DIR --clang C [--gcc G]
                       [--flag F]... [--link-flag F]...
  ms_prottest.py run --source PROTTEST.C --prottest EXE --ndiskit TOOL
                     --driver NDISPROT.SO [--short-wchar EXE]

build: compiles the file from the peer folder (never copied) with
host/client/include and the sample's protuser.h on the include path, with
clang in both wchar_t modes (the platform's and -fshort-wchar) and with gcc
when given, -Wall -Wextra, and links the clang builds with the client
library.  The only warnings allowed are Microsoft's own code's:
-Wunknown-pragmas (MSVC's #pragma warning), -Wimplicit-int (its typeless
typedef, downgraded from an error by --flag) and -Wmain-return-type
(-Wmain to gcc: its `VOID main`); any other means our headers disagree
with the source.  The
--flag values are the ones the CMake target ms_prottest uses (see
tests/peer/CMakeLists.txt for why they are needed).

run: starts `ndiskit host run NDISPROT.SO --loopback lo0` on a private
socket, waits for it to listen, then runs Microsoft's prottest as a user
would: -e (enumerate the bindings), a write-then-read of frames to the
adapter's own address (the loopback adapter returns them), a read count,
an unknown adapter; then the same with no server.  Stops the server with
SIGTERM and requires a clean unload (exit 0, no leaks, no findings).
--short-wchar: the -fshort-wchar build the build test made (WCHAR is then
wchar_t), which must list and move frames the same way.

Exit 0 pass, 1 fail, 77 skip (no peer folder).
"""
import argparse, os, pty, re, select, shutil, signal, subprocess, sys, tempfile, time

ALLOWED_WARNINGS = {"-Wunknown-pragmas", "-Wmain-return-type", "-Wmain", "-Wimplicit-int"}


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def skip_without(source):
    if not os.path.isfile(source):
        print(f"SKIP: {source} is absent - the peer folder (NDISKIT_PEERS_DIR, normally ../shared/peers) "
              "holds Microsoft's ndisprot sample; without it there is nothing to build or run")
        sys.exit(77)


def compile_one(name, cc, flags, args, link):
    out = os.path.join(args.work, name)
    cmd = [cc, *flags, "-Wall", "-Wextra", "-I", args.include, "-I", args.protuser, "-o", out]
    cmd += [args.source, args.library, *args.link_flag] if link else ["-c", args.source]
    r = subprocess.run(cmd, capture_output=True, text=True)
    text = r.stdout + r.stderr
    warnings = re.findall(r"warning: .*\[(-W[^\]=,]+)", text)
    errors = re.findall(r"error: .*", text)
    bad = sorted(set(w for w in warnings if w not in ALLOWED_WARNINGS))
    print(f"{name}: exit {r.returncode}, {len(errors)} error(s), {len(warnings)} warning(s) "
          f"({', '.join(sorted(set(warnings))) or 'none'})")
    if r.returncode != 0 or errors:
        print(text)
        fail(f"{name}: prottest.c does not build against ndiskit's client library")
    if bad:
        print(text)
        fail(f"{name}: warnings that are not Microsoft's code's own: {', '.join(bad)}")


def build(args):
    skip_without(args.source)
    os.makedirs(args.work, exist_ok=True)
    compile_one("ms_prottest", args.clang, args.flag, args, True)
    compile_one("ms_prottest_short_wchar", args.clang, ["-fshort-wchar", *args.flag], args, True)
    if args.gcc:
        compile_one("ms_prottest_gcc.o", args.gcc, args.flag, args, False)
    print("ok: prottest.c builds unchanged")


def wait_for(condition, what, seconds=30.0):
    deadline = time.monotonic() + seconds
    delay = 0.005
    while not condition():
        if time.monotonic() > deadline:
            fail(f"timed out waiting for {what}")
        time.sleep(delay)
        delay = min(delay * 2, 0.1)


def prottest(args, env, *options):
    try:
        r = subprocess.run([args.prottest, *options], capture_output=True, text=True, env=env, timeout=60)
    except subprocess.TimeoutExpired as e:
        fail(f"prottest {' '.join(options)} did not finish: {e.output!r}")
    # prottest's main is `VOID main`: its exit status means nothing; its output does.
    return r.stdout + r.stderr


def prottest_until(args, env, pattern, *options):
    """Runs prottest on a terminal (so its output is line-buffered) until a
    line matches pattern, then stops it: for runs that by design never end
    (prottest reads until it has its count)."""
    master, slave = pty.openpty()
    p = subprocess.Popen([args.prottest, *options], stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    text = b""
    deadline = time.monotonic() + 60
    try:
        while re.search(pattern, text.decode(errors="replace").replace("\r\n", "\n"), re.M) is None:
            left = deadline - time.monotonic()
            if left <= 0:
                fail(f"prottest {' '.join(options)}: no /{pattern}/ in:\n{text.decode(errors='replace')}")
            ready, _, _ = select.select([master], [], [], left)
            if ready:
                try:
                    chunk = os.read(master, 4096)
                except OSError:
                    chunk = b""
                if not chunk:
                    fail(f"prottest {' '.join(options)} ended without /{pattern}/:\n{text.decode(errors='replace')}")
                text += chunk
    finally:
        if p.poll() is None:
            p.kill()
        p.wait()
        os.close(master)
    return text.decode(errors="replace").replace("\r\n", "\n")


def expect(output, pattern, what):
    if re.search(pattern, output, re.M) is None:
        fail(f"{what}: expected /{pattern}/ in:\n{output}")
    print(f"ok: {what}")


def run(args):
    skip_without(args.source)
    if not os.access(args.prottest, os.X_OK):
        fail(f"{args.prottest} was not built (the ms_prottest target needs the peer folder at configure time)")
    work = tempfile.mkdtemp(prefix="ndiskit-ms-prottest-")
    sock = os.path.join(work, "host.sock")
    env = dict(os.environ, NDISKIT_HOST_SOCKET=sock)
    log = open(os.path.join(work, "server.log"), "w+")
    server = subprocess.Popen([args.ndiskit, "host", "run", args.driver, "--loopback", "lo0"], env=env,
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        def listening():
            if server.poll() is not None:
                log.seek(0)
                fail(f"the server exited with {server.returncode}:\n{log.read()}")
            return os.path.exists(sock)
        wait_for(listening, "the server's socket")

        out = prottest(args, env, "-e")
        expect(out, r"^ 0\. lo0\n     - ndiskit in-memory adapter lo0$", "-e lists the binding with its %ws names")
        out = prottest(args, env, "-n", "5", "-l", "64", "lo0")
        expect(out, r"^DoWriteProc: finished sending 5 packets of 64 bytes each$", "writes 5 frames")
        expect(out, r"^DoReadProc finished: read 5 packets$", "reads the 5 frames the loopback returns")
        out = prottest(args, env, "-n", "3", "-l", "1514", "LO0")
        expect(out, r"^DoWriteProc: finished sending 3 packets of 1514 bytes each$",
               "full-size frames, the adapter named case-blind")
        expect(out, r"^DoReadProc finished: read 3 packets$", "reads them back")
        out = prottest(args, env, "NoSuchAdapter")
        expect(out, r"^Failed to access NoSuchAdapter$", "an unknown adapter is refused")
        if args.short_wchar:
            short = argparse.Namespace(prottest=args.short_wchar)
            out = prottest(short, env, "-e")
            expect(out, r"^ 0\. lo0\n     - ndiskit in-memory adapter lo0$", "-fshort-wchar build: -e")
            out = prottest(short, env, "-n", "2", "-l", "60", "lo0")
            expect(out, r"^DoReadProc finished: read 2 packets$", "-fshort-wchar build: write and read")
        out = prottest(args, env, "-l", "x", "lo0")
        expect(out, r"^Option l needs PacketLength parameter$", "its own option errors")
        expect(out, r"^usage: PROTTEST", "and its usage text")
        # -f: a spoofed (all-zero) source address, which ndisprot refuses as
        # Microsoft's does; prottest then waits in its read loop for ever and
        # is killed.  Last: the server closes a killed client's handle (and
        # with it lo0's one open) when it sees the connection drop, which
        # may be after the kill returns.
        out = prottest_until(args, env, r"^DoWriteProc: finished sending 0 packets of 64 bytes each$",
                             "-n", "1", "-l", "64", "-f", "lo0")
        expect(out, r"^DoWriteProc: WriteFile failed on Handle 0x[0-9a-f]+$", "-f: the spoofed frame is refused")
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
            fail("the server did not stop on SIGTERM")
    log.seek(0)
    text = log.read()
    if server.returncode != 0 or "0 leak(s), 0 verifier finding(s)" not in text:
        fail(f"the server's unload was not clean (exit {server.returncode}):\n{text}")
    print("ok: clean unload")

    out = prottest(args, env, "-e")
    expect(out, r"^Failed to open \\\\\.\\\\NdisProt$", "with no server, opening \\\\.\\\\NdisProt fails")
    shutil.rmtree(work, ignore_errors=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["build", "run"])
    p.add_argument("--source", required=True)
    p.add_argument("--protuser")
    p.add_argument("--include")
    p.add_argument("--library")
    p.add_argument("--work")
    p.add_argument("--clang")
    p.add_argument("--gcc")
    p.add_argument("--flag", action="append", default=[])
    p.add_argument("--link-flag", action="append", default=[])
    p.add_argument("--prottest")
    p.add_argument("--ndiskit")
    p.add_argument("--driver")
    p.add_argument("--short-wchar")
    args = p.parse_args()
    build(args) if args.mode == "build" else run(args)


if __name__ == "__main__":
    main()
