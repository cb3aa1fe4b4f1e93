from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from ocop.geo.models import AdministrativeUnit, GazetteerImport, UnitSuccession

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import-geo", *args, stdout=out, stderr=err, no_color=True)
    return out.getvalue(), err.getvalue()


def test_the_bundled_hanoi_file_is_the_default_and_the_counts_are_printed():
    out, err = run()
    lines = out.splitlines()
    assert lines[0].endswith("src/ocop/geo/data/hanoi-units.json")
    assert lines[1:] == [
        "  30 districts until the reform (17 huyện, 12 quận, 1 thị xã)",
        "  526 communes until the reform (160 phường, 21 thị trấn, 345 xã)",
        "  126 communes since the reform (51 phường, 75 xã)",
        "  795 old-to-new links, 468 partial; 0 units not confirmed",
        "  province: 1 created, 0 updated, 0 unchanged",
        "  districts: 30 created, 0 updated, 0 unchanged",
        "  old_communes: 526 created, 0 updated, 0 unchanged",
        "  new_communes: 126 created, 0 updated, 0 unchanged",
        "  successions: 795 created, 0 updated, 0 unchanged, 0 deleted",
        "Imported.",
    ]
    assert err == ""
    assert (AdministrativeUnit.objects.count(), UnitSuccession.objects.count()) == (683, 795)
    out, _err = run()
    assert out.splitlines()[-1] == "Imported: nothing changed."


def test_a_file_path_and_options_are_taken(small_file, tmp_path):
    path = tmp_path / "tinh.json"
    path.write_text(json.dumps(small_file, ensure_ascii=False), encoding="utf-8")
    out, _err = run(str(path), "--reform-date", "2026-01-01", "--legal-reference", "NQ 1")
    assert "  successions: 5 created, 0 updated, 0 unchanged, 0 deleted" in out.splitlines()
    assert set(UnitSuccession.objects.values_list("legal_reference", flat=True)) == {
        "NQ 1, Điều 1 khoản 3",
        "NQ 1, Điều 1 khoản 111",
    }
    assert AdministrativeUnit.objects.filter(key="d001~20251231").exists()


def test_check_only_writes_nothing(small_file, tmp_path):
    path = tmp_path / "tinh.json"
    path.write_text(json.dumps(small_file, ensure_ascii=False), encoding="utf-8")
    out, _err = run(str(path), "--check")
    assert out.splitlines()[-1] == "The file is sound; nothing was written (--check)."
    assert (AdministrativeUnit.objects.count(), GazetteerImport.objects.count()) == (0, 0)


def test_a_bad_file_exits_with_code_2_and_the_report(small_file, tmp_path):
    small_file["communes_from_2025_07_01"][0]["formed_from"].append("99999")
    small_file["districts_until_2025_06_30"][0]["kind"] = "làng"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(small_file, ensure_ascii=False), encoding="utf-8")
    out, err = StringIO(), StringIO()
    with translation.override("en"), pytest.raises(SystemExit) as exit_info:
        call_command("import-geo", str(path), stdout=out, stderr=err)
    assert exit_info.value.code == 2
    report = err.getvalue().splitlines()
    assert report[0] == "The gazetteer file was refused (2 problems); nothing was written:"
    assert report[2] == (
        "  - communes_from_2025_07_01[0] (00004 Phường Ba Đình): formed from 99999, which is "
        "not in communes_until_2025_06_30."
    )
    assert out.getvalue() == ""
    assert (AdministrativeUnit.objects.count(), GazetteerImport.objects.count()) == (0, 0)
