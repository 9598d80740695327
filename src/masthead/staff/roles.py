"""Staff roles as plain data: each role's model permissions and back-office areas.

`masthead sync_roles` (also run after every `migrate`) turns this into Django Groups; a
person gets a role by being added to its group in the admin. Nothing here imports Django.

A role's `models` maps "app_label.model" to the actions it may take there (Django's
add/change/delete/view). `areas` are the back-office areas it may open, each guarded by
one custom permission (AREAS). `everything` gives every permission that exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ALL = ("view", "add", "change", "delete")
VIEW = ("view",)


@dataclass(frozen=True)
class Area:
    """A back-office area and the custom permission that opens it."""

    path: str
    app_label: str
    model: str  # the permission hangs on this model's content type
    codename: str
    name: str

    @property
    def permission(self) -> str:
        return f"{self.app_label}.{self.codename}"


AREAS = {
    "usage": Area(
        "/back-office/usage/", "usage", "event", "view_backoffice", "Can open the usage back office"
    ),
    "sales": Area(
        "/back-office/sales/",
        "commerce",
        "order",
        "view_backoffice",
        "Can open the sales back office (and refund orders)",
    ),
}


@dataclass(frozen=True)
class Role:
    name: str
    models: dict[str, tuple[str, ...]] = field(default_factory=dict)
    areas: tuple[str, ...] = ()
    everything: bool = False

    def permissions(self) -> set[str]:
        """ "app_label.codename" of every permission the role names (not for `everything`)."""
        names = set()
        for label, actions in self.models.items():
            app_label, model = label.split(".")
            names.update(f"{app_label}.{action}_{model}" for action in actions)
        names.update(AREAS[area].permission for area in self.areas)
        return names


PRODUCTION_EDITOR = Role(
    "Production editor",
    models={
        "catalog.publisher": VIEW,
        "catalog.journal": ALL,
        "catalog.issue": ALL,
        "catalog.article": ALL,
        "catalog.contributor": ALL,
        "catalog.reference": ALL,
        "catalog.articleasset": ALL,
        "pdf.articlepdf": ALL,
        "related.curation": ALL,
        "related.relatedarticle": VIEW,
        "related.neighbour": VIEW,
        "citations.citation": VIEW,
        "citations.crossrefmember": VIEW,
        "citations.depositbatch": ("view", "add", "change"),
        "citations.deposititem": VIEW,
        "jobs.job": ("view", "retry"),  # imports and PDF renders are theirs
    },
)

SALES_MANAGER = Role(
    "Sales manager",
    models={
        "catalog.journal": VIEW,
        "commerce.offer": ALL,
        "commerce.seller": ("view", "change"),
        "commerce.taxrate": ALL,
        "commerce.order": VIEW,
        "commerce.orderline": VIEW,
        "commerce.payment": VIEW,
        "commerce.notification": VIEW,
    },
    areas=("sales",),
)

CUSTOMER_MANAGER = Role(
    "Customer manager",
    models={
        "catalog.journal": VIEW,
        "access.institution": ALL,
        "access.iprange": ALL,
        "access.identityprovider": ALL,
        "access.licence": ALL,
        "access.grant": ALL,
        "usage.sushicredential": ALL,
        "library.institutionadministrator": ALL,  # who runs an institution's library portal
        "library.changerequest": ("view", "change"),  # answer librarians' requests
    },
    areas=("usage",),
)

PLATFORM_ADMIN = Role("Platform admin", areas=tuple(AREAS), everything=True)

ROLES = {
    role.name: role for role in (PRODUCTION_EDITOR, SALES_MANAGER, CUSTOMER_MANAGER, PLATFORM_ADMIN)
}
