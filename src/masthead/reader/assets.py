"""Where figure images and supplementary files are served (the view is downloads.asset)."""

from urllib.parse import urlencode

from django.urls import reverse

from masthead.catalog.models import ArticleAsset


def asset_url(doi: str, name: str) -> str:
    return reverse("reader:asset", args=[name]) + "?" + _query(doi)


def asset_urls(article) -> dict[str, str]:
    """name -> URL for the article's uploads (one query), for the full text's links."""
    names = ArticleAsset.objects.filter(article=article).values_list("name", flat=True)
    return {name: asset_url(article.doi, name) for name in names}


def _query(doi: str) -> str:
    return urlencode({"doi": doi}, safe="/")
