import datetime as dt

import factory

from ocop.geo.enums import UnitKind, UnitLevel
from ocop.geo.models import AdministrativeUnit


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit
        django_get_or_create = ("key",)

    code = "01"
    key = factory.LazyAttribute(lambda o: AdministrativeUnit.make_key("province", o.code, None))
    name = "Thành phố Hà Nội"
    level = UnitLevel.PROVINCE
    kind = UnitKind.CITY


class CommuneFactory(factory.django.DjangoModelFactory):
    """A current (post-2025) commune-level unit of Hà Nội."""

    class Meta:
        model = AdministrativeUnit

    code = factory.Sequence(lambda n: f"9{n:04d}")
    key = factory.LazyAttribute(
        lambda o: AdministrativeUnit.make_key("commune", o.code, o.valid_to)
    )
    name = factory.Sequence(lambda n: f"Xã Thử Nghiệm {n}")
    level = UnitLevel.COMMUNE
    kind = UnitKind.COMMUNE
    parent = factory.SubFactory(ProvinceFactory)
    province = factory.SelfAttribute("parent")
    valid_from = dt.date(2025, 7, 1)
    valid_to = None
