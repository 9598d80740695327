"""What the API shows of journals, issues, articles and references.

Names follow the field: DOI, ISSN, ORCID, and JATS's where JATS has one (article_type
is @article-type, elocation_id is <elocation-id>, subjects are <subject>s). A value the
record does not have is null, a list it does not have is empty.
"""

import re

from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from masthead.api import links
from masthead.api.fields import OptionalText
from masthead.related.documents import plain_text

# Inline markup goes without a trace ("<i>only</i>." is "only."), block markup becomes a
# space (plain_text's rule for every tag).
_INLINE = re.compile(r"</?(?:a|b|code|em|i|small|span|strong|sub|sup|sc|u)(?:\s[^>]*)?>", re.I)


def text_of(html: str) -> str:
    return plain_text(_INLINE.sub("", html or ""))


URL = serializers.URLField(read_only=True)
NULLABLE_URL = serializers.URLField(read_only=True, allow_null=True)


class PublisherSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    url = OptionalText()


JOURNAL_LINKS = inline_serializer(
    "JournalLinks",
    {
        "self": URL,
        "web": URL,
        "issues": URL,
        "articles": URL,
        "feeds": inline_serializer(
            "JournalFeeds",
            {
                "latest_rss": URL,
                "latest_atom": URL,
                "current_issue_rss": URL,
                "current_issue_atom": URL,
            },
        ),
        "sitemap": URL,
    },
)


class JournalSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True, help_text="Used in URLs.")
    title = serializers.CharField(read_only=True)
    abbreviation = OptionalText()
    issn_print = OptionalText()
    issn_electronic = OptionalText(source="issn_online")
    publisher = PublisherSerializer(read_only=True)
    open_access = serializers.BooleanField(
        source="is_open_access", read_only=True, help_text="Every article is open access."
    )
    description = OptionalText()
    updated = serializers.DateTimeField(source="updated_at", read_only=True)
    links = serializers.SerializerMethodField()

    @extend_schema_field(JOURNAL_LINKS)
    def get_links(self, journal) -> dict:
        return links.journal_links(journal)


class IssueSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    journal = serializers.CharField(source="journal.code", read_only=True, help_text="Its code.")
    volume = serializers.CharField(read_only=True)
    number = OptionalText()
    year = serializers.IntegerField(read_only=True, allow_null=True)
    cover_date = serializers.DateField(read_only=True, allow_null=True)
    title = OptionalText(help_text="A special issue's title.")
    article_count = serializers.IntegerField(
        read_only=True, help_text="Articles readers may find in the issue."
    )
    updated = serializers.DateTimeField(source="updated_at", read_only=True)
    links = serializers.SerializerMethodField()

    @extend_schema_field(
        inline_serializer("IssueLinks", {"self": URL, "web": URL, "articles": URL, "journal": URL})
    )
    def get_links(self, issue) -> dict:
        return links.issue_links(issue)


class AffiliationSerializer(serializers.Serializer):
    text = serializers.CharField(read_only=True, help_text="The whole affiliation, one line.")
    institution = OptionalText()
    country = OptionalText()
    ror = OptionalText(help_text="ROR identifier, when the publisher gave one.")


class AuthorSerializer(serializers.Serializer):
    name = serializers.CharField(source="display_name", read_only=True)
    given_names = OptionalText()
    surname = OptionalText()
    suffix = OptionalText()
    collab = OptionalText(help_text="A group author's name.")
    orcid = serializers.SerializerMethodField()
    corresponding = serializers.BooleanField(source="is_corresponding", read_only=True)
    equal_contrib = serializers.BooleanField(read_only=True)
    affiliations = serializers.SerializerMethodField()

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_orcid(self, author) -> str | None:
        return f"https://orcid.org/{author.orcid}" if author.orcid else None

    @extend_schema_field(AffiliationSerializer(many=True))
    def get_affiliations(self, author) -> list:
        # Plain dicts: a serializer per author would cost more than the whole article.
        return [
            {
                "text": a["text"],
                "institution": a.get("institution") or None,
                "country": a.get("country") or None,
                "ror": a.get("ror") or None,
            }
            for a in author.affiliations or []
            if isinstance(a, dict) and a.get("text")
        ]


class AbstractSerializer(serializers.Serializer):
    """The shape of `abstract_data` (for the OpenAPI description)."""

    type = OptionalText(help_text='JATS @abstract-type ("executive-summary", ...).')
    title = OptionalText()
    html = serializers.CharField(read_only=True, help_text="Sanitised HTML.")
    text = serializers.CharField(read_only=True, help_text="The same as plain text.")


def abstract_data(abstract: dict) -> dict:
    html = abstract.get("html") or ""
    return {
        "type": abstract.get("type") or None,
        "title": abstract.get("title") or None,
        "html": html,
        "text": text_of(html),
    }


class LicenseSerializer(serializers.Serializer):
    url = OptionalText(source="license_url")
    text = serializers.SerializerMethodField()
    copyright_statement = OptionalText()

    def get_text(self, article) -> str | None:
        return text_of(article.license_html) or None


class ArticleJournalSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    abbreviation = OptionalText()
    issn_print = OptionalText()
    issn_electronic = OptionalText(source="issn_online")
    publisher = serializers.CharField(source="publisher.name", read_only=True)


ARTICLE_LINKS = inline_serializer(
    "ArticleLinks",
    {
        "self": URL,
        "doi": URL,
        "article_page": URL,
        "full_text": NULLABLE_URL,
        "pdf": NULLABLE_URL,
        "references": URL,
        "metrics": URL,
        "journal": URL,
        "issue": NULLABLE_URL,
    },
)


