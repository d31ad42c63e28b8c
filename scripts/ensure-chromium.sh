#!/usr/bin/env bash
# The browser tests (tests/test_page_browser.py) drive Debian's Chromium at /usr/bin/chromium
# through Playwright. Install it from Debian when it is missing (Playwright's own browser
# download is never used).
set -eu
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "The browser tests need Chromium at /usr/bin/chromium: install it with your package manager." >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium
if [ ! -x /usr/bin/chromium ]; then
  echo "apt-get installed chromium but /usr/bin/chromium is missing." >&2
  exit 1
fi
