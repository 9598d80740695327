"""Create the benchmark's article: run with the project's Python, DATABASE_URL set, migrated.

Prints one JSON line: {"doi", "title", "pk", "stamp", "references", "authors"}.
The article is a realistic subscription article as an anonymous reader sees it: five
authors with affiliations, ORCIDs and notes on contributors, a 250-word abstract, keywords,
notes, two funders, a disclosure statement and 40 references (most with a DOI), in an
issue of a journal with the seed's price list (article 48 h USD 53.00, issue 30 days USD
577.00). With --full-text it also carries a body and the JATS source of realistic size,
as an imported article does (the article page does not show them but loads its row).
"""

import datetime
import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402

from masthead.catalog.models import (  # noqa: E402
    Article,
    Contributor,
    Issue,
    Journal,
    Publisher,
    Reference,
)
from masthead.commerce.models import Offer, OfferKind  # noqa: E402

DOI = "10.5555/bench.2023.2261234"
TITLE = (
    "Pricing access to scholarly articles: evidence from forty years of subscription and "
    "pay-per-view sales in learned-society journals"
)
N_REFERENCES = 40

SURNAMES = [
    "Okafor", "Lindqvist", "Moreau", "Tanaka", "García-Pérez", "Novak", "Hughes", "Schmidt",
    "Rossi", "Kowalski", "Andersen", "Chen", "Dubois", "Müller", "Patel", "O'Brien",
]  # fmt: skip
GIVEN = ["Adaeze", "Erik", "Camille", "Haruto", "Lucía", "Petra", "Thomas", "Anna", "Marco"]
SOURCES = [
    "Journal of Economic Perspectives", "Learned Publishing", "Scientometrics",
    "Journal of the Association for Information Science and Technology",
    "College & Research Libraries", "Serials Review", "PLOS ONE", "Research Policy",
]  # fmt: skip
WORDS = (
    "access price subscription library journal article demand reader publisher society "
    "market bundle licence evidence model revenue usage download citation open cost"
).split()


def _sentence(i: int, n: int = 18) -> str:
    words = [WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(n)]
    return " ".join(words).capitalize() + "."


def _paragraph(i: int, sentences: int = 5) -> str:
    return " ".join(_sentence(i + k) for k in range(sentences))


def _abstract_html() -> str:
    # About 250 words in four structured paragraphs, as publishers' abstracts are.
    parts = ["Background", "Methods", "Results", "Conclusions"]
    return "".join(
        f"<p><b>{label}:</b> {_paragraph(i * 5, 3)}</p>" for i, label in enumerate(parts)
    )


def _reference(article: Article, i: int) -> Reference:
    n_authors = 1 + (i * 5) % 6
    authors = [
        [SURNAMES[(i + k) % len(SURNAMES)], GIVEN[(i * 3 + k) % len(GIVEN)][0]]
        for k in range(n_authors)
    ]
    names = ", ".join(f"{s} {g}" for s, g in authors)
    is_book = i % 10 == 9
    year = str(1983 + i % 40)
    title = f"{_sentence(i, 9)[:-1]} in {SOURCES[i % len(SOURCES)].split()[0].lower()} markets"
    if is_book:
        text = f"{names}. {title}. Cambridge (MA): MIT Press; {year}."
        return Reference(
            article=article, position=i, label=str(i + 1), ref_id=f"CIT{i + 1:04d}",
            publication_type="book", authors=authors, article_title="", source=title,
            year=year, publisher="MIT Press", original_text=text,
        )  # fmt: skip
    source = SOURCES[i % len(SOURCES)]
    volume, first = str(10 + i), str(100 + i * 13)
    last = str(int(first) + 17)
    doi = f"10.{1000 + i % 9}/{source.split()[0].lower()}.{year}.{i:04d}"
    text = f"{names}. {title}. {source}. {year};{volume}({1 + i % 4}):{first}-{last}."
    return Reference(
        article=article, position=i, label=str(i + 1), ref_id=f"CIT{i + 1:04d}",
        publication_type="journal", authors=authors, article_title=title, source=source,
        year=year, volume=volume, issue=str(1 + i % 4), first_page=first, last_page=last,
        doi=doi, original_text=text,
    )  # fmt: skip


