"""Which operations the CRUD templates implement, and which they leave to an AI provider."""

import pytest

from specloom.core.apimodel import build_api_model, crud_gap
from specloom.core.source import SourceText
from specloom.core.specs import parse_path, parse_source
from specloom.templates.packs import BUILTIN_PACKS
from tests.helpers import EXAMPLES


def operations(*paths: tuple[str, str]):
    lines = ["openapi: 3.1.0", "info: {title: T, version: '1'}", "paths:"]
    for number, (method, path) in enumerate(paths):
        lines += [
            f"  {path}:",
            f"    {method}:",
            f"      operationId: op{number}",
            "      responses: {'200': {description: ok}}",
        ]
    return parse_source(SourceText("t.yaml", "\n".join(lines) + "\n"), "openapi").operations


@pytest.mark.parametrize(
    "path", ["/accounts/get", "/item/reset_login", "/sandbox/item/fire_webhook", "/link/token/create", "/search"]
)
def test_rpc_style_actions_are_left_to_a_model_with_the_reason(path):
    [op] = operations(("post", path))
    assert crud_gap(op) == f"POST {path} is an action (RPC style), not a collection"


@pytest.mark.parametrize("path", ["/books", "/settings", "/exports", "/shelves/{shelfId}/links", "/reviews/{id}"])
def test_collections_whose_names_merely_start_like_verbs_stay_crud(path):
    [op] = operations(("get", path))
    assert crud_gap(op) is None


def test_an_rpc_api_plans_its_actions_for_a_model_not_as_hundreds_of_resources():
    plaid, _ = parse_path(EXAMPLES / "openapi/public/plaid-2020-09-14.yml")
    left = [op for op in plaid.operations if crud_gap(op)]
    resources = build_api_model(plaid).resources
    assert len(left) > 300 and len(resources) < 10
    assert {op.path for op in left} >= {"/accounts/get", "/item/remove", "/sandbox/item/fire_webhook"}


def test_the_secured_operations_left_out_of_the_model_are_named_for_the_extension_that_writes_them():
    library, _ = parse_path(BUILTIN_PACKS / "python-fastapi" / "1.1.0" / "tests" / "library" / "spec.yaml")
    api = build_api_model(library)
    assert ("post", "/shelves/{shelfId}/inventory") in api.secured_left
    modeled = {(op.method, op.path) for res in api.resources for op in res.ops}
    assert modeled and not modeled & set(api.secured_left)
