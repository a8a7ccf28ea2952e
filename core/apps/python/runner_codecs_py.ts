/** Python source: The runner's encodings (DALiuGE's DropParser names), both ways. */
export const RUNNER_CODECS = String
  .raw`# Encodings (DALiuGE's DropParser names): bytes of an input Drop -> argument; value -> bytes.
try:
    import numpy
except Exception:
    numpy = None
try:
    import dill
except Exception:
    dill = None

_PICKLE_PROTO = 4
_PLAIN = {type(None), bool, int, float, complex, str, bytes, bytearray, list, tuple, dict, set}


class EncodingError(Exception):
    pass


def _need_numpy(what):
    if numpy is None:
        raise EncodingError(what + " needs numpy, which this node's python cannot import")


def _npy_load(buf):
    """An npy payload as an array over the buffer itself (no copy); other npy forms via np.load."""
    _need_numpy("encoding npy")
    fmt = numpy.lib.format
    f = io.BytesIO(memoryview(buf)[:65536 + 16])  # the header only, not a copy of the data
    try:
        version = fmt.read_magic(f)
        shape, fortran, dtype = fmt._read_array_header(f, version)
    except Exception:
        return numpy.load(io.BytesIO(buf), allow_pickle=True)
    if dtype.hasobject:
        return numpy.load(io.BytesIO(buf), allow_pickle=True)
    count = 1
    for d in shape:
        count *= d
    arr = numpy.frombuffer(buf, dtype=dtype, count=count, offset=f.tell())
    return arr.reshape(shape, order="F" if fortran else "C")


def _loads_pickled(buf, use_dill):
    """pickle/dill payloads; bytes from dlg-ts apps (npy, JSON, text) are read as they are."""
    if not len(buf):
        return None
    def loads(b):
        # pickle reads dill's payloads too (it imports dill's helpers by name); dill is slower.
        try:
            return pickle.loads(b)
        except Exception:
            if not use_dill or dill is None:
                raise
            return dill.loads(b)

    if buf[0] == 0x80:
        return loads(buf)
    if bytes(buf[:6]) == b"\x93NUMPY":
        return _npy_load(buf)
    try:
        text = bytes(buf).decode("utf-8")
    except UnicodeDecodeError:
        return loads(buf)
    try:
        return json.loads(text)
    except ValueError:
        pass
    try:
        return loads(buf)
    except Exception:
        return text


def decode_input(enc, inp, buf):
    """The argument an input port gives from its bytes buf (None when only a path is given)."""
    path = inp.get("path")

    def data():
        if buf is not None:
            return buf
        with open(path, "rb") as f:
            return bytearray(f.read())

    if enc in ("dill", "pickle", "raw", ""):
        return _loads_pickled(data(), enc != "pickle")
    if enc == "eval":
        b = data()
        return ast.literal_eval(bytes(b).decode("utf-8")) if len(b) else None
    if enc == "utf-8":
        return bytes(data()).decode("utf-8")
    if enc == "npy":
        return _npy_load(data())
    if enc == "binary":
        b = data()
        return bytes(b).decode("utf-8") if len(b) else 0
    if enc == "path":
        return path if path else memoryview(data())
    if enc == "dataurl":
        return inp.get("url")
    raise EncodingError("%r is not a valid DropParser" % enc)


def _text(value):
    return (value if isinstance(value, str) else repr(value)).encode("utf-8")


def encode_output(enc, value):
    """The bytes an output port gets: a list of buffers, written one after the other."""
    if enc in ("dill", ""):
        # Plain values: pickle writes the same bytes as dill, many times faster.
        if dill is None or type(value) in _PLAIN:
            try:
                return [pickle.dumps(value, protocol=_PICKLE_PROTO)]
            except Exception:
                if dill is None:
                    raise
        return [dill.dumps(value, protocol=_PICKLE_PROTO)]
    if enc == "pickle":
        return [pickle.dumps(value, protocol=_PICKLE_PROTO)]
    if enc in ("eval", "utf-8"):
        return [_text(value)]
    if enc == "npy":
        _need_numpy("encoding npy")
        arr = numpy.asarray(value)
        if arr.dtype.hasobject:
            raise EncodingError("npy output cannot hold %s (an object array)" % type(value).__name__)
        # A copy only when not C-contiguous (0-d arrays always are: ascontiguousarray makes them 1-d).
        if not arr.flags.c_contiguous:
            arr = numpy.ascontiguousarray(arr)
        fmt = numpy.lib.format
        head = io.BytesIO()
        fmt.write_array_header_1_0(head, fmt.header_data_from_array_1_0(arr))
        if not arr.size:
            return [head.getvalue()]
        return [head.getvalue(), memoryview(arr.reshape(-1)).cast("B")]
    if enc == "raw":
        if isinstance(value, str):
            return [value.encode("utf-8")]
        if isinstance(value, (bytes, bytearray, memoryview)):
            return [value]
        raise EncodingError("raw output needs bytes or str, got %s" % type(value).__name__)
    if enc == "binary":
        if isinstance(value, (bytes, bytearray, memoryview)):
            return [value]
        raise EncodingError("binary output needs bytes, got %s" % type(value).__name__)
    if enc in ("path", "dataurl"):
        raise EncodingError("%s is not an output encoding" % enc)
    raise EncodingError("%r is not a valid DropParser" % enc)
`;
