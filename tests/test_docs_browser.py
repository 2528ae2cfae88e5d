"""The offline docs site, as a reader sees it: every page opened in headless Chromium.

Builds the site from the course's notebooks (the same build as `tl-course docs`), serves it on 127.0.0.1 and
checks every page: math typeset by the site's own MathJax, every image loaded, every internal link (and its
#anchor) resolves, no console errors, no request leaves the machine. Saves screenshots of the home page and of
a lesson to _screenshots/.
"""
import functools, html.parser, http.server, json, re, threading, time
from pathlib import Path
from urllib.parse import urldefrag, unquote, urlparse
import pytest
from conftest import ROOT, SHOTS
from tl_course.tools.course import course_notebooks
from tl_course.tools.docsite import build_site, stage_notebook

class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a): pass

@pytest.fixture(scope="module")
def site():
    t0 = time.perf_counter()
    b = build_site()
    print(f"\nsite: {b.pages} pages built in {time.perf_counter() - t0:.1f} s ({len(b.warnings)} Sphinx warnings)")
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(b.out)))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try: yield b, f"http://127.0.0.1:{srv.server_address[1]}/"
    finally: srv.shutdown(); srv.server_close()

class _Ids(html.parser.HTMLParser):
    def __init__(self): super().__init__(); self.ids = set()
    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k in ("id", "name") and v: self.ids.add(v)

def _ids(path: Path) -> set:
    p = _Ids(); p.feed(path.read_text(encoding="utf-8")); return p.ids

