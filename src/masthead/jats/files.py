"""Read JATS files from disk: one record or one SourceError per file, never an exception."""

from collections.abc import Iterable, Iterator
from pathlib import Path

from .model import ArticleRecord, SourceError
from .parse import parse_jats


def iter_jats_files(paths: Iterable[Path]) -> Iterator[ArticleRecord | SourceError]:
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as error:
            yield SourceError(str(path), error.strerror or str(error))
            continue
        try:
            record = parse_jats(data, str(path))
        except SourceError as error:
            yield error
            continue
        record.source_name = record.source_name or str(path)
        yield record
