from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TraceabilityConfig(AppConfig):
    name = "ocop.traceability"
    label = "traceability"
    verbose_name = _("Traceability")

    def ready(self) -> None:
        # The trace pages' kept copies listen to the apps below (products, producers,
        # certificates, geo) and to this app's models (services/trace_cache.py).
        from ocop.traceability import signals  # noqa: F401
