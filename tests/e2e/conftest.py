"""The browser tests' helpers live in tests/browser.py; its fixtures are registered in
tests/conftest.py so that one Chromium serves every browser test of the run."""

from tests.browser import CHROMIUM, FLAGS, Visit

__all__ = ["CHROMIUM", "FLAGS", "Visit"]
