"""Shared fixtures for the browser tests: Debian's Chromium, driven by Playwright (no browser download)."""
import os, shutil, socket, tempfile
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT/"_screenshots"      # git-ignored; screenshots a person can look at

# Flags for a headless Chromium on a machine without a network: no sandbox (root), no GPU, and none of the
# background services that would try to reach Google (they fail here, and would be noise anywhere).
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]

def chromium_path() -> str:
    "The Chromium to drive: `TL_CHROMIUM`, else Debian's chromium, else a Chrome on PATH."
    cands = [os.environ.get("TL_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
             shutil.which("chromium-browser"), shutil.which("google-chrome")]
    for c in cands:
        if c and Path(c).is_file(): return c
    pytest.fail("No Chromium found: run `bash tools/setup.sh` (installs Debian's chromium), "
                "`sudo apt-get install chromium`, or set TL_CHROMIUM to a Chrome/Chromium binary.")

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0)); return s.getsockname()[1]

@pytest.fixture
def browser_context(tmp_path):
    "A fresh headless Chromium profile (Playwright persistent context) that may only talk to 127.0.0.1."
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        # Chromium itself refuses the rest: everything but loopback goes to a proxy on a closed port. Requests are
        # only watched, not intercepted (interception would turn off the HTTP cache and reload every page's scripts).
        ctx = p.chromium.launch_persistent_context(
            str(tmp_path/"profile"), executable_path=chromium_path(), headless=True,
            args=[*CHROMIUM_FLAGS, f"--proxy-server=http://127.0.0.1:{free_port()}", "--proxy-bypass-list=127.0.0.1;localhost"],
            viewport={"width": 1280, "height": 900})
        ctx.external = []   # requests to anything but loopback: recorded (and refused by the proxy above)
        def _watch(request):
            url = request.url
            host = url.split("/")[2].split(":")[0] if "://" in url else ""
            if host not in ("127.0.0.1", "localhost") and not url.startswith(("data:", "blob:")): ctx.external.append(url)
        ctx.on("request", _watch)
        try: yield ctx
        finally: ctx.close()
