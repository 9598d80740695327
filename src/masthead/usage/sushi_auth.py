"""Who is asking the COUNTER_SUSHI API, and the errors it answers with (Appendix D).

Authentication is by customer_id + requestor_id and/or api_key (8.2), never by IP
address. A credential carries what it requires: a requestor_id, an api_key (kept as its
SHA-256 only), or both, and then both must be given. A credential without an institution
is the publisher's own and sees all usage, "The World".
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from masthead.usage import report_format as fmt
from masthead.usage.models import SushiCredential

# HTTP statuses of the errors that stop a request (the API specification's responses).
STATUS = {1000: 503, 1010: 503, 1020: 429, 1030: 400, 3020: 400,
          2000: 401, 2020: 401, 2010: 403, 2011: 403, 3000: 404}  # fmt: skip


class SushiError(Exception):
    """An error that answers a request on its own: a COUNTER Exception and its status."""

    def __init__(self, code: int, data: str = ""):
        super().__init__(f"{code}: {fmt.EXCEPTION_MESSAGES[code]} ({data})")
        self.code = code
        self.data = data

    @property
    def status(self) -> int:
        return STATUS.get(self.code, 400)

    def as_json(self) -> dict:
        return fmt.exception(self.code, self.data)


@dataclass(frozen=True)
class Customer:
    customer_id: str
    requestor_id: str
    institution_id: int | None  # None: the publisher, all usage
    institution_name: str


def api_key_hash(api_key: str) -> str:
    """What SushiCredential.api_key_sha256 stores for an api_key."""
    return hashlib.sha256(api_key.encode()).hexdigest()


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def authenticate(params: dict[str, str]) -> Customer:
    """The customer whose usage `params` (customer_id, requestor_id, api_key) may read.

    Raises SushiError: 1030 when something required is missing, 2010 for an unknown
    customer or a requestor_id of another customer, 2000 for an unknown requestor_id,
    2020 for a wrong api_key.
    """
    customer_id = params.get("customer_id", "")
    if not customer_id:
        raise SushiError(1030, "customer_id is missing")
    credential = (
        SushiCredential.objects.select_related("institution")
        .filter(customer_id=customer_id)
        .first()
    )
    institution = credential.institution if credential else None
    if (
        credential is None
        or not credential.is_active
        or (institution is not None and not institution.is_active)
        or not (credential.requestor_id or credential.api_key_sha256)
    ):
        raise SushiError(2010, f"customer_id {customer_id} is not recognized")
    requestor_id = params.get("requestor_id", "")
    if credential.requestor_id:
        if not requestor_id:
            raise SushiError(1030, "requestor_id is missing")
        if not _same(requestor_id, credential.requestor_id):
            known = SushiCredential.objects.filter(
                requestor_id=requestor_id, is_active=True
            ).exists()
            if known:
                raise SushiError(2010, f"requestor_id is not authorized for {customer_id}")
            raise SushiError(2000, "requestor_id is not recognized")
    if credential.api_key_sha256:
        api_key = params.get("api_key", "")
        if not api_key:
            raise SushiError(1030, "api_key is missing")
        if not _same(api_key_hash(api_key), credential.api_key_sha256.lower()):
            raise SushiError(2020, f"api_key is not valid for {customer_id}")
    return Customer(
        customer_id=credential.customer_id,
        requestor_id=credential.requestor_id,
        institution_id=institution.pk if institution else None,
        institution_name=institution.name if institution else fmt.WORLD,
    )
