"""collectstatic as production runs it: the script that starts GOV.UK Frontend must load the hashed copy."""

import re

from django.core.management import call_command


def test_the_module_that_starts_govuk_frontend_imports_its_hashed_file(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "core.staticfiles.StaticFilesStorage"}}
    call_command("collectstatic", interactive=False, verbosity=0, ignore_patterns=["build"])

    manifest = (tmp_path / "staticfiles.json").read_text()
    init = re.search(r'"app/init.js": "(app/init\.[0-9a-f]{12}\.js)"', manifest).group(1)
    frontend = re.search(r'"govuk/govuk-frontend.min.js": "govuk/(govuk-frontend\.min\.[0-9a-f]{12}\.js)"', manifest)
    assert f'from "../govuk/{frontend.group(1)}"' in (tmp_path / init).read_text()
    assert (tmp_path / init).is_file() and (tmp_path / "govuk" / frontend.group(1)).is_file()
