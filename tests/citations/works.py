"""The seed article as citation data, shared by the export and style tests."""

import datetime

from masthead.citations.export import CitedWork

TITLE = (
    "From strategic partner to co-aggressor: "
    "Russia\u2019s attempts to lure Belarus into the war in Ukraine"
)


def seed(**changes) -> CitedWork:
    fields = dict(
        title=TITLE,
        authors=[("Țicălău", "Robert Gabriel")],
        journal_title="Demo Journal of Politics",
        journal_abbreviation="Demo J. Polit.",
        issn="1234-5678",
        publisher="Demo Press",
        volume="35",
        issue="4",
        first_page="703",
        last_page="717",
        published=datetime.date(2023, 10, 5),
        doi="10.5555/demo.2023.0001",
        url="https://demo.example/articles/1",
        abstract="This article examines Belarus.",
        keywords=["Russia", "Belarus"],
        article_type="Research Article",
    )
    return CitedWork(**{**fields, **changes})
