"""Production serves static files hashed, pre-compressed and cached for a long time."""

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import RequestFactory, override_settings
from whitenoise.middleware import WhiteNoiseMiddleware

from cocrea.settings import base as base_settings

PRODUCTION_STATIC = {
    "STORAGES": {
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
        "staticfiles": base_settings.STORAGES["staticfiles"],  # what production uses
    },
    "WHITENOISE_USE_FINDERS": False,
    "WHITENOISE_AUTOREFRESH": False,
    "DEBUG": False,
}


@pytest.mark.parametrize("name", ["css/cocrea.css", "js/discussion-live.js"])
def test_static_files_are_hashed_compressed_and_cached_for_a_year(tmp_path, name):
    # override_settings rebuilds the storage for these settings, and again on leaving
    # (Django's setting_changed receiver for STORAGES and STATIC_ROOT).
    with override_settings(STATIC_ROOT=tmp_path, **PRODUCTION_STATIC):
        call_command("collectstatic", interactive=False, verbosity=0)
        url = staticfiles_storage.url(name)
        middleware = WhiteNoiseMiddleware(get_response=lambda request: None)
        response = middleware(RequestFactory().get(url, HTTP_ACCEPT_ENCODING="gzip, br"))
    assert url != f"/static/{name}"  # a content hash in the name
    assert response.status_code == 200
    assert response["Content-Encoding"] in ("gzip", "br")
    assert "max-age=315360000" in response["Cache-Control"] and "immutable" in response["Cache-Control"]
