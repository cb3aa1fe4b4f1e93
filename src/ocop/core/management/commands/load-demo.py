from django.core.management.base import BaseCommand

from ocop.core.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = (
        "Load the Hà Nội demo data (administrative map, one account per role, producers, products)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *args, seed: int, **options):
        counts = load_demo(seed=seed, stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: {counts['accounts']} accounts (password '{DEMO_PASSWORD}'), "
                f"{counts['producers']} new producers, {counts['products']} new products, "
                f"{counts['self_assessments']} new self-assessments, "
                f"{counts['dossiers']} new dossiers."
            )
        )
