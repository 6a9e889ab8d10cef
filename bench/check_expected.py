#!/usr/bin/env python3
"""Independent oracle for the QuickTakes rules of fmlint.

Reads a generated (or real) corpus from disk, applies the rules as described
in SPEC.md / bench/README.md, and prints the number of diagnostics per rule.
It knows nothing about the generator's model: it only looks at the files.

    bench/check_expected.py DIR                 # DIR holds content/learn and expected.json
    bench/check_expected.py DIR --stats         # also print corpus shape statistics
    bench/check_expected.py DIR --json          # print {"rule": count} only
    bench/check_expected.py DIR --list RULE     # print path of every file with RULE

Exit status: 0 when the counts equal DIR/expected.json (or --expected FILE),
1 on a mismatch, 2 on usage errors.
"""

import argparse
import json
import os
import re
import signal
import statistics
import sys
from collections import Counter, defaultdict

import yaml

RULES = [
    "unreadable-file", "missing-front-matter", "unclosed-front-matter", "yaml-syntax",
    "duplicate-key", "not-a-mapping", "schema", "invalid-date", "invalid-date-format",
    "url-mismatch", "file-name-mismatch", "path-mismatch", "title-mismatch",
    "seo-title-mismatch", "duplicate-id", "duplicate-url", "dangling-reference",
    "stale-reference", "duplicate-reference", "self-reference", "reference-numbering",
]

REQUIRED = ["_schema", "id", "date", "title", "article_title", "date_format", "post_on_text",
            "seo", "author", "question", "answer", "subject", "file_name", "url"]
SEO_REQUIRED = ["title", "page_description", "page_keywords"]
RELATED_RE = re.compile(r"^related_article(\d+)$")

# A display pattern is a sequence of known tokens and separators.
DATE_TOKENS = ["YYYY", "YY", "MMMM", "MMM", "MM", "M", "DD", "D", "Do", "dddd", "ddd"]
DATE_TOKEN_RE = re.compile("|".join(sorted(DATE_TOKENS, key=len, reverse=True)))


def valid_date_format(s):
    if not isinstance(s, str) or not s:
        return False
    rest = DATE_TOKEN_RE.sub("", s)
    if re.search(r"[A-Za-z]", rest):
        return False
    # reject runs like YYYYY that the token regex splits into YYYY + Y
    return all(len(run) in {1, 2, 4} for run in re.findall(r"Y+", s)) and bool(DATE_TOKEN_RE.search(s))


def slug(s):
    s = s.lower()
    s = "".join(c for c in s if ("a" <= c <= "z") or ("0" <= c <= "9") or c == " ")
    return s.replace(" ", "-")


