"""Screens of padcom-admin, one per module."""
