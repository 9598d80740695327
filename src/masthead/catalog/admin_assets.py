"""Admin for uploaded figure images and supplementary files (checked on save)."""

from django.contrib import admin

from masthead.catalog.models_assets import ArticleAsset


@admin.register(ArticleAsset)
class ArticleAssetAdmin(admin.ModelAdmin):
    list_display = ("name", "article", "kind", "content_type", "size", "uploaded_at")
    list_filter = ("kind",)
    search_fields = ("name", "article__doi", "article__title")
    raw_id_fields = ("article",)
    readonly_fields = ("content_type", "size", "uploaded_at")


class ArticleAssetInline(admin.TabularInline):
    """For the article admin: `inlines = [ArticleAssetInline]`."""

    model = ArticleAsset
    extra = 0
    fields = ("kind", "name", "file", "content_type", "size", "uploaded_at")
    readonly_fields = ("content_type", "size", "uploaded_at")
