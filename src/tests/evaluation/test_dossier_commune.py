"""`create_dossier(commune=...)`: a dossier of the history is lodged in the commune of its time
(a 2019 dossier in an old commune that ended on 30/6/2025), so that it counts for that commune
and its old district; the commune must have existed on the day the dossier was lodged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from ocop.core.models import ActivityLog
from ocop.criteria.models import ClassificationNode
from ocop.evaluation.enums import Level
from ocop.evaluation.models import Dossier
from ocop.evaluation.services.dossiers import create_dossier, office_unit_id
from tests.factories.geo import DistrictFactory, OldCommuneFactory, SuccessionFactory
from tests.factories.products import ProductFactory, classification_leaf

pytestmark = pytest.mark.django_db

LODGED_ON = dt.date(2019, 9, 16)


@pytest.fixture
def history(both, cast):
    district = DistrictFactory(name="Huyện Đông Anh")
    old_commune = OldCommuneFactory(parent=district, name="Xã Vân Hà")
    SuccessionFactory(predecessor=old_commune, successor=cast.prod1.commune)
    product = ProductFactory(producer=cast.prod1, name="Chả cá Vân Hà")
    node = ClassificationNode.objects.get(criteria_set__code="qd1048-2019", code="1.3.e")
    return {"district": district, "old": old_commune, "product": product, "node": node}


def test_a_history_dossier_is_lodged_in_the_old_commune_of_its_time(history, cast):
    dossier = create_dossier(
        actor=cast.office,
        product=history["product"],
        kind="first",
        on=LODGED_ON,
        classification=history["node"],
        commune=history["old"],
    )
    dossier.refresh_from_db()
    assert (dossier.commune, dossier.level, dossier.criteria_set.code) == (
        history["old"],
        Level.DISTRICT,
        "qd1048-2019",
    )
    # Its old district is the office that acts on it at the district level.
    assert office_unit_id(dossier, Level.DISTRICT) == history["district"].pk
    log = ActivityLog.objects.get(action="evaluation.dossier.create", object_id=str(dossier.pk))
    assert log.data["commune"] == history["old"].key


def test_without_a_commune_the_dossier_is_lodged_in_the_producers_commune(history, cast):
    dossier = create_dossier(
        actor=cast.office,
        product=history["product"],
        kind="first",
        on=LODGED_ON,
        classification=history["node"],
    )
    assert dossier.commune == cast.prod1.commune


@pytest.mark.parametrize(
    ("which", "on"),
    [
        ("old", None),  # the old commune ended on 30/6/2025: not today
        ("district", LODGED_ON),  # a district is not a commune
        ("new", LODGED_ON),  # the new commune did not exist in 2019
    ],
)
def test_a_commune_that_did_not_exist_on_the_day_is_refused(history, cast, english, which, on):
    unit = {
        "old": history["old"],
        "district": history["district"],
        "new": cast.prod1.commune,
    }[which]
    node = history["node"] if on is not None else None
    if on is None:  # lodged today under the criteria in force: the product's own leaf
        history["product"].classification = classification_leaf("I.3.d")
        history["product"].save(update_fields=["classification"])
    with pytest.raises(ValidationError) as caught:
        create_dossier(
            actor=cast.office,
            product=history["product"],
            kind="first",
            on=on,
            classification=node,
            commune=unit,
        )
    assert list(caught.value.message_dict) == ["commune"]
    assert "was not a commune or ward on" in caught.value.message_dict["commune"][0]
    assert not Dossier.objects.filter(product=history["product"]).exists()
