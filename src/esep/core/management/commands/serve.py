"""`esep serve`: run esep under gunicorn and print where to open it."""

import os
import shutil
import sys

from django.core.management.base import BaseCommand, CommandError

from esep.demo.accounts import describe_demo_accounts


class Command(BaseCommand):
    help = "Serve esep at http://HOST:PORT with gunicorn."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args, host: str, port: int, workers: int, **options) -> None:
        gunicorn = shutil.which("gunicorn") or os.path.join(
            os.path.dirname(sys.executable), "gunicorn"
        )
        if not os.path.exists(gunicorn):
            raise CommandError("gunicorn is not installed: run `make demo` or `pip install -e .`")
        self.stdout.write(
            self.style.SUCCESS(f"esep is at http://{host}:{port}/  (Ctrl+C stops it)")
        )
        for line in describe_demo_accounts():
            self.stdout.write(line)
        sys.stdout.flush()
        os.execv(  # noqa: S606 — replace this process with gunicorn
            gunicorn,
            [
                gunicorn,
                "esep.wsgi:application",
                "--bind",
                f"{host}:{port}",
                "--workers",
                str(workers),
                "--access-logfile",
                "-",
            ],
        )
