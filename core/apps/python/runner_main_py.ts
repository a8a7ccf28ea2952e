/** Python source: The runner's argument building and call loop. */
export const RUNNER_MAIN = String
  .raw`# Arguments: input ports by port name, then applicationArgs / top-level values by name, then
# defaults (pyfunc-reference.md section 5, with its recommended fixes: positional-only and
# keyword-only parameters work, a missing argument is an error, ports never leak into kwargs).
# Named parameters are passed with their defaults, as DALiuGE does; keyword-only ones only when
# the graph (a port, an applicationArgs or top-level value, func_defaults) gives them.
_PORTS = ("InputPort", "OutputPort", "InputOutput")
_INTERNAL = {
    "func_name", "func_code", "func_defaults", "func_arg_mapping", "input_parser",
    "output_parser", "n_tries", "log_level", "input_error_threshold", "pickle",
}
_MISSING = object()


def _is_set(v):
    return v is not None and v != ""


def _entry_value(e):
    v = e.get("value")
    t = e.get("type")
    if isinstance(v, str) and t == "Json":
        try:
            return json.loads(v)
        except ValueError:
            return ast.literal_eval(v)
    if isinstance(v, str) and t == "Complex":
        return complex(v.replace(" ", ""))
    return v


_SIGNATURES = {}


def _signature(fn):
    """inspect.signature, cached: for C functions it parses text each time."""
    try:
        return _SIGNATURES[fn]
    except (KeyError, TypeError):
        pass
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        sig = None
    try:
        if len(_SIGNATURES) > 1024:
            _SIGNATURES.clear()
        _SIGNATURES[fn] = sig
    except TypeError:
        pass
    return sig


def build_call(fn, defaults, msg, ports):
    args = msg.get("args") or {}
    top = msg.get("top") or {}
    outs = {o.get("port") for o in msg.get("outputs", ())}

    def graph_value(name):
        e = args.get(name)
        if isinstance(e, dict):
            if e.get("usage") == "OutputPort":
                return _MISSING
            if _is_set(e.get("value")):
                return _entry_value(e)
        if name in top and name not in outs and _is_set(top[name]):
            return top[name]
        return _MISSING

    def given_empty(name):
        e = args.get(name)
        if isinstance(e, dict):
            return e.get("usage") != "OutputPort" and e.get("value") == ""
        return top.get(name) == "" and name not in outs

    leftover = [
        (k, e) for k, e in args.items()
        if isinstance(e, dict) and e.get("usage", "NoPort") not in _PORTS
        and k not in _INTERNAL and _is_set(e.get("value"))
    ]
    sig = _signature(fn)
    if sig is None:
        pos = []
        for k, e in args.items():
            if not isinstance(e, dict) or k in _INTERNAL:
                continue
            if k in ports:
                pos.append(ports[k])
            elif e.get("usage", "NoPort") not in _PORTS and _is_set(e.get("value")):
                pos.append(_entry_value(e))
        if not args:
            pos = list(ports.values())
        return pos, {}
    P = inspect.Parameter
    params = sig.parameters
    named = {}
    missing = []
    for p in params.values():
        if p.kind in (P.VAR_POSITIONAL, P.VAR_KEYWORD):
            continue
        v = ports.get(p.name, _MISSING)
        if v is _MISSING:
            v = graph_value(p.name)
        if v is _MISSING:
            if p.kind == P.KEYWORD_ONLY and p.name not in defaults and p.default is not P.empty:
                continue  # not passed: numpy's ufuncs refuse dtype=None with signature=None
            v = defaults.get(p.name, p.default)
        if v is P.empty:
            if p.name == "self":
                v = None
            elif given_empty(p.name):
                v = ""  # a required parameter the graph set to "": passed so (DALiuGE: None)
            else:
                missing.append(p.name)
        named[p.name] = v
    if missing:
        raise TypeError(
            "missing argument%s %s: no input port, applicationArgs entry or default gives %s"
            % ("s" if len(missing) > 1 else "", ", ".join(repr(m) for m in missing),
               "them" if len(missing) > 1 else "it"))
    has_var_pos = any(p.kind == P.VAR_POSITIONAL for p in params.values())
    has_var_kw = any(p.kind == P.VAR_KEYWORD for p in params.values())
    extra_pos = [_entry_value(e) for k, e in leftover if k not in params and e.get("positional")]
    extra_kw = {k: _entry_value(e) for k, e in leftover if k not in params and not e.get("positional")}
    pos, kw = [], {}
    spread = has_var_pos and extra_pos
    for p in params.values():
        if p.name not in named:
            continue
        if p.kind == P.POSITIONAL_ONLY or (spread and p.kind == P.POSITIONAL_OR_KEYWORD):
            pos.append(named[p.name])
        else:
            kw[p.name] = named[p.name]
    if spread:
        pos.extend(extra_pos)
    if has_var_kw:
        kw.update(extra_kw)
    return pos, kw


def run_call(msg, payloads):
    fn, defaults = function_of(msg)
    ports = {}
    for inp in msg.get("inputs", ()):
        port = inp.get("port")
        if port in ports:
            continue
        i = inp.get("payload")
        buf = payloads[i] if i is not None else None
        ports[port] = decode_input(inp.get("encoding", "dill"), inp, buf)
    pos, kw = build_call(fn, defaults, msg, ports)
    cwd = msg.get("cwd")
    if cwd:
        os.chdir(cwd)
    os.environ.update({k: str(v) for k, v in (msg.get("env") or {}).items()})
    result = fn(*pos, **kw)
    encoded = {}
    outputs = []
    chunks = []
    for o in msg.get("outputs", ()):
        enc = o.get("encoding") or "dill"
        if enc not in encoded:
            parts = encode_output(enc, result)
            encoded[enc] = list(range(len(chunks), len(chunks) + len(parts)))
            chunks.extend(parts)
        outputs.append(encoded[enc])
    return outputs, chunks


def main():
    probe = _addr(_PROBE)
    send({"type": "ready", "python": sys.version.split()[0],
          "numpy": numpy is not None, "dill": dill is not None,
          **({"probe": [probe, _PROBE.hex()]} if probe else {})})
    while True:
        try:
            msg, payloads = recv()
        except EOFError:
            return
        if msg.get("type") != "call":
            continue
        cid = msg.get("id")
        try:
            outputs, chunks = run_call(msg, payloads)
        except BaseException as e:
            del payloads
            tb = traceback.format_exc()
            send({"type": "error", "id": cid, "error": "%s: %s" % (type(e).__name__, e),
                  "traceback": tb, "log": _captured()})
            continue
        del payloads
        send({"type": "done", "id": cid, "outputs": outputs, "log": _captured()}, chunks,
             vm=bool(msg.get("vm")))
        del outputs, chunks  # what the node reads from our memory stays in _KEPT until it has


main()
`;
