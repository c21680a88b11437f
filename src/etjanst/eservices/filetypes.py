"""What kind of file an upload really is, decided by its content (magic
bytes), never by its name or the Content-Type the browser claims."""

import zipfile
from dataclasses import dataclass
from typing import IO

import puremagic


@dataclass(frozen=True)
class FileKind:
    id: str
    label: str
    mime_type: str
    extension: str

    def __str__(self) -> str:
        return self.label


KINDS: dict[str, FileKind] = {
    k.id: k
    for k in [
        FileKind("pdf", "PDF", "application/pdf", "pdf"),
        FileKind("jpeg", "JPEG", "image/jpeg", "jpg"),
        FileKind("png", "PNG", "image/png", "png"),
        FileKind("gif", "GIF", "image/gif", "gif"),
        FileKind("webp", "WebP", "image/webp", "webp"),
        FileKind("heic", "HEIC", "image/heic", "heic"),
        FileKind(
            "docx",
            "Word (docx)",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        ),
        FileKind(
            "xlsx",
            "Excel (xlsx)",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        FileKind("odt", "OpenDocument text", "application/vnd.oasis.opendocument.text", "odt"),
        FileKind(
            "ods", "OpenDocument kalkyl", "application/vnd.oasis.opendocument.spreadsheet", "ods"
        ),
    ]
}

_SIGNATURES = [
    (b"%PDF-", "pdf"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
]


def kind_by_name(name: str) -> FileKind | None:
    """The kind a file's name claims (by its extension), if one we know."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    extension = {"jpeg": "jpg", "tif": "tiff"}.get(extension, extension)
    return next((k for k in KINDS.values() if k.extension == extension), None)


def sniff(file: IO[bytes]) -> FileKind | None:
    """The kind of the file's content, or None if it is none we accept."""
    file.seek(0)
    head = file.read(64)
    file.seek(0)
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return KINDS[kind]
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return KINDS["webp"]
    if head[4:8] == b"ftyp" and head[8:12] in {b"heic", b"heix", b"mif1", b"msf1", b"heim"}:
        return KINDS["heic"]
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(file)
    try:
        guess = puremagic.from_stream(file, mime=True)
    except (puremagic.PureError, ValueError):
        guess = ""
    finally:
        file.seek(0)
    for kind in KINDS.values():
        if guess == kind.mime_type:
            return kind
    return None


def _sniff_zip(file: IO[bytes]) -> FileKind | None:
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                for kind in ("odt", "ods"):
                    if mimetype == KINDS[kind].mime_type:
                        return KINDS[kind]
            if "[Content_Types].xml" in names:
                if any(n.startswith("word/") for n in names):
                    return KINDS["docx"]
                if any(n.startswith("xl/") for n in names):
                    return KINDS["xlsx"]
    except (zipfile.BadZipFile, OSError, UnicodeDecodeError):
        return None
    finally:
        file.seek(0)
    return None


def safe_file_name(name: str, extension: str) -> str:
    """A display name without path parts or control characters, with the
    extension of what the file really is."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*')[:200]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{stem or 'fil'}.{extension}"
