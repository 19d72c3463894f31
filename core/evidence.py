"""Evidence attached to a status update: only documents and images a council would file, 10 MB at most."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django import forms
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.text import get_valid_filename

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024

# Extension -> (content type served on download, leading bytes the file must start with).
ZIP = b"PK\x03\x04"  # .docx and .xlsx are zip containers
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc and .xls
EVIDENCE_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".doc": ("application/msword", (OLE,)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (ZIP,)),
    ".xls": ("application/vnd.ms-excel", (OLE,)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (ZIP,)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
}
WRONG_TYPE = "The selected file must be a PDF, Word document, Excel spreadsheet, PNG or JPEG"
TOO_BIG = "The selected file must be smaller than 10MB"
EMPTY = "The selected file is empty"
NOT_SAVED = (
    "The evidence file could not be saved, so the update has not been recorded. Select the file again and send the "
    "update, or send it without the file"
)

logger = logging.getLogger(__name__)


class EvidenceNotSaved(Exception):
    """The file could not be written to storage (a full or read-only disk, storage unreachable)."""


def validate_evidence(upload: UploadedFile | None) -> UploadedFile | None:
    """Check the type by extension and by content, and the size; return the file with a safe name."""
    if not upload:
        return None
    if upload.size > MAX_EVIDENCE_BYTES:
        raise forms.ValidationError(TOO_BIG, code="too_big")
    if upload.size == 0:
        raise forms.ValidationError(EMPTY, code="empty")
    extension = Path(upload.name or "").suffix.lower()
    if extension not in EVIDENCE_TYPES:
        raise forms.ValidationError(WRONG_TYPE, code="wrong_type")
    _, signatures = EVIDENCE_TYPES[extension]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(signature) for signature in signatures):
        raise forms.ValidationError(WRONG_TYPE, code="wrong_type")
    upload.name = get_valid_filename(Path(upload.name).name)[:100] or f"evidence{extension}"
    return upload


def content_type_for(name: str) -> str:
    return EVIDENCE_TYPES.get(Path(name).suffix.lower(), ("application/octet-stream", ()))[0]


def download(evidence: FieldFile) -> FileResponse:
    """The evidence as an attachment (never shown inline), once the caller has checked access to its item."""
    if not evidence:
        raise Http404("No evidence")
    name = evidence.name.rsplit("/", 1)[-1]
    try:
        handle = evidence.open("rb")
    except FileNotFoundError:
        raise Http404("The evidence file is missing from storage") from None
    response = FileResponse(handle, as_attachment=True, filename=name)
    response["Content-Type"] = content_type_for(name)
    return response


@contextmanager
def stored(upload: UploadedFile | None, *, folder: str) -> Iterator[str | None]:
    """Write the evidence to storage before the database transaction, and remove it if the block raises.

    Yields the stored name for the status update's FileField (assigning a name writes nothing), or None without a
    file. Writing first keeps the transaction short and means a failed write changes nothing: the partial file is
    removed and EvidenceNotSaved raised before any row exists. If the transaction then fails (a stale form, a
    refused update), the file it would have pointed to is removed, so no file is left that no row names.
    """
    if not upload:
        yield None
        return
    name = default_storage.get_available_name(f"{folder}/{upload.name}")
    try:
        name = default_storage.save(name, upload)
    except OSError as error:
        logger.error("Evidence file %s could not be saved: %s", name, error)
        _remove(name)
        raise EvidenceNotSaved(str(error)) from error
    try:
        yield name
    except BaseException:
        _remove(name)
        raise


def _remove(name: str) -> None:
    try:
        if default_storage.exists(name):
            default_storage.delete(name)
    except OSError as error:
        logger.error("Evidence file %s could not be removed after a failed update: %s", name, error)
