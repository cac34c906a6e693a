#!/usr/bin/python3
"""`ndiskit host run` against hostile clients, speaking the wire protocol
(host/client/nkwire.h) directly.

    hostile_clients.py NDISKIT NKECHO_SO

Every attack runs against a server loading drivers/nkecho while a
well-behaved client keeps doing echo round trips on its own handle; after
each attack the server must still be up, still serve a fresh client, and
(where it matters) hold no more descriptors than before.  Attacks:

  garbage, a bad magic, truncated and oversized frames, requests out of
  order, an unknown operation; CREATE with an empty or odd-length name;
  shared input regions that are not sealed, announced larger than they
  are, or passed with extra descriptors; thousands of descriptors passed
  with requests that take none; a server at its descriptor limit (new
  clients are refused at once, not left hanging, and served again once
  descriptors free up); a client that pipelines requests and never reads
  the replies, then SIGTERM (the server must still stop, cleanly); a
  socket path that belongs to another user (root only).

Everything waits for conditions with deadlines, never for fixed times.
Exit 0 passed, 1 failed.
"""
import array
import os
import resource
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

MAGIC = 0x314B574E
CREATE, IOCTL, READ, WRITE, SHARE = 1, 2, 3, 4, 5
IN_SHARED = 1
MAX_BUFFER = 64 << 20
REQUEST = struct.Struct("=6I")   # Magic Op Code InLength OutLength Flags
REPLY = struct.Struct("=IiII")   # Magic Status Information DataLength
IOCTL_NKECHO_ECHO = (0x22 << 16) | (0x800 << 2)
NAME = "\\\\.\\NkEcho".encode("utf-16-le")

STATUS_SUCCESS = 0
STATUS_INVALID_PARAMETER = 0xC000000D
STATUS_INVALID_DEVICE_REQUEST = 0xC0000010
STATUS_OBJECT_NAME_INVALID = 0xC0000033
STATUS_INSUFFICIENT_RESOURCES = 0xC000009A

DEADLINE = 30.0   # seconds any one condition may take on a loaded machine

F_ADD_SEALS, F_SEAL_SHRINK, F_SEAL_GROW = 1033, 0x2, 0x4


def u32(status):
    return status & 0xFFFFFFFF


def wait_for(what, cond, deadline=DEADLINE):
    """Polls cond() until it is true; fails the test after deadline seconds."""
    end = time.monotonic() + deadline
    delay = 0.001
    while True:
        v = cond()
        if v:
            return v
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(delay)
        delay = min(delay * 2, 0.05)


SERVERS = []   # every server started, killed at exit if a failure left it running


class Server:
    def __init__(self, ndiskit, so, sock, nofile=None, env=None, default_socket=False):
        """Serves nkecho on sock (--socket sock, or the default path: sock must be it)."""
        self.sock = sock
        self.log = tempfile.TemporaryFile(mode="w+")
        limit = (lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))) if nofile else None
        args = [] if default_socket else ["--socket", sock]
        self.p = subprocess.Popen([ndiskit, "host", "run", so, *args], stdout=self.log,
                                  stderr=subprocess.STDOUT, preexec_fn=limit, env=env)
        SERVERS.append(self.p)
        # Serving once it says so: the line comes after listen() and its
        # SIGTERM handler (the socket file exists a moment before both).
        wait_for("the server's 'serving' line",
                 lambda: self.p.poll() is not None or "serving its devices on" in self.output())
        if self.p.poll() is not None:
            raise AssertionError(f"server exited {self.p.returncode}: {self.output()}")

    def output(self):
        self.log.seek(0)
        return self.log.read()

    def alive(self):
        return self.p.poll() is None

    def fds(self):
        return len(os.listdir(f"/proc/{self.p.pid}/fd"))

    def stop(self, deadline=DEADLINE):
        if self.alive():
            self.p.send_signal(signal.SIGTERM)
        try:
            return self.p.wait(timeout=deadline)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            raise AssertionError("the server did not stop within %ds of SIGTERM:\n%s" % (deadline, self.output()))


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(DEADLINE)
    s.connect(path)
    return s


def recv_exact(s, n):
    b = bytearray()
    while len(b) < n:
        k = s.recv(n - len(b))
        if not k:
            raise EOFError("connection closed")
        b += k
    return bytes(b)


def request(op, code=0, data=b"", out=0, flags=0, in_length=None):
    return REQUEST.pack(MAGIC, op, code, len(data) if in_length is None else in_length, out, flags) + data


def reply(s):
    magic, status, info, n = REPLY.unpack(recv_exact(s, REPLY.size))
    assert magic == MAGIC, "bad reply magic"
    return u32(status), info, recv_exact(s, n) if n else b""


