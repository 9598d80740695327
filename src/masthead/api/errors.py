"""One error shape for every 4xx: {"detail": "<message>"}, plus "errors" (the message
of each field) when a request's fields were invalid."""

from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = response.data if isinstance(response.data, dict) else {"": response.data}
        response.data = {"detail": summary(errors), "errors": errors}
    elif not isinstance(response.data, dict) or "detail" not in response.data:
        response.data = {"detail": str(response.data)}
    return response


def summary(errors: dict) -> str:
    """The first field's first message, e.g. "keywords: Expected a list of items"."""
    for field, messages in errors.items():
        first = messages
        while isinstance(first, (list, dict)) and first:
            first = first[0] if isinstance(first, list) else next(iter(first.values()))
        text = str(first) if first else "Invalid input."
        return f"{field}: {text}" if field and field != "non_field_errors" else text
    return "Invalid input."
