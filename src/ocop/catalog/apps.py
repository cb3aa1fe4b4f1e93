from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "ocop.catalog"
    label = "catalog"
    verbose_name = _("Catalogue")

    def ready(self) -> None:
        # The index listens to the apps below it (products, producers, certificates): they never
        # call up into the catalogue (ARCHITECTURE.md: nothing points back up).
        from ocop.catalog import signals  # noqa: F401