def _full_text() -> tuple[str, str]:
    sections = []
    for s in range(8):
        paras = "".join(f"<p>{_paragraph(s * 40 + p, 6)}</p>" for p in range(12))
        sections.append(f'<section id="s{s + 1}"><h2>Section {s + 1}</h2>{paras}</section>')
    body = "".join(sections)  # ~80 kB, an ordinary research article
    source = f'<?xml version="1.0"?><article><body>{body}</body>{"<ref/>" * 40}</article>'
    return body, source * 2  # JATS markup is about twice the HTML


@transaction.atomic
def seed(full_text: bool) -> dict:
    publisher = Publisher.objects.create(
        name="Bench Society Press", address="1 Bench Street, Oxford", url="https://example.org"
    )
    journal = Journal.objects.create(
        publisher=publisher, code="jbs", title="Journal of Bench Studies",
        abbreviation="J Bench Stud", issn_print="5555-0010", issn_online="5555-0029",
        doi_prefix="10.5555", description="A journal for benchmarks.",
    )  # fmt: skip
    Offer.objects.create(journal=journal, kind=OfferKind.ARTICLE, currency="USD",
                         amount_minor=5300, access_hours=48)  # fmt: skip
    Offer.objects.create(journal=journal, kind=OfferKind.ISSUE, currency="USD",
                         amount_minor=57700, access_hours=720)  # fmt: skip
    issue = Issue.objects.create(
        journal=journal, volume="31", number="4", year=2023,
        cover_date=datetime.date(2023, 10, 1), first_page="601", last_page="840",
    )  # fmt: skip
    body, source = _full_text() if full_text else ("", "")
    article = Article.objects.create(
        journal=journal, issue=issue, doi=DOI, publisher_id="2261234",
        article_type="research-article", section="Research Article",
        subjects=["Economics", "Library and Information Science"],
        title=TITLE, language="en", first_page="703", last_page="717", position=3,
        received=datetime.date(2022, 11, 14), accepted=datetime.date(2023, 8, 30),
        published_online=datetime.date(2023, 10, 5), issue_date=datetime.date(2023, 10, 1),
        abstracts=[{"type": "", "title": "Abstract", "html": _abstract_html()}],
        keywords=["pricing", "subscriptions", "pay-per-view", "learned societies",
                  "scholarly communication", "libraries"],
        notes=[
            {"label": "1", "html": f"<p>{_sentence(1)}</p>", "id": "n1"},
            {"label": "2", "html": f"<p>{_sentence(2)} {_sentence(3)}</p>", "id": "n2"},
            {"label": "3", "html": f"<p>{_sentence(4)}</p>", "id": "n3"},
        ],
        funding=[
            {"funder_name": "Economic and Social Research Council",
             "funder_id": "https://doi.org/10.13039/501100000269",
             "award_ids": ["ES/T012345/1"]},
            {"funder_name": "Andrew W. Mellon Foundation",
             "funder_id": "https://doi.org/10.13039/100000867", "award_ids": ["G-1234", "G-5678"]},
        ],
        funding_statement_html="<p>This work was supported by the funders listed below.</p>",
        disclosure_html="<p>No potential conflict of interest was reported by the authors.</p>",
        copyright_statement="© 2023 Bench Society Press",
        body_html=body, source_xml=source, source_sha256="0" * 64,
    )  # fmt: skip
    Contributor.objects.bulk_create(
        Contributor(
            article=article, position=i, role="author",
            given_names=GIVEN[i], surname=SURNAMES[i],
            orcid="0000-0002-1825-0097" if i % 2 == 0 else "",
            email=f"author{i}@example.org" if i == 0 else "",
            is_corresponding=i == 0, equal_contrib=i < 2,
            affiliations=[{"text": f"Department of Economics, University of Place {i}, Country",
                           "institution": f"University of Place {i}"}]
            + ([{"text": "Institute for Research Libraries, Somewhere"}] if i % 2 else []),
            bio_html=f"<p>{GIVEN[i]} {SURNAMES[i]} {_sentence(i * 11, 30)[0].lower()}"
                     f"{_sentence(i * 11, 30)[1:]}</p>",
        )
        for i in range(5)
    )  # fmt: skip
    Reference.objects.bulk_create(_reference(article, i) for i in range(N_REFERENCES))
    article.refresh_from_db()
    stamp = f"{article.pk}:{article.version}:{article.updated_at.timestamp():.6f}"
    return {
        "doi": article.doi,
        "title": article.title,
        "pk": article.pk,
        "stamp": stamp,
        "references": N_REFERENCES,
        "authors": 5,
    }


if __name__ == "__main__":
    print(json.dumps(seed(full_text="--full-text" in sys.argv[1:])))
