"""How updates reach the bot: getUpdates long polling, or a webhook."""

from __future__ import annotations

import copy
import time
from urllib.parse import urlsplit

from simulator.telegram.models import (
    ApiError,
    JSONDict,
    LongPoll,
    Outcome,
    bad_request,
)
from simulator.telegram.params import Params
from simulator.telegram.state import DEFAULT_EXCLUDED_UPDATES, State, _Webhook

WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
_LOOPBACK_HOSTS = ("localhost", "::1")


def _is_loopback(host: str | None) -> bool:
    return bool(host) and (host in _LOOPBACK_HOSTS or str(host).startswith("127."))


class Updates(State):
    """The update queue as the bot sees it."""

    def _poll_updates(self, outcome: Outcome, *, final: bool, gone: bool = False) -> Outcome | None:
        """Continue a long poll: an Outcome when it can answer, else None (keep waiting).

        ``gone``: the client disconnected; the call is closed with status 499 and no
        update is handed out (none would be lost anyway: only offsets confirm updates).
        """
        poll = outcome.long_poll
        assert poll is not None
        with self._lock:
            if gone:
                payload = ApiError(499, "client closed the connection").payload()
                return self._finish_locked(outcome.call, 499, payload)
            if poll.generation != self._poll_generation:
                return self._finish_locked(
                    outcome.call, 409, ApiError(409, POLL_CONFLICT).payload()
                )
            if self._webhook is not None:
                return self._finish_locked(
                    outcome.call, 409, ApiError(409, WEBHOOK_CONFLICT).payload()
                )
            updates = self._collect_updates_locked(poll.limit)
            if updates or final or time.monotonic() >= poll.deadline:
                return self._finish_locked(outcome.call, 200, {"ok": True, "result": updates})
            return None

    # -------------------------------------------------------------- updates
    def _get_updates(self, p: Params) -> list[JSONDict] | LongPoll:
        if self._webhook is not None:
            raise ApiError(409, WEBHOOK_CONFLICT)
        offset = p.get_int("offset") or 0
        limit = min(max(p.get_int("limit") or 100, 1), 100)
        timeout = max(p.get_int("timeout") or 0, 0)
        self._set_allowed_updates_locked(p)
        self._poll_generation += 1
        self._notify()  # an older long poll still waiting is terminated with 409
        if offset > 0:
            self._pending = [
                u
                for u in self._pending
                if int(u.update["update_id"]) >= offset or (u.force and u.delivered == 0)
            ]
        elif offset < 0:
            self._pending = self._pending[offset:]
        updates = self._collect_updates_locked(limit)
        if updates or timeout == 0:
            return updates
        return LongPoll(self._poll_generation, time.monotonic() + timeout, limit)

    def _set_allowed_updates_locked(self, p: Params) -> None:
        allowed = p.get_json("allowed_updates", "can't parse allowed_updates JSON object")
        if allowed is None:
            return
        if not isinstance(allowed, list):
            raise bad_request("can't parse allowed_updates JSON object")
        self._allowed_updates = [str(kind) for kind in allowed]

    def _collect_updates_locked(self, limit: int) -> list[JSONDict]:
        """Up to ``limit`` pending updates; drops those allowed_updates filters out."""
        allowed = set(self._allowed_updates)
        result: list[JSONDict] = []
        kept = []
        for pending in self._pending:
            kind = next((k for k in pending.update if k != "update_id"), "")
            if (allowed and kind not in allowed) or (
                not allowed and kind in DEFAULT_EXCLUDED_UPDATES
            ):
                continue
            kept.append(pending)
            if len(result) < limit:
                pending.delivered += 1
                result.append(copy.deepcopy(pending.update))
        self._pending = kept
        return result

    def _set_webhook(self, p: Params) -> bool:
        url = p.get_str("url") or ""
        if p.get_bool("drop_pending_updates"):
            self._pending.clear()
        self._set_allowed_updates_locked(p)
        if not url:
            self._webhook = None
            return True
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not _is_loopback(parts.hostname):
            raise bad_request(
                "bad webhook: this fake Bot API delivers webhooks to loopback URLs only"
            )
        self._webhook = _Webhook(
            url=url,
            secret_token=p.get_str("secret_token"),
            max_connections=p.get_int("max_connections") or 40,
        )
        self._notify()
        return True

    def _delete_webhook(self, p: Params) -> bool:
        if p.get_bool("drop_pending_updates"):
            self._pending.clear()
        self._webhook = None
        self._notify()
        return True

    def _get_webhook_info(self, p: Params) -> JSONDict:
        info: JSONDict = {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        hook = self._webhook
        if hook is not None:
            info["url"] = hook.url
            info["max_connections"] = hook.max_connections
            if self._allowed_updates:
                info["allowed_updates"] = list(self._allowed_updates)
            if hook.last_error_date is not None:
                info["last_error_date"] = hook.last_error_date
                info["last_error_message"] = hook.last_error_message
        return info

    def _webhook_next(self) -> tuple[str, str | None, JSONDict] | None:
        """(url, secret token, update) of the next update to POST to the webhook."""
        with self._lock:
            if self._webhook is None:
                return None
            updates = self._collect_updates_locked(1)
            if not updates:
                return None
            return self._webhook.url, self._webhook.secret_token, updates[0]

    def _webhook_done(self, update_id: int, error: str | None) -> None:
        """Drop the delivered update, or remember the delivery error."""
        with self._lock:
            if error is None:
                for pending in self._pending:
                    if int(pending.update["update_id"]) == update_id:
                        self._pending.remove(pending)
                        break
            elif self._webhook is not None:
                self._webhook.last_error_date = int(time.time())
                self._webhook.last_error_message = error
