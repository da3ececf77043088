"""Throughput of the malicious-pattern scan (core/malicious.py), which the security gate runs on every tree.

Run: .venv/bin/python bench/bench_patterns.py. Prints, per language, the time to scan 200 files of about
60 lines each, first ordinary code (which never contains a pattern's word, so it is not parsed), then the
same with one such word in a comment (so every file is parsed and walked); figures only, no targets.
"""

from __future__ import annotations

import time

from specloom.core.malicious import malicious_patterns

FILES = 200
SNIPPETS = {
    ".ts": "export function handler{i}(req: {{ body: string }}): number {{\n  const n = Number(req.body);\n"
    "  if (Number.isNaN(n)) {{\n    throw new Error('not a number');\n  }}\n  return n * {i};\n}}\n\n",
    ".go": "func Handler{i}(w http.ResponseWriter, r *http.Request) {{\n\tif r.Method != http.MethodGet {{\n"
    '\t\tw.WriteHeader(405)\n\t\treturn\n\t}}\n\tw.Write([]byte("{i}"))\n}}\n\n',
    ".rs": "pub fn handler_{i}(input: &str) -> Result<i64, String> {{\n    input\n        .trim()\n"
    "        .parse::<i64>()\n        .map(|n| n * {i})\n        .map_err(|e| e.to_string())\n}}\n\n",
    ".java": "  public int handler{i}(String body) {{\n    int n = Integer.parseInt(body.trim());\n"
    '    if (n < 0) {{\n      throw new IllegalArgumentException("negative");\n    }}\n    return n * {i};\n  }}\n\n',
}
WRAP = {".go": 'package api\n\nimport "net/http"\n\n{}', ".java": "class Api {{\n{}}}\n"}


def scan(label: str, suffix: str, text: str) -> None:
    start = time.perf_counter()
    found = sum(len(malicious_patterns(text, suffix)) for _ in range(FILES))
    elapsed = time.perf_counter() - start
    lines = text.count("\n") * FILES
    rate = f"{lines / elapsed:,.0f} lines/s"
    print(f"{suffix:<6} {label:<9} {FILES} files, {lines} lines: {elapsed * 1000:7.1f} ms ({rate}), {found} findings")


def main() -> None:
    comment = {".ts": "// eval\n", ".go": "// exec\n", ".rs": "// unsafe\n", ".java": "// exec\n"}
    for suffix, snippet in SNIPPETS.items():
        body = "".join(snippet.format(i=i) for i in range(8))
        text = WRAP.get(suffix, "{}").format(body)
        scan("ordinary", suffix, text)
        scan("parsed", suffix, comment[suffix] + text)


if __name__ == "__main__":
    main()
