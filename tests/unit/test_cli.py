#!/usr/bin/env python3
"""The ndiskit command line follows git's conventions at every level.

  test_cli.py NDISKIT

Usage errors (no or unknown command, unknown option, missing value,
missing operand) print "ndiskit CMD: what is wrong", a short usage (a few
lines) and "see 'ndiskit help TOPIC'" on stderr, nothing on stdout, exit 2;
--help, -h and `ndiskit help [TOPIC]` print the full help on stdout, exit 0.
Prints "N passed, M failed".
"""
import os, subprocess, sys, tempfile

passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {what}")
    else:
        failed += 1
        print(f"FAIL {what}")


def run(ndiskit, *args):
    return subprocess.run([ndiskit, *args], capture_output=True, text=True)


def usage_error(ndiskit, args, first, topic):
    """exit 2, stdout empty, stderr: FIRST, a short usage, the help hint."""
    p = run(ndiskit, *args)
    lines = p.stderr.splitlines()
    label = "ndiskit " + " ".join(args)
    check(p.returncode == 2, f"{label!r}: exit 2 (got {p.returncode})")
    check(p.stdout == "", f"{label!r}: nothing on stdout")
    check(bool(lines) and lines[0] == first, f"{label!r}: says {first!r} (got {lines[:1]})")
    check(len(lines) >= 3 and lines[1].startswith("usage: ndiskit") and len(lines) <= 6,
          f"{label!r}: then a short usage ({len(lines)} lines)")
    hint = f"see 'ndiskit help {topic}'" if topic else "see 'ndiskit help'"
    check(bool(lines) and lines[-1] == hint, f"{label!r}: ends with {hint!r}")


def full_help(ndiskit, args, needle):
    p = run(ndiskit, *args)
    label = "ndiskit " + " ".join(args)
    check(p.returncode == 0 and p.stderr == "", f"{label!r}: exit 0, nothing on stderr")
    check(p.stdout.startswith("usage: ndiskit") and needle in p.stdout,
          f"{label!r}: the full help on stdout (mentions {needle!r})")


def main():
    ndiskit = sys.argv[1]
    usage_error(ndiskit, [], "ndiskit: missing command", None)
    usage_error(ndiskit, ["bogus"], "ndiskit: unknown command 'bogus'", None)
    usage_error(ndiskit, ["--bogus"], "ndiskit: unknown option '--bogus'", None)
    usage_error(ndiskit, ["help", "bogus"], "ndiskit: unknown command 'bogus'", None)
    for family, sub in (("image", "check"), ("host", "run"), ("inf", "stamp")):
        usage_error(ndiskit, [family, "bogus"], f"ndiskit {family}: unknown command 'bogus'", family)
        usage_error(ndiskit, [family, "--bogus"], f"ndiskit {family}: unknown option '--bogus'", family)
        check(run(ndiskit, family).returncode == 2, f"'ndiskit {family}' alone is a usage error")
        usage_error(ndiskit, [family, sub, "--x"], f"ndiskit {family} {sub}: unknown option '--x'", family)
        full_help(ndiskit, ["help", family], f"ndiskit {family} {sub}")
        full_help(ndiskit, [family, "--help"], f"ndiskit {family} {sub}")
        full_help(ndiskit, [family, sub, "-h"], f"ndiskit {family} {sub}")
    full_help(ndiskit, ["--help"], "commands:")
    full_help(ndiskit, ["help"], "commands:")
    p = run(ndiskit, "--version")
    check(p.returncode == 0 and p.stdout.startswith("ndiskit "), "--version")

    # Missing values and operands, each named.
    usage_error(ndiskit, ["image", "fix", "-o"], "ndiskit image fix: missing value for '-o'", "image")
    usage_error(ndiskit, ["image", "fix", "--retpoline"], "ndiskit image fix: missing value for '--retpoline'",
                "image")
    usage_error(ndiskit, ["image", "fix", "--retpoline=bogus", "x.sys"],
                "ndiskit image fix: bad value 'bogus' for '--retpoline': want strip or keep-discardable", "image")
    usage_error(ndiskit, ["image", "check"], "ndiskit image check: no FILE given", "image")
    usage_error(ndiskit, ["image", "fix", "-o", "out.sys", "a.sys", "b.sys"],
                "ndiskit image fix: '-o' takes exactly one FILE (2 given)", "image")
    usage_error(ndiskit, ["inf", "stamp", "t.inx", "-o"], "ndiskit inf stamp: missing value for '-o'", "inf")
    usage_error(ndiskit, ["inf", "stamp", "t.inx", "--arch"], "ndiskit inf stamp: missing value for '--arch'", "inf")
    usage_error(ndiskit, ["inf", "stamp", "t.inx"], "ndiskit inf stamp: no OUTPUT given (-o OUTPUT)", "inf")
    usage_error(ndiskit, ["inf", "stamp", "-o", "t.inf"], "ndiskit inf stamp: no TEMPLATE given", "inf")
    usage_error(ndiskit, ["host", "run", "d.so", "--socket"], "ndiskit host run: missing value for '--socket'",
                "host")
    usage_error(ndiskit, ["host", "run"], "ndiskit host run: no DRIVER.so given", "host")
    usage_error(ndiskit, ["host", "run", "d.so", "--config"], "ndiskit host run: missing value for '--config'",
                "host")
    usage_error(ndiskit, ["host", "run", "a/mux.so", "b/Mux.x.so"],
                "ndiskit host run: a/mux.so and b/Mux.x.so are both service 'Mux' (one driver per service)", "host")
    usage_error(ndiskit, ["host", "run", ".so"], "ndiskit host run: '.so' names no service (its file name before "
                "the first '.')", "host")
    full_help(ndiskit, ["help", "host"], "--config FILE")

    # Option forms: --output=FILE, -oFILE and "--" before a file named like an option.
    with tempfile.TemporaryDirectory() as d:
        tpl = os.path.join(d, "-t.inx")
        open(tpl, "w").write("[Version]\nClass=Net\n")
        for args, name in ((["-o", f"{d}/a.inf"], "a.inf"), ([f"--output={d}/b.inf"], "b.inf"),
                           ([f"-o{d}/c.inf"], "c.inf")):
            p = run(ndiskit, "inf", "stamp", *args, "--date", "01/02/2026", "--", tpl)
            check(p.returncode == 0 and os.path.exists(os.path.join(d, name)),
                  f"inf stamp {args[0][:10]}... -- -t.inx writes {name} ({p.stderr.strip()})")

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
