from django.core.management.base import BaseCommand

from ocop.core.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = (
        "Load the Hà Nội demo data (administrative map, one account per role, producers, "
        "products, the evaluation cycles of 2019, 2020 and 2026)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument(
            "--no-cycles",
            action="store_true",
            help="Leave out the evaluation cycles of 2019, 2020 and 2026, the plans and the "
            "training courses (the reports' figures): faster.",
        )

    def handle(self, *args, seed: int, no_cycles: bool = False, **options):
        counts = load_demo(seed=seed, stdout=self.stdout, cycles=not no_cycles)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: {counts['accounts']} accounts (password '{DEMO_PASSWORD}'), "
                f"{counts['producers']} new producers, {counts['products']} new products, "
                f"{counts['self_assessments']} new self-assessments, "
                f"{counts['dossiers']} new dossiers."
            )
        )
