"""The static files storage: WhiteNoise's compressed, hashed-name storage, which also hashes
the files a CSS or JS file names and fails collectstatic when one is missing. Packaged
third-party files may name a source map they do not ship (Leaflet.markercluster's
minified file names `leaflet.markercluster.js.map`): such a reference is left as it is
instead of stopping a deploy. Any other missing file still fails."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class MissingSourceMapsAllowed:
    """A hashed-name storage that leaves a reference to a missing `.map` file unhashed."""

    def hashed_name(self, name, content=None, filename=None):
        try:
            return super().hashed_name(name, content, filename)  # type: ignore[misc]
        except ValueError:
            if name.endswith(".map") and content is None and not self.exists(name):  # type: ignore[attr-defined]
                return name
            raise


class StaticFilesStorage(MissingSourceMapsAllowed, CompressedManifestStaticFilesStorage):
    pass
