"""Checking a Crossref deposit before it is sent.

``validate_deposit(xml)`` returns the problems, an empty list when the deposit is good.
With the 5.3.1 schema files at hand it validates against the schema (compiled once,
offline); without them it checks the structure Crossref's documented example needs
(head, body, journal titles, and every article's title and DOI data) and says what is
missing. ``check_deposit(xml)`` returns the same errors together with which of the two
checks ran (``DepositCheck.schema_checked``); ``schema_available()`` says beforehand.

Where the schema files are: the ``CROSSREF_SCHEMA_DIR`` setting when set, else
``$MASTHEAD_SHARED/crossref/schema-5.3.1``, else ``shared/crossref/schema-5.3.1``
beside the project checkout (the folder holding ``src``).
"""

from __future__ import annotations

import functools
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

__all__ = [
    "DepositCheck",
    "check_deposit",
    "schema_available",
    "schema_dir",
    "validate_deposit",
]

SCHEMA_FILE = "crossref5.3.1.xsd"
SCHEMA_SUBDIR = Path("crossref") / "schema-5.3.1"
CROSSREF_NS = "http://www.crossref.org/schema/5.3.1"
_NS = {"cr": CROSSREF_NS}
_LOCK = threading.Lock()  # an XMLSchema keeps the last error log on itself


@dataclass(frozen=True)
class DepositCheck:
    errors: tuple[str, ...]
    schema_checked: bool  # True: validated against the XSD; False: the structural check

    @property
    def ok(self) -> bool:
        return not self.errors


def schema_dir() -> Path | None:
    """The folder the schema files should be in (they may be absent), or None."""
    from django.conf import settings

    configured = getattr(settings, "CROSSREF_SCHEMA_DIR", None) if settings.configured else None
    if configured:
        return Path(configured)
    if os.environ.get("MASTHEAD_SHARED"):
        return Path(os.environ["MASTHEAD_SHARED"]) / SCHEMA_SUBDIR
    here = Path(__file__).resolve()
    for folder in here.parents:
        if folder.name == "src":
            return folder.parent.parent / "shared" / SCHEMA_SUBDIR
    return None


def schema_available() -> bool:
    """Whether ``validate_deposit`` validates against the schema (else the structure)."""
    folder = schema_dir()
    return folder is not None and (folder / SCHEMA_FILE).is_file()


def validate_deposit(xml: bytes) -> list[str]:
    """The deposit's problems; an empty list means it is valid."""
    return list(check_deposit(xml).errors)


def check_deposit(xml: bytes) -> DepositCheck:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        document = etree.fromstring(xml.encode() if isinstance(xml, str) else xml, parser)
    except etree.XMLSyntaxError as error:
        return DepositCheck((f"not well-formed XML: {error}",), schema_available())
    if not schema_available():
        return DepositCheck(tuple(structure_errors(document)), False)
    schema = _schema(str(schema_dir() / SCHEMA_FILE))
    with _LOCK:
        schema.validate(document)
        errors = tuple(f"line {e.line}: {e.message}" for e in schema.error_log)
    return DepositCheck(errors, True)


@functools.cache
def _schema(path: str) -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(path, parser))


def structure_errors(root: etree._Element) -> list[str]:
    """What Crossref's documented example has that this deposit lacks."""
    if root.tag != f"{{{CROSSREF_NS}}}doi_batch":
        return [f"the root element is {root.tag}, not doi_batch in {CROSSREF_NS}"]
    errors: list[str] = []
    head = root.find("cr:head", _NS)
    if head is None:
        errors.append("missing head")
    else:
        for path in (
            "doi_batch_id",
            "timestamp",
            "depositor/depositor_name",
            "depositor/email_address",
            "registrant",
        ):
            if not _text(head, path):
                errors.append(f"head: missing {path}")
        stamp = _text(head, "timestamp")
        if stamp and not stamp.isdigit():
            errors.append(f"head: timestamp {stamp!r} is not a non-negative integer")
    body = root.find("cr:body", _NS)
    if body is None:
        return [*errors, "missing body"]
    journals = body.findall("cr:journal", _NS)
    if not journals:
        errors.append("body: no journal")
    for j, journal in enumerate(journals, 1):
        if not _text(journal, "journal_metadata/full_title"):
            errors.append(f"journal {j}: missing journal_metadata/full_title")
        for a, article in enumerate(journal.findall("cr:journal_article", _NS), 1):
            where = f"journal {j}, journal_article {a}"
            doi = _text(article, "doi_data/doi")
            if doi:
                where += f" ({doi})"
            for path in (
                "titles/title",
                "publication_date/year",
                "doi_data/doi",
                "doi_data/resource",
            ):
                if not _text(article, path):
                    errors.append(f"{where}: missing {path}")
    return errors


def _text(element: etree._Element, path: str) -> str:
    found = element.find("/".join(f"cr:{step}" for step in path.split("/")), _NS)
    return "".join(found.itertext()).strip() if found is not None else ""
