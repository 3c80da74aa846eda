"""The Messaging API as the fake answers it: routing, authentication, retry keys, faults."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from simulator.line import ids
from simulator.line.models import ApiCall, Endpoint, Fault, JSONDict, LineApiError
from simulator.line.records import RETRY_KEY_TTL, Content
from simulator.line.sending import Sending

MAX_BODY = 2 * 1024 * 1024  # "413 Payload Too Large: the request exceeds the 2 MB limit"
RETRY_KEY_ENDPOINTS = frozenset({Endpoint.PUSH, Endpoint.MULTICAST})
_DEFAULT_MESSAGES = {
    400: "Failed to send messages",
    401: "Authentication failed due to the following reason: invalid token. "
    "Confirm that the access token in the authorization header is valid.",
    403: "Access to this API is not available for your account",
    404: "Not found",
    409: "The retry key is already accepted",
    410: "The content is gone",
    429: "The API rate limit has been exceeded. Try again later.",
    500: "Internal server error",
}
_ROUTES: list[tuple[str, re.Pattern[str], Endpoint, bool]] = [
    ("POST", re.compile(r"/v2/bot/message/push"), Endpoint.PUSH, False),
    ("POST", re.compile(r"/v2/bot/message/reply"), Endpoint.REPLY, False),
    ("POST", re.compile(r"/v2/bot/message/multicast"), Endpoint.MULTICAST, False),
    ("GET", re.compile(r"/v2/bot/profile/(?P<id>[^/]+)"), Endpoint.PROFILE, False),
    ("GET", re.compile(r"/v2/bot/message/quota"), Endpoint.QUOTA, False),
    ("GET", re.compile(r"/v2/bot/message/quota/consumption"), Endpoint.CONSUMPTION, False),
    # Content lives on the data host (api-data.line.me), not on the API host.
    ("GET", re.compile(r"/v2/bot/message/(?P<id>[^/]+)/content"), Endpoint.CONTENT, True),
]


@dataclass(frozen=True)
class ApiRequest:
    """An HTTP request as the fake sees it; header names are lower-case."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    data_host: bool = False


@dataclass
class Outcome:
    """How to answer a request."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    media_type: str = "application/json"
    delay: float = 0.0
    lose: bool = False


def _json_bytes(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def _route(request: ApiRequest) -> tuple[Endpoint, str | None]:
    known_path = False
    for method, pattern, endpoint, data_host in _ROUTES:
        match = pattern.fullmatch(request.path)
        if match is None or data_host != request.data_host:
            continue
        known_path = True
        if method == request.method:
            return endpoint, match.groupdict().get("id")
    if known_path:
        raise LineApiError(405, "Method Not Allowed")
    raise LineApiError(404, "Not found")


def parse_body(request: ApiRequest) -> JSONDict:
    """The JSON object of a POST body, refused the way the platform refuses it."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/json":
        raise LineApiError(415, f"The content type, {media or '(none)'}, is not supported")
    if len(request.body) > MAX_BODY:
        raise LineApiError(413, "The request body exceeds 2 MB")
    try:
        data = json.loads(request.body)
    except UnicodeDecodeError:
        raise LineApiError(400, "The request body could not be parsed as JSON") from None
    except json.JSONDecodeError as exc:
        raise LineApiError(
            400,
            "The request body could not be parsed as JSON "
            f"(line: {exc.lineno}, column: {exc.colno})",
        ) from None
    if not isinstance(data, dict):
        raise LineApiError(400, "The request body could not be parsed as JSON (line: 1, column: 1)")
    return data


