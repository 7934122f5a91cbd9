"""Shared fixtures. Database fixtures live in tests/integration/conftest.py."""
