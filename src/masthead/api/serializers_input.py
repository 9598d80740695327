"""What clients send: the article list's filters, an editorial change, a JATS import."""

from rest_framework import serializers

from masthead.api.fields import (
    CODE,
    NO_CONTROL_CHARACTERS,
    DateOrDateTime,
    StrictBoolean,
    StrictText,
)
from masthead.api.pagination import MAX_ID
from masthead.api.serializers import ArticleSerializer

MAX_TERMS = 100
TERM_LENGTH = 255


class ArticleFilters(serializers.Serializer):
    journal = serializers.CharField(
        required=False, max_length=64, validators=[CODE], help_text="A journal's code."
    )
    issue = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="An issue's id."
    )
    year = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=9999,
        help_text="Year of publication (the issue's, else the online date's).",
    )
    type = serializers.CharField(
        required=False,
        max_length=64,
        validators=[NO_CONTROL_CHARACTERS],
        help_text="JATS @article-type, e.g. research-article.",
    )
    open_access = serializers.BooleanField(required=False, help_text="true or false.")
    updated_since = DateOrDateTime(
        required=False,
        help_text="Articles whose metadata changed at or after this date or date-time "
        "(ISO 8601; UTC unless it says otherwise).",
    )


def _terms(help_text: str) -> serializers.ListField:
    return serializers.ListField(
        child=StrictText(max_length=TERM_LENGTH, allow_blank=True),
        max_length=MAX_TERMS,
        required=False,
        help_text=help_text,
    )


class ArticleEdit(serializers.Serializer):
    """The editorial fields staff may change; any other field is refused."""

    title = StrictText(required=False, max_length=2000)
    subtitle = StrictText(required=False, allow_blank=True, max_length=2000)
    is_published = StrictBoolean(required=False)
    is_free_to_read = StrictBoolean(required=False)
    keywords = _terms("Replaces the article's keywords.")
    subjects = _terms("Replaces the article's subjects (JATS <subject>).")

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": ["Send a JSON object."]})
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            allowed = ", ".join(self.fields)
            raise serializers.ValidationError(
                {name: [f"Not an editable field (these are: {allowed})."] for name in unknown}
            )
        return super().to_internal_value(data)

    def validate_keywords(self, values):
        return _clean_terms(values)

    def validate_subjects(self, values):
        return _clean_terms(values)


def _clean_terms(values: list[str]) -> list[str]:
    """Trimmed, without blanks or repeats, in the order given."""
    cleaned = []
    for value in values:
        value = " ".join(value.split())
        if value and value not in cleaned:
            cleaned.append(value)
    return cleaned


class ArticleImport(serializers.Serializer):
    file = serializers.FileField(help_text="One JATS XML article.")
    journal = serializers.CharField(
        required=False,
        max_length=64,
        validators=[CODE],
        help_text="Import into this journal (its code); else the journal the file names, "
        "found by ISSN or title, or created.",
    )


class ImportResult(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["imported", "updated", "unchanged"], read_only=True)
    article = ArticleSerializer(read_only=True)