_CHECK_PAGE = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
  const imgs = Array.from(document.images);
  const broken = (await Promise.all(imgs.map(i => { i.loading = 'eager'; return i.decode().then(() => null, () => i.src); })))
                 .filter(x => x);
  const math = Array.from(document.querySelectorAll('.math'));
  return {
    images: imgs.length, broken,
    outputImages: document.querySelectorAll('.cell_output img').length,
    math: math.length,
    unrendered: math.filter(m => !m.querySelector('mjx-container')).map(m => m.textContent.slice(0, 60)),
    merrors: document.querySelectorAll('mjx-merror').length,
    links: Array.from(document.querySelectorAll('a[href]')).map(a => a.href),
  };
}"""

def _expected_output_images(nb_path: Path) -> int:
    "Images the page should show: image outputs of the cells the site keeps (outputs not removed)."
    staged = stage_notebook(json.loads(nb_path.read_text()), {})
    return sum(1 for c in staged["cells"] if c["cell_type"] == "code" and "remove-output" not in c["metadata"].get("tags", [])
               for o in c["outputs"] if {"image/png", "image/jpeg", "image/svg+xml"} & set(o.get("data", {})))

def test_every_page_renders_offline(site, browser_context):
    b, base = site
    ctx = browser_context
    pages = sorted(p.relative_to(b.out).as_posix() for p in b.out.rglob("*.html") if "_static" not in p.parts)
    sections = course_notebooks(ROOT/"nbs")
    nb_pages = {p.stem + ".html": p for ps in sections.values() for p in ps}
    assert set(nb_pages) <= set(pages), f"notebooks without a page: {set(nb_pages) - set(pages)}"
    problems, links, total_math = [], {}, 0
    page = ctx.new_page()
    console = []
    page.on("console", lambda m: m.type == "error" and console.append(m.text))
    page.on("pageerror", lambda e: console.append(str(e)))
    t0 = time.perf_counter()
    for rel in pages:
        console.clear()
        resp = page.goto(base + rel, wait_until="load")
        if resp is None or resp.status != 200: problems.append(f"{rel}: HTTP {resp and resp.status}"); continue
        r = page.evaluate(_CHECK_PAGE)
        total_math += r["math"]
        if r["broken"]: problems.append(f"{rel}: images not loaded: {r['broken']}")
        if r["unrendered"] or r["merrors"]: problems.append(f"{rel}: math not rendered: {r['unrendered'][:3]} ({r['merrors']} errors)")
        if rel in nb_pages:
            want = _expected_output_images(nb_pages[rel])
            if r["outputImages"] != want: problems.append(f"{rel}: {r['outputImages']} output images shown, notebook has {want}")
        if console: problems.append(f"{rel}: console errors: {console[:3]}")
        for href in r["links"]:
            u = urlparse(href)
            if u.scheme in ("http", "https") and u.netloc == urlparse(base).netloc: links.setdefault(href, rel)
    print(f"{len(pages)} pages checked in {time.perf_counter() - t0:.1f} s; {len(links)} internal links; {total_math} math elements")
    # every internal link: the page exists, and so does its #anchor
    ids = {}
    for href, src in links.items():
        url, frag = urldefrag(href)
        path = unquote(urlparse(url).path).lstrip("/") or "index.html"
        if path.endswith("/"): path += "index.html"
        f = b.out/path
        if not f.is_file(): problems.append(f"{src}: broken link {href}"); continue
        if frag and f.suffix == ".html":
            if f not in ids: ids[f] = _ids(f)
            if unquote(frag) not in ids[f]: problems.append(f"{src}: link to missing anchor {href}")
    assert not ctx.external, f"requests left the machine: {ctx.external[:5]}"
    assert not problems, "\n".join(problems[:40])
    assert total_math > 0, "no page has math: the home page states the course's combined loss in LaTeX"

def test_navigation_and_api_reference(site):
    b, _ = site
    home = (b.out/"index.html").read_text()
    sections = course_notebooks(ROOT/"nbs")
    for sec, nbs in sections.items():
        if not nbs: continue
        assert f">{sec}<" in home, f"home page sidebar has no {sec} section"
        for p in nbs: assert f'href="{p.stem}.html"' in home, f"home page does not link to {p.stem}"
    # library, then tools, then lessons, in the sidebar
    nav = home[home.index('class="caption-text"'):]
    nav = nav[:nav.index("</nav>")]
    order = list(dict.fromkeys(re.findall(r'href="(\d\d[a-z]?_\w+)\.html"', nav)))
    assert order == [p.stem for ps in sections.values() for p in ps], order
    captions = re.findall(r'class="caption-text">(\w+)<', nav)
    assert captions == [sec for sec, nbs in sections.items() if nbs] + ["Reference"], captions
    # the API reference lists the modules by section (the library's apart from the tools'), documenting every name
    api = b.structure["api"]
    assert list(api) == [sec for sec in sections if sec in api], api
    assert "api/core" in api["Library"] and "api/tools.course" in api["Tools"], api
    api_index = (b.out/"api"/"index.html").read_text()
    assert re.findall(r'<section id="(\w+)">', api_index) == [sec.lower() for sec in api], "API index sections"
    import importlib
    for page in (page for pages in api.values() for page in pages):
        mod = "tl_course." + page.split("/", 1)[1]
        text = (b.out/f"{page}.html").read_text()
        missing = [n for n in importlib.import_module(mod).__all__ if f'id="{mod}.{n}"' not in text]
        assert not missing, f"{page}: not documented: {missing}"
    # a lesson page has prev/next navigation
    first = next(iter(sections["Lessons"] or sections["Library"]))
    assert 'class="left-prev"' in (b.out/f"{first.stem}.html").read_text()

def test_screenshots(site, browser_context):
    b, base = site
    SHOTS.mkdir(exist_ok=True)
    page = browser_context.new_page()
    page.goto(base + "index.html", wait_until="load")
    page.evaluate("async () => { if (window.MathJax && MathJax.startup) await MathJax.startup.promise; }")
    math = page.locator("mjx-container").first
    if math.count(): math.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS/"home.png"))
    sections = course_notebooks(ROOT/"nbs")
    # a lesson, preferably one with a plot (else a library notebook with one), scrolled to its first plot or formula
    cands = sections["Lessons"] + sections["Library"]
    def _rank(p):
        lesson, plots = p in sections["Lessons"], _expected_output_images(p) > 0
        return (lesson and plots, lesson, plots, -cands.index(p))
    lesson = max(cands, key=_rank)
    page.goto(base + f"{lesson.stem}.html", wait_until="load")
    page.evaluate("async () => { if (window.MathJax && MathJax.startup) await MathJax.startup.promise; }")
    for sel in (".cell_output img", "mjx-container"):
        el = page.locator(sel).first
        if el.count(): el.scroll_into_view_if_needed(); break
    page.screenshot(path=str(SHOTS/"lesson.png"))
    for f in ("home.png", "lesson.png"): assert (SHOTS/f).stat().st_size > 10_000, f"{f} looks empty"
    print(f"screenshots: {SHOTS/'home.png'}, {SHOTS/'lesson.png'} ({lesson.stem})")

def test_requests_off_the_machine_are_recorded_and_refused(browser_context):
    "The browser fixture's guard itself: a page that asks other hosts for images gets none, and each request is noted."
    page = browser_context.new_page()
    page.set_content('<img src="http://192.0.2.1/a.png"><img src="https://example.com/b.png">', wait_until="load")
    loaded = page.evaluate("() => Array.from(document.images).map(i => i.complete && i.naturalWidth > 0)")
    assert loaded == [False, False]
    assert sorted(browser_context.external) == ["http://192.0.2.1/a.png", "https://example.com/b.png"]
