"""Cleaner Production options: the catalogue and the suggestions drawn from it."""
