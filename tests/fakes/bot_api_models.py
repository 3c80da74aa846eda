"""Old home of the simulator's records; they live in simulator.telegram now."""

from simulator.telegram.images import image_size, make_png
from simulator.telegram.models import (
    ApiError,
    Call,
    CallbackAnswer,
    Edit,
    FakeUser,
    Injected,
    SentMessage,
    StoredFile,
    UploadedFile,
    bad_request,
)
from simulator.telegram.params import Params

__all__ = [
    "ApiError",
    "Call",
    "CallbackAnswer",
    "Edit",
    "FakeUser",
    "Injected",
    "Params",
    "SentMessage",
    "StoredFile",
    "UploadedFile",
    "bad_request",
    "image_size",
    "make_png",
]
