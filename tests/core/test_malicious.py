"""The malicious-pattern scan finds code that runs other code, at its place, and not its mere mention."""

import pytest

from specloom.core.malicious import malicious_patterns
from specloom.core.rules import RULES


def found(code: str, suffix: str) -> list[tuple[int, int, str]]:
    return [(p.line, p.column, p.code) for p in malicious_patterns(code, suffix)]


@pytest.mark.parametrize(
    ("suffix", "code", "expected"),
    [
        (".ts", "export function run(req: any) {\n  return eval(req.body);\n}\n", [(2, 10, "MAL001")]),
        (
            ".js",
            "const f = new Function('a', 'return a');\nglobalThis.eval(s);\n",
            [(1, 11, "MAL001"), (2, 1, "MAL001")],
        ),
        (
            ".ts",
            'import { exec } from "node:child_process";\nconst cp = require("child_process");\n',
            [(1, 1, "MAL002"), (2, 12, "MAL002")],
        ),
        (
            ".go",
            'package main\n\nimport "os/exec"\n\nfunc Run(input string) {\n'
            '\texec.Command("sh", "-c", input).Run()\n}\n',
            [(6, 2, "MAL003")],
        ),
        (".go", 'package main\n\nimport "unsafe"\n\nvar size = unsafe.Sizeof(0)\n', [(3, 8, "MAL004")]),
        (
            ".rs",
            'use std::process::Command;\nfn f() { unsafe { g() } }\nfn h() { std::process::Command::new("ls"); }\n',
            [(1, 5, "MAL005"), (2, 10, "MAL004"), (3, 10, "MAL005")],
        ),
        (
            ".java",
            'class A {\n  void f() throws Exception {\n    Runtime.getRuntime().exec("ls");\n'
            '    new ProcessBuilder("ls");\n  }\n}\n',
            [(3, 5, "MAL005"), (4, 5, "MAL005")],
        ),
        (".cs", 'class A { void F() { System.Diagnostics.Process.Start("ls"); } }\n', [(1, 22, "MAL005")]),
    ],
)
def test_each_language_pattern_is_found_at_its_place(suffix: str, code: str, expected: list):
    assert found(code, suffix) == expected
    assert all(code in RULES for _, _, code in expected)


@pytest.mark.parametrize(
    ("suffix", "code"),
    [
        (".ts", '// never eval(req.body)\nconst text = "eval(x)";\nobj.eval(y);\nconst m = "child_process";\n'),
        (".go", 'package main\n\nimport "os/exec"\n\nfunc f() { exec.Command("ls", "-l").Run() }\n'),
        (".rs", '// unsafe { }\nfn main() { let s = "std::process::Command"; }\n'),
        (".java", 'class A { void f() { String s = "Runtime.getRuntime().exec"; } }\n'),
        (".py", "eval(input())\n"),  # Python is bandit's
    ],
)
def test_a_mention_in_a_comment_or_string_is_no_finding(suffix: str, code: str):
    assert found(code, suffix) == []
