"""Accounts and keys: who may sign in, with which password, holding which keys."""
