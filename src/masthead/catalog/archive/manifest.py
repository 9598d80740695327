"""Pure rules of the content archive: the manifest, member names, and tar member checks.

No Django here: plain data in, plain data out, `ArchiveError` with a message a person can
act on when an archive must be refused.
"""

from __future__ import annotations

import hashlib
import json
import re
import tarfile
from collections.abc import Iterable

FORMAT = "masthead-content-archive"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
CHUNK = 1024 * 1024

# Member names are ours to choose, so they are plain: ASCII letters, digits, . _ - and /.
_SAFE_NAME = re.compile(r"[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*")
_SHA256 = re.compile(r"[0-9a-f]{64}")


class ArchiveError(Exception):
    """The archive is refused; the message says why."""


def check_member_name(name: str) -> str:
    """The name if a member may have it: relative, no `..`, no odd characters."""
    if name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name):
        raise ArchiveError(f"member {name!r} has an absolute path")
    if ".." in name.replace("\\", "/").split("/"):
        raise ArchiveError(f"member {name!r} leaves the archive (..)")
    if len(name) > 255 or not _SAFE_NAME.fullmatch(name) or "/./" in f"/{name}/":
        raise ArchiveError(f"member {name!r} has a name this format never writes")
    return name


def check_member(member: tarfile.TarInfo) -> None:
    """Refuse links, devices, directories and unsafe names: only regular files are content."""
    check_member_name(member.name)
    if member.issym() or member.islnk():
        raise ArchiveError(f"member {member.name!r} is a link")
    if not member.isreg():
        raise ArchiveError(f"member {member.name!r} is not a regular file")


class Digest:
    """A file-like wrapper that hashes and counts what is read through it."""

    def __init__(self, raw):
        self.raw = raw
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data

    def entry(self) -> dict:
        return {"sha256": self.sha256.hexdigest(), "size": self.size}


def digest_stream(stream) -> dict:
    reader = Digest(stream)
    while reader.read(CHUNK):
        pass
    return reader.entry()


def build_manifest(
    members: dict[str, dict],
    counts: dict[str, int],
    created: str,
    masthead_version: str,
    journal: str | None = None,
) -> bytes:
    """The manifest's bytes: format, versions, time, counts, and each member's sha256 and size."""
    for name in members:
        check_member_name(name)
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "masthead_version": masthead_version,
        "created": created,
        "journal": journal,
        "counts": counts,
        "members": members,
    }
    return json.dumps(document, indent=1, sort_keys=True).encode()


def read_manifest(data: bytes) -> dict:
    """The manifest, checked for shape; ArchiveError if it is not one this version reads."""
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ArchiveError(f"{MANIFEST} is not valid JSON ({error})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ArchiveError(f"this is not a Masthead content archive ({MANIFEST} format)")
    if document.get("format_version") != FORMAT_VERSION:
        raise ArchiveError(
            f"archive format version {document.get('format_version')!r} is not supported "
            f"(this Masthead reads version {FORMAT_VERSION})"
        )
    members = document.get("members")
    if not isinstance(members, dict) or not isinstance(document.get("counts"), dict):
        raise ArchiveError(f"{MANIFEST} lacks its members or counts")
    for name, entry in members.items():
        check_member_name(name)
        if (
            not isinstance(entry, dict)
            or not _SHA256.fullmatch(str(entry.get("sha256", "")))
            or not isinstance(entry.get("size"), int)
            or entry["size"] < 0
        ):
            raise ArchiveError(f"{MANIFEST} has a malformed entry for {name!r}")
    return document


def check_listing(manifest: dict, members: Iterable[tarfile.TarInfo]) -> list[tarfile.TarInfo]:
    """The content members, each safe, listed in the manifest with the size it has there."""
    expected = manifest["members"]
    seen: set[str] = set()
    content = []
    for member in members:
        check_member(member)
        if member.name == MANIFEST:
            continue
        if member.name in seen:
            raise ArchiveError(f"member {member.name!r} appears twice")
        seen.add(member.name)
        if member.name not in expected:
            raise ArchiveError(f"member {member.name!r} is not in the manifest")
        if member.size != expected[member.name]["size"]:
            raise ArchiveError(
                f"member {member.name!r} is {member.size} bytes; "
                f"the manifest says {expected[member.name]['size']}"
            )
        content.append(member)
    missing = sorted(set(expected) - seen)
    if missing:
        raise ArchiveError(f"the archive lacks {len(missing)} member(s), e.g. {missing[0]!r}")
    return content


def check_digest(name: str, found: dict, manifest: dict) -> None:
    if found != manifest["members"][name]:
        raise ArchiveError(f"member {name!r} is damaged: its checksum differs from the manifest")
