"""A loopback fake of the Slack Web API for end-to-end tests and benchmarks.

Point the app at it with `SLACK_API_URL=fake.url` (or `WebClient(base_url=fake.url)`).
It answers the methods the app calls, records every call, rejects Block Kit that Slack
would reject (see `block_checks`), and injects 429s, 5xx errors, dropped connections and
slow answers on demand. It fails the way the real one does too: a post can be made and its
answer then lost (`fail_after_next`, `drop_after_next`), a fault can be aimed at one
client's token, and a person can be unreachable (`make_unreachable`). Run it alone with
`python -m tests.support.fake_slack --port N`.
"""

from __future__ import annotations

import argparse
import email.parser
import email.policy
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.support import block_checks
from tests.support.fake_oauth import FakeOAuth
from tests.support.fake_workspace import (
    BOT_ID,
    BOT_USER_ID,
    TEAM_ID,
    DndStatus,
    FakeWorkspace,
    SlackChannel,
    SlackUser,
    dm_channel,
)

__all__ = ["BOT_ID", "BOT_USER_ID", "TEAM_ID", "FakeSlack", "Fault", "SlackCall", "Violation",
           "dm_channel"]  # fmt: skip

JSON_PARAMS = ("blocks", "view", "attachments", "files", "metadata")
MESSAGE_METHODS = frozenset(
    {"chat.postMessage", "chat.postEphemeral", "chat.update", "chat.scheduleMessage"}
)
VIEW_METHODS = frozenset({"views.open", "views.push", "views.update", "views.publish"})
RESPONSE_URL = "response_url"
UPLOAD = "upload"
ANY_METHOD = "*"


@dataclass(frozen=True)
class SlackCall:
    """One request the fake answered: a Web API method, an upload or a response_url post."""

    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    time: float
    response: dict[str, Any]
    body: bytes = b""

    @property
    def ok(self) -> bool:
        return bool(self.response.get("ok"))


@dataclass(frozen=True)
class Violation:
    """A Block Kit payload the fake refused, and why."""

    method: str
    errors: tuple[str, ...]
    payload: dict[str, Any] = field(repr=False, compare=False)


@dataclass
class Fault:
    """An injected failure; `remaining=None` means until `recover()`."""

    status: int = 429
    retry_after: int = 1
    remaining: int | None = 1
    error: str | None = None
    drop: bool = False
    delay: float = 0.0
    after: bool = False  # do the work first, then fail: the post is in Slack, the answer lost
    token: str | None = None  # only calls made with this token

    def body(self) -> dict[str, Any]:
        if self.error:
            return {"ok": False, "error": self.error}
        return {"ok": False, "error": "ratelimited" if self.status == 429 else "internal_error"}


