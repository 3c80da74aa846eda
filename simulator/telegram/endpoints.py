"""The HTTP side: Bot API requests, long polls, file downloads, webhook deliveries."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from typing import Any

import httpx
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from simulator.telegram.control import Control
from simulator.telegram.dispatch import Dispatch
from simulator.telegram.models import (
    ApiError,
    Outcome,
    UploadedFile,
)
from simulator.telegram.params import Params

_TOKEN_RE = re.compile(r"[0-9]+:[A-Za-z0-9_-]+")
_MAX_UPLOAD = 50 * 1024 * 1024


def _error_response(error: ApiError) -> Response:
    return Response(
        json.dumps(error.payload()), status_code=error.code, media_type="application/json"
    )


class Endpoints(Dispatch, Control):
    """Parses requests, waits (long polls, delays) and writes answers."""

    # Set by the server (see server.py) while it runs.
    _wakeup: asyncio.Event | None
    _stop_event: asyncio.Event | None
    _stopping: bool

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
