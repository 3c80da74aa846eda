"""A small JSON API under /_test/ to drive the simulator from curl or another process."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from simulator.telegram.actors import Actors
from simulator.telegram.driving import Driving
from simulator.telegram.feed import Feed
from simulator.telegram.models import (
    Call,
    JSONDict,
)
from simulator.telegram.reading import Reading


class Control(Actors, Driving, Reading, Feed):
    """``POST /_test/users|groups|send_text|…``, ``GET /_test/sent|calls|view|changes``."""

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
        if verb == "GET" and action == "view":
            return asdict(self.chat_view(int(query["chat_id"])))
        if verb == "GET" and action == "changes":
            chat = query.get("chat_id")
            since = int(query.get("since", 0))
            found = self.changes_since(since, None if chat is None else int(chat))
            return [asdict(c) for c in found]
        raise LookupError(f"{verb} /_test/{action}")


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
