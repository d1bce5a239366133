"""The catalogues compile without GNU gettext too: `make run` falls back to Babel."""

import gettext
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("language", "msgid", "expected"), [("es", "Skip to content", "Saltar al contenido")])
def test_babel_compiles_the_catalogue_make_run_uses(tmp_path, language, msgid, expected):
    po = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    mo = tmp_path / "django.mo"

    subprocess.run(
        [Path(sys.executable).with_name("pybabel"), "compile", "-i", po, "-o", mo], check=True, capture_output=True
    )

    with mo.open("rb") as handle:
        assert gettext.GNUTranslations(handle).gettext(msgid) == expected


def test_every_spanish_message_is_translated():
    import babel.messages.pofile

    with (ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po").open("rb") as handle:
        catalogue = babel.messages.pofile.read_po(handle)

    untranslated = [message.id for message in catalogue if message.id and not message.string]
    fuzzy = [message.id for message in catalogue if message.id and message.fuzzy]
    assert untranslated == [] and fuzzy == []
