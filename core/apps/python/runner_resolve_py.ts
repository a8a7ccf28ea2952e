/** Python source: The runner's function lookup: func_name, func_code, func_defaults, simple_functions. */
export const RUNNER_RESOLVE = String
  .raw`# dlg.apps.simple_functions, ours: DALiuGE need not be installed.
def _readLines(fileName):
    with open(fileName) as f:
        return f.read().split()


def _createRange(low, high, step):
    return range(low, high, step)


def _createMultiOut(v1=1, v2=7):
    return (v1, v2)


def _getMax(v1=1.0, v2=7.0):
    return max(v1, v2)


def _string2json(string, pickle_flag=False):
    if not string:
        string = '""'
    try:
        res = json.loads(string)
    except Exception:
        res = []
    return pickle.dumps(res) if pickle_flag else res


SIMPLE_FUNCTIONS = types.ModuleType("dlg.apps.simple_functions")
for _f in (_readLines, _createRange, _createMultiOut, _getMax, _string2json):
    _f.__name__ = _f.__qualname__ = _f.__name__[1:]
    _f.__module__ = SIMPLE_FUNCTIONS.__name__
    setattr(SIMPLE_FUNCTIONS, _f.__name__, _f)


class ResolveError(Exception):
    pass


def _import_error(name, e):
    return ResolveError("cannot import func_name %r: %s: %s" % (name, type(e).__name__, e))


def resolve_name(name):
    """func_name as DALiuGE 6.7 resolves it (pyfunc-reference.md section 3)."""
    parts = name.split(".")
    if parts[0] in vars(builtins):
        return vars(builtins)[parts[0]]
    if len(parts) == 1:
        raise ResolveError("func_name %r is not a builtin; give module.function" % name)
    if name.startswith("dlg.apps.simple_functions."):
        try:
            return getattr(SIMPLE_FUNCTIONS, parts[3])
        except (AttributeError, IndexError):
            raise ResolveError("dlg.apps.simple_functions has no %r" % ".".join(parts[3:]))
    if parts[-1] in ("__init__", "__class__"):
        parts = parts[:-1]
    try:
        obj = importlib.import_module(parts[0])
        for p in parts[1:]:
            obj = getattr(obj, p)
        return obj
    except (ImportError, AttributeError):
        pass
    try:
        return getattr(importlib.import_module(".".join(parts[:-1])), parts[-1])
    except Exception as e:
        raise _import_error(name, e)


def _unpickle_b64(text):
    raw = base64.b64decode(text)
    return (dill if dill is not None else pickle).loads(raw)


def resolve_code(code, name):
    """func_code: Python source defining the function, else base64 of a dill/pickle of it."""
    try:
        compiled = compile(code, "<func_code>", "exec")
    except SyntaxError as e:
        compiled, syntax = None, e
    if compiled is not None:
        ns = {"__name__": "__func_code__"}
        exec(compiled, ns)
        if name:
            fn = ns.get(name.split(".")[-1])
            if fn is None:
                raise ResolveError("Function with name %r not found in func_code" % name)
            return fn
        fns = [v for k, v in ns.items() if inspect.isfunction(v) and v.__module__ == "__func_code__"]
        if len(fns) == 1:
            return fns[0]
        raise ResolveError("func_code defines %d functions: give func_name" % len(fns))
    try:
        fn = _unpickle_b64(code)
    except Exception:
        raise ResolveError("func_code is neither Python source (%s) nor base64 of a pickled function" % syntax)
    if name and name.split(".")[-1] != getattr(fn, "__name__", None):
        raise ResolveError("func_code holds %r, not func_name %r" % (getattr(fn, "__name__", fn), name))
    return fn


def _func_defaults(raw):
    if not raw:
        return {}
    if isinstance(raw, str):
        raw = ast.literal_eval(raw)
    if isinstance(raw, dict) and set(raw) == {"kwargs"} and isinstance(raw["kwargs"], dict):
        raw = raw["kwargs"]
    out = {}
    for k, v in raw.items():
        try:
            out[k] = _unpickle_b64(v) if isinstance(v, str) else v
        except Exception:
            out[k] = v
    return out


_CACHE = {}


def function_of(msg):
    code = msg.get("func_code") or ""
    name = msg.get("func_name") or ""
    key = (name, code, json.dumps(msg.get("func_defaults"), sort_keys=True, default=str))
    hit = _CACHE.get(key)
    if hit is None:
        if code:
            hit = (resolve_code(code, name), _func_defaults(msg.get("func_defaults")))
        elif name:
            hit = (resolve_name(name), {})
        else:
            raise ResolveError("PyFuncApp needs func_name or func_code")
        if len(_CACHE) > 256:
            _CACHE.clear()
        _CACHE[key] = hit
    return hit
`;
