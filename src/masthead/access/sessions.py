"""What a signed-in session proves about institutional membership (from SAML login)."""

from django.http import HttpRequest

SESSION_KEY = "masthead.institutions"


def remember_institution(request: HttpRequest, institution_id: int) -> None:
    """After a successful institutional (SAML) login: the session reads as a member."""
    ids = set(request.session.get(SESSION_KEY, []))
    ids.add(institution_id)
    request.session[SESSION_KEY] = sorted(ids)


def session_institutions(request: HttpRequest) -> tuple[int, ...]:
    session = getattr(request, "session", None)
    if session is None or not session.session_key:
        return ()  # no cookie, no session read: anonymous readers cost no query here
    return tuple(session.get(SESSION_KEY, ()))
