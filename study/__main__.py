"""Entry point: ``python -m study <step>``."""

from study.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
