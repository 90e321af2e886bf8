"""``python -m site_builder``."""

from .cli import run

if __name__ == "__main__":
    run()
