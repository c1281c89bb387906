"""Loaders that turn published data sets into model inputs (files are read where they sit)."""
