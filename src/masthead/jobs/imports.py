"""Imports uploaded in the back office: kept under MASTHEAD_HOME/imports, run by the worker.

The file is recognised before anything is saved, then saved, then its job enqueued; a
worker on another host reads it from the shared MASTHEAD_HOME, where the web processes
write PDFs and figures too.
"""

from __future__ import annotations

import re
import uuid
import zlib
from pathlib import Path

from django.conf import settings

from masthead.jobs.models import Job
from masthead.jobs.services import enqueue_command

LARGEST = 500 * 1024 * 1024  # bytes: a PubMed baseline file is about 100 MB unpacked
_ROOTS = {b"<PubmedArticleSet": "import_pubmed", b"<article": "import_jats"}
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


class UploadRefused(ValueError):
    """What was sent is not something Masthead imports; the message says why."""


def command_for(head: bytes) -> str:
    """`import_pubmed` or `import_jats`, from the first bytes of the file (gzip or not)."""
    if head[:2] == b"\x1f\x8b":
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 8192)
        except zlib.error:
            raise UploadRefused("The file starts as gzip data but is not.") from None
    for root, command in _ROOTS.items():
        if root in head:
            return command
    raise UploadRefused(
        "Neither JATS (<article>) nor PubMed (<PubmedArticleSet>) XML: nothing to import."
    )


def safe_name(name: str) -> str:
    stem = _SAFE.sub("-", Path(name).name).strip(".-")[:100]
    return stem or "upload.xml"


def queue_upload(upload, journal_code: str | None = None) -> Job:
    """Save an uploaded file and queue its import; UploadRefused says what is wrong."""
    if upload.size > LARGEST:
        raise UploadRefused(f"The file is larger than {LARGEST // 1024 // 1024} MB.")
    first = next(upload.chunks(8192), b"")
    command = command_for(first)
    if journal_code and command != "import_jats":
        raise UploadRefused("A journal is chosen for JATS files only (PubMed names its own).")
    folder = Path(settings.MASTHEAD_HOME) / "imports" / uuid.uuid4().hex
    folder.mkdir(parents=True)
    path = folder / safe_name(upload.name)
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    args = [str(path), "--quiet"]
    if journal_code:
        args += ["--journal", journal_code]
    return enqueue_command(command, *args)
