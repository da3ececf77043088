"""Hostile and odd inputs: findings or one clear error, never a traceback."""

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from specloom.core.findings import Severity
from specloom.core.source import SourceText
from specloom.core.specs import parse_path
from specloom.core.specs.openapi import parse_openapi

HEADER = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\n"


def assert_ranges_inside(spec):
    lines = spec.source.text.split("\n")
    for f in spec.findings:
        assert 0 <= f.range.start.line < len(lines), f
        assert f.range.start <= f.range.end, f


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_arbitrary_text_never_raises(text):
    spec = parse_openapi(SourceText("fuzz.yaml", text))
    assert_ranges_inside(spec)


yaml_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20), st.just("#/components/schemas/A")),
    lambda c: st.one_of(
        st.lists(c, max_size=3),
        st.dictionaries(
            st.sampled_from(
                [
                    "$ref",
                    "paths",
                    "get",
                    "responses",
                    "parameters",
                    "schema",
                    "name",
                    "in",
                    "/a/{id}",
                    "components",
                    "schemas",
                    "A",
                    "200",
                    "content",
                    "operationId",
                    "example",
                    "x",
                ]
            ),
            c,
            max_size=4,
        ),
    ),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(yaml_values)
def test_spec_shaped_garbage_never_raises(value):
    body = yaml.safe_dump({"paths": value, "components": value}, sort_keys=False)
    spec = parse_openapi(SourceText("fuzz.yaml", HEADER + body))
    assert_ranges_inside(spec)


def test_malformed_yaml_gives_one_syntax_finding_at_the_error():
    spec = parse_openapi(SourceText("bad.yaml", HEADER + "paths:\n  /a:\n    get: [unclosed\n  /b: {}\n"))
    [finding] = spec.findings
    assert finding.code == "SYN001" and finding.range.start.line in (4, 5)


def test_duplicate_keys_are_reported_where_the_second_one_is():
    spec = parse_openapi(SourceText("dup.yaml", HEADER + "paths: {}\ninfo: {title: U, version: '2'}\n"))
    [finding] = [f for f in spec.findings if f.code == "SYN002"]
    assert finding.range.start.line == 3


def test_a_duplicate_key_is_found_in_its_own_mapping_not_in_sibling_list_items():
    # Two list items each with one `$ref` are no duplicate; the two `$ref`s of one schema (lines 9 and 10) are.
    text = HEADER + (
        "paths:\n  /a:\n    get:\n      parameters:\n        - $ref: '#/components/parameters/A'\n"
        "        - $ref: '#/components/parameters/B'\n        - name: c\n          in: query\n          schema:\n"
        "            $ref: '#/components/schemas/C'\n            $ref: '#/components/schemas/D'\n"
    )
    spec = parse_openapi(SourceText("dup.yaml", text))
    [finding] = [f for f in spec.findings if f.code == "SYN002"]
    lines = text.split("\n")
    assert lines[finding.range.start.line].strip() == "$ref: '#/components/schemas/D'"
    assert f"the first is on line {finding.range.start.line}" in finding.suggestion


def test_tabs_in_indentation_are_a_syntax_error_not_a_crash():
    spec = parse_openapi(SourceText("tabs.yaml", HEADER + "paths:\n\t/a: {}\n"))
    assert [f.code for f in spec.findings] == ["SYN001"]


def test_billion_laughs_is_refused():
    laughs = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n" for p, n in zip("abcdefg", "bcdefgh", strict=True)
    )
    spec = parse_openapi(SourceText("lol.yaml", laughs))
    assert [f.code for f in spec.findings] == ["SYN001"]


def test_deep_nesting_is_bounded():
    deep = HEADER + "paths: {}\nx-deep: " + "[" * 5000 + "]" * 5000 + "\n"
    spec = parse_openapi(SourceText("deep.yaml", deep))
    assert spec.findings and all(f.code == "SYN001" for f in spec.findings)


def test_deep_block_nesting_under_the_parser_limit_is_checked_without_recursion_errors():
    nested = "".join("  " * i + f"k{i}:\n" for i in range(400)) + "  " * 400 + "v: 1\n"
    spec = parse_openapi(
        SourceText(
            "deep.yaml", HEADER + "paths: {}\nx-deep:\n" + "".join("  " + line + "\n" for line in nested.splitlines())
        )
    )
    assert any("deeper than" in f.message for f in spec.findings)


def test_self_referencing_schema_and_ref_to_itself():
    text = HEADER + (
        "paths: {}\ncomponents:\n  schemas:\n    Self:\n      $ref: '#/components/schemas/Self'\n"
        "    Tree:\n      type: object\n      properties:\n        kids:\n          type: array\n"
        "          items: {$ref: '#/components/schemas/Tree'}\n"
    )
    spec = parse_openapi(SourceText("self.yaml", text))
    assert [(f.code, f.range.start.line) for f in spec.findings] == [("OAS102", 6)]


def test_thousands_of_refs_resolve():
    schemas = "".join(f"    S{i}:\n      $ref: '#/components/schemas/S{i + 1}'\n" for i in range(3000))
    text = HEADER + "paths: {}\ncomponents:\n  schemas:\n" + schemas + "    S3000:\n      type: string\n"
    spec = parse_openapi(SourceText("many.yaml", text))
    assert spec.findings == []


def test_ten_megabyte_spec_is_checked(tmp_path: Path):
    paths = "".join(
        f"  /r{i}/{{id}}:\n    get:\n      operationId: get{i}\n      description: '{'padding ' * 20}'\n"
        f"      parameters:\n        - {{name: id, in: path, required: true, schema: {{type: string}}}}\n"
        f"      responses:\n        '200': {{description: ok}}\n"
        for i in range(27000)
    )
    target = tmp_path / "huge.yaml"
    target.write_text(HEADER + "paths:\n" + paths)
    assert target.stat().st_size > 10_000_000
    spec, findings = parse_path(target)
    assert spec is not None and len(spec.operations) == 27000
    assert [f for f in findings if f.severity is Severity.ERROR] == []


def test_binary_non_utf8_and_empty_files_give_one_clear_finding(tmp_path: Path):
    cases = {
        "bin.yaml": b"\x00\x01\x02openapi",
        "latin.yaml": "openapi: 3.0.3\ninfo: {title: Caf\xe9}\n".encode("latin-1"),
        "empty.yaml": b"  \n",
        "missing.yaml": None,
    }
    expected = {"bin.yaml": "IO002", "latin.yaml": "IO003", "empty.yaml": "IO004", "missing.yaml": "IO001"}
    for name, content in cases.items():
        if content is not None:
            (tmp_path / name).write_bytes(content)
        spec, findings = parse_path(tmp_path / name)
        assert spec is None and [f.code for f in findings] == [expected[name]], name
        assert findings[0].suggestion
    _, [latin] = parse_path(tmp_path / "latin.yaml")
    assert (latin.range.start.line, latin.range.start.character) == (1, 17)
