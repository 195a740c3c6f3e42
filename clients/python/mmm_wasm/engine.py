"""A connection to the mmm-wasm engine (`mmm serve`, docs/serve.md).

``Engine()`` starts the engine as a subprocess and speaks the protocol over
its stdin/stdout, one JSON message per line; ``Engine(url=..., token=...)``
talks to a running ``mmm serve --port`` over HTTP. Requests may be sent from
several threads; each waits for the response with its own id. Errors from
the engine raise MMMError subclasses with the engine's message.
"""

import itertools
import json
import os
import shlex
import shutil
import subprocess
import threading
import urllib.error
import urllib.request

from .errors import EngineGone, MMMError, error_from

PROTOCOL_VERSION = 1


def default_command():
    """How to start the engine: $MMM_COMMAND, else `mmm` on the PATH, else `npx --no-install mmm`."""
    env = os.environ.get("MMM_COMMAND")
    if env:
        return shlex.split(env)
    found = shutil.which("mmm")
    if found:
        return [found]
    npx = shutil.which("npx")
    if npx:
        return [npx, "--no-install", "mmm"]
    raise MMMError("engine_not_found", "cannot find the mmm-wasm engine: install it (npm install mmm-wasm), put `mmm` on the PATH, or set MMM_COMMAND")


class _Pending:
    __slots__ = ("done", "reply", "on_event")

    def __init__(self, on_event):
        self.done = threading.Event()
        self.reply = None
        self.on_event = on_event


class Engine:
    """One session with the engine. Use as a context manager, or call close()."""

    def __init__(self, command=None, url=None, token=None, args=(), cwd=None):
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._pending = {}
        self._closed = False
        self._proc = None
        self.url = url
        self.token = token
        if url is not None:
            if not token:
                raise MMMError("invalid_params", "an HTTP engine needs the token it printed at start")
            self.info = self.request("hello")
            return
        # A command line as a string is split as a shell would ("node /path/bin/mmm.js"), as MMM_COMMAND is.
        if command:
            cmd = shlex.split(command) if isinstance(command, str) else list(command)
        else:
            cmd = default_command()
        try:
            self._proc = subprocess.Popen(
                cmd + ["serve"] + list(args),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=None,
                cwd=cwd,
                bufsize=0,
            )
        except OSError as e:
            raise MMMError("engine_not_found", "cannot start the engine (command: %s): %s" % (" ".join(cmd), e.strerror or e)) from None
        ready = self._proc.stdout.readline()
        if not ready:
            raise EngineGone("engine_gone", "the engine exited at start (command: %s)" % " ".join(cmd))
        self.info = json.loads(ready)
        if self.info.get("protocol") != PROTOCOL_VERSION:
            raise MMMError("protocol", "the engine speaks protocol %r; this client speaks %d" % (self.info.get("protocol"), PROTOCOL_VERSION))
        self._reader = threading.Thread(target=self._read, name="mmm-engine-reader", daemon=True)
        self._reader.start()

    # -- stdio -------------------------------------------------------------
    def _read(self):
        for line in self._proc.stdout:
            message = json.loads(line)
            key = message.get("id")
            with self._lock:
                pending = self._pending.get(key)
            if pending is None:
                continue  # an error about a message without a readable id, or a stale reply
            if "event" in message:
                if pending.on_event is not None:
                    pending.on_event(message)
                continue
            with self._lock:
                self._pending.pop(key, None)
            pending.reply = message
            pending.done.set()
        # The engine is gone: fail whatever still waits.
        with self._lock:
            waiting = list(self._pending.values())
            self._pending.clear()
        for pending in waiting:
            pending.reply = {"error": {"code": "engine_gone", "message": "the engine process ended"}}
            pending.done.set()

    def _send_stdio(self, message, on_event):
        pending = _Pending(on_event)
        with self._lock:
            if self._proc.poll() is not None:
                raise EngineGone("engine_gone", "the engine process has ended")
            self._pending[message["id"]] = pending
            self._proc.stdin.write((json.dumps(message, allow_nan=False) + "\n").encode("utf-8"))
        pending.done.wait()
        return pending.reply

    # -- HTTP --------------------------------------------------------------
    def _send_http(self, message, on_event):
        body = json.dumps(message, allow_nan=False).encode("utf-8")
        req = urllib.request.Request(self.url, data=body, method="POST", headers={"Authorization": "Bearer " + self.token, "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req) as res:
                reply = None
                for line in res:
                    m = json.loads(line)
                    if "event" in m:
                        if on_event is not None:
                            on_event(m)
                    else:
                        reply = m
                return reply
        except urllib.error.HTTPError as e:
            try:
                return json.loads(e.read().decode("utf-8").splitlines()[0])
            except (ValueError, IndexError):
                raise MMMError("http_%d" % e.code, str(e)) from None
        except urllib.error.URLError as e:
            raise EngineGone("engine_gone", "cannot reach the engine at %s: %s" % (self.url, e.reason)) from None

    # -- API ---------------------------------------------------------------
    def request(self, method, params=None, on_event=None, request_id=None):
        """Sends one request and returns its result; raises MMMError (a subclass by code) on an error."""
        if self._closed:
            raise EngineGone("engine_gone", "this engine connection is closed")
        message = {"id": request_id if request_id is not None else "py-%d" % next(self._ids), "method": method}
        if params:
            message["params"] = {k: v for k, v in params.items() if v is not None}
        reply = self._send_http(message, on_event) if self.url is not None else self._send_stdio(message, on_event)
        if reply is None:
            raise EngineGone("engine_gone", "no response to %s" % method)
        if "error" in reply:
            raise error_from(reply["error"])
        return reply["result"]

    def new_request_id(self):
        return "py-%d" % next(self._ids)

    def close(self):
        """Ends the session: the engine frees everything and (stdio) exits."""
        if self._closed:
            return
        try:
            self.request("close")
        except MMMError:
            pass
        self._closed = True
        if self._proc is not None:
            try:
                self._proc.stdin.close()
                self._proc.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                self._proc.kill()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


_default = None


def default_engine():
    """A shared engine for models created without one (started on first use)."""
    global _default
    if _default is None or _default._closed:
        _default = Engine()
    return _default
