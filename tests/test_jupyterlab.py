"""JupyterLab as a learner uses it: a server on 127.0.0.1 with a token, a notebook of the course opened in
headless Chromium, its first cells run from the keyboard (Shift+Enter), then a cell typed in that shows a
tqdm.auto progress bar (an ipywidget). Outputs must appear, with no error output; the server shuts down.

The notebook is 01_data (the first notebook with real outputs: it finds Fashion-MNIST and loads it), copied
into a temporary folder so the checkout's copy is never touched by the kernel or by Lab's autosave.
"""
import os, re, shutil, subprocess, sys, time, urllib.error, urllib.request
from pathlib import Path
import pytest
from conftest import ROOT, SHOTS, free_port

NOTEBOOK = "01_data.ipynb"
N_CELLS = 10            # cells (markdown included) run from the top
PROGRESS = "from tqdm.auto import tqdm\nimport time\nfor i in tqdm(range(40), desc='progress'): time.sleep(0.02)"

@pytest.fixture
def lab(tmp_path):
    root = tmp_path/"course"; root.mkdir()
    shutil.copy(ROOT/"nbs"/NOTEBOOK, root/NOTEBOOK)
    port, token = free_port(), os.urandom(16).hex()
    env = {**os.environ, "TL_MODE": "test", "JUPYTER_RUNTIME_DIR": str(tmp_path/"rt"),
           "JUPYTERLAB_SETTINGS_DIR": str(tmp_path/"settings"), "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path/"ws"),
           "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    log = open(tmp_path/"lab.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
                             f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
                             f"--ServerApp.root_dir={root}", "--LabApp.news_url=None",
                             "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
                            + (["--allow-root"] if os.geteuid() == 0 else []),
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    t0 = time.perf_counter()
    while True:
        try:
            with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as r:
                if r.status == 200: break
        except OSError: pass
        assert proc.poll() is None, (tmp_path/"lab.log").read_text()[-3000:]
        assert time.perf_counter() - t0 < 60, "JupyterLab did not start within 60 s"
        time.sleep(0.5)
    # without the token the server refuses
    with pytest.raises(urllib.error.HTTPError) as e: urllib.request.urlopen(f"{base}/api/contents", timeout=5)
    assert e.value.code == 403
    try: yield base, token, root
    finally:
        try: urllib.request.urlopen(urllib.request.Request(f"{base}/api/shutdown?token={token}", method="POST"), timeout=10)
        except OSError: pass
        try: code = proc.wait(timeout=30)
        except subprocess.TimeoutExpired: proc.kill(); code = None
        log.close()
        assert code is not None, "JupyterLab did not shut down on /api/shutdown"

def _wait_idle(page, timeout=120_000):
    "Wait until no cell is queued or running ('[*]:' prompts) and the kernel is idle."
    page.wait_for_function("""() => {
        const busy = Array.from(document.querySelectorAll('.jp-InputArea-prompt')).some(p => p.textContent.includes('*'));
        const ind = document.querySelector('.jp-Notebook-ExecutionIndicator');
        return !busy && (!ind || ind.getAttribute('data-status') === 'idle');
    }""", timeout=timeout)

def test_lesson_runs_in_jupyterlab(lab, browser_context):
    base, token, root = lab
    page = browser_context.new_page()
    page_errors = []
    page.on("pageerror", lambda e: page_errors.append(str(e)))
    t0 = time.perf_counter()
    page.goto(f"{base}/lab/tree/{NOTEBOOK}?token={token}", wait_until="domcontentloaded")
    # the course's notebooks name no kernel (nbdev-clean keeps metadata minimal): Lab asks, the learner accepts Python 3
    while "Idle" not in page.locator(".jp-StatusBar-Widget").inner_text():
        dialog = page.locator(".jp-Dialog .jp-mod-accept")
        if dialog.count() and dialog.first.is_visible(): dialog.first.click()
        assert time.perf_counter() - t0 < 120, "the notebook's kernel was not idle within 120 s"
        page.wait_for_timeout(250)
    page.wait_for_selector(".jp-Notebook .jp-CodeCell")
    opened = time.perf_counter() - t0
    # run the first cells from the keyboard, as a learner does
    page.locator(".jp-Notebook .jp-Cell").first.click()
    page.keyboard.press("Escape")
    for _ in range(N_CELLS): page.keyboard.press("Shift+Enter")
    _wait_idle(page)
    cells = page.locator(".jp-Notebook .jp-CodeCell")
    ran = [c for c in cells.all()[:N_CELLS] if re.search(r"\[\d+\]", c.locator(".jp-InputArea-prompt").inner_text())]
    assert len(ran) >= 4, f"only {len(ran)} code cells ran"
    outputs = page.locator(".jp-OutputArea-output").all_inner_texts()
    assert any("fashion-mnist" in o.lower() for o in outputs), outputs[:5]   # find_fashion_mnist() shows its folder
    # then a new cell, typed in, with a progress bar
    page.keyboard.press("Escape"); page.keyboard.press("b"); page.keyboard.press("Enter")
    page.keyboard.insert_text(PROGRESS)
    page.keyboard.press("Shift+Enter")
    cell = page.locator(".jp-CodeCell", has_text="tqdm(range(40)")
    bar = cell.locator(".jp-OutputArea-output .widget-hprogress .progress-bar")   # tqdm.auto's ipywidgets bar
    bar.wait_for(timeout=60_000)
    _wait_idle(page)
    text = cell.locator(".jp-OutputArea-output").inner_text()
    assert "40/40" in text and "100%" in text, text
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").all_inner_texts()
    assert not [e for e in errors if "Error" in e or "Traceback" in e], errors
    assert not page_errors, page_errors
    SHOTS.mkdir(exist_ok=True); cell.scroll_into_view_if_needed(); page.screenshot(path=str(SHOTS/"jupyterlab.png"))
    print(f"JupyterLab: notebook open and kernel idle in {opened:.1f} s, {len(ran)} cells run, progress bar shown; "
          f"{time.perf_counter() - t0:.1f} s in all")
