"""Build a search-only site from the laws corpus (until ``tongda import``/``build`` exist).

Title from the first ``# `` line, body after ``<!-- INFO END -->``, kind ``policy``,
level and doc type from the folder. Writes ``OUT/search/`` and, with ``--html``, one
minimal HTML page per document so Pagefind can index the same site.

    python bench/search_corpus.py --corpus ../shared/corpus/laws --out bench/out/site --html
    python bench/search_corpus.py --copies 10 --out bench/out/site30k   # growth test
"""
from __future__ import annotations

import argparse
import hashlib
import html
import itertools
import re
import resource
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from search_index.indexer import SearchIndex
from search_index.model import SearchDoc

ROOT = Path(__file__).resolve().parent.parent
DATE_RE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
FILE_DATE_RE = re.compile(r"\((\d{4}-\d{2}-\d{2})\)")
ISSUER_RE = re.compile(
    r"((?:[\u4e00-\u9fff]{2,12}?(?:省|市|自治区|自治州|县))?人民代表大会(?:常务委员会)?"
    r"|国务院|最高人民法院|最高人民检察院|[\u4e00-\u9fff]{2,8}部|[\u4e00-\u9fff]{2,8}总局)")
ORDER_RE = re.compile(r"([\u4e00-\u9fff]{2,16}令第\d+号)")
TYPES = {"行政法规": "行政法规", "部门规章": "部门规章", "司法解释": "司法解释", "DLC": "地方性法规"}


def parse(path: Path, root: Path, variant: int = 0) -> SearchDoc | None:
    """One corpus file as a SearchDoc (None for the empty ``_index.md`` files)."""
    text = path.read_text("utf-8")
    if "<!-- INFO END -->" not in text:
        return None
    head, body = text.split("<!-- INFO END -->", 1)
    lines = head.strip().splitlines()
    title = lines[0].lstrip("# ").strip()
    rel = path.relative_to(root).as_posix()
    top = rel.split("/")[0]
    headings = [ln.lstrip("#").strip() for ln in body.splitlines() if ln.startswith("##")]
    hist = " ".join(ln for ln in lines[1:] if not ln.startswith("#"))
    m = FILE_DATE_RE.search(path.name)
    d = DATE_RE.search(hist)
    date = m.group(1) if m else (f"{d.group(1)}-{int(d.group(2)):02d}-{int(d.group(3)):02d}"
                                 if d else "")
    issuer = ISSUER_RE.search(hist)
    order = ORDER_RE.search(hist)
    level = "national"
    if top == "DLC":
        level = "city" if re.search(r"^[\u4e00-\u9fff]{2,4}市", title) and not title.startswith(
            ("北京", "上海", "重庆", "天津")) else "province"
    ident = "law-" + hashlib.sha1(rel.encode(), usedforsecurity=False).hexdigest()[:10]
    if variant:
        ident += f"-v{variant}"
        title = f"{title}（汇编{variant}）"
    return SearchDoc(
        id=ident, url=f"policies/{ident}/", kind="policy", title=title,
        body="\n".join(ln.lstrip("#").strip() for ln in body.splitlines() if ln.strip()),
        headings=headings, doc_number=order.group(1) if order else "",
        issuer=issuer.group(1) if issuer else "", level=level,
        status="effective", date=date, tags=[TYPES.get(top, "法律")],
    )


def load(root: Path, copies: int = 1) -> Iterator[SearchDoc]:
    """Every document of the corpus, ``copies`` times (variants get distinct ids/titles),
    read one at a time: the indexer keeps no body once it has analysed it, so holding the
    whole corpus here would measure this script's memory rather than the indexer's."""
    files = sorted(p for p in root.rglob("*.md"))
    for v in range(copies):
        for p in files:
            doc = parse(p, root, v)
            if doc:
                yield doc


def write_html(site: Path, doc: SearchDoc) -> None:
    """A minimal page for Pagefind: lang, title, h1 and the body paragraphs."""
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in doc.body.splitlines())
    page = (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
            f"<title>{html.escape(doc.title)}</title></head><body><main>"
            f"<h1>{html.escape(doc.title)}</h1>{paras}</main></body></html>")
    out = site / doc.url / "index.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, "utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared/corpus/laws")
    ap.add_argument("--out", type=Path, default=ROOT / "bench/out/site")
    ap.add_argument("--copies", type=int, default=1, help="corpus copies (growth test)")
    ap.add_argument("--limit", type=int, default=0, help="only the first N documents")
    ap.add_argument("--html", action="store_true", help="also write HTML pages for Pagefind")
    ap.add_argument("--cache", type=Path, default=None, help="cache dir (rebuild test)")
    ap.add_argument("--touch", type=int, default=-1, help="append a sentence to document N")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    docs = load(args.corpus, args.copies)
    if args.limit:
        docs = itertools.islice(docs, args.limit)
    index = SearchIndex(synonyms_path=ROOT / "content/_data/synonyms.yml",
                        analysis_cache=args.cache / "analysis" if args.cache else None)
    for number, doc in enumerate(docs):
        if number == args.touch:
            doc.body += "\n本条例由市人民政府负责解释。"
        index.add(doc)
        if args.html:
            write_html(args.out, doc)
    t1 = time.perf_counter()
    stats = index.write(args.out / "search", cache_dir=args.cache / "files" if args.cache else None)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"documents: {stats.docs}")
    print(f"analyse s: {t1 - t0:.1f}  write s: {stats.seconds:.1f}")
    print(f"files written: {stats.files_written}  reused: {stats.files_reused}")
    print(f"index bytes: {stats.total_bytes}  peak RSS MB: {peak:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
