"""The article PDF's lifecycle: find the current file, render it when missing or stale,
stamp it for each download.

Rendering runs WeasyPrint in a child process (`python -m masthead.pdf.render`) with a time
limit, so a pathological article cannot hang or bloat a web or job process; the parent
reads the database and writes the result, the child only turns HTML into PDF bytes.
"""

from __future__ import annotations

import datetime
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.core.files.base import ContentFile
from django.utils import timezone

from masthead.pdf.models import ArticlePdf, check_pdf_upload
from masthead.pdf.render import article_html, figure_files, page_count
from masthead.pdf.stamp import stamp_pdf

DEFAULT_TIME_LIMIT = 120


class PdfUnavailable(Exception):
    """No PDF can be served for the article now (the render failed or timed out)."""


def pdf_for(article) -> ArticlePdf | None:
    """The file to serve: the publisher's upload, or one generated from the current version."""
    pdf = ArticlePdf.objects.filter(article=article).first()
    return pdf if pdf is not None and _serves(pdf, article) else None


def needs_render(article) -> str:
    """Why the article needs a (new) generated PDF, or "" when it does not."""
    if not article.body_html:
        return ""
    pdf = ArticlePdf.objects.filter(article=article).first()
    if pdf is None or not pdf.file:
        return "missing"
    if pdf.source == ArticlePdf.UPLOADED:
        return ""
    if pdf.version != article.version:
        return f"stale (version {pdf.version} -> {article.version})"
    return ""


def due_count() -> int:
    """How many articles `needs_render` would render now (the worker's backlog), counted
    in the database: full text, and no file, or a generated one of an older version."""
    from django.db.models import Exists, OuterRef, Q

    from masthead.catalog.models import Article

    current = ArticlePdf.objects.filter(article=OuterRef("pk")).exclude(file="")
    current = current.filter(Q(source=ArticlePdf.UPLOADED) | Q(version=OuterRef("version")))
    return Article.objects.exclude(body_html="").exclude(Exists(current)).count()


def ensure_pdf(article, time_limit: float = DEFAULT_TIME_LIMIT, force: bool = False) -> ArticlePdf:
    """The current PDF, rendered first if missing or stale (or `force`d; uploads never are).

    On failure the previous file stays, the failure is recorded on the row, and
    PdfUnavailable is raised."""
    pdf, _ = ArticlePdf.objects.get_or_create(article=article)
    if _serves(pdf, article) and not (force and pdf.source == ArticlePdf.GENERATED):
        return pdf
    started = time.monotonic()
    try:
        data = _render_in_child(article, time_limit)
        pages = page_count(data)
    except Exception as error:  # noqa: BLE001 - any failure is recorded, then reported
        message = _describe(error, time_limit)
        ArticlePdf.objects.filter(pk=pdf.pk).update(error=message, error_at=timezone.now())
        raise PdfUnavailable(f"No PDF for {article.doi}: {message}") from error
    old_name = pdf.file.name if pdf.file else ""
    pdf.file.save(f"{_slug(article.doi)}-v{article.version}.pdf", ContentFile(data), save=False)
    pdf.source = ArticlePdf.GENERATED
    pdf.version = article.version
    pdf.pages = pages
    pdf.size = len(data)
    pdf.rendered_at = timezone.now()
    pdf.render_seconds = round(time.monotonic() - started, 3)
    pdf.error = ""
    pdf.error_at = None
    pdf.save()
    if old_name and old_name != pdf.file.name:
        pdf.file.storage.delete(old_name)
    return pdf


def save_upload(article, name: str, data: bytes) -> ArticlePdf:
    """Store a publisher's own PDF for the article (checked first; ValidationError if not a PDF)."""
    check_pdf_upload(name, data)
    pdf, _ = ArticlePdf.objects.get_or_create(article=article)
    old_name = pdf.file.name if pdf.file else ""
    pdf.file.save(f"{_slug(article.doi)}-publisher.pdf", ContentFile(data), save=False)
    pdf.source = ArticlePdf.UPLOADED
    pdf.version = article.version
    pdf.pages = page_count(data)
    pdf.size = len(data)
    pdf.rendered_at = timezone.now()
    pdf.render_seconds = None
    pdf.error, pdf.error_at = "", None
    pdf.save()
    if old_name and old_name != pdf.file.name:
        pdf.file.storage.delete(old_name)
    return pdf


def stamp_text(who: str, now: datetime.datetime) -> str:
    return f"Downloaded by {who} at {_utc(now)}"


def open_access_text(article, now: datetime.datetime) -> str:
    licence = licence_name(article.license_url)
    parts = ["Open access", licence, article.license_url]
    return f"{': '.join(filter(None, parts[:2]))} {parts[2]}".strip() + f" — downloaded {_utc(now)}"


def licence_name(url: str) -> str:
    """ "CC BY 4.0" for https://creativecommons.org/licenses/by/4.0/, "" when unknown."""
    match = re.search(r"creativecommons\.org/(licenses|publicdomain)/([a-z-]+)/(\d\.\d)", url or "")
    if not match:
        return ""
    kind = "CC0" if match.group(2) == "zero" else "CC " + match.group(2).upper()
    return f"{kind} {match.group(3)}"


def download_bytes(article, who: str, now: datetime.datetime, render: bool = True) -> bytes:
    """The PDF as one reader downloads it, stamped on every page (with the licence line for
    open-access articles). Renders it first when missing or stale and `render` (may raise
    PdfUnavailable); with render=False a missing PDF raises PdfUnavailable at once."""
    pdf = pdf_for(article)
    if pdf is None:
        if not render:
            raise PdfUnavailable(f"No PDF for {article.doi} yet.")
        pdf = ensure_pdf(article)
    with pdf.file.open("rb") as handle:
        data = handle.read()
    text = open_access_text(article, now) if article.is_open_access else stamp_text(who, now)
    return stamp_pdf(data, text)


# -- helpers --------------------------------------------------------------------------


def _serves(pdf: ArticlePdf, article) -> bool:
    """A file that shows this article: the publisher's, or generated from this version."""
    return bool(pdf.file) and (pdf.source == ArticlePdf.UPLOADED or pdf.version == article.version)


def _render_in_child(article, time_limit: float) -> bytes:
    files = figure_files(article)
    html = article_html(article, files)
    with tempfile.TemporaryDirectory(prefix="masthead-pdf-") as tmp:
        job, out = Path(tmp) / "job.json", Path(tmp) / "out.pdf"
        job.write_text(json.dumps({"html": html, "files": files}), encoding="utf-8")
        result = subprocess.run(  # noqa: S603 - our own module, our own arguments
            [sys.executable, "-m", "masthead.pdf.render", str(job), str(out)],
            capture_output=True,
            timeout=time_limit,
            check=False,
        )
        if result.returncode != 0:
            tail = result.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise RuntimeError(" / ".join(tail) or f"exit status {result.returncode}")
        return out.read_bytes()


def _describe(error: Exception, time_limit: float) -> str:
    if isinstance(error, subprocess.TimeoutExpired):
        return f"rendering took longer than {time_limit:g} s and was stopped"
    return f"rendering failed: {type(error).__name__}: {error}"[:2000]


def _utc(now: datetime.datetime) -> str:
    if timezone.is_naive(now):
        now = timezone.make_aware(now, datetime.UTC)
    return now.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _slug(doi: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", doi)[:150]
