"""The back office's import form."""

from django import forms

from masthead.catalog.models import Journal


class ImportForm(forms.Form):
    file = forms.FileField(
        label="JATS or PubMed XML file",
        help_text="One JATS article, or a PubMed article set (.xml or .xml.gz).",
    )
    journal = forms.ModelChoiceField(
        Journal.objects.order_by("title"),
        required=False,
        to_field_name="code",
        label="Journal (JATS only, when the file does not say)",
    )
