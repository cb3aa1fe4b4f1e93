"""The Vietnamese catalogue is complete: every msgid in the code has a translation.

It extracts the strings afresh (makemessages on a copy of the source tree), so a new string
without a translation fails here rather than showing English to a commune officer.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

SRC = Path(__file__).resolve().parents[2] / "ocop"
PO = SRC / "locale" / "vi" / "LC_MESSAGES" / "django.po"

pytestmark = pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext is not installed")


def _fresh_catalogue(tmp_path: Path) -> polib.POFile:
    copy = tmp_path / "ocop"
    shutil.copytree(
        SRC, copy, ignore=shutil.ignore_patterns("data", "static", "__pycache__", "*.mo", "*.po")
    )
    # makemessages writes into LOCALE_PATHS[0]: point it at the copy, never at the real catalogue.
    (tmp_path / "i18n_settings.py").write_text(
        f"from ocop.settings import *\nLOCALE_PATHS = [{str(copy / 'locale')!r}]\n",
        encoding="utf-8",
    )
    (copy / "locale").mkdir(exist_ok=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "vi",
            "--no-location",
            "--no-obsolete",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env={
            "DJANGO_SETTINGS_MODULE": "i18n_settings",
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": f"{tmp_path}:{SRC.parent}",
            "OCOP_DATA_DIR": str(tmp_path / "var"),
        },
    )
    return polib.pofile(str(copy / "locale" / "vi" / "LC_MESSAGES" / "django.po"))


def test_every_string_in_the_code_is_in_the_committed_catalogue(tmp_path):
    fresh = _fresh_catalogue(tmp_path)
    committed = polib.pofile(str(PO))
    known = {(e.msgctxt, e.msgid) for e in committed}
    missing = sorted(e.msgid for e in fresh if (e.msgctxt, e.msgid) not in known)
    assert missing == [], "run `make messages` and translate: " + "; ".join(missing[:20])


def test_every_entry_of_the_catalogue_is_translated():
    committed = polib.pofile(str(PO))
    untranslated = [e.msgid for e in committed.untranslated_entries()]
    fuzzy = [e.msgid for e in committed.fuzzy_entries()]
    assert (untranslated, fuzzy) == ([], [])
    assert len(committed) > 100
