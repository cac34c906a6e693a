#!/usr/bin/env python3
"""Run a libFuzzer binary for a bounded time from a seed corpus.

  run_fuzz.py FUZZER SEEDS CORPUS_DIR SECONDS [--max-len BYTES] [--timeout SECONDS]

SEEDS: a directory: every .sys in it plus truncated copies of each (header
only, section table cut, half, last byte missing), so the fuzzer starts at
both valid images and the edges of validity; or files separated by ":"
(each copied as it is, after a zero byte: the harnesses that read a
selector byte first see it as the first choice); or "-": no seeds (a
harness that decodes its input into operations starts from nothing).
Inputs grow to --max-len (default 64 KiB); one that runs longer than
--timeout (default 30 s) is a finding, like a crash, leak or sanitizer
report (exit 1).  Prints the run's executions and rate.
"""
import argparse, os, re, subprocess, sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("fuzzer")
    ap.add_argument("seeds")
    ap.add_argument("corpus")
    ap.add_argument("seconds")
    ap.add_argument("--max-len", type=int, default=65536)
    ap.add_argument("--timeout", type=int, default=30)
    a = ap.parse_args()
    fuzzer, seeds, corpus, seconds = a.fuzzer, a.seeds, a.corpus, a.seconds
    os.makedirs(corpus, exist_ok=True)
    if seeds != "-" and os.path.isdir(seeds):
        for name in sorted(os.listdir(seeds)):
            if not name.endswith(".sys"):
                continue
            data = open(os.path.join(seeds, name), "rb").read()
            cuts = {"full": len(data), "hdr": 0x40, "sect": 0x190, "half": len(data) // 2,
                    "last": len(data) - 1}
            for tag, n in cuts.items():
                with open(os.path.join(corpus, f"seed-{name}-{tag}"), "wb") as f:
                    f.write(data[:n])
    elif seeds != "-":
        for path in seeds.split(":"):
            with open(os.path.join(corpus, "seed-" + os.path.basename(path)), "wb") as f:
                f.write(b"\0" + open(path, "rb").read())
    artifacts = os.path.join(os.path.dirname(os.path.abspath(corpus)), "artifacts") + os.sep
    os.makedirs(artifacts, exist_ok=True)
    p = subprocess.run([fuzzer, f"-max_total_time={seconds}", f"-max_len={a.max_len}",
                        f"-timeout={a.timeout}", "-rss_limit_mb=2048", f"-artifact_prefix={artifacts}",
                        "-print_final_stats=1", corpus], capture_output=True, text=True)
    out = p.stderr
    execs = re.search(r"stat::number_of_executed_units:\s*(\d+)", out)
    rate = re.search(r"stat::average_exec_per_sec:\s*(\d+)", out)
    cov = re.findall(r"cov: (\d+)", out)
    units = len(os.listdir(corpus))
    print(f"fuzz: {seconds} s, {execs.group(1) if execs else '?'} executions, "
          f"{rate.group(1) if rate else '?'}/s, coverage {cov[-1] if cov else '?'} edges, "
          f"corpus {units} inputs")
    if p.returncode != 0:
        print(out[-6000:])
        print(f"fuzz: FAILED (exit {p.returncode}); reproducer in {artifacts}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
