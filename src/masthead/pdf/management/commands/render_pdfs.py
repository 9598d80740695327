"""`masthead render_pdfs`: the PDFs the full text needs, rendered after imports."""

from django.core.management.base import BaseCommand

from masthead.catalog.models import Article
from masthead.pdf.models import ArticlePdf
from masthead.pdf.services import DEFAULT_TIME_LIMIT, PdfUnavailable, ensure_pdf, needs_render


class Command(BaseCommand):
    help = "Render the PDF of every full-text article whose PDF is missing or stale."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Re-render every generated PDF.")
        parser.add_argument("--doi", action="append", default=[], help="Only this article.")
        parser.add_argument("--time-limit", type=float, default=DEFAULT_TIME_LIMIT)

    def handle(self, *args, **options):
        self.run_once(options)

    def run_once(self, options) -> dict[str, int]:
        articles = Article.objects.exclude(body_html="").select_related("journal", "issue")
        if options["doi"]:
            articles = articles.filter(doi_key__in=[d.strip().lower() for d in options["doi"]])
        counts = {"rendered": 0, "failed": 0, "unchanged": 0}
        uploaded = set(
            ArticlePdf.objects.filter(source=ArticlePdf.UPLOADED).values_list(
                "article_id", flat=True
            )
        )
        for article in articles.order_by("pk").iterator():
            reason = needs_render(article)
            if article.pk in uploaded:
                reason = ""
            elif options["all"] and not reason:
                reason = "--all"
            if not reason:
                counts["unchanged"] += 1
                continue
            try:
                pdf = ensure_pdf(article, time_limit=options["time_limit"], force=True)
            except PdfUnavailable as error:
                counts["failed"] += 1
                self.stderr.write(f"failed   {article.doi}: {error}")
                continue
            counts["rendered"] += 1
            self.stdout.write(
                f"rendered {article.doi} ({reason}): "
                f"{pdf.pages} pages in {pdf.render_seconds:.1f} s"
            )
        self.stdout.write(
            f"{counts['rendered']} rendered, {counts['failed']} failed, "
            f"{counts['unchanged']} unchanged"
        )
        return counts
