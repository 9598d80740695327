"""Shop fixtures: the test journal's publisher as a UK seller charging VAT by country."""

import pytest

from masthead.commerce.models import Seller


@pytest.fixture
def seller(journal) -> Seller:
    return Seller.objects.create(
        publisher=journal.publisher,
        legal_name="Test Press Ltd",
        address="1 Test Street\nTestville",
        country="GB",
        vat_number="GB980780684",
        email="sales@example.org",
        invoice_prefix="TP-",
    )
