"""Build the demo press. Every step is idempotent: running it again changes nothing."""

from pathlib import Path

from masthead.catalog.models import Journal, Publisher
from masthead.catalog.services import Importer, ImportSummary
from masthead.commerce.models import Offer, OfferKind, Seller
from masthead.jats import parse_jats
from masthead.jats.files import iter_jats_files

DEMO_DIR = Path(__file__).resolve().parent
SEED_ARTICLE = DEMO_DIR / "seed-article.xml"
DEMO_PREFIX = "10.5555"

# The seed page's price list: (kind, hours of access, USD cents).
PRICE_LIST = [(OfferKind.ARTICLE, 48, 5300), (OfferKind.ISSUE, 30 * 24, 57700)]


def demo_journal() -> Journal:
    publisher, _ = Publisher.objects.get_or_create(
        name="Masthead Demo Press",
        defaults={"address": "1 Example Street, Demo City", "url": "https://example.org/"},
    )
    journal, _ = Journal.objects.get_or_create(
        code="jeea",
        defaults={
            "publisher": publisher,
            "title": "Journal of Eastern European Affairs",
            "abbreviation": "J East Eur Aff",
            "issn_print": "5555-0010",
            "issn_online": "5555-0029",
            "doi_prefix": DEMO_PREFIX,
            "description": "A demo journal of politics and security in Eastern Europe.",
            "default_currency": "USD",
            "is_featured": True,
            "altmetric_badge": True,  # as on the seed page (Altmetric loads in the browser)
        },
    )
    demo_seller(publisher)
    for kind, hours, cents in PRICE_LIST:
        Offer.objects.get_or_create(
            journal=journal,
            issue=None,
            article=None,
            kind=kind,
            currency="USD",
            defaults={"amount_minor": cents, "access_hours": hours},
        )
    return journal


def demo_seller(publisher: Publisher) -> Seller:
    """Who sells the demo's articles: a UK publisher charging VAT by the buyer's country."""
    seller, _ = Seller.objects.get_or_create(
        publisher=publisher,
        defaults={
            "legal_name": "Masthead Demo Press Ltd",
            "address": "1 Example Street\nDemo City\nDE1 0AA\nUnited Kingdom",
            "country": "GB",
            "vat_number": "GB980780684",
            "email": "sales@example.org",
            "invoice_prefix": "MDP-",
        },
    )
    return seller


def load_seed_article(journal: Journal, summary: ImportSummary) -> None:
    record = parse_jats(SEED_ARTICLE.read_bytes(), SEED_ARTICLE.name)
    Importer(journal=journal).import_all([record], summary)


def load_jats_directory(directory: Path, summary: ImportSummary) -> None:
    """Import a folder of JATS files; the journals they create are featured on the home page."""
    files = sorted(directory.glob("*.xml"))
    Importer().import_all(iter_jats_files(files), summary)
    featured = Journal.objects.filter(articles__source_format="jats").exclude(code="jeea")
    Journal.objects.filter(pk__in=featured.values("pk")).update(is_featured=True)
