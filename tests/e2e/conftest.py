"""The page a browser test drives: Debian's Chromium, a fresh context per test."""

import pytest

from tests.e2e.browser import launch


@pytest.fixture
def browser_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(accept_downloads=True)
        yield context.new_page()
        context.close()
        browser.close()
