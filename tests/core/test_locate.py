"""The fast line locator must agree with PyYAML's exact node marks wherever it answers."""

import yaml
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from specloom.core.locate import Locator, YamlLineLocator, _ComposedLocator, _Unsure, join_pointer, split_pointer
from specloom.core.source import SourceText

keys = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(max_size=30), st.text(alphabet="ab \n#:-'\"", max_size=20)
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(keys, children, min_size=1, max_size=4)),
    max_leaves=25,
)


def all_pointers(value, parts=()):
    yield list(parts)
    if isinstance(value, dict):
        for k, v in value.items():
            yield from all_pointers(v, (*parts, str(k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from all_pointers(v, (*parts, str(i)))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(keys, documents, min_size=1, max_size=5), st.sampled_from([2, 4]), st.booleans())
def test_line_locator_agrees_with_the_composer(data, indent, flow_leaves):
    text = yaml.safe_dump(
        data,
        default_flow_style=None if flow_leaves else False,
        indent=indent,
        allow_unicode=True,
        sort_keys=False,
        width=60,
    )
    lines = YamlLineLocator(text.split("\n"))
    exact = _ComposedLocator(SourceText("t.yaml", text))
    for parts in all_pointers(data):
        try:
            mine = lines.locate(parts)
        except _Unsure:
            continue
        theirs = exact.locate(parts)
        assert theirs is not None
        assert mine.value.start == theirs.value.start, (parts, text)
        if parts and not parts[-1].isdigit():
            assert mine.key.start == theirs.key.start, (parts, text)


def test_pointer_escaping_round_trips():
    parts = ["paths", "/a/{id}", "x~y"]
    assert split_pointer("#" + join_pointer(parts)) == parts


def test_nearest_falls_back_to_the_deepest_existing_ancestor():
    locator = Locator(SourceText("a.yaml", "a:\n  b:\n    c: 1\n"))
    pointer, found = locator.nearest("/a/b/missing/deeper")
    assert pointer == "/a/b" and found.key.start.line == 1


def test_flow_collections_fall_back_to_exact_positions():
    locator = Locator(SourceText("a.yaml", "tags: [books, {name: x, y: [1, 2]}]\n"))
    found = locator.locate("/tags/1/y/1")
    assert (found.value.start.line, found.value.start.character) == (0, 31)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(keys, documents, min_size=1, max_size=5), st.sampled_from([None, 2]), st.booleans())
def test_json_tree_locator_agrees_with_the_composer(data, indent, ascii_only):
    import json

    from specloom.core.locate import JsonTreeLocator

    text = json.dumps(data, indent=indent, ensure_ascii=ascii_only)
    mine = JsonTreeLocator(SourceText("t.json", text))
    try:
        exact = _ComposedLocator(SourceText("t.json", text))
    except yaml.YAMLError:
        reject()  # JSON the composer cannot read (control characters): nothing to agree with
    for parts in all_pointers(data):
        theirs, found = exact.locate(parts), mine.locate(parts)
        assert found is not None and theirs is not None, (parts, text)
        assert (found.key, found.value) == (theirs.key, theirs.value), (parts, text)


def test_json_positions_come_without_the_composer(monkeypatch):
    import specloom.core.locate as locate

    def refuse(source):
        raise AssertionError("the composer must not run for JSON")

    monkeypatch.setattr(locate, "_ComposedLocator", refuse)
    text = '{\n  "paths": {\n    "/b\\u00e9": {"get": {"x": [1, "é", {"k": null}]}}\n  }\n}'
    found = Locator(SourceText("t.json", text), is_json=True).locate("/paths/~1bé/get/x/2/k")
    assert found is not None and (found.key.start.line, found.key.start.character) == (2, 40)
    assert Locator(SourceText("t.json", text), is_json=True).locate("/paths/missing") is None
