"""The embedding cache: one vector per article version and model, so a rebuild embeds only
what is new or changed (imported into models.py)."""

from django.db import models

from masthead.catalog.models import Article


class ArticleEmbedding(models.Model):
    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="embedding"
    )
    model = models.CharField(max_length=64, help_text="The embedding model's name.")
    version = models.PositiveIntegerField(help_text="The Article.version it was computed from.")
    text_sha256 = models.CharField(max_length=64, help_text="Of the text embedded.")
    vector = models.BinaryField(help_text="float32, little-endian, L2-normalised.")
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.model} vector of {self.article_id} v{self.version}"
