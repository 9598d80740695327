"""Damaged, tampered and hostile archives are refused before anything is written."""

import io
import json
import shutil
import tarfile

import pytest
from django.core.management import CommandError, call_command

from masthead.catalog.archive.manifest import ArchiveError, check_member_name
from masthead.catalog.models import Article, Journal, Publisher
from tests.catalog.test_archive import PNG, add_asset, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(make_article, settings, tmp_path) -> list[tuple[tarfile.TarInfo, bytes]]:
    """The members of a valid archive, the catalogue and media emptied afterwards."""
    settings.MEDIA_ROOT = tmp_path / "media"
    article = make_article(authors=2, references=2)
    add_asset(article, "fig1.png", PNG)
    archive = tmp_path / "good.tar.gz"
    run("export", "--output", str(archive))
    Article.objects.all().delete()
    Journal.objects.all().delete()
    Publisher.objects.all().delete()
    shutil.rmtree(settings.MEDIA_ROOT)
    with tarfile.open(archive) as tar:
        return [(m, tar.extractfile(m).read()) for m in tar.getmembers()]


def write(path, members) -> str:
    with tarfile.open(path, "w:gz") as tar:
        for info, data in members:
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data) if info.isreg() else None)
    return str(path)


def assert_refused(path, message, settings) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("import_archive", path, stdout=io.StringIO())
    assert not Article.objects.exists() and not Journal.objects.exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_a_changed_byte_in_a_member_is_refused(members, tmp_path, settings):
    changed = []
    for info, data in members:
        if info.name.endswith("/article.json"):
            data = data.replace(b"Test article", b"Test articlf")
        changed.append((info, data))
    assert_refused(write(tmp_path / "bad.tar.gz", changed), "is damaged", settings)


def test_a_tampered_manifest_is_refused(members, tmp_path, settings):
    tampered = []
    for info, data in members:
        if info.name == "manifest.json":
            manifest = json.loads(data)
            manifest["members"]["publishers.json"]["sha256"] = "0" * 64
            data = json.dumps(manifest).encode()
        tampered.append((info, data))
    assert_refused(write(tmp_path / "bad.tar.gz", tampered), "is damaged", settings)


def test_a_manifest_of_another_format_is_refused(members, tmp_path, settings):
    other = [(i, b'{"format": "zip"}' if i.name == "manifest.json" else d) for i, d in members]
    assert_refused(
        write(tmp_path / "bad.tar.gz", other), "not a Masthead content archive", settings
    )


def test_a_member_missing_from_the_manifest_is_refused(members, tmp_path, settings):
    extra = [*members, (tarfile.TarInfo("articles/extra.json"), b"{}")]
    assert_refused(write(tmp_path / "bad.tar.gz", extra), "not in the manifest", settings)


@pytest.mark.parametrize(
    ("name", "message"), [("../evil", r"leaves the archive"), ("/etc/x", "absolute path")]
)
def test_path_traversal_is_refused(members, tmp_path, settings, name, message):
    hostile = [*members, (tarfile.TarInfo(name), b"boo")]
    assert_refused(write(tmp_path / "bad.tar.gz", hostile), message, settings)


def test_links_and_devices_are_refused(members, tmp_path, settings):
    link = tarfile.TarInfo("articles/link")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    assert_refused(write(tmp_path / "link.tar.gz", [*members, (link, b"")]), "is a link", settings)
    device = tarfile.TarInfo("articles/dev")
    device.type = tarfile.CHRTYPE
    path = write(tmp_path / "dev.tar.gz", [*members, (device, b"")])
    assert_refused(path, "not a regular file", settings)


def test_a_file_that_is_not_a_tar_gz_is_refused(tmp_path, settings, db):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / "junk.tar.gz"
    path.write_bytes(b"not an archive")
    assert_refused(str(path), "not a readable .tar.gz", settings)


@pytest.mark.parametrize(
    "name", ["../evil", "/etc/x", "a/../../b", "a\\..\\b", "C:/x", "a//b", "./a", "a b", ""]
)
def test_member_names_this_format_never_writes(name):
    with pytest.raises(ArchiveError):
        check_member_name(name)


def test_member_names_it_writes_pass():
    assert check_member_name("articles/000001/assets/0001") == "articles/000001/assets/0001"
