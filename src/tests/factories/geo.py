import datetime as dt

import factory

from ocop.geo.enums import UnitKind, UnitLevel
from ocop.geo.models import AdministrativeUnit, UnitSuccession


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


REFORM_DAY = dt.date(2025, 7, 1)
LAST_OLD_DAY = dt.date(2025, 6, 30)


class DistrictFactory(factory.django.DjangoModelFactory):
    """A district-level unit that ended on 30/6/2025."""

    class Meta:
        model = AdministrativeUnit

    code = factory.Sequence(lambda n: f"9{n % 100:02d}")
    key = factory.LazyAttribute(
        lambda o: AdministrativeUnit.make_key("district", o.code, o.valid_to)
    )
    name = factory.Sequence(lambda n: f"Huyện Thử Nghiệm {n}")
    level = UnitLevel.DISTRICT
    kind = UnitKind.RURAL_DISTRICT
    parent = factory.SubFactory(ProvinceFactory)
    province = factory.SelfAttribute("parent")
    valid_from = None
    valid_to = LAST_OLD_DAY


class OldCommuneFactory(factory.django.DjangoModelFactory):
    """A commune-level unit that ended on 30/6/2025, under an old district."""

    class Meta:
        model = AdministrativeUnit

    code = factory.Sequence(lambda n: f"8{n:04d}")
    key = factory.LazyAttribute(
        lambda o: AdministrativeUnit.make_key("commune", o.code, o.valid_to)
    )
    name = factory.Sequence(lambda n: f"Xã Cũ {n}")
    level = UnitLevel.COMMUNE
    kind = UnitKind.COMMUNE
    parent = factory.SubFactory(DistrictFactory)
    province = factory.LazyAttribute(lambda o: o.parent.province)
    valid_from = None
    valid_to = LAST_OLD_DAY


class SuccessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitSuccession

    predecessor = factory.SubFactory(OldCommuneFactory)
    successor = factory.SubFactory(CommuneFactory)
    partial = False
    effective_on = REFORM_DAY
    legal_reference = "Nghị quyết 1656/NQ-UBTVQH15, Điều 1 khoản 1"
