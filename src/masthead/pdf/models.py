"""The article's PDF: generated from the full text (`render`) or uploaded by the publisher.

One row per article. A generated file records the article `version` it was made from, so
a re-imported article (a new version) gets a fresh one; an uploaded file (the publisher's
own typesetting) wins and is never regenerated. A failed render keeps the last good file
and records the failure in `error`, for the admin to see.
"""

from django.core.exceptions import ValidationError
from django.db import models

MAX_UPLOAD_BYTES = 100 * 1024 * 1024


def pdf_path(pdf: "ArticlePdf", filename: str) -> str:
    return f"pdfs/{pdf.article_id}/{filename}"


def check_pdf_upload(name: str, data: bytes | None = None, size: int | None = None) -> None:
    """Refuse anything that is not a readable PDF of at most 100 MB (ValidationError)."""
    if not name.lower().endswith(".pdf"):
        raise ValidationError("Upload a file whose name ends in .pdf.")
    size = len(data) if size is None and data is not None else size
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ValidationError(f"The PDF is {size / 1e6:.0f} MB; the limit is 100 MB.")
    if data is None:
        return
    if not data.startswith(b"%PDF-"):
        raise ValidationError("This file is not a PDF (it does not start with %PDF-).")
    from masthead.pdf.render import page_count

    try:
        pages = page_count(data)
    except Exception as error:  # pypdf raises many kinds on a damaged file
        raise ValidationError(f"This PDF cannot be read ({type(error).__name__}).") from error
    if pages < 1:
        raise ValidationError("This PDF has no pages.")


class ArticlePdf(models.Model):
    GENERATED = "generated"
    UPLOADED = "uploaded"
    SOURCES = [(GENERATED, "Generated from the full text"), (UPLOADED, "Uploaded by the publisher")]

    article = models.OneToOneField("catalog.Article", on_delete=models.CASCADE, related_name="pdf")
    version = models.PositiveIntegerField(
        default=0, help_text="The article version the file was made from."
    )
    source = models.CharField(max_length=16, choices=SOURCES, default=GENERATED)
    file = models.FileField(upload_to=pdf_path, max_length=500, blank=True)
    pages = models.PositiveIntegerField(default=0)
    size = models.PositiveBigIntegerField(default=0)
    rendered_at = models.DateTimeField(null=True, blank=True)
    render_seconds = models.FloatField(null=True, blank=True)
    error = models.TextField(blank=True, help_text="The last failure; the previous file is kept.")
    error_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "article PDF"

    def __str__(self) -> str:
        return f"PDF of {self.article.doi}" if self.article_id else "PDF"

    def clean(self) -> None:
        super().clean()
        upload = self.file
        if self.source == self.UPLOADED and upload and not getattr(upload, "_committed", True):
            data = upload.read()
            upload.seek(0)
            check_pdf_upload(upload.name, data)

    @property
    def has_file(self) -> bool:
        return bool(self.file)
