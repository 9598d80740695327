"""Staff's say over Related Research, on the article's admin page: pin or block articles,
choose where its related articles may come from, and see the lists as stored.

Every save goes through `related.store` at once: a pin or a block shows on the article's
page on the next request (`apply_curation` re-curates the stored lists and moves the
page's stamp), and the lists are rebuilt within a minute (`mark_due`).
"""

from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet

from masthead.related import store
from masthead.related.models import NOT_ITSELF, Curation, Neighbour, RelatedArticle


class CurationForm(forms.ModelForm):
    def clean(self):
        # The database refuses it too, but an inline form does not check constraints on
        # the article it belongs to: say so in the form rather than fail on save.
        data = super().clean()
        article = data.get("article")
        article_id = article.pk if article else self.instance.article_id
        if data.get("other") and data["other"].pk == article_id:
            self.add_error("other", NOT_ITSELF)
        return data


class CurationFormSet(BaseInlineFormSet):
    user = None  # who is editing: set per request by `CurationInline.get_formset`

    def save_new(self, form, commit=True):
        if self.user is not None and self.user.is_authenticated:
            form.instance.created_by = self.user
        return super().save_new(form, commit)

    def save(self, commit=True):
        saved = super().save(commit)
        if self.has_changed() and self.instance.pk:
            store.apply_curation(self.instance.pk)
        return saved


class CurationInline(admin.TabularInline):
    model = Curation
    fk_name = "article"
    form = CurationForm
    formset = CurationFormSet
    extra = 0
    autocomplete_fields = ("other",)
    fields = ("action", "other", "position", "note", "created_by", "created_at")
    readonly_fields = ("created_by", "created_at")
    verbose_name = "editors' pin or block"
    verbose_name_plural = "Related research: editors' pins and blocks"

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)  # a new class per request
        formset.user = request.user
        return formset


class RelatedStateFormSet(BaseInlineFormSet):
    def save(self, commit=True):
        saved = super().save(commit)
        if self.has_changed() and self.instance.pk:
            store.mark_due(self.instance.pk)
        return saved


class RelatedStateInline(admin.StackedInline):
    model = RelatedArticle
    formset = RelatedStateFormSet
    can_delete = False
    max_num = 1
    fields = ("scope", "authors", "built_version", "built_at", "changed_at", "also_read_filled")
    readonly_fields = fields[1:]
    verbose_name = verbose_name_plural = "Related research settings"


class NeighbourInline(admin.TabularInline):
    """The lists as stored (curation applied), read only: the build job writes them."""

    model = Neighbour
    fk_name = "article"
    extra = 0
    can_delete = False
    fields = ("tab", "rank", "other", "score", "reason")
    readonly_fields = fields
    verbose_name = "related article"
    verbose_name_plural = "Related research: stored lists"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("other")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# For `catalog.admin.ArticleAdmin`.
RELATED_INLINES = [RelatedStateInline, CurationInline, NeighbourInline]


@admin.register(Curation)
class CurationAdmin(admin.ModelAdmin):
    """Every pin and block, to review them across articles."""

    form = CurationForm
    list_display = ("article", "action", "other", "position", "created_by", "created_at")
    list_filter = ("action",)
    search_fields = ("article__doi", "article__title", "other__doi", "other__title")
    autocomplete_fields = ("article", "other")
    list_select_related = ("article", "other", "created_by")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        moved_from = form.initial.get("article") if "article" in form.changed_data else None
        for article_id in {obj.article_id, moved_from} - {None}:
            store.apply_curation(article_id)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        store.apply_curation(obj.article_id)

    def delete_queryset(self, request, queryset):
        article_ids = set(queryset.values_list("article_id", flat=True))
        super().delete_queryset(request, queryset)
        for article_id in article_ids:
            store.apply_curation(article_id)
