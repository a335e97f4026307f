"""青心 Qingxin: the counselling room's offline, encrypted student mental-health files."""

__version__ = "0.1.0"
APP_NAME = "Qingxin"
