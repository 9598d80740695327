"""Shared by the Related Research tests: suggestions to store, and admin forms as posted."""

from lxml import html as lxml_html

from masthead.related.suggestion import Suggestion


def suggest(*articles, reason: str = "Shares 3 references") -> list[Suggestion]:
    """A computed list, best first."""
    return [Suggestion(a.pk, 1.0 - n / 100, reason) for n, a in enumerate(articles)]


def admin_form(response, form_id: str) -> dict[str, str | list[str]]:
    """What a browser would post back from an admin change page, unchanged."""
    form = lxml_html.fromstring(response.content.decode()).get_element_by_id(form_id)
    data: dict[str, str | list[str]] = {}
    for field in form.xpath(".//input|.//select|.//textarea"):
        name = field.get("name")
        if not name or "__prefix__" in name:
            continue
        if field.tag == "select" and field.get("multiple") is not None:
            data[name] = field.xpath(".//option[@selected]/@value")
        elif field.tag == "select":  # a browser sends the first option when none is selected
            chosen = field.xpath(".//option[@selected]/@value") or field.xpath(".//option/@value")
            data[name] = chosen[0] if chosen else ""
        elif field.tag == "textarea":  # the newline after <textarea> is not content
            text = field.text or ""
            data[name] = text[1:] if text.startswith("\n") else text
        elif field.get("type") in ("checkbox", "radio"):
            if field.get("checked") is not None:
                data[name] = field.get("value", "on")
        elif field.get("type") != "submit":
            data[name] = field.get("value", "")
    return data


def add_inline_rows(data: dict, prefix: str, rows: list[dict]) -> dict:
    """Append new rows to an inline formset in posted form data."""
    start = int(data[f"{prefix}-TOTAL_FORMS"])
    for n, row in enumerate(rows, start):
        data.update({f"{prefix}-{n}-{name}": value for name, value in row.items()})
    data[f"{prefix}-TOTAL_FORMS"] = str(start + len(rows))
    return data
