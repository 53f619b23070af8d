"""Spreadsheets people fill in by hand, read the same way wherever they come from."""
