"""Path converters for the API's routes.

`AnyText` takes every character, "/" and line breaks included (DOIs contain "/", and a
path value that cannot name anything must still reach the view, which answers a JSON
404, rather than fall through to the site's HTML 404).
"""


class AnyText:
    regex = r"(?s:.+)"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)
