#!/usr/bin/env python3
"""Write docs/samples/members-import-sample.xlsx: a society's list of members registered before
engcert, as `manage.py import_members FILE --society csee` reads it (the demo imports the same
rows). Dates are counted back from today, or from --today YYYY-MM-DD.

    .venv/bin/python scripts/make-members-sample.py [--today 2026-12-01] [--out PATH]
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--today", type=date.fromisoformat, default=date.today())
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "samples" / "members-import-sample.xlsx")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "engcert.settings")
    import django

    django.setup()
    from engcert.demo.certificates import sample_workbook

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(sample_workbook(today=args.today))
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")


if __name__ == "__main__":
    main()
