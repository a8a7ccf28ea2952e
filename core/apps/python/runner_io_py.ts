/** Python source: The runner's start: fds redirected, captured output, frames on the pipes. */
export const RUNNER_IO = String
  .raw`# dlg-ts PyFuncApp worker: runs one call at a time for the node that started it.
# Frames on the pipes: u32 little-endian header length, JSON header, then the raw payloads whose
# sizes the header lists. stdin/stdout carry only frames: fds 0/1/2 are redirected at start, so
# what a function prints (from Python or C) is captured for its Drop's log.
import ast, base64, builtins, importlib, inspect, io, json, os, pickle, struct, sys
import tempfile, traceback, types

if sys.path and sys.path[0] == os.path.dirname(os.path.abspath(__file__)):
    del sys.path[0]

try:  # bigger pipes: fewer wake-ups per megabyte (Linux's F_SETPIPE_SZ)
    import fcntl
    for _fd in (0, 1):
        fcntl.fcntl(_fd, 1031, 1 << 20)
except Exception:
    pass
try:
    os.nice(int(os.environ.get("DLG_PY_NICE") or 0))
except Exception:
    pass
_IN = os.fdopen(os.dup(0), "rb", buffering=0)
_OUT = os.dup(1)
_null = os.open(os.devnull, os.O_RDONLY)
os.dup2(_null, 0)
os.close(_null)
_CAP = tempfile.TemporaryFile(dir=os.environ.get("DLG_PY_TMP") or None)
os.dup2(_CAP.fileno(), 1)
os.dup2(_CAP.fileno(), 2)
sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), line_buffering=True)
sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), line_buffering=True)
_LOG_MAX = 64 * 1024


def _captured():
    """What the last call printed (its last 64 KiB), then start afresh."""
    for s in (sys.stdout, sys.stderr):
        try:
            s.flush()
        except Exception:
            pass
    fd = _CAP.fileno()
    end = os.lseek(fd, 0, os.SEEK_END)
    if end == 0:
        return ""
    start = max(0, end - _LOG_MAX)
    os.lseek(fd, start, os.SEEK_SET)
    data = os.read(fd, end - start)
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    return data.decode("utf-8", "replace")


def _read_exact(n):
    buf = bytearray(n)
    view = memoryview(buf)
    got = 0
    while got < n:
        k = _IN.readinto(view[got:])
        if not k:
            raise EOFError
        got += k
    return buf


def _read_file(path, n):
    """A payload the node left in a file of the private directory, mapped (not copied; pages
    a function writes to are copied on write), then removed."""
    import mmap
    try:
        if n == 0:
            return bytearray()
        with open(path, "rb", buffering=0) as f:
            if os.fstat(f.fileno()).st_size < n:
                raise EOFError("payload file %s is short" % path)
            return mmap.mmap(f.fileno(), n, access=mmap.ACCESS_COPY)
    finally:
        os.unlink(path)


# Big payloads may also pass straight between the node's memory and ours (the node copies them
# with process_vm_readv/writev): the node lists in "mem" the inputs it will copy once we
# answer "fill" with where (numpy buffers: huge pages, no 4 KiB page faults), and says "vm"
# when it can read our outputs at the addresses we give; those stay alive until its next frame.
_KEPT = []
_PROBE = bytearray(os.urandom(32))


def _addr(buf):
    """The address of a contiguous buffer, or None."""
    try:
        if numpy is not None:
            return int(numpy.frombuffer(buf, numpy.uint8).ctypes.data) or None
        import ctypes
        return ctypes.addressof(ctypes.c_char.from_buffer(buf))
    except Exception:
        return None


def _room(n):
    return numpy.empty(n, numpy.uint8) if numpy is not None else bytearray(n)


def recv():
    (n,) = struct.unpack("<I", _read_exact(4))
    del _KEPT[:]  # the node has read our last reply: it sends nothing before
    head = json.loads(_read_exact(n))
    files = head.get("files") or ()
    mem = head.get("mem") or ()
    payloads = []
    for i, s in enumerate(head.get("sizes", ())):
        path = files[i] if i < len(files) else None
        if i in mem:
            payloads.append(_room(s))
        else:
            payloads.append(_read_file(path, s) if path else _read_exact(s))
    if mem:
        send({"type": "fill", "id": head.get("id"), "addrs": [_addr(payloads[i]) for i in mem]})
        reply, _ = recv()
        if reply.get("type") != "filled" or reply.get("id") != head.get("id"):
            raise EOFError("expected the node's filled, got %r" % reply.get("type"))
    return head, payloads


def _write_all(data):
    view = memoryview(data).cast("B")
    while len(view):
        k = os.write(_OUT, view)
        view = view[k:]


_SMALL = 64 * 1024
_FILE = 1024 * 1024
_DIR = os.environ.get("DLG_PY_DATA") or ""
_count = [0]


def _to_file(view):
    """A big payload goes through a file of the private directory (faster than the pipe)."""
    _count[0] += 1
    path = os.path.join(_DIR, "out-%d-%d" % (os.getpid(), _count[0]))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        while len(view):
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)
    return path


def send(head, payloads=(), vm=False):
    """One write for the header and small payloads (each write wakes the reader)."""
    views = [memoryview(p).cast("B") for p in payloads]
    head["sizes"] = [v.nbytes for v in views]
    addrs = [_addr(v) if vm and v.nbytes >= _FILE else None for v in views]
    if any(addrs):
        head["addrs"] = addrs
        _KEPT.extend(v for v, a in zip(views, addrs) if a)
    if _DIR and any(v.nbytes >= _FILE and not a for v, a in zip(views, addrs)):
        head["files"] = [_to_file(v) if v.nbytes >= _FILE and not a else None
                         for v, a in zip(views, addrs)]
    views = [v for v, a in zip(views, addrs) if v.nbytes < _FILE or not (a or _DIR)]
    hb = json.dumps(head).encode()
    buf = bytearray(struct.pack("<I", len(hb)))
    buf += hb
    for v in views:
        if v.nbytes <= _SMALL:
            buf += v
            continue
        if buf:
            _write_all(buf)
            buf = bytearray()
        _write_all(v)
    if buf:
        _write_all(buf)
`;
