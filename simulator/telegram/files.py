"""Files: what users and the bot upload, getFile, and downloads from the file host."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from simulator.telegram.images import image_size, make_png
from simulator.telegram.models import (
    JSONDict,
    StoredFile,
    UploadedFile,
    bad_request,
)
from simulator.telegram.params import Params
from simulator.telegram.state import State

_FILE_ID_PREFIX = {
    "photo": "AgACAgUAAxkBAAI",
    "document": "BQACAgUAAxkBAAI",
    "voice": "AwACAgUAAxkBAAI",
    "sticker": "CAACAgUAAxkBAAI",
    "video": "BAACAgUAAxkBAAI",
    "audio": "CQACAgUAAxkBAAI",
}
_FILE_FOLDER = {
    "photo": ("photos", "jpg"),
    "document": ("documents", "bin"),
    "voice": ("voice", "oga"),
    "sticker": ("stickers", "webp"),
    "video": ("videos", "mp4"),
    "audio": ("music", "mp3"),
}
FILE_DOWNLOAD_LIMIT = 20 * 1024 * 1024


class Files(State):
    """Stored files, as Telegram keeps them: ids, sizes, paths."""

    def _store_file_locked(
        self,
        kind: str,
        data: bytes,
        *,
        mime_type: str | None = None,
        file_name: str | None = None,
        width: int | None = None,
        height: int | None = None,
        variant: str = "",
    ) -> StoredFile:
        number = next(self._file_counter)
        digest = hashlib.blake2b(kind.encode() + variant.encode() + data, digest_size=12)
        folder, ext = _FILE_FOLDER.get(kind, ("documents", "bin"))
        if file_name and "." in file_name:
            ext = file_name.rsplit(".", 1)[1][:8] or ext
        stored = StoredFile(
            file_id=f"{_FILE_ID_PREFIX.get(kind, 'BQACAgUAAxkBAAI')}{number}"
            f"_{secrets.token_urlsafe(12)}",
            file_unique_id=f"AQAD{digest.hexdigest()[:16]}",
            file_path=f"{folder}/file_{number}.{ext}",
            kind=kind,
            data=data,
            mime_type=mime_type,
            file_name=file_name,
            width=width,
            height=height,
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    def _store_photo_locked(self, data: bytes) -> list[StoredFile]:
        """Store a photo as several PhotoSize files sharing the same bytes."""
        width, height = image_size(data) or (1280, 960)
        longest = max(width, height, 1)
        sides = [side for side in (90, 320, 800) if side < longest] + [longest]
        sizes = []
        for side in sides:
            scale = side / longest
            sizes.append(
                self._store_file_locked(
                    "photo",
                    data,
                    width=max(1, round(width * scale)),
                    height=max(1, round(height * scale)),
                    variant=str(side),
                )
            )
        group = tuple(s.file_id for s in sizes)
        for stored in sizes:
            stored.group = group
        return sizes

    def _photo_sizes_locked(self, stored: StoredFile) -> list[JSONDict]:
        ids = stored.group or (stored.file_id,)
        return [
            {
                "file_id": f.file_id,
                "file_unique_id": f.file_unique_id,
                "width": f.width or 1,
                "height": f.height or 1,
                "file_size": f.file_size,
            }
            for f in (self._files[i] for i in ids)
        ]

    @staticmethod
    def _file_dict(stored: StoredFile, **extra: Any) -> JSONDict:
        data: JSONDict = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
        }
        if stored.file_name:
            data["file_name"] = stored.file_name
        if stored.mime_type:
            data["mime_type"] = stored.mime_type
        data.update(extra)
        return data

    def _stored_upload_locked(self, kind: str, upload: UploadedFile) -> StoredFile:
        if not upload.data:
            raise bad_request("file must be non-empty")
        if kind == "photo":
            size = image_size(upload.data)
            if size is None:
                raise bad_request("IMAGE_PROCESS_FAILED")
            width, height = size
            if width + height > 10000 or max(width, height) > 20 * max(min(width, height), 1):
                raise bad_request("PHOTO_INVALID_DIMENSIONS")
            return self._store_photo_locked(upload.data)[-1]
        return self._store_file_locked(
            kind,
            upload.data,
            mime_type=upload.content_type or "application/octet-stream",
            file_name=upload.filename,
        )

    def _input_file_locked(
        self,
        value: Any,
        files: dict[str, UploadedFile],
        kind: str,
        *,
        missing: str,
        direct: UploadedFile | None = None,
    ) -> StoredFile:
        """A file given as an upload, an attach:// reference, a file_id or an URL."""
        if direct is None and isinstance(value, str) and value.startswith("attach://"):
            direct = files.get(value.removeprefix("attach://"))
            if direct is None:
                raise bad_request("can't parse InputMedia: media not found")
        if direct is not None:
            return self._stored_upload_locked(kind, direct)
        if value is None or value == "":
            raise bad_request(missing)
        if not isinstance(value, str):
            raise bad_request("wrong file identifier/HTTP URL specified")
        if value.startswith(("http://", "https://")):
            # Not fetched: a placeholder file stands in for the URL's content.
            data = make_png(320, 240) if kind == "photo" else b""
            if kind == "photo":
                return self._store_photo_locked(data)[-1]
            return self._store_file_locked(kind, data, file_name=value.rsplit("/", 1)[-1])
        stored = self._files.get(value)
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if stored.kind != kind:
            raise bad_request(
                f"can't use file of type {stored.kind.capitalize()} as {kind.capitalize()}"
            )
        return stored

    def _media_content_locked(self, kind: str, stored: StoredFile, item: JSONDict) -> JSONDict:
        if kind == "photo":
            return {"photo": self._photo_sizes_locked(stored)}
        if kind == "video":
            extra = {
                "width": int(item.get("width") or stored.width or 640),
                "height": int(item.get("height") or stored.height or 360),
                "duration": int(item.get("duration") or 0),
            }
            return {"video": self._file_dict(stored, **extra)}
        if kind == "audio":
            return {"audio": self._file_dict(stored, duration=int(item.get("duration") or 0))}
        return {"document": self._file_dict(stored)}

    def _get_file(self, p: Params) -> JSONDict:
        stored = self._files.get(p.get_str("file_id") or "")
        if stored is None:
            raise bad_request("invalid file_id")
        if stored.file_size > FILE_DOWNLOAD_LIMIT:
            raise bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
            "file_path": stored.file_path,
        }

    def _download(self, file_path: str) -> bytes | None:
        """Bytes served at /file/bot<token>/<file_path>, or None."""
        with self._lock:
            stored = self._files_by_path.get(file_path)
            return None if stored is None else stored.data

    def file_bytes(self, file_id: str) -> bytes:
        with self._lock:
            return self._files[file_id].data
