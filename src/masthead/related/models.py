"""What the article page's Related Research box reads, computed ahead of time.

`Neighbour` rows are the stored lists (People also read, Recommended articles), in rank
order and already curated: the page reads the first few by (article, tab, rank) and
does no more work. `RelatedArticle` is one row per article: the byline its card shows on
other articles' pages, which version of the article its lists were built from (0: due),
and when what its page shows last changed (the page cache keys on it). `Curation` is the
editors' say: an article pinned to the top of Recommended articles, or kept off both
lists. Lists are written only through `related.store`, which applies the curation.
"""

from django.conf import settings
from django.db import models

from masthead.catalog.models import Article, RelatedScope
from masthead.related.suggestion import ALSO_READ, RECOMMENDED

TAB_CHOICES = [(ALSO_READ, "People also read"), (RECOMMENDED, "Recommended articles")]
SCOPE_CHOICES = [("", "As the journal says"), *RelatedScope.choices]
NOT_ITSELF = "An article cannot be related to itself."


class Neighbour(models.Model):
    # The unique (article, tab, rank) index is the page's read path and covers the
    # article alone too: no second index on article to keep up on every nightly write.
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="neighbours", db_index=False
    )
    tab = models.CharField(max_length=16, choices=TAB_CHOICES)
    rank = models.PositiveSmallIntegerField(help_text="0 is shown first.")
    # No index on other: it would double the cost of the nightly rewrite of two million
    # rows, for the one query that needs it (deleting an article, rare: a table scan).
    other = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+", db_index=False)
    score = models.FloatField(help_text="Higher first; comparable only within one list.")
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["article", "tab", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["article", "tab", "rank"], name="neighbour_rank")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} {self.tab} #{self.rank}: {self.other_id}"


class RelatedArticle(models.Model):
    """Per article: its byline on others' pages, build state and page-change time."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="related_state"
    )
    authors = models.CharField(
        max_length=300, blank=True, help_text='Shown on other pages: "A, B, C et al."'
    )
    built_version = models.PositiveIntegerField(
        default=0, help_text="The article version its lists were built from; 0: due."
    )
    built_at = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField(
        null=True, blank=True, help_text="When its shown lists or curation last changed."
    )
    also_read_filled = models.BooleanField(
        default=False,
        help_text="Too few readers yet: People also read was filled from the content engine.",
    )
    scope = models.CharField(
        max_length=16,
        choices=SCOPE_CHOICES,
        blank=True,
        default="",
        help_text="Where its related articles may come from.",
    )

    class Meta:
        verbose_name = "related research state"
        verbose_name_plural = "related research states"

    def __str__(self) -> str:
        return f"Related research of {self.article_id}"


class Curation(models.Model):
    """An editor's pin or block of `other` on `article`'s lists (`related.store` applies it)."""

    PIN = "pin"
    BLOCK = "block"
    ACTIONS = [(PIN, "Pin to the top of Recommended articles"), (BLOCK, "Never show")]

    # The unique (article, other) index covers look-ups by article.
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="curations", db_index=False
    )
    other = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="+", verbose_name="related article"
    )
    action = models.CharField(max_length=8, choices=ACTIONS)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order among the pins.")
    note = models.CharField(max_length=255, blank=True, help_text="Why, for other editors.")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["article", "action", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "other"], name="one_curation_per_pair"),
            models.CheckConstraint(
                condition=~models.Q(article=models.F("other")),
                name="curation_not_of_itself",
                violation_error_message=NOT_ITSELF,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.other_id} on {self.article_id}"


from masthead.related.models_embedding import ArticleEmbedding  # noqa: E402, F401
