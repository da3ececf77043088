"""One place decides a generation's framework: the user's, else the language's default."""

import pytest

from specloom.core.languages import framework_for, language


@pytest.mark.parametrize(
    ("lang", "framework", "expected"),
    [
        ("python", None, "fastapi"),
        ("go", None, "nethttp"),
        ("rust", None, "actix-web"),
        ("typescript", "fastify", "fastify"),  # a user's framework for another language is kept, not dropped
        ("go", "chi", "chi"),
        ("go", "fastapi", "nethttp"),  # the configured language's framework does not leak into another language
        ("typescript", "my-own-framework", "my-own-framework"),
    ],
)
def test_the_framework_of_a_generation(lang, framework, expected):
    assert framework_for(lang, framework) == expected


def test_model_written_code_is_laid_out_where_each_language_builds_and_tests_it():
    assert language("go").test_path("books") == "books_test.go"  # `go test` runs only *_test.go
    assert language("typescript").test_path("books") == "tests/books.test.ts"
    assert language("python").source_path("shop", "app") == "shop/app.py"
    assert language("rust").build_file == "Cargo.toml"


def test_a_language_without_a_pack_plans_files_its_toolchain_builds_and_tests():
    from specloom.core.specs import parse_path
    from specloom.templates.layout import PlanOptions, plan_generation
    from tests.helpers import EXAMPLES

    spec, _ = parse_path(EXAMPLES / "openapi/bookstore.yaml")
    go = plan_generation(spec, PlanOptions(language="go", framework="chi"))  # go-nethttp is the pack of go/nethttp
    paths = [f.path for f in go.files]
    assert go.framework == "chi" and "go.mod" in paths
    assert {p for p in paths if p.endswith("_test.go")} and not any(p.startswith("tests/") for p in paths)
    assert all(f.producer == "ai" for f in go.files)
    assert "No template pack for go/chi" in go.notes[0]
    packed = plan_generation(spec, PlanOptions(language="go", framework="fastapi"))  # fastapi was meant for python
    assert packed.framework == "nethttp" and all(f.producer.startswith("template:go-nethttp@") for f in packed.files)
    typescript = plan_generation(spec, PlanOptions(language="typescript", framework="fastify"))
    assert typescript.framework == "fastify" and "package.json" in [f.path for f in typescript.files]
    rust = [f.path for f in plan_generation(spec, PlanOptions(language="rust", framework="axum")).files]
    # cargo builds a crate from src/lib.rs and runs tests/*.rs; modules sit flat beside it
    assert {"Cargo.toml", "src/lib.rs", "src/app.rs"} <= set(rust) and any(p.startswith("tests/") for p in rust)
    assert not any(p.startswith("src/routes/") for p in rust)
    java = [f.path for f in plan_generation(spec, PlanOptions(language="java", framework="quarkus")).files]
    assert "pom.xml" in java and "src/main/java/bookstore/App.java" in java  # Maven's layout, a class per file
    assert all(p.startswith(("src/main/java/", "src/test/java/")) for p in java if p.endswith(".java"))
