from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ocop.catalog.services.index import rebuild_catalog


class Command(BaseCommand):
    help = "Rebuild the public catalogue's search index from the registry and the certificates."

    def handle(self, *args, **options):
        counts = rebuild_catalog()
        self.stdout.write(
            _("Catalogue rebuilt: %(listed)d products listed, %(removed)d removed.") % counts
        )