@dataclass(frozen=True)
class ServedFault:
    """A fault the fake served instead of an answer."""

    method: str
    status: int
    time: float
    dropped: bool = False


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    fake: FakeSlack


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        self.server.fake.handle(self)

    def do_GET(self) -> None:
        self.server.fake.handle(self)

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the recorded calls are the log."""


class FakeSlack:
    """The fake Slack Web API on 127.0.0.1; use as a context manager or start()/stop()."""

    def __init__(self, port: int = 0, *, record: bool = True) -> None:
        self._server = _Server(("127.0.0.1", port), _Handler)
        self._server.fake = self
        self.port: int = self._server.server_address[1]
        self.root = f"http://127.0.0.1:{self.port}"
        self.url = f"{self.root}/api/"
        self.workspace = FakeWorkspace(self.root)
        self.oauth = FakeOAuth()  # installs into other workspaces, and their tokens
        self.record = record
        self.violations: list[Violation] = []
        self.faults_served: list[ServedFault] = []
        self._calls: list[SlackCall] = []
        self._faults: dict[str, Fault] = {}
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}
        self._thread: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------------------

    def start(self) -> FakeSlack:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve on the calling thread until interrupted (the standalone mode)."""
        try:
            self._server.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            self._server.server_close()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- configuration ------------------------------------------------------------------

    def add_user(self, user_id: str, **settings: Any) -> SlackUser:
        """Sets how users.info describes `user_id` (tz, is_admin, real_name, status_text...)."""
        user = self.workspace.user(user_id)
        for name, value in settings.items():
            if not hasattr(user, name):
                raise TypeError(f"SlackUser has no field {name!r}")
            setattr(user, name, value)
        return user

    def add_channel(self, channel_id: str, **settings: Any) -> SlackChannel:
        channel = self.workspace.channel(channel_id)
        for name, value in settings.items():
            setattr(channel, name, value)
        return channel

    def set_dnd(self, user_id: str, **settings: Any) -> DndStatus:
        """Sets what dnd.info answers for `user_id` (dnd_enabled, next_dnd_start_ts, ...)."""
        self.workspace.dnd[user_id] = DndStatus(**settings)
        return self.workspace.dnd[user_id]

    def add_usergroup(self, usergroup_id: str, users: list[str]) -> None:
        self.workspace.usergroups[usergroup_id] = list(users)

    def add_file(
        self, name: str, content: bytes, *, mimetype: str = "text/plain", user: str = "U0001"
    ) -> dict[str, Any]:
        """A file someone shared: the files.info object, whose url_private serves `content`."""
        return self.workspace.add_file(name, content, mimetype=mimetype, user=user)

    def response_url(self, name: str) -> str:
        """A response_url on the fake; what is POSTed there is recorded as `response_url`."""
        return f"{self.root}/response/{name}"

    @staticmethod
    def dm_channel(user_id: str) -> str:
        return dm_channel(user_id)

    # -- fault injection ----------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        status: int = 429,
        *,
        retry_after: int = 1,
        times: int = 1,
        error: str | None = None,
    ) -> None:
        """The next `times` calls of `method` ("*" for any) get `status` instead of an answer.

        A 429 carries `Retry-After: retry_after`. With status=200 and an `error`, Slack's
        usual `{"ok": false, "error": error}` comes back instead.
        """
        self._set_fault(method, Fault(status, retry_after, times, error))

    def fail_always(self, method: str, status: int = 500, *, error: str | None = None) -> None:
        self._set_fault(method, Fault(status, remaining=None, error=error))

    def drop_next(self, method: str, *, times: int = 1) -> None:
        """Close the connection without answering (a ConnectionErrorRetryHandler case)."""
        self._set_fault(method, Fault(0, remaining=times, drop=True))

    def delay_next(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Answer normally, but only after `seconds` (for client timeouts)."""
        self._set_fault(method, Fault(200, remaining=times, delay=seconds))

    def fail_after_next(self, method: str, status: int = 500, *, times: int = 1) -> None:
        """The next `times` calls of `method` are carried out (a post is posted, and recorded
        as a call that succeeded) but answered with `status`: Slack's 500 after the fact."""
        self._set_fault(method, Fault(status, remaining=times, after=True))

    def drop_after_next(self, method: str, *, times: int = 1) -> None:
        """The next `times` calls of `method` are carried out, then the connection is closed
        without an answer."""
        self._set_fault(method, Fault(0, remaining=times, drop=True, after=True))

    def rate_limit(
        self, method: str, *, retry_after: int, token: str | None = None, times: int = 1
    ) -> None:
        """429 with `Retry-After` for the next `times` calls, only those made with `token`
        when given (one sweep among several, each with a token of its own)."""
        self._set_fault(method, Fault(429, retry_after, times, token=token))

    def make_unreachable(self, user_id: str, error: str = "user_not_found") -> None:
        """Opening a DM with the person, or posting to them, answers `error` (a lead officer
        who has left: user_not_found, account_inactive, cannot_dm_bot...)."""
        with self._lock:
            self.workspace.unreachable[user_id] = error

    def recover(self, method: str | None = None) -> None:
        with self._lock:
            if method is None:
                self._faults.clear()
            else:
                self._faults.pop(method, None)

    def _set_fault(self, method: str, fault: Fault) -> None:
        with self._lock:
            self._faults[method] = fault

    def _take_fault(self, method: str, token: str = "") -> Fault | None:
        with self._lock:
            key = method if method in self._faults else ANY_METHOD
            fault = self._faults.get(key)
            if fault is None or (fault.token is not None and fault.token != token):
                return None
            if fault.remaining is not None:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    del self._faults[key]
            return fault

    # -- what was received --------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[SlackCall]:
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Messages posted with chat.postMessage: the params plus the answered `ts`/`channel`."""
        posted = []
        for call in self.calls("chat.postMessage"):
            if not call.ok:
                continue
            message = {
                **call.params,
                "ts": call.response["ts"],
                "channel": call.response["channel"],
            }
            if channel is None or channel in (call.params.get("channel"), message["channel"]):
                posted.append(message)
        return posted

    def ephemerals(self, user: str | None = None) -> list[dict[str, Any]]:
        """Params of successful chat.postEphemeral calls, optionally for one user."""
        return [
            c.params
            for c in self.calls("chat.postEphemeral")
            if c.ok and (user is None or c.params.get("user") == user)
        ]

    def responses(self, name: str | None = None) -> list[dict[str, Any]]:
        """Payloads POSTed to `response_url(name)` (all names if None)."""
        return [
            c.params["payload"]
            for c in self.calls(RESPONSE_URL)
            if name is None or c.params["name"] == name
        ]

    def clear(self) -> None:
        """Forget calls, violations and served faults (configuration and state stay)."""
        with self._lock:
            self._calls.clear()
            self.violations.clear()
            self.faults_served.clear()
            self._counts.clear()

    def reset(self) -> None:
        """As if just started: `clear()`, no faults, and a new workspace, so no user, channel,
        DND status, user group, file or message set up or posted before is left. Message ts
        and ids keep counting up, so an app still holding an earlier ts never meets it again."""
        with self._lock:
            self._faults.clear()
            self.workspace = FakeWorkspace(self.root, sequence=self.workspace.sequence)
            self.oauth = FakeOAuth()
        self.clear()

    def wait_for(
        self, predicate_or_method: str | Callable[[SlackCall], bool], timeout: float = 5.0
    ) -> SlackCall:
        """The first recorded call matching a method name or predicate, polling until timeout."""
        matches = _call_matcher(predicate_or_method)
        deadline = time.monotonic() + timeout
        while True:
            found = next((c for c in self.calls() if matches(c)), None)
            if found is not None:
                return found
            if time.monotonic() >= deadline:
                seen = [c.method for c in self.calls()]
                raise TimeoutError(f"no matching Slack call within {timeout}s; saw {seen}")
            time.sleep(0.02)

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {
                "calls": dict(self._counts),
                "violations": [list(v.errors) for v in self.violations],
                "faults_served": len(self.faults_served),
            }

    # -- HTTP ---------------------------------------------------------------------------

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        """Answers one HTTP request (called on the server's worker thread)."""
        body = _read_body(request)
        path = urlsplit(request.path).path
        route, _, rest = path.strip("/").partition("/")
        method = {"api": rest, "upload": UPLOAD, "response": RESPONSE_URL}.get(route, route)
        token = _token({}, {k.lower(): v for k, v in request.headers.items()})
        faulty = route in ("api", "upload", "response")
        fault = self._take_fault(method, token) if faulty else None
        if fault is not None and fault.after and route == "api":
            self._answer_api(request, rest, body, write=False)  # done, and then...
            self._serve_fault(request, method, fault)  # ...the answer is lost
            return
        if fault is not None and self._serve_fault(request, method, fault):
            return
        if route == "api":
            self._answer_api(request, rest, body)
        elif route == "upload":
            self._answer_upload(request, rest, body)
        elif route == "response":
            self._answer_response_url(request, rest, body)
        elif route == "files":
            self._answer_file_download(request, rest)
        elif route == "_fake" and rest == "stats":
            _write_json(request, 200, self.stats())
        else:
            _write_json(request, 404, {"ok": False, "error": "not_found"})

    def _serve_fault(self, request: BaseHTTPRequestHandler, method: str, fault: Fault) -> bool:
        """Serves `fault`; False if the request should then be answered normally."""
        if fault.delay:
            time.sleep(fault.delay)
            return False
        with self._lock:
            self.faults_served.append(ServedFault(method, fault.status, time.time(), fault.drop))
        if fault.drop:
            request.close_connection = True
            return True
        headers = {"Retry-After": str(fault.retry_after)} if fault.status == 429 else {}
        _write_json(request, fault.status, fault.body(), headers)
        return True

    def _answer_api(
        self, request: BaseHTTPRequestHandler, method: str, body: bytes, *, write: bool = True
    ) -> None:
        headers = {k.lower(): v for k, v in request.headers.items()}
        params = parse_params(request.path, headers.get("content-type", ""), body)
        answer = self._api_answer(method, params, headers)
        self._record(SlackCall(method, params, headers, time.time(), answer, body))
        if write:
            _write_json(request, 200, answer)

    def _api_answer(
        self, method: str, params: dict[str, Any], headers: dict[str, str]
    ) -> dict[str, Any]:
        token = _token(params, headers)
        installed = self.oauth.answer(method, params, headers, token)
        if installed is not None:
            return installed
        if not self.workspace.knows(method):
            return {"ok": False, "error": "unknown_method"}
        if not token:
            return {"ok": False, "error": "not_authed"}
        if not token.startswith("xox"):
            return {"ok": False, "error": "invalid_auth"}
        errors = self._check_blocks(method, params)
        if errors:
            return {"ok": False, "error": "invalid_blocks", "errors": errors}
        return self.workspace.answer(method, params)

    def _check_blocks(self, method: str, params: dict[str, Any]) -> list[str]:
        if method in MESSAGE_METHODS:
            errors = block_checks.message_violations(params)
        elif method in VIEW_METHODS:
            errors = block_checks.view_violations(params.get("view"))
        else:
            return []
        if errors:
            with self._lock:
                self.violations.append(Violation(method, tuple(errors), params))
        return errors

    def _answer_upload(self, request: BaseHTTPRequestHandler, file_id: str, body: bytes) -> None:
        headers = {k.lower(): v for k, v in request.headers.items()}
        stored = self.workspace.receive_upload(file_id, body)
        answer = {"ok": stored, "file_id": file_id, "size": len(body)}
        self._record(SlackCall(UPLOAD, {"file_id": file_id}, headers, time.time(), answer, body))
        if not stored:
            _write_json(request, 404, {"ok": False, "error": "file_not_found"})
            return
        _write_text(request, 200, f"OK - {len(body)}")

    def _answer_response_url(self, request: BaseHTTPRequestHandler, name: str, body: bytes) -> None:
        headers = {k.lower(): v for k, v in request.headers.items()}
        payload = parse_params("", headers.get("content-type", "application/json"), body)
        errors = self._check_blocks("chat.postMessage", payload)
        answer: dict[str, Any] = {"ok": not errors}
        if errors:
            answer.update(error="invalid_blocks", errors=errors)
        params = {"name": name, "payload": payload}
        self._record(SlackCall(RESPONSE_URL, params, headers, time.time(), answer, body))
        _write_json(request, 400 if errors else 200, answer)

    def _answer_file_download(self, request: BaseHTTPRequestHandler, rest: str) -> None:
        file_id = rest.split("/", 1)[0]
        content = self.workspace.uploads.get(file_id)
        authorization = request.headers.get("Authorization", "")
        if content is None or not authorization.startswith("Bearer xox"):
            _write_text(request, 404, "Not Found")
            return
        mimetype = self.workspace.files.get(file_id, {}).get("mimetype", "application/octet-stream")
        _write_bytes(request, 200, content, mimetype)

    def _record(self, call: SlackCall) -> None:
        with self._lock:
            self._counts[call.method] = self._counts.get(call.method, 0) + 1
            if self.record:
                self._calls.append(call)


def _call_matcher(
    predicate_or_method: str | Callable[[SlackCall], bool],
) -> Callable[[SlackCall], bool]:
    if not isinstance(predicate_or_method, str):
        return predicate_or_method
    return lambda call: call.method == predicate_or_method


# -- request parsing ------------------------------------------------------------------------


def parse_params(path: str, content_type: str, body: bytes) -> dict[str, Any]:
    """Query string plus body (form, JSON or multipart), with JSON-in-a-string params decoded."""
    params: dict[str, Any] = dict(parse_qsl(urlsplit(path).query, keep_blank_values=True))
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "application/json" and body:
        decoded = json.loads(body)
        params.update(decoded if isinstance(decoded, dict) else {"payload": decoded})
    elif kind == "multipart/form-data":
        params.update(_multipart_fields(content_type, body))
    elif body:
        params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    for key in JSON_PARAMS:
        if key in params:
            params[key] = _maybe_json(params[key])
    return params


def _maybe_json(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value


def _multipart_fields(content_type: str, body: bytes) -> Iterator[tuple[str, Any]]:
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        content = part.get_payload(decode=True)
        if part.get_filename() is None and isinstance(content, bytes):
            yield str(name), content.decode("utf-8")
        else:
            yield str(name), content


def _token(params: dict[str, Any], headers: dict[str, str]) -> str:
    authorization = headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return str(params.get("token", ""))


def _read_body(request: BaseHTTPRequestHandler) -> bytes:
    length = int(request.headers.get("Content-Length") or 0)
    return request.rfile.read(length) if length else b""


def _write_bytes(
    request: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    content_type: str,
    headers: dict[str, str] | None = None,
) -> None:
    request.send_response(status)
    request.send_header("Content-Type", content_type)
    request.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        request.send_header(name, value)
    request.end_headers()
    request.wfile.write(body)


def _write_json(
    request: BaseHTTPRequestHandler,
    status: int,
    answer: dict[str, Any],
    headers: dict[str, str] | None = None,
) -> None:
    body = json.dumps(answer).encode("utf-8")
    _write_bytes(request, status, body, "application/json; charset=utf-8", headers)


def _write_text(request: BaseHTTPRequestHandler, status: int, text: str) -> None:
    _write_bytes(request, status, text.encode("utf-8"), "text/plain; charset=utf-8")


# -- standalone -----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the fake Slack Web API on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument(
        "--no-record", action="store_true", help="count calls but keep no bodies (benchmarks)"
    )
    args = parser.parse_args(argv)
    fake = FakeSlack(args.port, record=not args.no_record)
    print(f"SLACK_API_URL={fake.url}", flush=True)
    fake.serve_forever()


if __name__ == "__main__":
    main()
