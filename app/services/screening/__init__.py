"""Screening campaigns: creating them, getting answers in, results and the review after."""
