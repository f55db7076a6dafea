"""The `esep` command: Django's management commands plus esep's own.

`esep demo`, `esep serve`, `esep verify`, `esep compile-catalogues`, … Hyphens in a command name
are accepted for underscores (`esep import-budget` runs `import_budget`).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esep.settings")
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    argv[0] = "esep"
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(argv)
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"esep: configuration error: {exc}\n")
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
