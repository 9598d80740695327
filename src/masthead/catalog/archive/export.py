"""Write the content archive: rows read in chunks, files streamed, manifest last.

The archive is written to a temporary file beside the output and renamed at the end, so
a failed export leaves no half file. Articles are read with `.iterator(chunk_size=...)`
and each file is copied through in chunks: memory does not grow with the corpus.
"""

from __future__ import annotations

import io
import json
import os
import tarfile
import tempfile
from importlib.metadata import version as package_version
from pathlib import Path

from django.db.models import Prefetch
from django.utils import timezone

from masthead.catalog.archive.manifest import MANIFEST, Digest, build_manifest
from masthead.catalog.archive.rows import to_data
from masthead.catalog.models import (
    Article,
    ArticleAsset,
    Contributor,
    Issue,
    Journal,
    Reference,
)
from masthead.pdf.models import ArticlePdf

CHUNK_SIZE = 200


def issue_key(issue: Issue | None) -> list[str] | None:
    return None if issue is None else [issue.journal.code, issue.volume, issue.number]


class _Writer:
    def __init__(self, tar: tarfile.TarFile):
        self.tar = tar
        self.members: dict[str, dict] = {}

    def add_bytes(self, name: str, data: bytes) -> None:
        self.add_stream(name, io.BytesIO(data), len(data))

    def add_stream(self, name: str, stream, size: int) -> None:
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = size, int(timezone.now().timestamp()), 0o644
        reader = Digest(stream)
        self.tar.addfile(info, reader)
        if reader.size != size:
            raise OSError(f"{name}: read {reader.size} bytes, expected {size}")
        self.members[name] = reader.entry()


def _json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1).encode()


def export_archive(output: Path, journal: Journal | None = None) -> dict[str, int]:
    """Write the archive to `output`; the counts of what it holds."""
    output = Path(output)
    journals = Journal.objects.select_related("publisher").order_by("code")
    if journal is not None:
        journals = journals.filter(pk=journal.pk)
    journals = list(journals)
    publishers = {j.publisher_id: j.publisher for j in journals}
    issues = list(
        Issue.objects.filter(journal__in=journals)
        .select_related("journal")
        .order_by("journal__code", "volume", "number")
    )
    articles = (
        Article.objects.filter(journal__in=journals)
        .select_related("journal", "issue__journal")
        .prefetch_related(
            Prefetch("pdf", ArticlePdf.objects.filter(source=ArticlePdf.UPLOADED).exclude(file="")),
            Prefetch("contributors", Contributor.objects.order_by("position", "id")),
            Prefetch("references", Reference.objects.order_by("position", "id")),
            Prefetch("assets", ArticleAsset.objects.order_by("name")),
        )
        .order_by("id")
    )
    counts = {"publishers": len(publishers), "journals": len(journals), "issues": len(issues)}
    counts.update(articles=0, contributors=0, references=0, assets=0, pdfs=0)
    handle, temp = tempfile.mkstemp(prefix=".export-", suffix=".tmp", dir=output.parent)
    os.close(handle)
    try:
        with tarfile.open(temp, "w:gz", format=tarfile.PAX_FORMAT) as tar:
            writer = _Writer(tar)
            writer.add_bytes(
                "publishers.json",
                _json([to_data(p) for p in sorted(publishers.values(), key=lambda p: p.name)]),
            )
            writer.add_bytes(
                "journals.json",
                _json([{**to_data(j), "publisher": j.publisher.name} for j in journals]),
            )
            writer.add_bytes(
                "issues.json",
                _json([{**to_data(i), "journal": i.journal.code} for i in issues]),
            )
            for n, article in enumerate(articles.iterator(chunk_size=CHUNK_SIZE), start=1):
                pdf = getattr(article, "pdf", None)  # only an uploaded file was prefetched
                _write_article(writer, f"articles/{n:06d}", article, pdf, counts)
            manifest = build_manifest(
                writer.members,
                counts,
                created=timezone.now().isoformat(),
                masthead_version=package_version("masthead"),
                journal=journal.code if journal else None,
            )
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(manifest), int(timezone.now().timestamp()), 0o644
            tar.addfile(info, io.BytesIO(manifest))
        os.replace(temp, output)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return counts


def _write_article(writer: _Writer, prefix: str, article: Article, pdf, counts) -> None:
    contributors = [to_data(c) for c in article.contributors.all()]
    references = [to_data(r) for r in article.references.all()]
    data = {
        "article": to_data(article),
        "journal": article.journal.code,
        "issue": issue_key(article.issue),
        "contributors": contributors,
        "references": references,
        "source_xml": f"{prefix}/source.xml" if article.source_xml else None,
        "pdf": None,
        "assets": [],
    }
    if pdf is not None:
        data["pdf"] = {**to_data(pdf), "member": f"{prefix}/article.pdf"}
        data["pdf"]["name"] = pdf.file.name.rsplit("/", 1)[-1]
    assets = list(article.assets.all())
    for i, asset in enumerate(assets, start=1):
        data["assets"].append({**to_data(asset), "member": f"{prefix}/assets/{i:04d}"})
    writer.add_bytes(f"{prefix}/article.json", _json(data))
    if article.source_xml:
        writer.add_bytes(f"{prefix}/source.xml", article.source_xml.encode())
    if pdf is not None:
        _add_file(writer, data["pdf"]["member"], pdf.file)
        counts["pdfs"] += 1
    for entry, asset in zip(data["assets"], assets, strict=True):
        _add_file(writer, entry["member"], asset.file)
        counts["assets"] += 1
    counts["articles"] += 1
    counts["contributors"] += len(contributors)
    counts["references"] += len(references)


def _add_file(writer: _Writer, name: str, field) -> None:
    with field.storage.open(field.name, "rb") as stream:
        writer.add_stream(name, stream, field.storage.size(field.name))
