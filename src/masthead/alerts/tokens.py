"""Unsubscribe tokens: a signed note naming a reader's subscriptions, for links in e-mails.

The token names the reader and the journals (new-issue alerts) or articles (citation
alerts) one e-mail is about, not row ids: a row id could be reused after a deletion, a
(reader, journal) pair always means the same alert. It is signed with the site's key
under its own salt and does not expire (an old e-mail's link must keep working); it
proves only that we sent it to this reader, so all it can do is remove those alerts.
"""

from dataclasses import dataclass

from django.core import signing

SALT = "masthead.alerts.unsubscribe"
MAX_NAMED = 200  # more than any one e-mail names


@dataclass(frozen=True)
class Named:
    user_id: int
    journal_ids: tuple[int, ...] = ()
    article_ids: tuple[int, ...] = ()


def make_token(named: Named) -> str:
    payload: dict = {"u": named.user_id}
    if named.journal_ids:
        payload["j"] = sorted(named.journal_ids)
    if named.article_ids:
        payload["a"] = sorted(named.article_ids)
    return signing.Signer(salt=SALT).sign_object(payload, compress=True)


def read_token(token: str) -> Named | None:
    """What a genuine token names; None for a forged, altered or malformed one."""
    try:
        data = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        return None
    if not isinstance(data, dict) or not _is_id(data.get("u")):
        return None
    journals, articles = data.get("j", []), data.get("a", [])
    for ids in (journals, articles):
        if not isinstance(ids, list) or len(ids) > MAX_NAMED or not all(map(_is_id, ids)):
            return None
    if not journals and not articles:
        return None
    return Named(data["u"], tuple(journals), tuple(articles))


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0
