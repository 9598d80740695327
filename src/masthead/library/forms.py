"""The change request form: what should change, and for IP ranges a proposed range
checked with the same parsing and rules as the ranges staff enter."""

from django import forms
from django.conf import settings

from masthead.access import iprange
from masthead.library.models import ChangeRequest

MAX_TEXT = 4000


class ChangeRequestForm(forms.Form):
    kind = forms.ChoiceField(label="What to change", choices=ChangeRequest.Kind.choices)
    text = forms.CharField(
        label="What should change, and why",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="For example: the range to add or remove, or the new entityID of your IdP.",
    )
    proposed_range = forms.CharField(
        label="Proposed IP range (optional)",
        required=False,
        max_length=100,
        help_text="CIDR (198.51.100.0/24, 2001:db8::/48) or start-end.",
    )

    def clean_proposed_range(self) -> str:
        text = self.cleaned_data["proposed_range"].strip()
        if not text:
            return ""
        try:
            parsed = iprange.parse_range(text)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        problem = iprange.refusal(parsed, allow_documentation=settings.MASTHEAD_DEMO)
        if problem:
            raise forms.ValidationError(problem)
        return parsed.text

    def clean(self):
        data = super().clean()
        if data.get("proposed_range") and data.get("kind") != ChangeRequest.Kind.IP_RANGES:
            self.add_error("proposed_range", "A proposed range goes with an IP range change.")
        return data
