"""Vendored raw files: the manifest (``data/raw/datapackage.json``), checksum verification, refresh."""
