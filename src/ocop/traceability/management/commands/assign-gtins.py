"""`ocop assign-gtins [--producer CODE] [--dry-run]`: give every active product without a GTIN
the next platform GTIN (`assign_platform_gtin`), for producers without a GS1 company prefix.

Each product is written through the products app's service, so its History shows the new GTIN;
a product that received a GTIN meanwhile is skipped. See docs/developer/traceability-resolver.md
(GS1 GTIN or platform GTIN).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ocop.producers.models import Producer
from ocop.products.enums import ProductStatus
from ocop.products.models import Product
from ocop.traceability.services.gtins import assign_platform_gtin


class Command(BaseCommand):
    help = (
        "Give every active product without a GTIN (of one producer with --producer) the next "
        "platform GTIN in the restricted-circulation range OCOP_PLATFORM_GTIN_PREFIX."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--producer", default="", help="Only the products of this producer (its code)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List the products, change nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        products = Product.objects.filter(gtin="", status=ProductStatus.ACTIVE)
        if options["producer"]:
            producer = Producer.objects.filter(code=options["producer"]).first()
            if producer is None:
                raise CommandError(f"No producer {options['producer']!r}.")
            products = products.filter(producer=producer)
        given = 0
        for product in products.select_related("producer").order_by("producer__code", "code"):
            if options["dry_run"]:
                self.stdout.write(f"{product.code}\t{product.name}")
                continue
            try:
                gtin = assign_platform_gtin(actor=None, product=product)
            except ValidationError as exc:
                self.stderr.write(f"{product.code}: {'; '.join(exc.messages)}")
                continue
            given += 1
            self.stdout.write(f"{product.code}\t{gtin}\t{product.name}")
        if not options["dry_run"]:
            self.stdout.write(self.style.SUCCESS(f"{given} platform GTIN(s) given."))
