"""Where collectstatic puts the static files in production."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed, hashed files, with the imports of JavaScript modules pointed at hashed names too.

    static/app/init.js imports GOV.UK Frontend by a relative path; without the rewrite the browser would fetch the
    unhashed copy, which WhiteNoise may only let it cache for a minute, and an upgrade could mix old and new files.
    """

    support_js_module_import_aggregation = True
