"""Faults a test injects: error answers, server errors, late answers."""

from __future__ import annotations

from typing import Any

from simulator.telegram.models import (
    ApiError,
)
from simulator.telegram.state import _DEFAULT_DESCRIPTIONS, State, _Delay, _Fault, _norm_method


class Faults(State):
    """The next calls of a method fail, or answer late."""

    # ---------------------------------------------------------------- faults
    def fail_next(
        self,
        method: str,
        error_code: int,
        description: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: int | str | None = None,
    ) -> None:
        """The next ``times`` calls of ``method`` (for ``chat_id`` only, if given) fail.

        Nothing is sent for a failed call. 429 carries ``retry_after`` (default 1 s).
        """
        if error_code == 429:
            retry_after = 1 if retry_after is None else retry_after
            description = description or f"Too Many Requests: retry after {retry_after}"
        description = description or _DEFAULT_DESCRIPTIONS.get(error_code, "Bad Request")
        fault = _Fault(
            method=_norm_method(method),
            code=error_code,
            description=description,
            retry_after=retry_after if error_code == 429 else None,
            times=times,
            chat_id=None if chat_id is None else str(chat_id),
        )
        with self._lock:
            self._faults.append(fault)

    def fail_server(self, times: int = 1, status: int = 500, method: str | None = None) -> None:
        """The next ``times`` requests (of ``method``, or of any method) get 500/502."""
        if status not in (500, 502):
            raise ValueError("status must be 500 or 502")
        with self._lock:
            self._faults.append(
                _Fault(
                    _norm_method(method), status, _DEFAULT_DESCRIPTIONS[status], None, times, None
                )
            )

    def delay(
        self, method: str, seconds: float, times: int = 1, chat_id: int | str | None = None
    ) -> None:
        """Hold back the answer of the next ``times`` calls of ``method`` by ``seconds``.

        The call takes effect at once (the message is recorded as sent, as Telegram would
        have sent it); only the HTTP answer is late, so a client that gives up first sees
        a timeout although the message was delivered. ``Call.delayed`` shows the hold.
        """
        name = _norm_method(method)
        assert name is not None
        with self._lock:
            self._delays.append(
                _Delay(name, seconds, times, None if chat_id is None else str(chat_id))
            )

    # ------------------------------------------------------ fault machinery
    def _take_fault_locked(self, method: str, chat_id: Any) -> ApiError | None:
        for fault in self._faults:
            if fault.method not in (None, method.lower()):
                continue
            if fault.chat_id is not None and fault.chat_id != str(chat_id):
                continue
            fault.times -= 1
            if fault.times <= 0:
                self._faults.remove(fault)
            return ApiError(fault.code, fault.description, fault.retry_after)
        return None

    def _take_delay_locked(self, method: str, chat_id: Any) -> float:
        for rule in self._delays:
            if rule.method != method.lower():
                continue
            if rule.chat_id is not None and rule.chat_id != str(chat_id):
                continue
            rule.times -= 1
            if rule.times <= 0:
                self._delays.remove(rule)
            return rule.seconds
        return 0.0
