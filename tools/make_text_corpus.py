"""Regenerate the course's text corpus: Debian package descriptions labelled by their archive Section.

Run as root on Debian (or with a sources list you may `apt-get update`):

    python tools/make_text_corpus.py            # writes tl_course/data_files/debian_sections.jsonl.gz + .md

Steps: `apt-get update -o Acquire::Languages=en` (the Packages index holds only the one-line summary; the long
descriptions live in the Translation-en index), list every binary package with `apt-cache dumpavail`, keep the
chosen sections, drop library/development/documentation/data twins, keep one package per source, fetch the long
descriptions with `apt-cache -o Acquire::Languages=en show`, drop near-duplicates, cap each section, split
train/valid/test with a fixed seed (valid and test balanced), and write a gzipped JSONL file with a datasheet.
The archive moves, so a later run gives a different snapshot: the committed file is the one the course uses.
"""
import argparse, collections, datetime, gzip, hashlib, io, json, random, re, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT/"tl_course"/"data_files"
NAME = "debian_sections"
# Sections chosen for distinct subjects and >= 200 source packages each after the filters below
# (database, video and hamradio, tried first, keep only ~100-150 sources each in bookworm main).
SECTIONS = ["games", "science", "sound", "graphics", "math", "editors", "mail", "fonts", "net", "devel"]
CAP, N_TEST, N_VALID, SEED = 400, 60, 40, 0
MIN_WORDS = 20          # long description (without the summary) must have at least this many words
NEAR_DUP = 0.3          # word 4-gram Jaccard at or above this counts as a near-duplicate
TWIN = re.compile(r"^lib|-(dev|doc|docs|data|common|dbg|dbgsym|examples|tests?)$")
FILLER = re.compile(r"transitional|dummy package|metapackage|meta-package|virtual package", re.I)
APT_LANG = ["-o", "Acquire::Languages=en"]

def sh(*cmd) -> str: return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout

def records(text:str):
    "Parse deb822 stanzas into dicts (continuation lines kept with their newline)."
    for stanza in text.split("\n\n"):
        d, key = {}, None
        for line in stanza.split("\n"):
            if not line: continue
            if line[0] in " \t" and key: d[key] += "\n" + line
            elif ":" in line:
                key, v = line.split(":", 1); d[key] = v.strip()
        if "Package" in d: yield d

def clean_description(desc:str) -> tuple[str, str]:
    "Split a Debian description into its summary and its long text (paragraph marks ' .' become blank lines)."
    summary, *body = desc.split("\n")
    paras, cur = [], []
    for line in body:
        line = line[1:] if line.startswith(" ") else line
        if line.strip() == ".":
            if cur: paras.append(" ".join(cur)); cur = []
        else: cur.append(line.strip())
    if cur: paras.append(" ".join(cur))
    return summary.strip(), "\n".join(p for p in paras if p)

def release_info() -> dict:
    "Codename, suite, version and date of the main archive's Release file (the snapshot's provenance)."
    files = sorted(Path("/var/lib/apt/lists").glob("*_debian_dists_*_InRelease"), key=lambda p: len(p.name))
    if not files: return {}
    body = files[0].read_text(errors="replace").split("-----BEGIN PGP SIGNATURE")[0]
    fields = dict(l.split(":", 1) for l in body.splitlines() if ":" in l and not l.startswith((" ", "-")))
    return {k: fields.get(k, "?").strip() for k in ("Codename", "Suite", "Version", "Date")}

def shingles(text:str, n:int=4) -> set:
    w = re.findall(r"[a-z0-9]+", text.lower())
    return {" ".join(w[i:i+n]) for i in range(max(1, len(w) - n + 1))}

def drop_near_duplicates(items:list[dict]) -> tuple[list[dict], int]:
    "Keep the first of every group of texts whose word 4-gram Jaccard similarity is >= NEAR_DUP."
    index, kept, dropped = collections.defaultdict(list), [], 0
    for it in items:
        sh_ = shingles(it["text"])
        cand = collections.Counter(j for s in sh_ for j in index[s])
        if any(c / len(sh_ | kept[j][1]) >= NEAR_DUP for j, c in cand.items()):
            dropped += 1; continue
        for s in sh_: index[s].append(len(kept))
        kept.append((it, sh_))
    return [it for it, _ in kept], dropped

