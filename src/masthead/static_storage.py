"""Static files with hashed names (cached for ever by browsers), compressed by whitenoise.

Forgiving: a file not collected yet (collectstatic not run, e.g. under the development
server) is linked under its plain name instead of failing the page.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False

    def stored_name(self, name: str) -> str:
        try:
            return super().stored_name(name)
        except ValueError:
            return name
