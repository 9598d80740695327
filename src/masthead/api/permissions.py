"""Who may do what: anyone may read; only staff whose Django model permissions allow
the change may write (PATCH needs `change`, POST `add`, of the view's model)."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from masthead.catalog.models import Article

WRITE_ACTIONS = {"POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}


def is_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def may(user, action: str, model) -> bool:
    """Whether `user` is staff holding `<app>.<action>_<model>`."""
    meta = model._meta
    return is_staff(user) and user.has_perm(f"{meta.app_label}.{action}_{meta.model_name}")


def sees_unpublished(user) -> bool:
    """Staff who may view articles also see unpublished and embargoed ones."""
    return may(user, "view", Article) or may(user, "change", Article)


class ReadOnlyOrStaffWithPermission(BasePermission):
    message = "Only staff with the permission to change this may write."

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        if not (request.user and request.user.is_authenticated):
            return False  # DRF answers 401 with the token challenge
        model = getattr(view, "write_model", None)
        action = WRITE_ACTIONS.get(request.method)
        return model is not None and action is not None and may(request.user, action, model)
