from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("province")
    DISTRICT = "district", _("district")
    COMMUNE = "commune", _("commune")


class UnitKind(models.TextChoices):
    """The official kind of a unit, as the legal texts name it."""

    CITY = "thanh_pho_tw", _("centrally-run city")
    PROVINCE = "tinh", _("province")
    URBAN_DISTRICT = "quan", _("urban district (quận)")
    RURAL_DISTRICT = "huyen", _("rural district (huyện)")
    TOWN = "thi_xa", _("town (thị xã)")
    PROVINCIAL_CITY = "thanh_pho", _("provincial city")
    WARD = "phuong", _("ward (phường)")
    COMMUNE = "xa", _("commune (xã)")
    TOWNLET = "thi_tran", _("township (thị trấn)")
    SPECIAL_ZONE = "dac_khu", _("special zone (đặc khu)")


# The words used in source files for each kind.
KIND_WORDS = {
    "thành phố trung ương": UnitKind.CITY,
    "tỉnh": UnitKind.PROVINCE,
    "quận": UnitKind.URBAN_DISTRICT,
    "huyện": UnitKind.RURAL_DISTRICT,
    "thị xã": UnitKind.TOWN,
    "thành phố": UnitKind.PROVINCIAL_CITY,
    "phường": UnitKind.WARD,
    "xã": UnitKind.COMMUNE,
    "thị trấn": UnitKind.TOWNLET,
    "đặc khu": UnitKind.SPECIAL_ZONE,
}
