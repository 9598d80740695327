"""The OpenAPI description's parts that drf-spectacular cannot see in the views: the
token scheme, that reads need no token, and the error answers every operation can give."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework.permissions import SAFE_METHODS

ERROR = {
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, for a person."},
        "errors": {
            "type": "object",
            "additionalProperties": True,
            "description": "Invalid fields: each field's messages.",
        },
    },
    "required": ["detail"],
}
ERROR_REF = {"$ref": "#/components/schemas/Error"}

# Status -> (description, for which operations).
ANSWERS = {
    "400": ("Invalid parameters or body.", lambda method, op: method != "get" or _query(op)),
    "401": ("No valid token (a write without one, or a token that is not valid).", None),
    "403": ("The token's user may not do this.", lambda method, op: method != "get"),
    "404": (
        "Not found: an unknown path value, or a cursor not made here.",
        lambda method, op: method == "get" or _in(op, "path"),
    ),
    "415": (
        "The body is not of the media type this operation takes.",
        lambda method, op: "requestBody" in op,
    ),
    "429": ("Too many requests: wait the seconds that Retry-After gives.", None),
}
# Request bodies whose serializer refuses fields it does not know (ArticleEdit).
CLOSED = ("PatchedArticleEditRequest",)
HEADERS = {
    "401": {
        "WWW-Authenticate": {
            "schema": {"type": "string"},
            "description": "Token: the scheme to authenticate with.",
        }
    },
    "429": {
        "Retry-After": {
            "schema": {"type": "integer"},
            "description": "Seconds until the client's rate limit window ends.",
        }
    },
}


def _in(operation: dict, where: str) -> set[str]:
    return {p["name"] for p in operation.get("parameters", []) if p.get("in") == where}


def _query(operation: dict) -> bool:
    return bool(_in(operation, "query") - {"cursor"})


class ApiAutoSchema(AutoSchema):
    def get_auth(self):
        auths = super().get_auth()
        if self.method in SAFE_METHODS and {} not in auths:
            auths.append({})  # reads are open to everyone
        return auths


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "masthead.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>` (or `Bearer <key>`): a staff member's API token, "
            "made in the admin or with `masthead api_token <username>`.",
        }


def add_error_responses(result, generator, request, public):
    """Postprocessing hook: the Error schema, and the errors each operation may answer."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR
    for name in CLOSED:
        if name in schemas:
            schemas[name]["additionalProperties"] = False
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            responses = operation.setdefault("responses", {})
            for answer in responses.values():
                answer["description"] = answer.get("description") or "OK"
            for status, (description, applies) in ANSWERS.items():
                if status in responses or (applies and not applies(method, operation)):
                    continue
                responses[status] = {
                    "description": description,
                    "content": {"application/json": {"schema": ERROR_REF}},
                }
                if status in HEADERS:
                    responses[status]["headers"] = HEADERS[status]
    return result
