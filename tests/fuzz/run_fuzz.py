#!/usr/bin/env python3
"""Run a libFuzzer binary for a bounded time from a seed corpus.

  run_fuzz.py FUZZER SEED_IMAGES_DIR CORPUS_DIR SECONDS

Seeds: every .sys in SEED_IMAGES_DIR plus truncated copies of each (header
only, section table cut, half, last byte missing), so the fuzzer starts at
both valid images and the edges of validity.  SEED_IMAGES_DIR "-": no seeds
(a harness that decodes its input into operations starts from nothing).  Fails (exit 1) on any crash,
leak or sanitizer report; prints the run's executions and rate.
"""
import os, re, subprocess, sys


def main():
    fuzzer, seeds, corpus, seconds = sys.argv[1:5]
    os.makedirs(corpus, exist_ok=True)
    for name in sorted(os.listdir(seeds)) if seeds != "-" else []:
        if not name.endswith(".sys"):
            continue
        data = open(os.path.join(seeds, name), "rb").read()
        cuts = {"full": len(data), "hdr": 0x40, "sect": 0x190, "half": len(data) // 2,
                "last": len(data) - 1}
        for tag, n in cuts.items():
            with open(os.path.join(corpus, f"seed-{name}-{tag}"), "wb") as f:
                f.write(data[:n])
    artifacts = os.path.join(os.path.dirname(os.path.abspath(corpus)), "artifacts") + os.sep
    os.makedirs(artifacts, exist_ok=True)
    p = subprocess.run([fuzzer, f"-max_total_time={seconds}", "-max_len=65536", "-timeout=10",
                        "-rss_limit_mb=2048", f"-artifact_prefix={artifacts}", "-print_final_stats=1",
                        corpus], capture_output=True, text=True)
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
