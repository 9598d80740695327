"""Restore a content archive into an instance with no articles: checked first, all or nothing.

Pass one reads every member and checks it against the manifest (names, types, sizes,
SHA-256) before anything is written. Pass two writes the rows in one transaction; files
saved to storage are removed again if that transaction fails.
"""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from masthead.catalog.archive.manifest import (
    MANIFEST,
    MAX_MANIFEST_BYTES,
    ArchiveError,
    check_digest,
    check_listing,
    check_member,
    digest_stream,
    read_manifest,
)
from masthead.catalog.archive.rows import from_data
from masthead.catalog.models import (
    Article,
    ArticleAsset,
    Contributor,
    Issue,
    Journal,
    Publisher,
    Reference,
)
from masthead.jats.sanitize import sanitize_html
from masthead.pdf.models import ArticlePdf, check_pdf_upload


class NotEmpty(ArchiveError):
    """The catalogue already has articles."""


def verify(path: Path) -> dict:
    """The manifest, once every member has been checked against it; ArchiveError if not."""
    try:
        with tarfile.open(path, "r:gz") as tar:
            members = tar.getmembers()
            for member in members:
                check_member(member)
            found = [m for m in members if m.name == MANIFEST]
            if len(found) != 1:
                raise ArchiveError(f"the archive has no single {MANIFEST}")
            if found[0].size > MAX_MANIFEST_BYTES:
                raise ArchiveError(f"{MANIFEST} is too large")
            manifest = read_manifest(tar.extractfile(found[0]).read())
            for member in check_listing(manifest, members):
                check_digest(member.name, digest_stream(tar.extractfile(member)), manifest)
    except (tarfile.TarError, EOFError, OSError) as error:
        raise ArchiveError(f"the file is not a readable .tar.gz ({error})") from None
    return manifest


def restore_archive(path: Path) -> dict[str, int]:
    """Check, then restore the archive; the manifest's counts."""
    if Article.objects.exists():
        raise NotEmpty(
            "the catalogue already has articles: restore into an empty instance "
            "(nothing was written)"
        )
    manifest = verify(path)
    saved: list[str] = []
    try:
        with transaction.atomic(), tarfile.open(path, "r:gz") as tar:
            _restore(tar, saved)
    except (KeyError, TypeError, ValueError, ValidationError, IntegrityError) as error:
        for name in saved:
            default_storage.delete(name)
        raise ArchiveError(f"the archive's content cannot be restored ({error})") from error
    except BaseException:
        for name in saved:
            default_storage.delete(name)
        raise
    return manifest["counts"]


def _load(tar: tarfile.TarFile, name: str):
    try:
        return json.loads(tar.extractfile(name).read())
    except KeyError:
        raise ArchiveError(f"the archive lacks {name!r}") from None


def _restore(tar: tarfile.TarFile, saved: list[str]) -> None:
    publishers = {}
    for data in _load(tar, "publishers.json"):
        publishers[data["name"]], _ = Publisher.objects.update_or_create(
            name=data["name"], defaults=from_data(Publisher, data)
        )
    journals = {}
    for data in _load(tar, "journals.json"):
        values = {**from_data(Journal, data), "publisher": publishers[data["publisher"]]}
        journals[data["code"]], _ = Journal.objects.update_or_create(
            code=data["code"], defaults=values
        )
    issues = {}
    for data in _load(tar, "issues.json"):
        journal = journals[data["journal"]]
        issue, _ = Issue.objects.update_or_create(
            journal=journal,
            volume=data["volume"],
            number=data["number"],
            defaults=from_data(Issue, data),
        )
        issues[(journal.code, issue.volume, issue.number)] = issue
    for member in tar.getmembers():
        if member.name.startswith("articles/") and member.name.endswith("/article.json"):
            _restore_article(
                tar, json.loads(tar.extractfile(member).read()), journals, issues, saved
            )


def _restore_article(tar, data: dict, journals, issues, saved: list[str]) -> None:
    fields = from_data(Article, data["article"])
    times = {k: fields.pop(k, None) for k in ("created_at", "updated_at")}
    source = data.get("source_xml")
    article = Article(
        **fields,
        journal=journals[data["journal"]],
        issue=issues[tuple(data["issue"])] if data.get("issue") else None,
        source_xml=tar.extractfile(source).read().decode() if source else "",
    )
    article.save()
    Contributor.objects.bulk_create(
        Contributor(article=article, **_sanitized(from_data(Contributor, c)))
        for c in data["contributors"]
    )
    Reference.objects.bulk_create(
        Reference(article=article, **from_data(Reference, r)) for r in data["references"]
    )
    for entry in data["assets"]:
        asset = ArticleAsset(article=article, **from_data(ArticleAsset, entry))
        asset.file.save(asset.name, File(tar.extractfile(entry["member"]), asset.name), save=False)
        saved.append(asset.file.name)
        asset.save()
    if data.get("pdf"):
        entry = data["pdf"]
        pdf = ArticlePdf(article=article, **from_data(ArticlePdf, entry))
        data = tar.extractfile(entry["member"]).read()
        check_pdf_upload(entry["name"], data)  # at most 100 MB, and a readable PDF
        pdf.file.save(entry["name"], ContentFile(data), save=False)
        saved.append(pdf.file.name)
        pdf.save()
    # created_at is history and comes back; updated_at is a cache stamp and says "now",
    # so no page cached before the restore is taken for current.
    if times["created_at"]:
        Article.objects.filter(pk=article.pk).update(created_at=times["created_at"])


def _sanitized(values: dict) -> dict:
    values["bio_html"] = sanitize_html(values.get("bio_html", ""))
    return values
