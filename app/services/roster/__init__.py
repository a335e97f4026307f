"""The roster: reading a school office's file, checking it, importing and promoting."""
