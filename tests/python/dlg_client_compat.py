#!/usr/bin/env python3
"""
Play DALiuGE's Python client (dlg.clients / dlg.restutils, v6.7) exactly on the wire, with the
standard library only, against a dlg-ts manager of any tier:

* JSON bodies are streamed with `Transfer-Encoding: chunked` and `Origin: http://dlg-tm.localhost`;
* graph/append bodies are zlib-compressed (RFC 1950) but labelled `Content-Encoding: gzip`;
* deploy sends a form body `completed=a,b` (application/x-www-form-urlencoded);
* only status 200 is success, and every 200 must carry a Content-Length (DALiuGE reads a 200
  without one as "no content");
* errors are parsed as {"type", "args"} and rebuilt as DALiuGE's exception of that name.

Usage: dlg_client_compat.py --url http://HOST:PORT --tier node|island|master --graph FIXTURE
       [--node HOST:PORT[,HOST:PORT...]] [--island HOST:PORT[,...]]
Drops are placed round-robin on the --node list; --island gives each node's island (pairwise).
Prints one line per check and "ALL OK" at the end; exits 1 on the first failure.
"""
import argparse
import http.client
import io
import json
import socket
import sys
import time
import urllib.parse
import zlib

quote = urllib.parse.quote


# --- DALiuGE's exception classes (dlg.exceptions), with the same constructor signatures ----------
class DaliugeException(Exception):
    pass


class InvalidDropException(DaliugeException):
    def __init__(self, drop, reason):
        super().__init__(drop, reason)


class InvalidRelationshipException(DaliugeException):
    def __init__(self, rel, reason):
        super().__init__(rel, reason)


class InvalidGraphException(DaliugeException):
    pass


class NoDropException(DaliugeException):
    def __init__(self, drop_uid, reason=None):
        super().__init__(drop_uid, reason)


class NoSessionException(DaliugeException):
    def __init__(self, session_id, reason=None):
        super().__init__(session_id, reason)


class SessionAlreadyExistsException(DaliugeException):
    def __init__(self, session_id, reason=None):
        super().__init__(session_id, reason)


class InvalidSessionState(DaliugeException):
    pass


class SubManagerException(DaliugeException):
    pass


class ErrorManagerCaughtException(DaliugeException):
    pass


class RestClientException(DaliugeException):
    pass


EXCEPTIONS = {
    c.__name__: c
    for c in (
        DaliugeException, InvalidDropException, InvalidRelationshipException,
        InvalidGraphException, NoDropException, NoSessionException,
        SessionAlreadyExistsException, InvalidSessionState, SubManagerException,
        ErrorManagerCaughtException,
    )
}


# --- Streams as dlg.common builds them -----------------------------------------------------------
class JSONStream:
    """A reader over the JSON encoding of an object (dlg.common.JSONStream)."""

    def __init__(self, obj):
        self._buf = io.BytesIO(json.dumps(obj).encode("utf-8"))

    def read(self, n=-1):
        return self._buf.read(n)


class ZlibCompressedStream:
    """A reader compressing another with zlib framing (dlg.common.ZlibCompressedStream)."""

    def __init__(self, content):
        self._content = content
        self._z = zlib.compressobj()
        self._buf = b""
        self._done = False

    def read(self, n=-1):
        while not self._done and (n < 0 or len(self._buf) < n):
            data = self._content.read(8192)
            if data:
                self._buf += self._z.compress(data)
            else:
                self._buf += self._z.flush()
                self._done = True
        if n < 0:
            n = len(self._buf)
        out, self._buf = self._buf[:n], self._buf[n:]
        return out


class Chunked:
    """Frames a reader's data as HTTP/1.1 chunks (restutils.chunked)."""

    def __init__(self, content):
        self._content = content
        self._finished = False
        self.chunks = 0

    def read(self, n):
        if self._finished:
            return b""
        data = self._content.read(max(1, n - len("%x" % n) - 4))
        if not data:
            self._finished = True
            return b"0\r\n\r\n"
        self.chunks += 1
        return ("%x" % len(data)).encode("ascii") + b"\r\n" + data + b"\r\n"


