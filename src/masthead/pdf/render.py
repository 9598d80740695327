"""The article as a PDF, from the same stored full text the HTML page shows. No DB writes.

`article_html(article)` builds the print page (title block, abstracts, the body and back
matter through `reader.full_text.enhance`, notes, the reader's own references template)
and lists the figure files it may embed; `html_to_pdf(html, files)` runs WeasyPrint on it
with a URL fetcher that fetches nothing from the network and reads only those files and
the app's print stylesheet. `html_to_pdf` imports nothing from Django, so a spawned child
process can run it on plain data (`services.ensure_pdf`).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from urllib.parse import unquote

STYLESHEET = Path(__file__).resolve().parent / "static" / "pdf" / "article.css"
ASSET_SCHEME = "masthead-asset:"
_NUMERIC = re.compile(r"^\d+$")

# WeasyPrint warns on every refused URL and unknown CSS property: keep the job's log readable.
logging.getLogger("weasyprint").setLevel(logging.CRITICAL)
logging.getLogger("fontTools").setLevel(logging.ERROR)


class RefusedURL(ValueError):
    pass


def page_count(pdf: bytes) -> int:
    """Pages in a PDF (pypdf; raises on a file it cannot read)."""
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def first_page_number(first_page: str) -> int:
    """The number the PDF's first page carries: the article's first page when numeric."""
    first_page = (first_page or "").strip()
    return int(first_page) if _NUMERIC.match(first_page) and int(first_page) > 0 else 1


def make_url_fetcher(files: dict[str, str]):
    """A WeasyPrint url_fetcher that refuses the network and any file not listed."""
    allowed = {Path(p).resolve() for p in files.values()} | {STYLESHEET}

    def fetch(url: str, *args, **kwargs):
        from weasyprint.urls import default_url_fetcher

        if url.startswith(ASSET_SCHEME):
            name = unquote(url[len(ASSET_SCHEME) :])
            if name not in files:
                raise RefusedURL(f"no such figure file: {name}")
            path = Path(files[name]).resolve()
            return {"file_obj": path.open("rb"), "filename": path.name}
        if url.startswith("data:"):
            return default_url_fetcher(url, *args, **kwargs)
        if url.startswith("file:"):
            path = Path(unquote(url[len("file://") :] if url.startswith("file://") else url[5:]))
            if path.resolve() in allowed:
                return default_url_fetcher(url, *args, **kwargs)
        raise RefusedURL(f"refused to fetch {url[:200]}")

    return fetch


def html_to_pdf(html: str, files: dict[str, str] | None = None) -> bytes:
    """Run WeasyPrint on the print page. `files`: figure name -> local path it may embed."""
    from weasyprint import CSS, HTML

    fetcher = make_url_fetcher(files or {})
    document = HTML(string=html, base_url=str(STYLESHEET.parent), url_fetcher=fetcher)
    stylesheet = CSS(filename=str(STYLESHEET), url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[stylesheet])


def article_html(article, files: dict[str, str] | None = None) -> str:
    """The print page for `article`. `files`: figure name -> local path (see figure_files)."""
    from django.template.loader import render_to_string

    from masthead.reader.full_text import enhance

    files = figure_files(article) if files is None else files
    urls = {name: ASSET_SCHEME + name for name in files}
    contributors = list(article.contributors.all())
    context = {
        "article": article,
        "journal": article.journal,
        "issue": article.issue,
        "authors": [c for c in contributors if c.role == "author"],
        "references": list(article.references.all()),
        "full_text": enhance(article.body_html, article.back_html, urls),
        "first_page_number": first_page_number(article.first_page),
        "running_head": running_head(article),
    }
    return render_to_string("pdf/article.html", context)


def running_head(article) -> str:
    parts = [article.journal.title]
    issue = article.issue
    if issue is not None:
        parts.append(issue.label + (f" ({issue.year})" if issue.year else ""))
    if article.pages:
        parts.append(("pp. " if article.last_page else "") + article.pages)
    return ", ".join(parts)


def figure_files(article) -> dict[str, str]:
    """name -> local path of the article's uploaded figure images that exist on disk."""
    from masthead.catalog.models import ArticleAsset

    found = {}
    for asset in ArticleAsset.objects.filter(article=article):
        if not asset.is_image:
            continue
        try:
            path = Path(asset.file.path)
        except NotImplementedError:  # object storage: no local path, caption only
            continue
        if path.is_file():
            found[asset.name] = str(path)
    return found


def render_article_pdf(article) -> bytes:
    """The article as PDF bytes, in this process (the services run it in a child)."""
    files = figure_files(article)
    return html_to_pdf(article_html(article, files), files)


def _main(argv: list[str]) -> int:
    """`python -m masthead.pdf.render job.json out.pdf`: the child process of ensure_pdf."""
    import json

    job = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    Path(argv[1]).write_bytes(html_to_pdf(job["html"], job["files"]))
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(_main(sys.argv[1:]))