class LineApi(Sending):
    """Answers Messaging API requests; everything runs under the state's lock."""

    def handle(self, request: ApiRequest) -> Outcome:
        """Answer one request and record it."""
        request_id = ids.new_request_id()
        headers = {"x-line-request-id": request_id}
        body: Any = _body_for_record(request)
        with self._lock:
            self._in_flight += 1
            call = ApiCall(
                self._next_seq_locked(),
                None,
                request.method,
                request.path,
                request_id,
                request.headers.get("x-line-retry-key"),
                body,
            )
            self._calls.append(call)
            try:
                outcome = self._handle_locked(request, request_id, call)
            except LineApiError as error:
                outcome = Outcome(error.status, _json_bytes(error.body()), error.headers)
            outcome.headers = {**outcome.headers, **headers}
            call.status = outcome.status
            call.response = _response_for_record(outcome)
            call.delayed = outcome.delay
            call.lost = outcome.lose
        if call.executed:
            self._notify()
        return outcome

    def request_done(self) -> None:
        """The answer of a request was written (or dropped)."""
        with self._lock:
            self._in_flight -= 1

    def _handle_locked(self, request: ApiRequest, request_id: str, call: ApiCall) -> Outcome:
        endpoint, path_id = _route(request)
        call.endpoint = endpoint
        self._authorize_locked(request.headers)
        if self._rate_limited_locked(endpoint):
            raise LineApiError(429, _DEFAULT_MESSAGES[429])
        fault = self._take_fault_locked(endpoint)
        if fault is not None and fault.status is not None and not fault.executed:
            raise LineApiError(fault.status, fault.message or _default_message(fault.status))
        retry_key = self._retry_key_locked(endpoint, request.headers)
        outcome = self._execute_locked(endpoint, request, path_id, request_id, retry_key)
        call.executed = endpoint in (Endpoint.PUSH, Endpoint.REPLY, Endpoint.MULTICAST)
        return _apply_fault(outcome, fault)

    def _authorize_locked(self, headers: dict[str, str]) -> None:
        scheme, _, token = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise LineApiError(
                401,
                "Authentication failed due to the following reason: no access token. "
                "Confirm that the access token in the authorization header is valid.",
            )
        if token.strip() not in self._access_tokens:
            raise LineApiError(401, _DEFAULT_MESSAGES[401])

    def _retry_key_locked(self, endpoint: Endpoint, headers: dict[str, str]) -> str | None:
        key = headers.get("x-line-retry-key")
        if key is None:
            return None
        if endpoint not in RETRY_KEY_ENDPOINTS:
            raise LineApiError(400, "The X-Line-Retry-Key header is not supported by this API")
        if not ids.is_retry_key(key):
            raise LineApiError(400, "The X-Line-Retry-Key header must be a hexadecimal UUID")
        accepted = self._retry_keys.get(key)
        if accepted is not None and self._now() - accepted.accepted_at < RETRY_KEY_TTL:
            extra = (
                {} if accepted.sent_messages is None else {"sentMessages": accepted.sent_messages}
            )
            raise LineApiError(
                409,
                "The retry key is already accepted",
                headers={"x-line-accepted-request-id": accepted.request_id},
                extra=extra,
            )
        return key

    def _execute_locked(
        self,
        endpoint: Endpoint,
        request: ApiRequest,
        path_id: str | None,
        request_id: str,
        retry_key: str | None,
    ) -> Outcome:
        if endpoint is Endpoint.PUSH:
            return _ok(self._push_locked(parse_body(request), request_id, retry_key))
        if endpoint is Endpoint.REPLY:
            return _ok(self._reply_locked(parse_body(request), request_id))
        if endpoint is Endpoint.MULTICAST:
            return _ok(self._multicast_locked(parse_body(request), request_id, retry_key))
        if endpoint is Endpoint.PROFILE:
            return _ok(self._profile_locked(path_id or ""))
        if endpoint is Endpoint.QUOTA:
            if self._monthly_limit is None:
                return _ok({"type": "none"})
            return _ok({"type": "limited", "value": self._monthly_limit})
        if endpoint is Endpoint.CONSUMPTION:
            return _ok({"totalUsage": self._usage_locked()})
        content = self._content_locked(path_id or "")
        return Outcome(200, content.data, media_type=content.content_type)

    def _profile_locked(self, user_id: str) -> JSONDict:
        if not ids.is_user_id(user_id):
            raise LineApiError(400, "The value for the 'userId' parameter is invalid")
        chat = self._chats.get(user_id)
        if chat is None or not chat.profile_visible():
            raise LineApiError(404, "Not found")
        return chat.user.profile()

    def _content_locked(self, message_id: str) -> Content:
        content = self._contents.get(message_id)
        if content is None:
            raise LineApiError(404, "not found")  # sic: the reference's example is lower-case
        if content.gone:
            raise LineApiError(410, "The content is gone")
        return content


def _ok(body: JSONDict) -> Outcome:
    return Outcome(200, _json_bytes(body))


def _default_message(status: int) -> str:
    return _DEFAULT_MESSAGES.get(status, "Error injected by the test")


def _apply_fault(outcome: Outcome, fault: Fault | None) -> Outcome:
    """Turn an executed request's answer into the injected error, delay or dropped answer."""
    if fault is None:
        return outcome
    if fault.status is not None:
        error = LineApiError(fault.status, fault.message or _default_message(fault.status))
        return Outcome(fault.status, _json_bytes(error.body()), delay=fault.delay)
    outcome.delay = fault.delay
    outcome.lose = fault.lose
    return outcome


def _body_for_record(request: ApiRequest) -> Any:
    if not request.body:
        return None
    try:
        return json.loads(request.body)
    except ValueError:
        return request.body.decode("utf-8", "replace")


def _response_for_record(outcome: Outcome) -> Any:
    if outcome.media_type != "application/json":
        return f"<{len(outcome.body)} bytes of {outcome.media_type}>"
    return json.loads(outcome.body)