# --- The client ----------------------------------------------------------------------------------
class Client:
    """BaseDROPManagerClient: the /api prefix, restutils.RestClient's mechanics."""

    def __init__(self, url, compress=True):
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port
        self.compress = compress
        self.last_status = None
        self.requests = 0

    def _request(self, url, method, content=None, headers=None):
        headers = dict(headers or {})
        url = "/api" + url
        try:
            socket.create_connection((self.host, self.port), timeout=10).close()
        except OSError:
            raise RestClientException("Cannot connect to %s:%d" % (self.host, self.port))
        if content and hasattr(content, "read"):
            headers["Transfer-Encoding"] = "chunked"
            headers["Origin"] = "http://dlg-tm.localhost"
            content = Chunked(content)
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            conn.request(method, url, content, headers)
            resp = conn.getresponse()
            body = resp.read()
        finally:
            conn.close()
        self.requests += 1
        self.last_status = resp.status
        origin = headers.get("Origin")
        if origin and resp.status == 200:
            check(resp.getheader("Access-Control-Allow-Origin") == origin,
                  "%s %s: CORS answer does not echo the Origin" % (method, url))
        if resp.status != 200:
            check("application/json" in (resp.getheader("Content-Type") or ""),
                  "%s %s: error %d is not application/json" % (method, url, resp.status))
            msg = "Error on remote %s@%s:%s%s (status %d): " % (
                method, self.host, self.port, url, resp.status)
            try:
                error = json.loads(body.decode("utf-8"))
            except ValueError as e:
                raise RestClientException(msg + "Invalid JSON response: %s" % e)
            check("type" in error and "args" in error, msg + "error body without type/args")
            etype = EXCEPTIONS.get(error["type"])
            check(etype is not None, msg + "unknown exception type %r" % error["type"])
            eargs = error["args"]
            if etype is SubManagerException:
                check(isinstance(eargs, dict), msg + "SubManagerException args must be a map")
                for host, sub in eargs.items():
                    eargs[host] = EXCEPTIONS[sub["type"]](*sub["args"])
                ex = etype(eargs)
            else:
                check(isinstance(eargs, list), msg + "args must be a list")
                ex = etype(*eargs)  # TypeError here = args DALiuGE's class cannot take
            ex.status = resp.status
            raise ex
        # A 200 must say how long it is: DALiuGE reads a 200 without Content-Length as empty.
        check(resp.getheader("Content-Length") is not None,
              "%s %s: 200 without Content-Length" % (method, url))
        check(resp.getheader("Transfer-Encoding") is None,
              "%s %s: chunked 200 answer" % (method, url))
        if not body:
            return None
        return json.loads(body.decode("utf-8"))

    def _get_json(self, url):
        ret = self._request(url, "GET")
        return {} if ret is None else ret

    def _post_form(self, url, content=None):
        if content is not None:
            content = urllib.parse.urlencode(content)
        return self._request(url, "POST", content,
                             {"Content-Type": "application/x-www-form-urlencoded"})

    def _post_json(self, url, content, compress=False):
        headers = {"Content-Type": "application/json"}
        content = JSONStream(content)
        if compress:
            headers["Content-Encoding"] = "gzip"
            content = ZlibCompressedStream(content)
        return self._request(url, "POST", content, headers)

    # dlg.clients.BaseDROPManagerClient
    def get_submission_method(self):
        return self._get_json("/submission_method")

    def create_session(self, sid):
        self._post_json("/sessions", {"sessionId": sid})

    def deploy_session(self, sid, completed_uids=()):
        content = {"completed": ",".join(completed_uids)} if completed_uids else None
        self._post_form("/sessions/%s/deploy" % quote(sid), content)

    def append_graph(self, sid, spec):
        self._post_json("/sessions/%s/graph/append" % quote(sid), spec, compress=self.compress)

    def destroy_session(self, sid):
        self._request("/sessions/%s" % quote(sid), "DELETE")

    def cancelSession(self, sid):
        self._request("/sessions/%s/cancel" % quote(sid), "POST")

    def graph_status(self, sid):
        return self._get_json("/sessions/%s/graph/status" % quote(sid))

    def graph(self, sid):
        return self._get_json("/sessions/%s/graph" % quote(sid))

    def sessions(self):
        return self._get_json("/sessions")

    def session(self, sid):
        return self._get_json("/sessions/%s" % quote(sid))

    def session_status(self, sid):
        return self._get_json("/sessions/%s/status" % quote(sid))

    def graph_size(self, sid):
        return self._get_json("/sessions/%s/graph/size" % quote(sid))


