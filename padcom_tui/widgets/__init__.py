"""Widgets of padcom-admin, one per module."""
