"""java-springboot compiles a spec's `pattern` (ECMA-262) for java.util.regex: both engines, run for real,
must agree on which texts match."""

from __future__ import annotations

import json
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from specloom.backends.java_springboot.lang import java_regex

pytestmark = pytest.mark.skipif(
    shutil.which("java") is None or shutil.which("node") is None, reason="needs a JDK and Node.js"
)

PATTERNS = [
    r"^[a-z]+$",
    r"^\d{3}-\d{4}$",
    r"^a\$b$",
    r"[$]x",
    r"^[[]+$",
    r"^[a&&b]+$",
    r"^a&&b$",
    r"^[]?a$",
    r"^[^]$",
    r"^(?:[A-Z]{2})?[0-9]+$",
    r"^[^\n]*$",
    r"x$|^y",
    r"^\S+@\S+$",
]
TEXTS = ["abc", "abc\n", "123-4567", "123-4567\n", "a$b", "$x", "[[", "[\n", "a&", "&&b", "a&&b", "]", "a", "\n",
         "AB12", "12", "x", "x\n", "y", "ab\nc", "me@example.org", "me@example.org\n", ""]  # fmt: skip

JAVA = textwrap.dedent(
    """
    import java.nio.charset.StandardCharsets;
    import java.util.HexFormat;
    import java.util.Scanner;
    import java.util.regex.Pattern;

    class Match {
      public static void main(String[] args) {
        Scanner lines = new Scanner(System.in, StandardCharsets.UTF_8);
        while (lines.hasNextLine()) {
          Pattern pattern = Pattern.compile(text(lines.nextLine()));
          System.out.println(pattern.matcher(text(lines.nextLine())).find());
        }
      }

      static String text(String hex) {
        return new String(HexFormat.of().parseHex(hex), StandardCharsets.UTF_8);
      }
    }
    """
)


def test_java_matches_what_the_ecma_pattern_of_the_spec_matches(tmp_path: Path):
    cases = [(p, t) for p in PATTERNS for t in TEXTS]
    ecma = subprocess.run(
        ["node", "-e", "for (const [p, t] of JSON.parse(process.argv[1])) console.log(new RegExp(p, 'u').test(t))",
         json.dumps(cases)],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    (tmp_path / "Match.java").write_text(JAVA)
    lines = "".join(f"{java_regex(p).encode().hex()}\n{t.encode().hex()}\n" for p, t in cases)
    java = subprocess.run(
        ["java", str(tmp_path / "Match.java")], input=lines, capture_output=True, text=True, check=True
    ).stdout.split()
    disagree = [(p, java_regex(p), t, e) for (p, t), e, j in zip(cases, ecma, java, strict=True) if e != j]
    assert not disagree, disagree


def test_a_pattern_without_ecma_only_syntax_is_kept_as_written():
    assert java_regex(r"^[A-Za-z0-9_.-]{1,64}\.(png|jpe?g)") == r"^[A-Za-z0-9_.-]{1,64}\.(png|jpe?g)"
