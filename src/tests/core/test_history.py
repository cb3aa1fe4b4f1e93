import pytest
from django.db import transaction
from django.utils import translation

from ocop.core.history import history_rows
from ocop.core.queries.activity import history_for
from ocop.core.services.activity import log_action

pytestmark = pytest.mark.django_db


def test_history_rows_speak_in_labels_not_codes(cast):
    with transaction.atomic():
        log_action(
            cast.office,
            "producers.producer.approve",
            cast.prod1,
            old={
                "status": "pending",
                "representative_disability": False,
                "founded_on": "2012-03-15",
            },
            new={
                "status": "approved",
                "representative_disability": True,
                "founded_on": "2013-01-02",
            },
        )
    with translation.override("en"):
        (row,) = history_rows(history_for(cast.prod1))
        assert str(row.verb) == "approved"
        assert [(str(label), str(old), str(new)) for label, old, new in row.changes] == [
            ("Founding date", "15/03/2012", "02/01/2013"),
            ("Person with a disability", "no", "yes"),
            ("Status", "pending approval", "approved"),
        ]
    with translation.override("vi"):
        (row,) = history_rows(history_for(cast.prod1))
        assert (str(row.verb), str(row.changes[2][2])) == ("đã duyệt", "đã duyệt")


def test_unknown_fields_and_verbs_are_shown_as_they_are(cast):
    with transaction.atomic():
        log_action(
            cast.office, "producers.producer.frobnicate", cast.prod1, old={"x": 1}, new={"x": 2}
        )
    (row,) = history_rows(history_for(cast.prod1))
    assert (row.verb, row.changes) == ("frobnicate", [("x", 1, 2)])


def test_the_history_list_takes_one_query_however_long(cast, django_assert_num_queries):
    with transaction.atomic():
        for number in range(5):
            log_action(
                cast.office,
                "producers.producer.update",
                cast.prod1,
                old={"phone": str(number)},
                new={"phone": str(number + 1)},
            )
    with django_assert_num_queries(1):
        rows = history_rows(history_for(cast.prod1))
    assert len(rows) == 5


def test_lists_read_as_names_and_many_to_many_keys_as_the_rows_names(cast):
    from tests.factories.trade import DemandFactory

    demand = DemandFactory()
    with transaction.atomic():
        log_action(
            cast.office,
            "trade.demand.update",
            demand,
            old={"delivery_units": [], "certifications": []},
            new={
                "delivery_units": [cast.commune_a.key, "no-such-key"],
                "certifications": ["vietgap", "haccp"],
            },
        )
    with translation.override("en"):
        (row,) = history_rows(history_for(demand))
        changes = {str(label): (str(old), str(new)) for label, old, new in row.changes}
    assert changes["Certifications required"] == ("–", "vietgap, haccp")
    assert changes["Delivery area"] == ("–", f"{cast.commune_a}, no-such-key")
