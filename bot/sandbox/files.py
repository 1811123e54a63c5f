"""Files people share in the sandbox workspace: `files.info`, and the private download URL
that answers only with the bot token (otherwise, like Slack, with a sign-in page)."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

SIGN_IN_PAGE = b"<!DOCTYPE html><html><body>Sign in to Slack</body></html>"
FILETYPES = {".vtt": "text", ".srt": "text", ".txt": "text", ".json": "javascript"}


class FileStore:
    """Mixed into the workspace: its lock guards these too."""

    files: dict[str, dict[str, Any]]
    file_base: str

    def add_file(
        self, file_id: str, *, name: str, content: bytes, user: str, title: str | None = None
    ) -> dict[str, Any]:
        """Store a file and return it as message events and `files.info` describe it."""
        stored = {
            "id": file_id,
            "name": name,
            "title": title or PurePath(name).stem,
            "mimetype": "text/plain",
            "filetype": FILETYPES.get(PurePath(name).suffix.lower(), "binary"),
            "size": len(content),
            "user": user,
            "mode": "hosted",
            "url_private": f"{self.file_base}{file_id}/{name}",
            "url_private_download": f"{self.file_base}{file_id}/download/{name}",
        }
        self.files[file_id] = {**stored, "_content": content}
        return stored

    def _m_files_info(self, args: dict[str, Any]) -> dict[str, Any]:
        stored = self.files.get(str(args["file"]))
        if stored is None:
            return {"ok": False, "error": "file_not_found"}
        return {"ok": True, "file": {k: v for k, v in stored.items() if not k.startswith("_")}}

    def file_content(self, path: str, authorization: str | None, token: str) -> bytes | None:
        """The bytes behind a private URL path, or None for the sign-in page (no token)."""
        file_id = path.removeprefix("/files/").split("/", 1)[0]
        stored = self.files.get(file_id)
        if stored is None or authorization != f"Bearer {token}":
            return None
        content: bytes = stored["_content"]
        return content
