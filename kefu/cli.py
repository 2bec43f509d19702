"""The ``kefu`` command: Django's management commands with Kefu's settings.

Kefu's own commands: ``serve``, ``worker``, ``demo``, ``createadmin``, ``import_customers``,
``export_customers``, ``sync_roles``; Django's (``migrate``, ``shell``…) work as usual.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kefu", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