class ArticleSerializer(serializers.Serializer):
    """An article's metadata. The list and the single article show the same fields."""

    doi = serializers.CharField(read_only=True)
    pmid = OptionalText()
    pmcid = OptionalText()
    article_type = OptionalText(help_text="JATS @article-type, e.g. research-article.")
    section = OptionalText(help_text='The heading it appears under, e.g. "Research Article".')
    title = serializers.CharField(read_only=True)
    title_html = serializers.SerializerMethodField()
    subtitle = OptionalText()
    language = serializers.CharField(read_only=True)
    authors = AuthorSerializer(many=True, read_only=True)
    abstract = serializers.SerializerMethodField()
    other_abstracts = serializers.SerializerMethodField()
    keywords = serializers.ListField(child=serializers.CharField(), read_only=True)
    subjects = serializers.ListField(child=serializers.CharField(), read_only=True)
    journal = ArticleJournalSerializer(read_only=True)
    volume = serializers.SerializerMethodField()
    issue = serializers.SerializerMethodField()
    year = serializers.SerializerMethodField()
    first_page = OptionalText()
    last_page = OptionalText()
    pages = OptionalText(help_text='"first-last", or the article number.')
    elocation_id = OptionalText()
    received = serializers.DateField(read_only=True, allow_null=True)
    accepted = serializers.DateField(read_only=True, allow_null=True)
    published_online = serializers.DateField(read_only=True, allow_null=True)
    issue_date = serializers.DateField(read_only=True, allow_null=True)
    updated = serializers.DateTimeField(source="updated_at", read_only=True)
    license = LicenseSerializer(source="*", read_only=True)
    open_access = serializers.SerializerMethodField()
    free_to_read = serializers.BooleanField(
        source="is_free_to_read", read_only=True, help_text="Free without an open licence."
    )
    published = serializers.BooleanField(
        source="is_published", read_only=True, help_text="Only staff see unpublished articles."
    )
    links = serializers.SerializerMethodField()

    def get_title_html(self, article) -> str:
        """The title with its inline markup (italics, sub/superscripts), sanitised."""
        return article.title_html or ""

    @extend_schema_field(AbstractSerializer(allow_null=True))
    def get_abstract(self, article) -> dict | None:
        main = article.main_abstract
        return abstract_data(main) if main else None

    @extend_schema_field(AbstractSerializer(many=True))
    def get_other_abstracts(self, article) -> list:
        return [abstract_data(a) for a in article.other_abstracts]

    def get_volume(self, article) -> str | None:
        return article.issue.volume if article.issue else None

    def get_issue(self, article) -> str | None:
        """The issue's number."""
        return (article.issue.number or None) if article.issue else None

    def get_year(self, article) -> int | None:
        """Of publication: the issue's year, else the online date's."""
        if article.issue and article.issue.year:
            return article.issue.year
        return article.published_online.year if article.published_online else None

    def get_open_access(self, article) -> bool:
        """The article, or its whole journal, is open access."""
        return article.is_open_access or article.journal.is_open_access

    @extend_schema_field(ARTICLE_LINKS)
    def get_links(self, article) -> dict:
        has_body = getattr(article, "has_body", None)
        if has_body is None:
            has_body = article.has_full_text
        has_pdf = has_body or bool(getattr(article, "has_uploaded_pdf", False))
        return links.article_links(article, has_full_text=has_body, has_pdf=has_pdf)


class CitedAuthorSerializer(serializers.Serializer):
    surname = serializers.CharField(read_only=True)
    given_names = OptionalText()


class ReferenceSerializer(serializers.Serializer):
    position = serializers.IntegerField(read_only=True, help_text="Order in the list, from 0.")
    label = OptionalText()
    id = OptionalText(source="ref_id", help_text="JATS <ref> @id.")
    publication_type = OptionalText(help_text="journal, book, ...")
    authors = serializers.SerializerMethodField()
    collab = OptionalText()
    article_title = OptionalText()
    source = OptionalText(help_text="The journal's or book's title.")
    year = OptionalText()
    volume = OptionalText()
    issue = OptionalText()
    first_page = OptionalText()
    last_page = OptionalText()
    elocation_id = OptionalText()
    publisher = OptionalText()
    doi = OptionalText()
    pmid = OptionalText()
    url = OptionalText()
    text = OptionalText(source="original_text", help_text="The reference as printed.")

    @extend_schema_field(CitedAuthorSerializer(many=True))
    def get_authors(self, reference) -> list:
        """Stored as [surname, given names] pairs."""
        pairs = [p for p in reference.authors or [] if isinstance(p, list) and p]
        return [
            {"surname": str(p[0]), "given_names": str(p[1]) if p[1:] and p[1] else None}
            for p in pairs
        ]


class MetricsSerializer(serializers.Serializer):
    doi = serializers.CharField(read_only=True)
    views = serializers.IntegerField(
        read_only=True,
        help_text="COUNTER Total_Item_Investigations (Regular, all usage) since publication, "
        "at most a minute behind: the number the article page shows.",
    )
    downloads = serializers.IntegerField(
        read_only=True,
        help_text="COUNTER Total_Item_Requests (full text and PDF; Regular, all usage) "
        "of the days processed so far.",
    )
    usage_processed_through = serializers.DateField(
        read_only=True, allow_null=True, help_text="The last day whose usage is processed."
    )
    citations = serializers.IntegerField(
        read_only=True, help_text="Citing works known here and to Crossref (merged)."
    )
