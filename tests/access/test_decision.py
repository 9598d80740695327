"""The one access decision, as plain data in and out."""

import pytest

from masthead.access.decision import Action, Item, Reader, Reason, decide

ANONYMOUS = Reader(ip="192.0.2.1")


@pytest.mark.parametrize(
    "item, action, reason",
    [
        (Item(is_published=False, is_open_access=True), Action.FULL_TEXT, Reason.NOT_PUBLISHED),
        (Item(is_published=True, is_open_access=True), Action.PDF, Reason.OPEN),
        (
            Item(is_published=True, is_open_access=False, is_free_to_read=True),
            Action.FULL_TEXT,
            Reason.FREE_TO_READ,
        ),
        (Item(is_published=True, is_open_access=False), Action.ABSTRACT, Reason.FREE_TO_READ),
        (Item(is_published=True, is_open_access=False), Action.FULL_TEXT, Reason.NO_LICENSE),
        (Item(is_published=True, is_open_access=False), Action.PDF, Reason.NO_LICENSE),
    ],
)
def test_reasons(item, action, reason):
    decision = decide(ANONYMOUS, item, action)
    assert decision.reason == reason
    assert decision.allowed == (reason in {Reason.OPEN, Reason.FREE_TO_READ})
