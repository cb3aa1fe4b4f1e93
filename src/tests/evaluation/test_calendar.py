"""Working days: weekends and the Holiday rows (the bundled Vietnamese calendar, kept in the
admin)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from ocop.core.models import ActivityLog
from ocop.evaluation.models import Holiday
from ocop.evaluation.services.calendar import (
    HOLIDAYS_FILE,
    add_working_days,
    is_working_day,
    load_holidays,
    read_holidays,
    working_days_between,
)

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def holidays(db):
    load_holidays()


def test_weekends_are_skipped_without_any_holiday(db):
    friday = D(2025, 3, 7)
    assert add_working_days(friday, 1) == D(2025, 3, 10)  # Monday
    assert add_working_days(friday, 5) == D(2025, 3, 14)
    assert add_working_days(D(2025, 3, 8), 1) == D(2025, 3, 10)  # from a Saturday
    assert add_working_days(friday, 0) == friday
    assert working_days_between(friday, D(2025, 3, 14)) == 5
    assert working_days_between(D(2025, 3, 14), friday) == -5
    assert working_days_between(friday, friday) == 0


def test_the_bundled_calendar_covers_2025_to_2027(holidays):
    days = set(Holiday.objects.values_list("date", flat=True))
    assert {D(2025, 1, 1), D(2026, 1, 1), D(2027, 1, 1)} <= days
    assert {D(2025, 1, 27), D(2025, 1, 31)} <= days  # Tết Ất Tỵ 25/01–02/02/2025
    assert {D(2026, 2, 16), D(2026, 2, 20)} <= days  # Tết Bính Ngọ 14/02–22/02/2026
    assert {D(2027, 2, 8), D(2027, 2, 10)} <= days  # Tết Đinh Mùi around 06/02/2027
    assert {D(2025, 4, 7), D(2026, 4, 27), D(2027, 4, 16)} <= days  # Giỗ Tổ (2026 compensated)
    assert {D(2025, 4, 30), D(2025, 5, 1), D(2027, 5, 3)} <= days
    assert {D(2025, 9, 1), D(2025, 9, 2), D(2026, 9, 2), D(2027, 9, 2), D(2027, 9, 3)} <= days
    document = json.loads(HOLIDAYS_FILE.read_text(encoding="utf-8"))
    assert "VERIFY AGAINST EACH YEAR'S OFFICIAL ANNOUNCEMENT" in document["about"]


def test_fifteen_working_days_across_tet_2026(holidays):
    # Received on Tuesday 10/02/2026: 11–13/02 (3), Tết closes 14–22/02, 23–27/02 (8),
    # 02–06/03 (13), 09–10/03 (15).
    received = D(2026, 2, 10)
    assert add_working_days(received, 15) == D(2026, 3, 10)
    assert working_days_between(received, D(2026, 3, 10)) == 15
    assert not is_working_day(D(2026, 2, 18))
    assert is_working_day(D(2026, 2, 23))


def test_working_days_across_tet_2025_and_the_april_holidays(holidays):
    assert add_working_days(D(2025, 1, 24), 1) == D(2025, 2, 3)
    assert add_working_days(D(2025, 4, 29), 1) == D(2025, 5, 2)
    assert add_working_days(D(2026, 4, 24), 1) == D(2026, 4, 28)  # Giỗ Tổ compensated on Monday
    assert working_days_between(D(2025, 8, 29), D(2025, 9, 5)) == 3  # 01–02/09 off


def test_negative_counts_are_a_programming_error(db):
    with pytest.raises(ValueError):
        add_working_days(D(2025, 1, 1), -1)


def test_loading_twice_changes_nothing_and_keeps_days_added_in_the_admin(db):
    Holiday.objects.create(date=D(2026, 5, 4), name="Nghỉ hoán đổi")
    first = load_holidays()
    count = Holiday.objects.count()
    assert first["created"] == count - 1
    assert load_holidays() == {"created": 0, "updated": 0, "unchanged": count - 1}
    assert Holiday.objects.filter(date=D(2026, 5, 4)).exists()
    assert ActivityLog.objects.filter(action="evaluation.holiday.import").count() == count - 1


def test_a_renamed_holiday_is_updated(db, tmp_path):
    path = tmp_path / "h.json"
    path.write_text(json.dumps({"holidays": [{"date": "2030-01-01", "name": "Tết"}]}), "utf-8")
    load_holidays(path)
    path.write_text(
        json.dumps({"holidays": [{"date": "2030-01-01", "name": "Tết Dương lịch"}]}), "utf-8"
    )
    assert load_holidays(path) == {"created": 0, "updated": 1, "unchanged": 0}
    assert Holiday.objects.get(date=D(2030, 1, 1)).name == "Tết Dương lịch"


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        ([{"date": "2030-02-30", "name": "x"}], "holiday 0"),
        ([{"date": "2030-01-01", "name": ""}], "a name of 1–200 characters"),
        (
            [{"date": "2030-01-01", "name": "a"}, {"date": "2030-01-01", "name": "b"}],
            "2030-01-01 is listed twice",
        ),
    ],
)
def test_a_bad_file_is_refused_whole(db, tmp_path, rows, problem):
    path = tmp_path / "h.json"
    path.write_text(json.dumps({"holidays": rows}), "utf-8")
    with pytest.raises(ValueError, match=problem):
        read_holidays(path)
    with pytest.raises(CommandError, match=problem):
        call_command("load-holidays", str(path))
    assert Holiday.objects.count() == 0


def test_the_command_loads_the_bundled_file(db, capsys):
    call_command("load-holidays")
    count = Holiday.objects.count()
    assert count == len(read_holidays())
    assert f"{count} holiday(s) added, 0 renamed, 0 unchanged." in capsys.readouterr().out


def test_the_admin_adds_changes_and_deletes_holidays_and_logs_them(cast, client_for):
    client = client_for(cast.admin)
    response = client.post(
        reverse("admin:evaluation_holiday_add"), {"date": "2026-05-04", "name": "  Nghỉ  bù "}
    )
    assert response.status_code == 302
    holiday = Holiday.objects.get(date=D(2026, 5, 4))
    assert holiday.name == "Nghỉ bù"
    response = client.post(
        reverse("admin:evaluation_holiday_change", args=[holiday.pk]),
        {"date": "2026-05-04", "name": "Nghỉ hoán đổi"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("admin:evaluation_holiday_delete", args=[holiday.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Holiday.objects.exists()
    rows = list(
        ActivityLog.objects.filter(action__startswith="evaluation.holiday")
        .order_by("id")
        .values_list("action", "actor__username", "data")
    )
    assert rows == [
        (
            "evaluation.holiday.create",
            "admin_user",
            {"old": {}, "new": {"date": "2026-05-04", "name": "Nghỉ bù"}},
        ),
        (
            "evaluation.holiday.update",
            "admin_user",
            {"old": {"name": "Nghỉ bù"}, "new": {"name": "Nghỉ hoán đổi"}},
        ),
        (
            "evaluation.holiday.delete",
            "admin_user",
            {"old": {"date": "2026-05-04", "name": "Nghỉ hoán đổi"}, "new": {}},
        ),
    ]
