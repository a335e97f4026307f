"""Backups, restore and the installation self-test."""