# --- Helpers -------------------------------------------------------------------------------------
class CheckFailed(Exception):
    pass


def check(cond, what):
    if not cond:
        raise CheckFailed(what)


def ok(what):
    print("ok: " + what, flush=True)


def expect_error(fn, etype, status, what):
    try:
        fn()
    except DaliugeException as e:
        check(type(e) is etype, "%s: expected %s, got %s %r" % (
            what, etype.__name__, type(e).__name__, e.args))
        check(getattr(e, "status", None) == status, "%s: expected HTTP %d, got %s" % (
            what, status, getattr(e, "status", None)))
        ok("%s -> %s %d" % (what, etype.__name__, status))
        return e
    raise CheckFailed("%s: expected %s, got success" % (what, etype.__name__))


def leaves(status):
    """The ints of a session status: an int on a node, a (nested) map per child elsewhere."""
    if isinstance(status, int):
        return [status]
    check(isinstance(status, dict), "session status must be an int or a map: %r" % (status,))
    return [s for v in status.values() for s in leaves(v)]


def status_shape(status, tier):
    if tier == "node":
        check(isinstance(status, int), "a node's session status is an int: %r" % (status,))
    elif tier == "island":
        check(isinstance(status, dict) and all(isinstance(v, int) for v in status.values()),
              "an island's session status is {node: int}: %r" % (status,))
    else:
        check(isinstance(status, dict) and all(
            isinstance(v, dict) and all(isinstance(x, int) for x in v.values())
            for v in status.values()),
            "a master's session status is {island: {node: int}}: %r" % (status,))


def wait_status(c, sid, want, timeout=30):
    end = time.time() + timeout
    while True:
        st = c.session_status(sid)
        if all(s in want for s in leaves(st)):
            return st
        check(time.time() < end, "session %s did not reach %s: %r" % (sid, want, st))
        time.sleep(0.05)


def get_roots(specs):
    """dlg.common.get_roots: OIDs of Drops with no inputs/producers, links on either side."""
    nonroots = set()
    oids = [s["oid"] for s in specs if "oid" in s]

    def targets(lst):
        return [next(iter(x)) if isinstance(x, dict) else x for x in lst or []]

    for s in specs:
        if "oid" not in s:
            continue
        if s.get("inputs") or s.get("streamingInputs") or s.get("producers"):
            nonroots.add(s["oid"])
        for k in ("outputs", "consumers", "streamingConsumers"):
            nonroots.update(targets(s.get(k)))
    return [o for o in oids if o not in nonroots]


