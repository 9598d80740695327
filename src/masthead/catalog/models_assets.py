"""Figure images and supplementary files a publisher uploads for an article.

`name` is the file name the JATS XML uses (the graphic's or media's xlink:href), so the
full text can link to the upload; the bytes are checked on save (`file_types.check`) and
never served as anything a browser could run.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from masthead.catalog.file_types import RefusedFile, check, extension

__all__ = ["ArticleAsset"]

MAX_ASSET_BYTES = 200 * 1024 * 1024
MAX_SVG_BYTES = 5 * 1024 * 1024


def asset_path(asset: "ArticleAsset", filename: str) -> str:
    return f"assets/{asset.article_id}/{asset.name}"


class ArticleAsset(models.Model):
    FIGURE = "figure"
    SUPPLEMENT = "supplement"
    KINDS = [(FIGURE, "Figure"), (SUPPLEMENT, "Supplementary file")]

    article = models.ForeignKey("catalog.Article", on_delete=models.CASCADE, related_name="assets")
    kind = models.CharField(max_length=16, choices=KINDS, default=SUPPLEMENT)
    name = models.CharField(
        max_length=255, help_text="The file name the article's XML uses, e.g. elife-00666-fig1.jpg"
    )
    file = models.FileField(upload_to=asset_path, max_length=500)
    content_type = models.CharField(max_length=128, blank=True, editable=False)
    size = models.PositiveBigIntegerField(default=0, editable=False)
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        app_label = "catalog"
        constraints = [
            models.UniqueConstraint(fields=["article", "name"], name="unique_asset_name"),
        ]
        ordering = ["article", "name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.inspect()  # whoever saves it (admin, shell, an import): never an unchecked file
        super().save(*args, **kwargs)
        # The full text links to uploads: a new stamp makes its cached pages render afresh.
        type(self.article).objects.filter(pk=self.article_id).update(updated_at=timezone.now())

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    def clean(self) -> None:
        super().clean()
        try:
            self.inspect()
        except RefusedFile as refused:
            raise ValidationError({"file": str(refused)}) from refused

    def inspect(self) -> None:
        """Type and size from the bytes; RefusedFile for anything that must not be served."""
        if not self.name and self.file:
            self.name = self.file.name.rsplit("/", 1)[-1]
        if not self.file:
            raise RefusedFile("No file was uploaded.")
        if self.file.size > MAX_ASSET_BYTES:
            raise RefusedFile("The file is larger than 200 MB.")
        uploaded = (getattr(self.file, "name", "") or "").rsplit("/", 1)[-1]
        if uploaded and extension(uploaded) != extension(self.name):
            raise RefusedFile(f"The file's name ({uploaded}) and the asset's name differ in type.")
        self.file.open("rb")
        self.file.seek(0)
        # An SVG is read whole (its scripts may be anywhere); anything else by its head.
        limit = MAX_SVG_BYTES + 1 if extension(self.name) == "svg" else 8192
        data = self.file.read(limit)
        self.file.seek(0)
        if len(data) > MAX_SVG_BYTES:
            raise RefusedFile("SVG images larger than 5 MB are not published.")
        self.content_type = check(self.name, data)
        self.size = self.file.size

    def delete(self, *args, **kwargs):
        article_id = self.article_id
        storage, path = self.file.storage, self.file.name
        result = super().delete(*args, **kwargs)
        if path:
            storage.delete(path)
        type(self.article).objects.filter(pk=article_id).update(updated_at=timezone.now())
        return result
