"""Field types of the API: strict on input (a number is not a string, "yes" is not a
boolean), and "nothing" as null on output rather than an empty string."""

import datetime as dt

from django.core.validators import RegexValidator
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

# Text a client sends may hold no control characters but tab and line breaks (PostgreSQL
# refuses NUL outright); the OpenAPI description says so as a pattern.
NO_CONTROL_CHARACTERS = RegexValidator(
    r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$", "Control characters are not allowed."
)
CODE = RegexValidator(r"^[-a-zA-Z0-9_]+$", "Letters, digits, - and _ only.")


class OptionalText(serializers.CharField):
    """A text column that may be blank: null when it is."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return str(value) if value else None


class StrictText(serializers.CharField):
    """Only a JSON string is text, and no control characters."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(NO_CONTROL_CHARACTERS)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBoolean(serializers.BooleanField):
    """Only JSON true or false."""

    default_error_messages = {"invalid": "Must be true or false."}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


@extend_schema_field(
    {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "string", "format": "date"}]}
)
class DateOrDateTime(serializers.DateTimeField):
    """An ISO 8601 date-time, or a date (its start, UTC)."""

    def to_internal_value(self, value):
        if isinstance(value, str) and len(value) == 10:
            try:
                day = dt.date.fromisoformat(value)
            except ValueError:
                self.fail("invalid", format="YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss][+HH:MM|Z]")
            return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
        return super().to_internal_value(value)  # made aware in UTC when naive

    def enforce_timezone(self, value):
        try:
            return (
                value.astimezone(dt.UTC)
                if timezone.is_aware(value)
                else super().enforce_timezone(value)
            )
        except OverflowError:  # within a day of year 1 or 9999: the ends of time
            return (
                dt.datetime.min.replace(tzinfo=dt.UTC)
                if value.year < 5000
                else dt.datetime.max.replace(tzinfo=dt.UTC)
            )
