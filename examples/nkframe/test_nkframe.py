#!/usr/bin/python3
"""example.nkframe: README's walkthrough, end to end.

    test_nkframe.py NDISKIT NKFRAME_SO NKFRAME_TOOL

`ndiskit host run` loads the driver with an in-memory loopback adapter; the
tool writes a frame and reads it back; stopping the server unloads the
driver, which must leave no leak and no verifier finding.
"""
import os
import signal
import subprocess
import sys
import tempfile


def main():
    ndiskit, so, tool = sys.argv[1:4]
    with tempfile.TemporaryDirectory(prefix="nkframe-") as tmp:
        sock = os.path.join(tmp, "host.sock")
        server = subprocess.Popen([ndiskit, "host", "run", so, "--loopback", "wire0", "--socket", sock, "--verbose"],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        early = ""
        try:
            # Ready once it says so: the line comes after listen() and after
            # its SIGTERM handler is installed (the socket file exists before).
            for line in server.stdout:
                early += line
                if "serving its devices on" in line:
                    break
            else:
                print(early + "FAIL: ndiskit host run did not start serving")
                return 1
            r = subprocess.run([tool], env=dict(os.environ, NDISKIT_HOST_SOCKET=sock), capture_output=True,
                               text=True, timeout=120)
            print(r.stdout + r.stderr, end="")
        finally:
            server.send_signal(signal.SIGTERM)
            log, _ = server.communicate(timeout=60)
            log = early + log
            print(log, end="")
    ok = r.returncode == 0 and "read them back" in r.stdout
    clean = server.returncode == 0 and "0 leak(s), 0 verifier finding(s)" in log
    print(f"{'ok' if ok else 'FAIL'}: the tool's frame came back through the driver")
    print(f"{'ok' if clean else 'FAIL'}: the driver unloaded cleanly (exit {server.returncode})")
    return 0 if ok and clean else 1


if __name__ == "__main__":
    sys.exit(main())