def collect():
    "Candidates per (section, source) from `apt-cache dumpavail`, and each candidate's (summary, long text)."
    # 1. candidates from the Packages index: chosen sections, no twins, one package per source
    by_source = collections.defaultdict(list)
    seen = set()
    for d in records(sh("apt-cache", *APT_LANG, "dumpavail")):
        pkg, sec = d["Package"], d.get("Section", "").split("/")[-1]
        if sec not in SECTIONS or pkg in seen or TWIN.search(pkg): continue
        seen.add(pkg)
        by_source[(sec, d.get("Source", pkg).split()[0])].append(pkg)
    names = sorted({p for ps in by_source.values() for p in ps})

    # 2. long descriptions from the Translation-en index
    info = {}
    for i in range(0, len(names), 400):
        for d in records(sh("apt-cache", *APT_LANG, "show", "--no-all-versions", *names[i:i+400])):
            desc = d.get("Description-en") or d.get("Description", "")
            info[d["Package"]] = clean_description(desc)
    n_long = sum(bool(body) for _, body in info.values())
    if n_long < len(info) // 2:
        raise RuntimeError(f"only {n_long} of {len(info)} packages have a long description: the Translation-en index is missing")
    return by_source, info

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-update", action="store_true", help="skip apt-get update (use the lists already on disk)")
    ap.add_argument("--out", default=str(OUT))
    a = ap.parse_args()

    by_source, info = None, None
    for attempt in range(3):  # other apt users on the machine may rewrite the lists under us: update and retry
        if not a.no_update or attempt: subprocess.run(["apt-get", "update", "-qq", *APT_LANG], check=True)
        try: by_source, info = collect(); break
        except (subprocess.CalledProcessError, RuntimeError) as e: print(f"apt lists changed or incomplete ({str(e)[-200:]}); retrying", file=sys.stderr)
    if info is None: sys.exit("could not read a consistent set of apt lists with Translation-en")
    release = release_info()

    # 3. one package per source: the one named like its source, else the one with the longest description
    stats = collections.Counter()
    items = []
    for (sec, src), pkgs in sorted(by_source.items()):
        ok = [p for p in pkgs if p in info and len(info[p][1].split()) >= MIN_WORDS and not FILLER.search(" ".join(info[p]))]
        stats[sec, "sources"] += 1
        if not ok: stats[sec, "no_long_description"] += 1; continue
        p = src if src in ok else max(ok, key=lambda q: (len(info[q][1]), q))
        summary, body = info[p]
        items.append(dict(text=f"{summary}\n{body}", label=sec, package=p, source=src))

    # 4. near-duplicates (across sections too), in a fixed order so the run is reproducible
    random.Random(SEED).shuffle(items)
    items, n_dup = drop_near_duplicates(items)

    # 5. cap each section, then split: balanced test and valid sets, the rest for training
    rows, counts = [], {}
    for sec in SECTIONS:
        its = [it for it in items if it["label"] == sec][:CAP]
        if len(its) < 200: sys.exit(f"section {sec} has only {len(its)} usable packages (< 200): choose another section")
        for k, it in enumerate(its):
            it["split"] = "test" if k < N_TEST else "valid" if k < N_TEST + N_VALID else "train"
        rows += its
        counts[sec] = {s: sum(it["split"] == s for it in its) for s in ("train", "valid", "test")}
        counts[sec]["sources_seen"] = stats[sec, "sources"]
    rows.sort(key=lambda r: (r["split"], r["label"], r["package"]))

    # 6. write: gzip with a fixed mtime so the same rows give the same bytes (and the same checksum)
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    data = "".join(json.dumps({k: r[k] for k in ("text", "label", "split", "package", "source")}, ensure_ascii=False) + "\n" for r in rows).encode()
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, compresslevel=9) as f: f.write(data)
    (out/f"{NAME}.jsonl.gz").write_bytes(buf.getvalue())
    sha = hashlib.sha256(buf.getvalue()).hexdigest()
    words = sorted(len(r["text"].split()) for r in rows)
    today = datetime.date.today().isoformat()
    table = "\n".join(f"| {s} | {c['sources_seen']} | {c['train']} | {c['valid']} | {c['test']} | {c['train']+c['valid']+c['test']} |" for s, c in counts.items())
    tot = {k: sum(c[k] for c in counts.values()) for k in ("train", "valid", "test")}
    (out/f"{NAME}.md").write_text(f"""# Datasheet: Debian package descriptions by Section

**File** `{NAME}.jsonl.gz` (gzipped JSON lines; fields `text`, `label`, `split`, `package`, `source`)
**sha256** `{sha}`
**Snapshot taken** {today} by `tools/make_text_corpus.py`, from Debian {release.get('Codename', '?')} ({release.get('Suite', '?')}, release {release.get('Version', '?')}, archive date {release.get('Date', '?')}), component main, amd64.

## What it is
The descriptions that Debian maintainers wrote for their packages, labelled with the package's archive Section.
A text is the one-line summary, a newline, then the long description (paragraphs separated by newlines),
taken from the Translation-en index. The task: read a description, name its section.

## How it was made
1. `apt-get update -o Acquire::Languages=en`; all binary packages from `apt-cache dumpavail`.
2. Sections kept: {", ".join(SECTIONS)} (distinct subjects with at least 200 source packages left after the
   filters; database, video and hamradio were considered but keep only ~100-150 sources each).
3. Twins dropped: names matching `{TWIN.pattern}` (libraries, development, documentation, data, common,
   debug, examples and test packages).
4. One package per source package: the binary named like its source, else the one with the longest description.
5. Dropped: long descriptions under {MIN_WORDS} words; transitional, dummy and meta packages.
6. Near-duplicates dropped ({n_dup} texts): word 4-gram Jaccard similarity >= {NEAR_DUP} with a text kept earlier
   (order fixed by seed {SEED}), across all sections.
7. At most {CAP} packages per section (seeded order); per section {N_TEST} test, {N_VALID} valid, the rest train.

## Counts
| section | sources seen | train | valid | test | total |
|---|---|---|---|---|---|
{table}
| **all** | | {tot['train']} | {tot['valid']} | {tot['test']} | {sum(tot.values())} |

Words per text: median {words[len(words)//2]}, 90th percentile {words[int(len(words)*.9)]}, max {words[-1]}.

## Licence and caveats
Package descriptions are part of each package's Debian metadata, distributed in the Debian archive's indexes.
Labels are the maintainers' choice of Section: some packages could fit two sections (science/math, net/mail,
devel/editors), so a perfect score is not expected. Descriptions are English, technical, and sometimes name
their section outright ("a game", "a font"). Regenerating later gives a different snapshot: the archive moves.
""")
    print(f"wrote {len(rows)} texts ({tot}) to {out/NAME}.jsonl.gz ({len(buf.getvalue())/1e6:.2f} MB), sha256 {sha}")
    for s, c in counts.items(): print(f"  {s:9s} {c}")

if __name__ == "__main__": main()