def closed_or_reply(s):
    """The server's answer to a bad frame: an error reply or a closed connection (None)."""
    try:
        return reply(s)
    except (EOFError, ConnectionResetError):
        return None


def open_echo(path):
    s = connect(path)
    s.sendall(request(CREATE, data=NAME))
    status, _, _ = reply(s)
    assert status == STATUS_SUCCESS, f"CREATE failed: {status:#x}"
    return s


def echo(s, data):
    s.sendall(request(IOCTL, IOCTL_NKECHO_ECHO, data, out=len(data)))
    status, info, back = reply(s)
    assert status == STATUS_SUCCESS and info == len(data) and back == data, f"echo failed: {status:#x}"


def round_trip(path):
    s = open_echo(path)
    echo(s, os.urandom(300))
    s.close()


def memfd(size, seal=True):
    fd = os.memfd_create("hostile", os.MFD_CLOEXEC | (os.MFD_ALLOW_SEALING if seal else 0))
    os.ftruncate(fd, size)
    if seal:
        import fcntl
        fcntl.fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW)
    return fd


def send_with_fds(s, data, fds):
    s.sendmsg([data], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))])


class GoodClient(threading.Thread):
    """Round trips on one handle for as long as the attacks run."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.path, self.count, self.error, self.done = path, 0, None, threading.Event()

    def run(self):
        try:
            s = open_echo(self.path)
            while not self.done.is_set():
                echo(s, os.urandom(64 + self.count % 900))
                self.count += 1
            s.close()
        except Exception as e:  # reported by check()
            self.error = e

    def check(self):
        before = self.count
        wait_for("the good client's next round trip", lambda: self.error is not None or self.count > before + 2)
        assert self.error is None, f"the good client failed: {self.error!r}"


# ---- attacks: each gets a fresh connection -------------------------------------------

def attack_garbage(path):
    s = connect(path)
    s.sendall(os.urandom(4096))
    assert closed_or_reply(s) is None
    s.close()


def attack_bad_magic(path):
    s = connect(path)
    s.sendall(REQUEST.pack(0xDEADBEEF, CREATE, 0, len(NAME), 0, 0) + NAME)
    assert closed_or_reply(s) is None


def attack_truncated(path):
    # A header cut short, then the connection closed.
    s = connect(path)
    s.sendall(request(CREATE, data=NAME)[:10])
    s.close()
    # A body cut short: 1000 bytes announced, 10 sent.
    s = open_echo(path)
    s.sendall(request(IOCTL, IOCTL_NKECHO_ECHO, b"x" * 10, out=16, in_length=1000))
    s.close()


def attack_oversized(path):
    for in_length, out in ((MAX_BUFFER + 1, 0), (0xFFFFFFFF, 0), (16, 0xFFFFFFFF), (16, MAX_BUFFER + 1)):
        s = open_echo(path)
        s.sendall(request(IOCTL, IOCTL_NKECHO_ECHO, b"y" * 16, out=out, in_length=in_length))
        assert closed_or_reply(s) is None, (in_length, out)
        s.close()
    # The largest allowed size announced, nothing sent: the server must not wait for it forever.
    s = open_echo(path)
    s.sendall(request(IOCTL, IOCTL_NKECHO_ECHO, out=16, in_length=MAX_BUFFER))
    s.close()


def attack_pending_memory(path):
    """Large requests that pend (nkecho's reads wait for a write) cost a header each to send but hold the
    server's buffers: beyond its budget they are refused at once, small requests still get through, and
    closing the connections gives the budget back."""
    pending = [open_echo(path) for _ in range(4)]
    for s in pending:
        s.sendall(request(READ, out=MAX_BUFFER))
    refused = []

    def answered():
        for s in pending:
            if s not in refused and select.select([s], [], [], 0)[0]:
                status, _, _ = reply(s)
                assert status == STATUS_INSUFFICIENT_RESOURCES, f"a pending 64 MiB read answered {status:#x}"
                refused.append(s)
        return len(refused) >= 2
    wait_for("large pending reads beyond the server's budget refused", answered)
    round_trip(path)  # small requests are never starved by large ones
    # A large request refused while the budget is held: its input is read and dropped, the handle stays usable.
    s = open_echo(path)
    s.sendall(request(IOCTL, IOCTL_NKECHO_ECHO, os.urandom(2 << 20), out=2 << 20))
    status, info, back = reply(s)
    assert (status, info, back) == (STATUS_INSUFFICIENT_RESOURCES, 0, b""), f"{status:#x} {info}"
    echo(s, os.urandom(300))
    s.close()
    for s in pending:
        s.close()
    # The budget is given back as the cancelled reads finish.
    s = open_echo(path)
    data = os.urandom(2 << 20)

    def large_echo():
        s.sendall(request(IOCTL, IOCTL_NKECHO_ECHO, data, out=len(data)))
        status, info, back = reply(s)
        assert status in (STATUS_SUCCESS, STATUS_INSUFFICIENT_RESOURCES), f"{status:#x}"
        return status == STATUS_SUCCESS and back == data
    wait_for("a large request served again once the pending ones are gone", large_echo)
    s.close()


def attack_out_of_order(path):
    s = connect(path)                          # I/O before CREATE
    s.sendall(request(IOCTL, IOCTL_NKECHO_ECHO, b"z" * 8, out=8))
    assert closed_or_reply(s) is None
    s = open_echo(path)                        # a second CREATE
    s.sendall(request(CREATE, data=NAME))
    assert closed_or_reply(s) is None
    s = open_echo(path)                        # an unknown operation: refused, the handle stays
    s.sendall(request(99))
    status, _, _ = reply(s)
    assert status == STATUS_INVALID_DEVICE_REQUEST, hex(status)
    echo(s, b"still here")
    s = open_echo(path)                        # unknown flags
    s.sendall(request(IOCTL, IOCTL_NKECHO_ECHO, b"f" * 8, out=8, flags=0x80))
    assert closed_or_reply(s) is None


def attack_bad_names(path):
    for name in (b"", b"\\\x00.", b"x" * 4096):
        s = connect(path)
        s.sendall(request(CREATE, data=name))
        r = closed_or_reply(s)
        assert r is not None and r[0] == STATUS_OBJECT_NAME_INVALID, (name[:8], r)
        s.close()


def attack_name_spellings(path):
    """Raw names resolve by the same rules as the client library's
    CreateFile (one conversion, host/client/ntpath.c, then the object
    manager's lookup): Win32 spellings and NT ones reach nkecho, malformed
    ones are STATUS_OBJECT_NAME_INVALID."""
    good = ("\\\\.\\\\NkEcho", "//./nkecho", "\\??\\NkEcho", "\\GLOBAL??\\NkEcho", "\\??\\Global\\NKECHO",
            "\\DosDevices\\Global\\NkEcho", "\\??\\GLOBALROOT\\Device\\NkEcho", "\\Device\\NkEcho")
    bad = ("\\\\.\\", "\\\\?\\", "\\??\\\\NkEcho", "\\\\?\\\\NkEcho", "\\Device\\\\NkEcho", "\\\\.\\..",
           "\\??\\GLOBALROOT\\\\.\\NkEcho")
    for name, want in [(n, STATUS_SUCCESS) for n in good] + [(n, STATUS_OBJECT_NAME_INVALID) for n in bad]:
        s = connect(path)
        s.sendall(request(CREATE, data=name.encode("utf-16-le")))
        r = closed_or_reply(s)
        assert r is not None and u32(r[0]) == want, (name, r)
        if want == STATUS_SUCCESS:
            echo(s, b"spelled " + name.encode())
        s.close()


def share(s, fd, announced):
    send_with_fds(s, request(SHARE, out=announced), [fd])
    return closed_or_reply(s)


def attack_shared_regions(path):
    # Announced as 1 MiB, really 4 KiB (sealed): a mapping past the end of the file.
    s = open_echo(path)
    fd = memfd(4096)
    r = share(s, fd, 1 << 20)
    os.close(fd)
    assert r is not None and r[0] == STATUS_INVALID_PARAMETER, r
    s.sendall(request(IOCTL, IOCTL_NKECHO_ECHO, out=16, flags=IN_SHARED, in_length=512 << 10))
    closed_or_reply(s)
    s.close()
    # Not sealed, and truncated once the server has it.
    s = open_echo(path)
    fd = memfd(1 << 20, seal=False)
    r = share(s, fd, 1 << 20)
    os.ftruncate(fd, 0)
    os.close(fd)
    assert r is not None and r[0] == STATUS_INVALID_PARAMETER, r
    s.sendall(request(IOCTL, IOCTL_NKECHO_ECHO, out=16, flags=IN_SHARED, in_length=512 << 10))
    closed_or_reply(s)
    s.close()
    # No descriptor; two descriptors; not a memfd at all.
    for fds in ([], [memfd(1 << 20), memfd(1 << 20)], [os.open("/dev/null", os.O_RDONLY)]):
        s = open_echo(path)
        if fds:
            send_with_fds(s, request(SHARE, out=1 << 20), fds)
        else:
            s.sendall(request(SHARE, out=1 << 20))
        r = closed_or_reply(s)
        assert r is not None and r[0] == STATUS_INVALID_PARAMETER, r
        echo(s, b"the handle still works")
        for fd in fds:
            os.close(fd)
        s.close()
    # Sealed, the size announced, but on hugetlbfs: a hole punched in it takes the pages back, and the
    # server's next read of the region, with no huge page left to fault in, is SIGBUS for the whole server.
    # Refused for what it is (shmem only), whether or not this machine has huge pages to map it with.
    try:
        fd = os.memfd_create("hostile", os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING | os.MFD_HUGETLB)
    except OSError:
        fd = None  # no hugetlbfs in this kernel: nothing to refuse
    if fd is not None:
        import fcntl
        os.ftruncate(fd, 2 << 20)
        fcntl.fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW)
        s = open_echo(path)
        r = share(s, fd, 2 << 20)
        os.close(fd)
        assert r is not None and r[0] == STATUS_INVALID_PARAMETER, f"a hugetlbfs region answered {r}"
        echo(s, b"the handle still works")
        s.close()
    # A good region still works: 100 KiB in through it.
    s = open_echo(path)
    fd = memfd(1 << 20)
    assert share(s, fd, 1 << 20)[0] == STATUS_SUCCESS
    data = os.urandom(100 << 10)
    os.pwrite(fd, data, 0)
    os.close(fd)
    s.sendall(request(IOCTL, IOCTL_NKECHO_ECHO, out=len(data), flags=IN_SHARED, in_length=len(data)))
    status, info, back = reply(s)
    assert status == STATUS_SUCCESS and back == data
    s.close()


def attack_descriptor_flood(path, server):
    """Descriptors sent with requests that take none, or more than one: all closed."""
    round_trip(path)
    before = server.fds()
    s = open_echo(path)
    junk = [os.open("/dev/null", os.O_RDONLY) for _ in range(3)]
    many = [os.open("/dev/null", os.O_RDONLY) for _ in range(40)]   # more than the control buffer holds
    for i in range(2000):
        send_with_fds(s, request(IOCTL, IOCTL_NKECHO_ECHO, b"n" * 8, out=8), many if i % 100 == 0 else junk)
        status, _, back = reply(s)
        assert status == STATUS_SUCCESS and back == b"n" * 8
    wait_for(f"the server at {before} descriptors and this connection's (has {server.fds()})",
             lambda: server.fds() <= before + 1)
    for i in range(200):
        fds = junk[:2]
        send_with_fds(s, request(SHARE, out=1 << 20), fds)
        assert reply(s)[0] == STATUS_INVALID_PARAMETER
    for fd in junk + many:
        os.close(fd)
    s.close()
    round_trip(path)
    # The flood's connection is closed by now or soon; its descriptors must not outlive it.
    wait_for(f"the server back to {before} descriptors (has {server.fds()})", lambda: server.fds() <= before + 1)


def run_attacks(ndiskit, so, tmp):
    path = os.path.join(tmp, "s.sock")
    server = Server(ndiskit, so, path)
    good = GoodClient(path)
    good.start()
    try:
        for attack in (attack_garbage, attack_bad_magic, attack_truncated, attack_oversized, attack_out_of_order,
                       attack_bad_names, attack_name_spellings, attack_shared_regions, attack_pending_memory):
            attack(path)
            assert server.alive(), f"{attack.__name__}: the server died:\n{server.output()}"
            round_trip(path)
            good.check()
            print(f"ok: {attack.__name__}")
        attack_descriptor_flood(path, server)
        good.check()
        print("ok: attack_descriptor_flood")
    finally:
        good.done.set()
    good.join(DEADLINE)
    assert good.error is None, repr(good.error)
    rc = server.stop()
    assert rc == 0, f"server exit {rc}:\n{server.output()}"


def test_descriptor_limit(ndiskit, so, tmp):
    """At its descriptor limit the server refuses new clients at once and says so, once; served again later."""
    path = os.path.join(tmp, "limit.sock")
    server = Server(ndiskit, so, path, nofile=64)
    held = []
    try:
        refused = None
        for _ in range(200):
            s = connect(path)
            s.settimeout(10)
            try:
                s.sendall(request(CREATE, data=NAME))
                status, _, _ = reply(s)
                assert status == STATUS_SUCCESS
                held.append(s)
            except (EOFError, ConnectionResetError, BrokenPipeError) as e:
                refused = e
                s.close()
                break
            except socket.timeout:
                raise AssertionError("a new client hangs at the server's descriptor limit")
        assert refused is not None, "the limit was never reached"
        assert server.alive()
        wait_for("the accept error in the log", lambda: "cannot accept connections" in server.output())
        for s in held[: len(held) // 2]:
            s.close()
        del held[: len(held) // 2]

        def served():
            try:
                round_trip(path)
                return True
            except (EOFError, ConnectionResetError, BrokenPipeError, AssertionError):
                return False
        wait_for("a client served again after descriptors were freed", served)
        assert server.output().count("cannot accept connections") <= 3, "accept errors logged in a loop"
    finally:
        for s in held:
            s.close()
    rc = server.stop()
    assert rc == 0, f"server exit {rc}:\n{server.output()}"
    print("ok: test_descriptor_limit")


def test_stop_with_a_client_not_reading(ndiskit, so, tmp):
    """A client pipelines requests and never reads a reply; SIGTERM still stops the server, cleanly."""
    path = os.path.join(tmp, "stall.sock")
    server = Server(ndiskit, so, path)
    s = open_echo(path)
    # Each reply is larger than any socket buffer: once one is under way
    # the server's thread is held in send() until we read - which we never do.
    size = 1 << 20
    frame = request(IOCTL, IOCTL_NKECHO_ECHO, b"p" * size, out=size)

    def flood():
        try:
            while True:
                s.sendall(frame)
        except OSError:
            pass   # the server went away
    s.settimeout(None)
    threading.Thread(target=flood, daemon=True).start()

    def reply_under_way():
        import fcntl
        import termios
        n = array.array("i", [0])
        fcntl.ioctl(s.fileno(), termios.FIONREAD, n)
        return n[0] > 0
    wait_for("a reply under way", reply_under_way)
    rc = server.stop()
    assert rc == 0, f"server exit {rc}:\n{server.output()}"
    s.close()
    print("ok: test_stop_with_a_client_not_reading")


def test_socket_of_another_user(ndiskit, so, tmp):
    """A socket someone else put at the path is not taken over, nor served on."""
    if os.geteuid() != 0:
        print("skip: test_socket_of_another_user needs root (to make a file another user's)")
        return
    path = os.path.join(tmp, "squat.sock")
    squat = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    squat.bind(path)
    squat.listen(1)
    os.chown(path, 65534, 65534)
    p = subprocess.run([ndiskit, "host", "run", so, "--socket", path], capture_output=True, text=True,
                       timeout=DEADLINE)
    assert p.returncode == 1 and "belongs to another user" in p.stderr, (p.returncode, p.stderr)
    assert os.stat(path).st_uid == 65534, "the other user's socket was replaced"
    squat.close()
    # A private directory that is someone else's (as $XDG_RUNTIME_DIR): refused too.
    other = os.path.join(tmp, "other")
    os.mkdir(other, 0o700)
    os.chown(other, 65534, 65534)
    env = dict(os.environ, XDG_RUNTIME_DIR=other)
    env.pop("NDISKIT_HOST_SOCKET", None)
    p = subprocess.run([ndiskit, "host", "run", so], capture_output=True, text=True, timeout=DEADLINE, env=env)
    assert p.returncode == 1 and "another user" in p.stderr, (p.returncode, p.stderr)
    print("ok: test_socket_of_another_user")


def test_default_socket(ndiskit, so, tmp):
    """Without --socket or $NDISKIT_HOST_SOCKET: $XDG_RUNTIME_DIR/ndiskit-host.sock."""
    run = os.path.join(tmp, "run")
    os.mkdir(run, 0o700)
    env = dict(os.environ, XDG_RUNTIME_DIR=run)
    env.pop("NDISKIT_HOST_SOCKET", None)
    path = os.path.join(run, "ndiskit-host.sock")
    server = Server(ndiskit, so, path, env=env, default_socket=True)
    round_trip(path)
    rc = server.stop()
    assert rc == 0, server.output()
    # Open to others: refused.
    os.chmod(run, 0o777)
    p = subprocess.run([ndiskit, "host", "run", so], capture_output=True, text=True, timeout=DEADLINE, env=env)
    assert p.returncode == 1 and "open to others" in p.stderr, (p.returncode, p.stderr)
    print("ok: test_default_socket")


def main():
    ndiskit, so = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory(prefix="ndiskit-hostile-") as tmp:
        try:
            run_attacks(ndiskit, so, tmp)
            test_descriptor_limit(ndiskit, so, tmp)
            test_stop_with_a_client_not_reading(ndiskit, so, tmp)
            test_socket_of_another_user(ndiskit, so, tmp)
            test_default_socket(ndiskit, so, tmp)
        finally:
            for p in SERVERS:
                if p.poll() is None:
                    p.kill()
                    p.wait()
    print("hostile_clients: all passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
