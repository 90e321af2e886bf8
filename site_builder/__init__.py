"""site_builder: a static website generator for government budget transparency."""

__version__ = "0.1.0"
