"""What an anonymous case must not carry in its files: the names the files
had on the sender's computer, and the metadata inside images (camera,
place, author)."""

import io
import logging

from django.core.files.base import ContentFile

logger = logging.getLogger(__name__)


def strip_file_metadata(case) -> None:
    """Give the case's files neutral names, and re-encode images without
    their metadata (EXIF, XMP, text chunks); the answers follow."""
    renamed = {}
    for number, attachment in enumerate(case.attachments.order_by("created_at"), start=1):
        extension = attachment.original_name.rsplit(".", 1)[-1]
        attachment.original_name = f"bilaga-{number}.{extension}"
        if attachment.content_type in {"image/jpeg", "image/png"}:
            cleaned = _image_without_metadata(attachment)
            if cleaned is not None:
                old = attachment.file.name
                attachment.file.save("upload", ContentFile(cleaned), save=False)
                attachment.size = len(cleaned)
                attachment.file.storage.delete(old)
        attachment.save(update_fields=["original_name", "file", "size"])
        renamed[str(attachment.pk)] = attachment.as_answer()
    for key, value in case.answers.items():
        if isinstance(value, list):
            case.answers[key] = [
                renamed.get(item.get("id"), item) if isinstance(item, dict) else item
                for item in value
            ]
    case.save(update_fields=["answers"])


def _image_without_metadata(attachment) -> bytes | None:
    from PIL import Image

    try:
        with attachment.file.open("rb") as handle, Image.open(handle) as image:
            image.load()
            image_format = image.format
            clean = image.copy()
            clean.info = {}  # no EXIF, XMP, ICC or text chunks are written back
            out = io.BytesIO()
            clean.save(out, format=image_format)
            return out.getvalue()
    except Exception:  # a file we cannot read as an image keeps its bytes
        logger.warning("Could not strip metadata from an attachment of an anonymous case")
        return None
