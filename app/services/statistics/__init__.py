"""Counting results for groups: campaign and term statistics, suppression and its audit."""