def valid_date(s):
    if not isinstance(s, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
        return False
    y, m, d = int(s[:4]), int(s[5:7]), int(s[8:10])
    if not 1 <= m <= 12:
        return False
    leap = (y % 4 == 0 and y % 100 != 0) or y % 400 == 0
    dim = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    return 1 <= d <= dim


_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Loader(_Base):
    """Safe loader, dates stay strings (YAML 1.2), duplicate keys are counted."""

    dup_keys = 0

    def construct_mapping(self, node, deep=False):
        seen = set()
        for k, _ in node.value:
            key = (k.tag, k.value) if isinstance(k, yaml.ScalarNode) else id(k)
            if key in seen:
                Loader.dup_keys += 1
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in lst if tag != "tag:yaml.org,2002:timestamp"]
    for ch, lst in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Loader.add_constructor("tag:yaml.org,2002:map", Loader.construct_mapping)


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def split_header(text):
    """Returns (header_text or None, error_rule or None)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.splitlines()
    if not lines or lines[0].rstrip("\r") != "---":
        return None, "missing-front-matter"
    for k in range(1, len(lines)):
        if lines[k].rstrip("\r") in ("---", "..."):
            return "\n".join(lines[1:k]) + "\n", None
    return None, "unclosed-front-matter"


URL_RE = re.compile(r"^/learn/[a-z0-9-]+/questions/[a-z0-9-]+$")
FILE_NAME_RE = re.compile(r"^[a-z0-9-]+\.md$")
SCHEMA_RELATED_RE = re.compile(r"^related_article[1-9][0-9]*$")


def is_str(v):
    return isinstance(v, str)


def is_text(v):
    return isinstance(v, str) and len(v) > 0


def matches(rx):
    return lambda v: isinstance(v, str) and rx.search(v) is not None


# mirrors schemas/quicktakes-article.schema.json: one violation = one diagnostic
TOP = {
    "_schema": lambda v: v == "default",
    "id": is_int,
    "date": is_str,
    "title": is_text, "article_title": is_text, "question": is_text, "subject": is_text,
    "date_format": is_text, "post_on_text": is_str, "author": is_text, "answer": is_text,
    "file_name": matches(FILE_NAME_RE),
    "url": matches(URL_RE),
    "score": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "no_index": lambda v: isinstance(v, bool),
}
SEO = {"title": is_text, "page_description": is_str, "page_keywords": is_str}
RELATED = {"id": is_int, "title": is_text, "subject": is_text, "url": matches(URL_RE)}


def object_errors(obj, props, required):
    n = sum(1 for k in required if k not in obj)
    for k, v in obj.items():
        if k in props:
            n += not props[k](v)
        else:
            n += 1  # additionalProperties: false
    return n


def schema_errors(doc):
    n = sum(1 for k in REQUIRED if k not in doc)
    for k, v in doc.items():
        if k in TOP:
            n += not TOP[k](v)
        elif k == "seo":
            n += object_errors(v, SEO, SEO_REQUIRED) if isinstance(v, dict) else 1
        elif isinstance(k, str) and SCHEMA_RELATED_RE.match(k):
            n += object_errors(v, RELATED, list(RELATED)) if isinstance(v, dict) else 1
        else:
            n += 1  # additionalProperties: false
    return n


def find_files(root):
    learn = os.path.join(root, "content", "learn")
    base = learn if os.path.isdir(learn) else root
    out = []
    for dp, dns, fns in os.walk(base):
        dns.sort()
        for fn in sorted(fns):
            if fn.endswith(".md"):
                out.append(os.path.join(dp, fn))
    return out


def check(root, want_stats=False):
    counts = Counter({r: 0 for r in RULES})
    hits = defaultdict(list)

    def bump(rule, path, k=1):
        if k:
            counts[rule] += k
            hits[rule].append(path)

    docs = []  # (path, doc) of parsed mappings
    sizes, rel_files, na_files, na_ta, no_index = [], 0, 0, 0, 0
    subjects = set()
    for path in find_files(root):
        raw = open(path, "rb").read()
        sizes.append(len(raw))
        if b"\0" in raw:
            bump("unreadable-file", path)
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            bump("unreadable-file", path)
            continue
        if any(ord(c) > 127 for c in text):
            na_files += 1
        header, err = split_header(text)
        if err:
            bump(err, path)
            continue
        Loader.dup_keys = 0
        try:
            doc = yaml.load(header, Loader=Loader)
        except yaml.YAMLError:
            bump("yaml-syntax", path)
            continue
        bump("duplicate-key", path, Loader.dup_keys)
        if not isinstance(doc, dict):
            bump("not-a-mapping", path)
            continue
        docs.append((path, doc))
        if any(isinstance(k, str) and RELATED_RE.match(k) for k in doc):
            rel_files += 1
        if any(ord(c) > 127 for f in ("title", "answer") for c in str(doc.get(f, ""))):
            na_ta += 1
        no_index += doc.get("no_index") is True
        subjects.add(doc.get("subject"))

    by_id = defaultdict(list)
    by_url = defaultdict(list)
    for path, doc in docs:
        bump("schema", path, schema_errors(doc))
        if "date" in doc:
            bump("invalid-date", path, not valid_date(doc["date"]))
        if "date_format" in doc:
            bump("invalid-date-format", path, not valid_date_format(doc["date_format"]))
        title, subject, url = doc.get("title"), doc.get("subject"), doc.get("url")
        fname = doc.get("file_name")
        folder = os.path.basename(os.path.dirname(path))
        disk = os.path.basename(path)
        if isinstance(title, str) and isinstance(subject, str) and isinstance(url, str):
            bump("url-mismatch", path, url != f"/learn/{slug(subject)}/questions/{slug(title)}")
        segs = [s for s in url.split("/") if s] if isinstance(url, str) else None
        if isinstance(fname, str):
            bad = fname != disk
            if segs:
                bad = bad or fname != segs[-1] + ".md"
            bump("file-name-mismatch", path, bad)
        if segs is not None:
            bump("path-mismatch", path, len(segs) < 2 or segs[1] != folder)
        if isinstance(title, str):
            for f in ("article_title", "question"):
                if f in doc:
                    bump("title-mismatch", path, doc[f] != title)
        seo = doc.get("seo")
        if isinstance(seo, dict) and "title" in seo and isinstance(subject, str):
            bump("seo-title-mismatch", path, seo["title"] != f"QuickTakes | {subject}")
        if is_int(doc.get("id")):
            by_id[doc["id"]].append((path, doc))
        if isinstance(url, str):
            by_url[url].append(path)

    for holders in by_id.values():
        if len(holders) > 1:
            for p, _ in holders:
                bump("duplicate-id", p)
    for paths in by_url.values():
        if len(paths) > 1:
            for p in paths:
                bump("duplicate-url", p)

    for path, doc in docs:
        own_id, own_url = doc.get("id"), doc.get("url")
        rels = [(int(RELATED_RE.match(k).group(1)), v) for k, v in doc.items()
                if isinstance(k, str) and RELATED_RE.match(k)]
        if [n for n, _ in rels] != list(range(1, len(rels) + 1)):
            bump("reference-numbering", path)
        seen = set()
        for _, ent in rels:
            if not isinstance(ent, dict) or not is_int(ent.get("id")):
                continue
            rid = ent["id"]
            if (is_int(own_id) and rid == own_id) or (own_url is not None and ent.get("url") == own_url):
                bump("self-reference", path)
            if rid in seen:
                bump("duplicate-reference", path)
            seen.add(rid)
            holders = by_id.get(rid)
            if not holders:
                bump("dangling-reference", path)
                continue
            diffs = [sum(ent.get(f) != t.get(f) for f in ("title", "subject", "url")) for _, t in holders]
            if 0 not in diffs:
                bump("stale-reference", path, min(diffs))

    stats = None
    if want_stats:
        n = len(sizes)
        stats = {
            "files": n,
            "bytes": sum(sizes),
            "size_min": min(sizes) if sizes else 0,
            "size_median": statistics.median(sizes) if sizes else 0,
            "size_max": max(sizes) if sizes else 0,
            "parsed": len(docs),
            "pct_with_related": round(100.0 * rel_files / max(len(docs), 1), 1),
            "pct_non_ascii_file": round(100.0 * na_files / max(n, 1), 1),
            "pct_non_ascii_title_or_answer": round(100.0 * na_ta / max(len(docs), 1), 1),
            "no_index": no_index,
            "subjects": len(subjects),
        }
    return counts, hits, stats


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir", help="corpus root (holding content/learn) or a folder of .md files")
    ap.add_argument("--expected", help="expected.json (default: DIR/expected.json)")
    ap.add_argument("--stats", action="store_true", help="print corpus shape statistics")
    ap.add_argument("--json", action="store_true", help="print the counts as JSON and exit 0")
    ap.add_argument("--list", metavar="RULE", help="print the files with a RULE diagnostic")
    a = ap.parse_args()

    counts, hits, stats = check(a.dir, a.stats)
    if a.json:
        print(json.dumps({r: counts[r] for r in RULES}, indent=None))
        return 0
    if a.list:
        for p in hits.get(a.list, []):
            print(p)
        return 0
    if stats:
        for k, v in stats.items():
            print(f"{k:32} {v}")
    exp_path = a.expected or os.path.join(a.dir, "expected.json")
    if not os.path.exists(exp_path):
        for r in RULES:
            print(f"{r:24} {counts[r]}")
        return 0
    expected = json.load(open(exp_path))["expected"]
    ok = True
    for r in sorted(set(RULES) | set(expected)):
        got, want = counts.get(r, 0), expected.get(r, 0)
        status = "MATCH" if got == want else "MISMATCH"
        ok &= got == want
        print(f"{status:9} {r:24} oracle={got} expected={want}")
    print("ALL MATCH" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
