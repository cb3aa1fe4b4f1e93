"""The importer's checks and updates, on small files."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest

from ocop.core.models import ActivityLog
from ocop.geo.enums import UnitKind
from ocop.geo.models import AdministrativeUnit, GazetteerImport, UnitSuccession
from ocop.geo.services.gazetteer import GazetteerError, import_gazetteer, read_gazetteer
from tests.factories.accounts import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NEW = "communes_from_2025_07_01"
OLD = "communes_until_2025_06_30"
DISTRICTS = "districts_until_2025_06_30"


def stored() -> tuple[int, int, int, int]:
    return (
        AdministrativeUnit.objects.count(),
        UnitSuccession.objects.count(),
        GazetteerImport.objects.count(),
        ActivityLog.objects.count(),
    )


def refused(data) -> list[str]:
    before = stored()
    with pytest.raises(GazetteerError) as caught:
        import_gazetteer(path_or_data=data)
    assert stored() == before, "a refused file must write nothing"
    return caught.value.problems


# --- A sound file --------------------------------------------------------------------------


def test_a_small_file_is_imported(small_file):
    result = import_gazetteer(path_or_data=small_file)
    assert result.summary == {
        "province": 1,
        "districts": 2,
        "districts_by_kind": {"huyen": 1, "quan": 1},
        "old_communes": 4,
        "old_communes_by_kind": {"phuong": 2, "xa": 2},
        "new_communes": 2,
        "new_communes_by_kind": {"phuong": 1, "xa": 1},
        "successions": 5,
        "partial_successions": 2,
        "unconfirmed": 0,
    }
    assert sorted(AdministrativeUnit.objects.values_list("key", "parent__key")) == [
        ("c00004", "p01"),
        ("c00004~20250630", "d001~20250630"),
        ("c00013~20250630", "d001~20250630"),
        ("c00577", "p01"),
        ("c00577~20250630", "d018~20250630"),
        ("c00583~20250630", "d018~20250630"),
        ("d001~20250630", "p01"),
        ("d018~20250630", "p01"),
        ("p01", None),
    ]
    assert sorted(
        UnitSuccession.objects.values_list(
            "predecessor__key", "successor__key", "partial", "legal_reference"
        )
    ) == [
        ("c00004~20250630", "c00004", False, "Nghị quyết 1656/NQ-UBTVQH15, Điều 1 khoản 3"),
        ("c00013~20250630", "c00004", True, "Nghị quyết 1656/NQ-UBTVQH15, Điều 1 khoản 3"),
        ("c00013~20250630", "c00577", True, "Nghị quyết 1656/NQ-UBTVQH15, Điều 1 khoản 111"),
        ("c00577~20250630", "c00577", False, "Nghị quyết 1656/NQ-UBTVQH15, Điều 1 khoản 111"),
        ("c00583~20250630", "c00577", False, "Nghị quyết 1656/NQ-UBTVQH15, Điều 1 khoản 111"),
    ]
    record = GazetteerImport.objects.get()
    canonical = json.dumps(small_file, ensure_ascii=False, sort_keys=True).encode()
    assert (record.file_name, record.sha256, record.sources) == (
        "(data)",
        hashlib.sha256(canonical).hexdigest(),
        small_file["source_notes"],
    )


def test_a_file_on_disk_is_read_and_named(small_file, tmp_path):
    path = tmp_path / "tinh-thu.json"
    path.write_text(json.dumps(small_file, ensure_ascii=False), encoding="utf-8")
    result = import_gazetteer(path_or_data=str(path))
    assert (result.record.file_name, result.record.sha256) == (
        "tinh-thu.json",
        hashlib.sha256(path.read_bytes()).hexdigest(),
    )


def test_the_actor_is_recorded(small_file):
    user = UserFactory()
    import_gazetteer(actor=user, path_or_data=small_file)
    assert ActivityLog.objects.get(action="geo.gazetteer.import").actor == user


def test_unconfirmed_units_and_notes_are_kept(small_file):
    small_file[OLD][1]["confirmed"] = False
    small_file[OLD][1]["note"] = "Tên chưa đối chiếu với văn bản gốc."
    small_file["unconfirmed"] = ["c00577", "d001~20250630"]
    result = import_gazetteer(path_or_data=small_file)
    assert result.summary["unconfirmed"] == 3
    assert sorted(
        AdministrativeUnit.objects.filter(confirmed=False).values_list("key", "note")
    ) == [
        ("c00013~20250630", "Tên chưa đối chiếu với văn bản gốc."),
        ("c00577", ""),
        ("d001~20250630", ""),
    ]


def test_a_plain_code_in_unconfirmed_marks_every_unit_with_that_code(small_file):
    small_file["unconfirmed"] = ["00004"]
    import_gazetteer(path_or_data=small_file)
    assert sorted(
        AdministrativeUnit.objects.filter(confirmed=False).values_list("key", flat=True)
    ) == [
        "c00004",
        "c00004~20250630",
    ]


def test_the_file_and_the_caller_may_name_the_legal_reference_and_the_reform_date(small_file):
    small_file["legal_reference"] = "Nghị quyết 9999/NQ-UBTVQH15"
    small_file[NEW][1]["nq1656_clause"] = None
    small_file[NEW][1]["clause"] = "Điều 2"
    import_gazetteer(path_or_data=small_file, reform_date=dt.date(2026, 1, 1))
    assert sorted(
        UnitSuccession.objects.values_list(
            "successor__key", "legal_reference", "effective_on"
        ).distinct()
    ) == [
        ("c00004", "Nghị quyết 9999/NQ-UBTVQH15, Điều 1 khoản 3", dt.date(2026, 1, 1)),
        ("c00577", "Nghị quyết 9999/NQ-UBTVQH15, Điều 2", dt.date(2026, 1, 1)),
    ]
    assert AdministrativeUnit.objects.filter(key="c00004~20251231").exists()
    result = import_gazetteer(
        path_or_data=small_file, reform_date=dt.date(2026, 1, 1), legal_reference="NQ X"
    )
    assert result.record.legal_reference == "NQ X"
    assert set(UnitSuccession.objects.values_list("legal_reference", flat=True)) == {
        "NQ X, Điều 1 khoản 3",
        "NQ X, Điều 2",
    }


def test_decomposed_names_are_stored_composed(small_file):
    small_file[NEW][1]["name"] = "Xa\u0303 Ba\u0301t Tra\u0300ng"
    import_gazetteer(path_or_data=small_file)
    assert AdministrativeUnit.objects.get(key="c00577").name == "Xã Bát Tràng"


def test_warnings_for_an_unused_commune_and_a_lone_partial_link(small_file, english):
    small_file[OLD].append(
        {"code": "00016", "name": "Phường Ngọc Hà", "kind": "phường", "district_code": "001"}
    )
    small_file[NEW][1]["formed_from_partial"] = ["00013", "00583"]
    result = import_gazetteer(path_or_data=small_file)
    assert result.warnings == [
        "00016 Phường Ngọc Hà (before the reform) is not in any “formed_from”.",
        "00583 Xã Bát Tràng gave only part of its area to one new unit of this file (the rest "
        "may have gone to another province).",
    ]


# --- A later, corrected file -------------------------------------------------------------------


def test_a_corrected_file_updates_units_and_links_and_logs_each_change(small_file):
    import_gazetteer(path_or_data=small_file)
    small_file[NEW][0]["name"] = "Phường Ba Đình Mới"
    small_file[NEW][1]["formed_from"] = ["00013", "00577"]  # Bát Tràng no longer listed
    small_file[NEW][1]["formed_from_partial"] = []  # Quán Thánh now whole here
    result = import_gazetteer(path_or_data=small_file)
    assert result.changes == {
        "province": {"created": 0, "updated": 0, "unchanged": 1},
        "districts": {"created": 0, "updated": 0, "unchanged": 2},
        "old_communes": {"created": 0, "updated": 0, "unchanged": 4},
        "new_communes": {"created": 0, "updated": 1, "unchanged": 1},
        "successions": {"created": 0, "updated": 1, "unchanged": 3, "deleted": 1},
    }
    unit = AdministrativeUnit.objects.get(key="c00004")
    assert (unit.name, unit.name_folded) == ("Phường Ba Đình Mới", "phuong ba dinh moi")
    assert sorted(
        UnitSuccession.objects.filter(successor__key="c00577").values_list(
            "predecessor__key", "partial"
        )
    ) == [("c00013~20250630", False), ("c00577~20250630", False)]
    update = ActivityLog.objects.get(action="geo.unit.update")
    assert (update.object_id, update.data["old"], update.data["new"]) == (
        str(unit.pk),
        {"name": "Phường Ba Đình"},
        {"name": "Phường Ba Đình Mới"},
    )
    link_update = ActivityLog.objects.get(action="geo.succession.update")
    assert (link_update.data["predecessor"], link_update.data["old"], link_update.data["new"]) == (
        "c00013~20250630",
        {"partial": True},
        {"partial": False},
    )
    deletion = ActivityLog.objects.get(action="geo.succession.delete")
    assert deletion.data["predecessor"] == "c00583~20250630"


def test_an_existing_province_made_by_hand_is_completed(small_file):
    from tests.factories.geo import ProvinceFactory

    province = ProvinceFactory()
    assert province.province is None
    result = import_gazetteer(path_or_data=small_file)
    province.refresh_from_db()
    assert province.province == province
    assert result.changes["province"] == {"created": 0, "updated": 1, "unchanged": 0}


# --- Refusals: every problem listed, nothing written -------------------------------------------


def test_an_old_commune_whose_district_is_missing_is_refused(small_file):
    del small_file[DISTRICTS][1]  # Huyện Gia Lâm
    assert refused(small_file) == [
        "communes_until_2025_06_30[2] (00577 Xã Đa Tốn): its district 018 is not in "
        "districts_until_2025_06_30.",
        "communes_until_2025_06_30[3] (00583 Xã Bát Tràng): its district 018 is not in "
        "districts_until_2025_06_30.",
    ]


def test_a_dangling_formed_from_code_is_refused(small_file):
    small_file[NEW][0]["formed_from"].append("99999")
    assert refused(small_file) == [
        "communes_from_2025_07_01[0] (00004 Phường Ba Đình): formed from 99999, which is not "
        "in communes_until_2025_06_30."
    ]


def test_a_partial_code_outside_formed_from_is_refused(small_file):
    small_file[NEW][0]["formed_from_partial"] = ["00013", "00583"]
    assert refused(small_file) == [
        "communes_from_2025_07_01[0] (00004 Phường Ba Đình): 00583 is in "
        "“formed_from_partial” but not in “formed_from”."
    ]


def test_an_unknown_kind_is_refused(small_file):
    small_file[OLD][0]["kind"] = "làng"
    (problem,) = refused(small_file)
    assert problem.startswith(
        "communes_until_2025_06_30[0] (00004 Phường Trúc Bạch): the kind “làng” is not known "
        "(known kinds: thành phố trung ương, tỉnh, quận, huyện"
    )


def test_a_kind_of_another_level_is_refused(small_file):
    small_file[DISTRICTS][0]["kind"] = "phường"
    assert refused(small_file) == [
        "districts_until_2025_06_30[0] (001 Quận Ba Đình): the kind “phường” is not a kind of "
        "district."
    ]


def test_a_duplicate_code_is_refused(small_file):
    small_file[OLD].append(
        {"code": "00013", "name": "Phường Quán Thánh", "kind": "phường", "district_code": "001"}
    )
    small_file[NEW].append(dict(small_file[NEW][0], name="Phường Ba Đình 2"))
    assert refused(small_file) == [
        "communes_until_2025_06_30: the code 00013 appears 2 times.",
        "communes_from_2025_07_01: the code 00004 appears 2 times.",
    ]


def test_every_problem_of_a_file_is_listed_at_once(small_file):
    del small_file["province"]
    small_file[DISTRICTS][0]["code"] = "1"
    small_file[OLD][3]["name"] = ""
    small_file[NEW][0]["formed_from"] = "00004"
    small_file[NEW][1]["formed_from"] = ["00013", "00013", "00577", "99999"]
    small_file["unconfirmed"] = ["c77777"]
    assert refused(small_file) == [
        "province: each unit must be a JSON object.",
        "districts_until_2025_06_30[0] (1 Quận Ba Đình): the code must be 3 digits.",
        "communes_until_2025_06_30[0] (00004 Phường Trúc Bạch): its district 001 is not in "
        "districts_until_2025_06_30.",
        "communes_until_2025_06_30[1] (00013 Phường Quán Thánh): its district 001 is not in "
        "districts_until_2025_06_30.",
        "communes_until_2025_06_30[3] (00583): the name is missing.",
        "communes_from_2025_07_01[0] (00004 Phường Ba Đình): “formed_from” must be a list of "
        "codes.",
        "communes_from_2025_07_01[1] (00577 Xã Bát Tràng): “formed_from” lists 00013 2 times.",
        "communes_from_2025_07_01[1] (00577 Xã Bát Tràng): formed from 99999, which is not in "
        "communes_until_2025_06_30.",
        "“unconfirmed” names c77777, which is not a unit of the file.",
    ]


def test_missing_lists_are_refused(english):
    assert refused({"province": {"code": "01", "name": "Tỉnh Thử"}}) == [
        "The list “districts_until_2025_06_30” is missing or empty.",
        "The list “communes_until_2025_06_30” is missing or empty.",
        "The list “communes_from_2025_07_01” is missing or empty.",
    ]


def test_a_file_that_is_not_json_or_not_there_is_refused(tmp_path, english):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    (problem,) = refused(str(bad))
    assert problem.startswith(f"The file {bad} is not valid UTF-8 JSON:")
    (problem,) = refused(str(tmp_path / "missing.json"))
    assert problem.startswith(f"The file {tmp_path / 'missing.json'} cannot be read:")
    bad.write_text('["a list"]', encoding="utf-8")
    assert refused(str(bad)) == ["The file must hold one JSON object."]


def test_a_refused_file_leaves_earlier_data_untouched(small_file):
    import_gazetteer(path_or_data=small_file)
    before = sorted(AdministrativeUnit.objects.values_list("key", "name"))
    small_file[NEW][0]["name"] = "Tên mới"
    small_file[NEW][1]["formed_from_partial"] = ["99999"]
    refused(small_file)
    assert sorted(AdministrativeUnit.objects.values_list("key", "name")) == before


def test_the_report_lists_every_problem(small_file, english):
    small_file[OLD][0]["kind"] = "làng"
    small_file[NEW][0]["formed_from"].append("99999")
    with pytest.raises(GazetteerError) as caught:
        read_gazetteer(small_file)
    report = caught.value.report().splitlines()
    assert report[0] == "The gazetteer file was refused (2 problems); nothing was written:"
    assert len(report) == 3
    assert report[2] == (
        "  - communes_from_2025_07_01[0] (00004 Phường Ba Đình): formed from 99999, which is "
        "not in communes_until_2025_06_30."
    )


def test_the_province_kind_is_read_from_its_name_or_given(small_file):
    assert read_gazetteer(small_file).units[0].kind == UnitKind.CITY
    small_file["province"] = {"code": "02", "name": "Tỉnh Hà Giang"}
    assert read_gazetteer(small_file).units[0].kind == UnitKind.PROVINCE
    small_file["province"] = {"code": "02", "name": "Hà Giang", "kind": "tỉnh"}
    assert read_gazetteer(small_file).units[0].kind == UnitKind.PROVINCE


def test_a_missing_kind_and_a_malformed_code_are_refused(small_file):
    del small_file[DISTRICTS][1]["kind"]
    small_file[OLD][0]["code"] = ["00004"]
    small_file["province"] = {"code": "01", "name": "Hà Nội"}
    problems = refused(small_file)
    assert [problem.split(" (known kinds")[0] for problem in problems] == [
        "province (01 Hà Nội): the kind is missing",
        "districts_until_2025_06_30[1] (018 Huyện Gia Lâm): the kind is missing",
        "communes_until_2025_06_30[0]: the code is missing.",
        "communes_from_2025_07_01[0] (00004 Phường Ba Đình): formed from 00004, which is not "
        "in communes_until_2025_06_30.",
    ]
