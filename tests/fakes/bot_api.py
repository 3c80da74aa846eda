"""A fake Telegram Bot API server for tests: real HTTP on loopback, in a background thread.

Point python-telegram-bot at it with ``base_url=api.base_url`` and
``base_file_url=api.base_file_url``; drive it from tests with the thread-safe methods
(``add_user``, ``send_text``, ``press_button``, ``fail_next`` …) and the async waits.

Typical use::

    with FakeBotAPI(token=TOKEN) as api:
        officer = api.add_user(1001, "Somchai")
        app = ApplicationBuilder().token(TOKEN).base_url(api.base_url) \
            .base_file_url(api.base_file_url).build()
        ...  # start polling
        mark = api.mark()
        api.send_text(officer, "/start")
        reply = await api.wait_for_message(officer.id, since=mark)
        query_id = api.press_button(officer, reply, "confirm")
        await api.wait_for_callback_answer(query_id)

Run by hand: ``python -m tests.fakes.bot_api --port 8081`` (see ``main``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import socket
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.bot_api_methods import BotAPIMethods, Outcome
from tests.fakes.bot_api_models import (
    ApiError,
    Call,
    CallbackAnswer,
    Params,
    SentMessage,
    UploadedFile,
)
from tests.fakes.bot_api_state import DEFAULT_TOKEN

__all__ = ["FakeBotAPI", "main"]

T = TypeVar("T")
JSONDict = dict[str, Any]
_TOKEN_RE = re.compile(r"[0-9]+:[A-Za-z0-9_-]+")
_MAX_UPLOAD = 50 * 1024 * 1024


def _error_response(error: ApiError) -> Response:
    return Response(
        json.dumps(error.payload()), status_code=error.code, media_type="application/json"
    )


class FakeBotAPI(BotAPIMethods):
    """The fake Bot API: state + methods (see the base classes) + an HTTP server.

    ``start()``/``stop()`` or ``with FakeBotAPI() as api:``. The server runs uvicorn on
    its own event loop in a daemon thread, so the bot may run in the test's loop or in
    another process.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "phichit_incident_bot",
        bot_first_name: str = "Incident Bot",
        *,
        port: int = 0,
        strict_html: bool = True,
        callback_query_timeout: float | None = None,
    ) -> None:
        super().__init__(
            token,
            bot_username,
            bot_first_name,
            strict_html=strict_html,
            callback_query_timeout=callback_query_timeout,
        )
        self._requested_port = port
        self._port: int | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: uvicorn.Server | None = None
        self._wakeup: asyncio.Event | None = None
        self._stop_event: asyncio.Event | None = None
        self._stopping = False

    # ------------------------------------------------------------ lifecycle
    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("FakeBotAPI is not started")
        return self._port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """For ``Bot(base_url=...)``: PTB appends ``<token>/<method>``."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    def start(self) -> FakeBotAPI:
        if self._thread is not None:
            raise RuntimeError("already started")
        # proto must be IPPROTO_TCP (not 0): asyncio only sets TCP_NODELAY on accepted
        # sockets whose proto says TCP; without it every answer waits ~40 ms (Nagle).
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind(("127.0.0.1", self._port or self._requested_port))  # restart: same port
        self._port = int(sock.getsockname()[1])
        config = uvicorn.Config(
            Starlette(routes=[Route("/{path:path}", self._endpoint, methods=["GET", "POST"])]),
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=1,
        )
        server = uvicorn.Server(config)
        self._server = server
        self._stopping = False
        ready = threading.Event()
        self._thread = threading.Thread(
            target=self._thread_main, args=(server, sock, ready), name="fake-bot-api", daemon=True
        )
        self._thread.start()
        ready.wait(10)
        if not server.started:
            self.stop()
            raise RuntimeError("the fake Bot API server did not start")
        return self

    def stop(self) -> None:
        """Stop the server: answers in progress (long polls, delays) are cut short.

        State is kept, and ``start()`` again listens on the same port, so a test can
        simulate Telegram being unreachable for a while.
        """
        thread, server, loop = self._thread, self._server, self._loop
        if thread is None or server is None:
            return
        self._stopping = True
        if loop is not None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._wake_all)
        thread.join(5)
        if thread.is_alive():  # pragma: no cover - fall back on uvicorn's own shutdown
            server.should_exit = server.force_exit = True
            thread.join(5)
        self._thread = self._server = self._loop = None
        self._notify = lambda: None
        self._stopping = False

    def __enter__(self) -> FakeBotAPI:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _thread_main(
        self, server: uvicorn.Server, sock: socket.socket, ready: threading.Event
    ) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        try:
            loop.run_until_complete(self._serve(server, sock, ready))
            leftovers = asyncio.all_tasks(loop)
            for task in leftovers:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*leftovers, return_exceptions=True))
        finally:
            ready.set()
            sock.close()
            loop.close()

    async def _serve(
        self, server: uvicorn.Server, sock: socket.socket, ready: threading.Event
    ) -> None:
        self._wakeup = asyncio.Event()
        self._stop_event = stop_event = asyncio.Event()
        loop = asyncio.get_running_loop()

        def notify() -> None:
            with contextlib.suppress(RuntimeError):  # loop already closed
                loop.call_soon_threadsafe(self._pulse)

        self._notify = notify
        serving = asyncio.create_task(server.serve(sockets=[sock]))
        webhook = asyncio.create_task(self._webhook_worker())
        while not server.started and not serving.done():  # noqa: ASYNC110 - uvicorn has no event
            await asyncio.sleep(0.005)
        ready.set()
        stopping = asyncio.create_task(stop_event.wait())
        await asyncio.wait([serving, stopping], return_when=asyncio.FIRST_COMPLETED)
        # A quicker shutdown than uvicorn's (which polls every 0.1 s): stop accepting,
        # close idle keep-alive connections, let answers being written finish, cancel.
        for listener in getattr(server, "servers", []):
            listener.close()
        for connection in list(server.server_state.connections):
            connection.shutdown()
        deadline = time.monotonic() + 2
        while server.server_state.tasks and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.005)
        for task in (serving, webhook, stopping):
            task.cancel()
        await asyncio.gather(serving, webhook, stopping, return_exceptions=True)

    def _pulse(self) -> None:
        """Wake everything waiting for news (runs on the server loop)."""
        if self._wakeup is not None:
            self._wakeup.set()
            self._wakeup = asyncio.Event()

    def _wake_all(self) -> None:
        if self._stop_event is not None:
            self._stop_event.set()
        self._pulse()

    async def _wait_news(self, event: asyncio.Event | None, seconds: float) -> None:
        if event is None or seconds <= 0:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), seconds)

    async def _sleep(self, seconds: float) -> None:
        """Sleep on the server loop, cut short by stop()."""
        await self._wait_news(self._stop_event, seconds)

    # ----------------------------------------------------------------- HTTP
    async def _endpoint(self, request: Request) -> Response:
        path: str = request.scope["path"]
        if path.startswith("/bot"):
            token, _, method = path[4:].partition("/")
            return await self._api_request(request, token, method)
        if path.startswith("/file/bot"):
            token, _, file_path = path[9:].partition("/")
            return self._file_request(token, file_path)
        if path.startswith("/_test/"):
            return await self._test_request(request, path[7:])
        return _error_response(ApiError(404, "Not Found"))

    def _token_error(self, token: str) -> ApiError | None:
        if token == self.token:
            return None
        if _TOKEN_RE.fullmatch(token):
            return ApiError(401, "Unauthorized")
        return ApiError(404, "Not Found")  # Telegram's answer to a malformed token

    async def _read_params(self, request: Request) -> Params:
        values: dict[str, Any] = dict(request.query_params)
        files: dict[str, UploadedFile] = {}
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if request.method == "POST" and content_type == "application/json":
            body = await request.body()
            if body.strip():
                try:
                    data = json.loads(body)
                except ValueError:
                    raise ApiError(400, "Bad Request: can't parse JSON object") from None
                if not isinstance(data, dict):
                    raise ApiError(400, "Bad Request: can't parse JSON object")
                values.update(data)
        elif request.method == "POST" and content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            async with request.form(max_part_size=_MAX_UPLOAD) as form:
                for key, value in form.multi_items():
                    if isinstance(value, UploadFile):
                        files[key] = UploadedFile(
                            value.filename, value.content_type, await value.read()
                        )
                    else:
                        values[key] = value
        return Params.from_strings(values, files)

    async def _api_request(self, request: Request, token: str, method: str) -> Response:
        error = self._token_error(token)
        if error is None and (not method or "/" in method):
            error = ApiError(404, "Not Found")
        if error is not None:
            return _error_response(error)
        try:
            params = await self._read_params(request)
        except ApiError as bad:
            return _error_response(bad)
        outcome = self._execute(method, params)
        try:
            if outcome.long_poll is not None:
                outcome = await self._long_poll(request, outcome)
            if outcome.delay > 0:
                await self._sleep(outcome.delay)
            return Response(
                outcome.body,
                status_code=outcome.status,
                media_type="application/json",
                headers=outcome.headers,
            )
        finally:
            self._request_done(outcome)

    async def _long_poll(self, request: Request, outcome: Outcome) -> Outcome:
        poll = outcome.long_poll
        assert poll is not None
        gone = False
        while True:
            event = self._wakeup  # taken before checking, so no wake-up is missed
            answer = self._poll_updates(outcome, final=self._stopping, gone=gone)
            if answer is not None:
                return answer
            await self._wait_news(event, poll.deadline - time.monotonic())
            # A client that gave up (PTB cancels its poll on shutdown) gets no updates.
            gone = await request.is_disconnected()

    def _file_request(self, token: str, file_path: str) -> Response:
        error = self._token_error(token)
        data = None if error is not None else self._download(file_path)
        if data is None:
            return _error_response(error or ApiError(404, "Not Found"))
        return Response(data, media_type="application/octet-stream")

    async def _webhook_worker(self) -> None:
        """POST pending updates to the webhook URL, one at a time, while one is set."""
        async with httpx.AsyncClient(timeout=10) as client:
            while not self._stopping:
                event = self._wakeup
                item = self._webhook_next()
                if item is None:
                    await self._wait_news(event, 1.0)
                    continue
                url, secret, update = item
                headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
                error: str | None = None
                try:
                    answer = await client.post(url, json=update, headers=headers)
                    if not answer.is_success:
                        error = f"Wrong response from the webhook: {answer.status_code} " + (
                            answer.reason_phrase
                        )
                except httpx.HTTPError as exc:
                    error = f"Connection failed: {type(exc).__name__}"
                self._webhook_done(int(update["update_id"]), error)
                if error is not None:
                    await self._sleep(0.2)

    # ------------------------------------------------------------ test API
    async def _test_request(self, request: Request, action: str) -> Response:
        """Small JSON API for driving the fake by hand (curl) or from another process."""
        data: JSONDict = {}
        if request.method == "POST" and (await request.body()).strip():
            data = await request.json()
        query = request.query_params
        try:
            result = self._test_action(request.method, action, data, query)
        except LookupError as exc:
            return JSONResponse({"ok": False, "error": f"not found: {exc}"}, status_code=404)
        except (ValueError, TypeError) as exc:
            return JSONResponse({"ok": False, "error": str(exc)}, status_code=400)
        return JSONResponse({"ok": True, "result": result})

    def _test_action(self, verb: str, action: str, data: JSONDict, query: Any) -> Any:
        if verb == "POST" and action == "users":
            return self.add_user(
                int(data["user_id"]),
                str(data["first_name"]),
                data.get("last_name"),
                data.get("username"),
                data.get("language_code", "th"),
            ).to_dict()
        if verb == "POST" and action == "groups":
            return self.add_group(int(data["chat_id"]), str(data["title"]))
        if verb == "POST" and action == "send_text":
            return self.send_text(
                int(data["user_id"]),
                str(data["text"]),
                reply_to=data.get("reply_to_message_id"),
                chat_id=data.get("chat_id"),
            ).update
        if verb == "POST" and action == "send_location":
            return self.send_location(
                int(data["user_id"]), float(data["latitude"]), float(data["longitude"])
            ).update
        if verb == "POST" and action == "press_button":
            user_id = int(data["user_id"])
            chat_id = int(data.get("chat_id", user_id))
            ref = {"chat": {"id": chat_id}, "message_id": int(data["message_id"])}
            return {
                "callback_query_id": self.press_button(user_id, ref, str(data["callback_data"]))
            }
        if verb == "POST" and action == "inject":
            return self.inject_update(data).update
        if verb == "POST" and action == "reset":
            self.reset()
            return True
        if verb == "GET" and action == "sent":
            chat = query.get("chat_id")
            return [m.to_dict() for m in self.sent_messages(None if chat is None else int(chat))]
        if verb == "GET" and action == "calls":
            return [_call_json(c) for c in self.calls(query.get("method"))]
        raise LookupError(f"{verb} /_test/{action}")

    # ---------------------------------------------------------------- waits
    async def wait_until(
        self,
        predicate: Callable[[], T | None],
        timeout: float = 5.0,
        *,
        interval: float = 0.01,
        what: str = "the condition",
    ) -> T:
        """Poll ``predicate`` until it returns something truthy and return that.

        Raises AssertionError with a dump of the recorded traffic after ``timeout``.
        """
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"timed out after {timeout} s waiting for {what}\n{self.dump()}"
                )
            await asyncio.sleep(interval)

    async def wait_for_message(
        self,
        chat_id: int,
        predicate: Callable[[SentMessage], bool] | None = None,
        timeout: float = 5.0,
        *,
        since: int | None = None,
    ) -> SentMessage:
        """The first bot message in ``chat_id`` (after mark ``since``) matching ``predicate``."""

        def find() -> SentMessage | None:
            for message in self.sent_messages(chat_id, since=since):
                if predicate is None or predicate(message):
                    return message
            return None

        return await self.wait_until(
            find, timeout, what=f"a bot message in chat {chat_id} (since mark {since})"
        )

    async def wait_for_messages(
        self,
        chat_id: int,
        count: int,
        timeout: float = 5.0,
        *,
        since: int | None = None,
    ) -> list[SentMessage]:
        """At least ``count`` bot messages in ``chat_id`` after ``since``; returns them all."""

        def find() -> list[SentMessage] | None:
            found = self.sent_messages(chat_id, since=since)
            return found if len(found) >= count else None

        return await self.wait_until(
            find, timeout, what=f"{count} bot messages in chat {chat_id} (since mark {since})"
        )

    async def wait_for_call(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        timeout: float = 5.0,
        *,
        since: int | None = None,
    ) -> Call:
        """The first answered call of ``method`` (after ``since``) matching ``predicate``."""

        def find() -> Call | None:
            for call in self.calls(method, since=since):
                if call.status and (predicate is None or predicate(call)):
                    return call
            return None

        return await self.wait_until(find, timeout, what=f"a {method} call (since mark {since})")

    async def wait_for_callback_answer(
        self,
        query_id: str,
        timeout: float = 5.0,
    ) -> CallbackAnswer:
        def find() -> CallbackAnswer | None:
            answers = self.callback_answers(query_id)
            return answers[0] if answers else None

        return await self.wait_until(find, timeout, what=f"an answer to callback query {query_id}")

    async def wait_idle(
        self,
        quiet: float = 0.1,
        timeout: float = 5.0,
    ) -> None:
        """Wait until every queued update was fetched, no request is being answered and
        no request (getUpdates aside) arrived for ``quiet`` seconds. A heuristic: a
        handler busy elsewhere for longer than ``quiet`` looks idle."""

        def idle() -> bool:
            with self._lock:
                return (
                    self._in_flight == 0
                    and all(p.delivered > 0 for p in self._pending)
                    and time.monotonic() - self._last_activity >= quiet
                )

        await self.wait_until(idle, timeout, what="the bot to become idle")

    def dump(self, limit: int = 20) -> str:
        """Readable summary of recent bot messages and calls, for failure messages."""
        with self._lock:
            sent = self._sent[-limit:]
            calls = [c for c in self._calls if c.method != "getUpdates"][-limit:]
            polls = sum(1 for c in self._calls if c.method == "getUpdates")
            pending = len(self._pending)
        lines = [f"--- bot messages (last {len(sent)}):"]
        for m in sent:
            flags = " (deleted)" if m.deleted else ""
            buttons = f" buttons={m.callback_data}" if m.callback_data else ""
            lines.append(f"  chat={m.chat_id} #{m.message_id} {m.kind}{flags}: {m.text!r}{buttons}")
        lines.append(f"--- calls (last {len(calls)}, plus {polls} getUpdates):")
        for c in calls:
            params = {k: v for k, v in c.params.items() if k not in ("reply_markup",)}
            note = f" {c.description}" if c.description else ""
            lines.append(f"  {c.method} -> {c.status or 'pending'}{note} {params}"[:300])
        lines.append(f"--- updates not yet confirmed: {pending}")
        return "\n".join(lines)


def _call_json(call: Call) -> JSONDict:
    return {
        "seq": call.seq,
        "method": call.method,
        "params": call.params,
        "files": {
            name: {"filename": f.filename, "content_type": f.content_type, "size": len(f.data)}
            for name, f in call.files.items()
        },
        "status": call.status,
        "response": call.response,
        "delayed": call.delayed,
    }


def main(argv: list[str] | None = None) -> int:
    """Serve a fake Bot API on 127.0.0.1 until Ctrl-C."""
    parser = argparse.ArgumentParser(description="Fake Telegram Bot API for manual testing")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--username", default="phichit_incident_bot")
    args = parser.parse_args(argv)
    api = FakeBotAPI(args.token, args.username, port=args.port).start()
    print(
        f"Fake Telegram Bot API at {api.url}\n"
        f"  base_url:      {api.base_url}\n"
        f"  base_file_url: {api.base_file_url}\n"
        f"  token:         {api.token}\n"
        f"  test API:      POST {api.url}/_test/users|groups|send_text|send_location|"
        "press_button|inject|reset, GET /_test/sent?chat_id=… and /_test/calls?method=…",
        flush=True,
    )
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        api.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
