"""The importer on the real Hà Nội file (imported once for the module, see conftest)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter

import pytest
from django.db.models import Count

from ocop.core.models import ActivityLog
from ocop.geo.enums import UnitKind, UnitLevel
from ocop.geo.models import AdministrativeUnit, GazetteerImport, UnitSuccession
from ocop.geo.services.gazetteer import HANOI_FILE, import_gazetteer

pytestmark = pytest.mark.django_db

LAST_OLD_DAY = dt.date(2025, 6, 30)
REFORM_DAY = dt.date(2025, 7, 1)


def kinds(**filters) -> dict[str, int]:
    return dict(
        Counter(AdministrativeUnit.objects.filter(**filters).values_list("kind", flat=True))
    )


def test_the_counts_come_out_exactly(hanoi):
    assert AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE).count() == 1
    assert kinds(level=UnitLevel.DISTRICT, valid_to=LAST_OLD_DAY) == {
        UnitKind.URBAN_DISTRICT: 12,
        UnitKind.RURAL_DISTRICT: 17,
        UnitKind.TOWN: 1,
    }
    assert kinds(level=UnitLevel.COMMUNE, valid_to=LAST_OLD_DAY) == {
        UnitKind.WARD: 160,
        UnitKind.COMMUNE: 345,
        UnitKind.TOWNLET: 21,
    }
    assert kinds(level=UnitLevel.COMMUNE, valid_to__isnull=True, valid_from=REFORM_DAY) == {
        UnitKind.WARD: 51,
        UnitKind.COMMUNE: 75,
    }
    assert AdministrativeUnit.objects.count() == 1 + 30 + 526 + 126
    assert UnitSuccession.objects.count() == 795
    assert UnitSuccession.objects.filter(partial=True).count() == 468


def test_the_result_reports_the_file_and_what_was_created(hanoi):
    assert hanoi.summary == {
        "province": 1,
        "districts": 30,
        "districts_by_kind": {"huyen": 17, "quan": 12, "thi_xa": 1},
        "old_communes": 526,
        "old_communes_by_kind": {"phuong": 160, "thi_tran": 21, "xa": 345},
        "new_communes": 126,
        "new_communes_by_kind": {"phuong": 51, "xa": 75},
        "successions": 795,
        "partial_successions": 468,
        "unconfirmed": 0,
    }
    assert hanoi.changes == {
        "province": {"created": 1, "updated": 0, "unchanged": 0},
        "districts": {"created": 30, "updated": 0, "unchanged": 0},
        "old_communes": {"created": 526, "updated": 0, "unchanged": 0},
        "new_communes": {"created": 126, "updated": 0, "unchanged": 0},
        "successions": {"created": 795, "updated": 0, "unchanged": 0, "deleted": 0},
    }
    assert hanoi.warnings == []
    assert hanoi.changed is True


def test_the_province_district_and_commune_tree(hanoi):
    province = AdministrativeUnit.objects.get(key="p01")
    assert (province.name, province.kind, province.parent, province.province) == (
        "Thành phố Hà Nội",
        UnitKind.CITY,
        None,
        province,
    )
    assert (province.valid_from, province.valid_to) == (None, None)
    district = AdministrativeUnit.objects.get(key="d018~20250630")
    assert (district.name, district.parent, district.province, district.valid_to) == (
        "Huyện Gia Lâm",
        province,
        province,
        LAST_OLD_DAY,
    )
    old = AdministrativeUnit.objects.get(key="c00583~20250630")
    assert (old.name, old.parent, old.province, old.valid_from, old.valid_to) == (
        "Xã Bát Tràng",
        district,
        province,
        None,
        LAST_OLD_DAY,
    )
    new = AdministrativeUnit.objects.get(key="c00577")
    assert (new.name, new.parent, new.province, new.valid_from, new.valid_to) == (
        "Xã Bát Tràng",
        province,
        province,
        REFORM_DAY,
        None,
    )
    assert new.name_folded == "xa bat trang"
    # Every old commune sits under an old district, every new one directly under the province.
    assert (
        not AdministrativeUnit.objects.filter(valid_to=LAST_OLD_DAY, level=UnitLevel.COMMUNE)
        .exclude(parent__level=UnitLevel.DISTRICT)
        .exists()
    )
    assert set(
        AdministrativeUnit.objects.filter(valid_to__isnull=True, level=UnitLevel.COMMUNE)
        .values_list("parent__key", flat=True)
        .distinct()
    ) == {"p01"}


def test_a_reused_code_is_two_units_with_different_keys(hanoi):
    units = AdministrativeUnit.objects.filter(code="00004").order_by("key")
    assert [(unit.key, unit.name) for unit in units] == [
        ("c00004", "Phường Ba Đình"),
        ("c00004~20250630", "Phường Trúc Bạch"),
    ]


def test_son_dong_is_formed_from_the_whole_of_the_old_son_dong(hanoi):
    link = UnitSuccession.objects.get(predecessor__key="c09859~20250630", successor__key="c09871")
    assert (link.partial, link.effective_on, link.legal_reference) == (
        False,
        REFORM_DAY,
        "Nghị quyết 1656/NQ-UBTVQH15, Điều 1 khoản 104",
    )
    # The old Sơn Đồng went nowhere else (merges.json's extra link to Đoài Phương is wrong).
    assert list(
        UnitSuccession.objects.filter(predecessor__key="c09859~20250630").values_list(
            "successor__key", flat=True
        )
    ) == ["c09871"]


def test_o_dien_includes_van_khe(hanoi):
    link = UnitSuccession.objects.get(
        predecessor__key="c09013~20250630", successor__name="Xã Ô Diên"
    )
    assert (link.predecessor.name, link.successor.key, link.partial) == (
        "Xã Văn Khê",
        "c09817",
        True,
    )
    assert link.legal_reference == "Nghị quyết 1656/NQ-UBTVQH15, Điều 1 khoản 107"


def test_a_split_commune_has_several_successors_and_a_whole_one_exactly_one(hanoi):
    successor_counts = dict(
        AdministrativeUnit.objects.filter(valid_to=LAST_OLD_DAY, level=UnitLevel.COMMUNE)
        .annotate(n=Count("successions"))
        .values_list("key", "n")
    )
    assert len(successor_counts) == 526
    assert min(successor_counts.values()) == 1
    partial_keys = set(
        UnitSuccession.objects.filter(partial=True).values_list("predecessor__key", flat=True)
    )
    assert all(successor_counts[key] >= 2 for key in partial_keys)
    assert all(successor_counts[key] == 1 for key in set(successor_counts) - partial_keys)
    # The old Phường Ngọc Hà (00016) was split between the new Ba Đình and Ngọc Hà.
    assert set(
        UnitSuccession.objects.filter(predecessor__key="c00016~20250630").values_list(
            "successor__key", "successor__name", "partial"
        )
    ) == {("c00004", "Phường Ba Đình", True), ("c00008", "Phường Ngọc Hà", True)}
    # Xã Văn Khê (09013) was split between four new communes.
    assert sorted(
        UnitSuccession.objects.filter(predecessor__key="c09013~20250630").values_list(
            "successor__name", flat=True
        )
    ) == ["Xã Mê Linh", "Xã Tiến Thắng", "Xã Yên Lãng", "Xã Ô Diên"]


def test_the_import_is_recorded_with_checksum_counts_and_sources(hanoi):
    record = GazetteerImport.objects.get()
    raw = HANOI_FILE.read_bytes()
    assert record == hanoi.record
    assert (record.province_code, record.file_name, record.sha256) == (
        "01",
        "hanoi-units.json",
        hashlib.sha256(raw).hexdigest(),
    )
    assert (record.reform_date, record.legal_reference) == (
        REFORM_DAY,
        "Nghị quyết 1656/NQ-UBTVQH15",
    )
    assert record.sources == json.loads(raw)["source_notes"]
    assert any(
        "QĐ 19/2025" in note["what"] or "19/2025/QĐ-TTg" in note["what"] for note in record.sources
    )
    assert any("Markdown conversion" in note["what"] for note in record.sources)
    assert record.counts["file"] == hanoi.summary
    assert record.counts["changes"] == hanoi.changes
    assert (record.units_created, record.units_updated, record.links_changed) == (683, 0, 795)
    entry = ActivityLog.objects.get(action="geo.gazetteer.import")
    assert entry.object_id == str(record.pk)
    assert entry.data["sha256"] == record.sha256


def test_importing_the_same_file_again_changes_nothing(hanoi):
    before = list(
        AdministrativeUnit.objects.order_by("key").values_list(
            "key", "code", "name", "kind", "parent__key", "valid_from", "valid_to", "confirmed"
        )
    )
    links_before = list(
        UnitSuccession.objects.order_by("pk").values_list(
            "pk", "predecessor__key", "successor__key", "partial", "legal_reference"
        )
    )
    result = import_gazetteer()
    assert result.changes == {
        "province": {"created": 0, "updated": 0, "unchanged": 1},
        "districts": {"created": 0, "updated": 0, "unchanged": 30},
        "old_communes": {"created": 0, "updated": 0, "unchanged": 526},
        "new_communes": {"created": 0, "updated": 0, "unchanged": 126},
        "successions": {"created": 0, "updated": 0, "unchanged": 795, "deleted": 0},
    }
    assert result.changed is False
    after = list(
        AdministrativeUnit.objects.order_by("key").values_list(
            "key", "code", "name", "kind", "parent__key", "valid_from", "valid_to", "confirmed"
        )
    )
    assert after == before
    assert (
        list(
            UnitSuccession.objects.order_by("pk").values_list(
                "pk", "predecessor__key", "successor__key", "partial", "legal_reference"
            )
        )
        == links_before
    )
    # The second run is recorded as an import, and no unit was logged as changed.
    assert GazetteerImport.objects.count() == 2
    assert not ActivityLog.objects.filter(action__startswith="geo.unit").exists()
    assert not ActivityLog.objects.filter(action__startswith="geo.succession").exists()
