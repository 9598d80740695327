"""Article PDFs in the admin: failures visible, publishers' own PDFs uploaded here."""

from django import forms
from django.contrib import admin, messages

from masthead.pdf.models import ArticlePdf, check_pdf_upload
from masthead.pdf.services import PdfUnavailable, ensure_pdf, save_upload


class ArticlePdfForm(forms.ModelForm):
    upload = forms.FileField(
        required=False,
        label="Publisher's PDF",
        help_text="Your own typeset PDF (max 100 MB). It replaces the generated file for good.",
    )

    class Meta:
        model = ArticlePdf
        fields = ["article"]

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            check_pdf_upload(upload.name, size=upload.size)
            data = upload.read()
            check_pdf_upload(upload.name, data)
            self.upload_bytes = data
        return upload


@admin.register(ArticlePdf)
class ArticlePdfAdmin(admin.ModelAdmin):
    form = ArticlePdfForm
    list_display = [
        "article",
        "source",
        "version",
        "pages",
        "rendered_at",
        "render_seconds",
        "failed",
    ]
    list_filter = ["source", ("error_at", admin.EmptyFieldListFilter)]
    search_fields = ["article__doi", "article__title"]
    raw_id_fields = ["article"]
    readonly_fields = [
        "source",
        "version",
        "file",
        "pages",
        "size",
        "rendered_at",
        "render_seconds",
        "error",
        "error_at",
    ]
    actions = ["render_again"]

    @admin.display(boolean=True, description="last render failed")
    def failed(self, obj: ArticlePdf) -> bool:
        return bool(obj.error)

    def get_readonly_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        return [*fields, "article"] if obj else fields

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        data = getattr(form, "upload_bytes", None)
        if data is not None:
            save_upload(obj.article, form.cleaned_data["upload"].name, data)

    @admin.action(description="Render again")
    def render_again(self, request, queryset):
        done = failed = skipped = 0
        for pdf in queryset.select_related("article"):
            if pdf.source == ArticlePdf.UPLOADED:
                skipped += 1
                continue
            try:
                ensure_pdf(pdf.article, force=True)
                done += 1
            except PdfUnavailable as error:
                failed += 1
                self.message_user(request, str(error), messages.ERROR)
        self.message_user(
            request, f"{done} rendered, {failed} failed, {skipped} uploaded (left as they are)."
        )