# --- The scenario --------------------------------------------------------------------------------
def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--tier", choices=("node", "island", "master"), required=True)
    ap.add_argument("--graph", required=True)
    ap.add_argument("--node")
    ap.add_argument("--island")
    a = ap.parse_args()
    tier = a.tier

    with open(a.graph) as f:
        graph = json.load(f)
    check(graph[-1] == {}, "the fixture ends with DALiuGE's {} metadata element")
    # Place Drops round-robin on the given nodes (and the islands holding them, pairwise).
    nodes = a.node.split(",") if a.node else []
    islands = a.island.split(",") if a.island else []
    check(not islands or len(islands) in (1, len(nodes)), "--island: one, or one per node")
    for i, spec in enumerate(graph[:-1]):
        if nodes:
            spec["node"] = nodes[i % len(nodes)]
        if islands:
            spec["island"] = islands[i % len(nodes) % len(islands)]
    specs = graph[:-1]
    roots = get_roots(specs)
    check(len(roots) == 2, "the fixture has 2 roots: %r" % roots)

    c = Client(a.url)
    sid = "py-%s-%d" % (tier, int(time.time() * 1000))

    check(c.get_submission_method() == {"methods": ["BROWSER", "SERVER"]}, "submission_method")
    ok("get_submission_method")

    c.create_session(sid)
    check(sid in [s["sessionId"] for s in c.sessions()], "sessions() lists the new session")
    status_shape(c.session_status(sid), tier)
    check(set(leaves(c.session_status(sid))) == {0}, "a new session is PRISTINE")
    ok("create_session (chunked JSON with Origin), sessions, session_status")

    e = expect_error(lambda: c.create_session(sid), SessionAlreadyExistsException, 409,
                     "create_session of an existing id")
    check(e.args[0] == sid, "SessionAlreadyExistsException names the session: %r" % (e.args,))
    for name, fn in (
        ("session_status", lambda: c.session_status("no-such-session")),
        ("graph_status", lambda: c.graph_status("no-such-session")),
        ("append_graph", lambda: c.append_graph("no-such-session", specs)),
        ("deploy_session", lambda: c.deploy_session("no-such-session", roots)),
        ("cancelSession", lambda: c.cancelSession("no-such-session")),
        ("destroy_session", lambda: c.destroy_session("no-such-session")),
    ):
        e = expect_error(fn, NoSessionException, 404, "%s of an unknown session" % name)
        check(e.args[0] == "no-such-session", "NoSessionException names the session")

    expect_error(lambda: c.append_graph(sid, [{"oid": "broken"}, {}]), InvalidGraphException,
                 400, "append_graph of an invalid spec")
    check(c.graph_size(sid) == 0, "a failed append adds nothing")

    c.append_graph(sid, graph)  # zlib, labelled gzip, chunked
    check(c.graph_size(sid) == len(specs), "graph_size after append")
    g = c.graph(sid)
    check(sorted(g) == sorted(s["oid"] for s in specs), "graph() returns the appended Drops")
    details = c.session(sid)
    check(set(leaves(details["status"])) <= {0, 1}, "session() before deploy: %r" % details)
    ok("append_graph (translator form, zlib labelled gzip), graph_size, graph, session")

    try:
        c.graph_status(sid)
        raise CheckFailed("graph_status before deploy must fail")
    except (InvalidSessionState, SubManagerException) as e:
        check(tier != "node" or isinstance(e, InvalidSessionState), "node: InvalidSessionState")
        check(e.status in (400, 555), "graph_status before deploy: HTTP %s" % e.status)
        ok("graph_status before deploy -> %s %d" % (type(e).__name__, e.status))

    c.deploy_session(sid, roots)  # form body completed=a,b
    st = wait_status(c, sid, {4})
    status_shape(st, tier)
    gs = c.graph_status(sid)
    check(sorted(gs) == sorted(s["oid"] for s in specs), "graph_status covers every Drop")
    for oid, d in gs.items():
        check(d["status"] in (2, 4, 5), "Drop %s finished: %r" % (oid, d))
        if "execStatus" in d:
            check(d["execStatus"] == 2, "app %s FINISHED: %r" % (oid, d))
    apps = [s["oid"] for s in specs if s["categoryType"] == "Application"]
    check(all("execStatus" in gs[o] for o in apps), "apps carry execStatus")
    ok("deploy_session (form completed=...), session FINISHED, graph_status all done")

    expect_error(lambda: c.create_session(sid), SessionAlreadyExistsException, 409,
                 "create_session of a finished session's id")

    # A second session: a long first app, cancelled while it runs; appended uncompressed.
    sid2 = sid + "-cancel"
    slow = json.loads(json.dumps(graph))
    for s in slow[:-1]:
        if "sleep_time" in s:
            s["sleep_time"] = 60
    c.create_session(sid2)
    plain = Client(a.url, compress=False)
    plain.append_graph(sid2, slow[: len(slow) // 2])
    c.append_graph(sid2, slow[len(slow) // 2:])
    check(c.graph_size(sid2) == len(specs), "appended in two parts")
    c.deploy_session(sid2, roots)
    wait_status(c, sid2, {3})
    c.cancelSession(sid2)
    st = wait_status(c, sid2, {5})
    status_shape(st, tier)
    gs = c.graph_status(sid2)
    check(any(d["status"] == 6 for d in gs.values()), "some Drops CANCELLED: %r" % gs)
    check(all(d["status"] != 0 or d.get("execStatus", 0) != 1 for d in gs.values()),
          "nothing still running after cancel")
    ok("cancelSession -> CANCELLED")

    c.destroy_session(sid2)
    c.destroy_session(sid)
    listed = [s["sessionId"] for s in c.sessions()]
    check(sid not in listed and sid2 not in listed, "destroyed sessions are gone: %r" % listed)
    expect_error(lambda: c.session_status(sid), NoSessionException, 404,
                 "session_status after destroy_session")
    ok("destroy_session")
    print("ALL OK (%d requests)" % c.requests, flush=True)


if __name__ == "__main__":
    try:
        main()
    except (CheckFailed, DaliugeException, AssertionError, TypeError) as e:
        print("FAILED: %s: %s" % (type(e).__name__, e), flush=True)
        sys.exit(1)
