"""Swagger 2.0 -> OpenAPI 3.0 in memory, with every 3.0 pointer mapped back to the 2.0 text.

The converted document stands in for the 2.0 one: the OpenAPI checks, the planner and the template
packs read 3.0, while findings and elements are located in the file the user wrote. A map holds,
for each converted subtree, the 2.0 pointer it came from; a pointer inside a subtree copied as is
(a schema, say) maps by its longest mapped prefix plus the rest of the path.
"""

from __future__ import annotations

from specloom.core.locate import Located, join_pointer, split_pointer
from specloom.core.specs.yamldoc import Document

_LOCAL_REFS = (
    ("#/definitions/", "#/components/schemas/"),
    ("#/parameters/", "#/components/parameters/"),
    ("#/responses/", "#/components/responses/"),
)
_SOURCE_PREFIXES = (
    ("/components/schemas", "/definitions"),
    ("/components/parameters", "/parameters"),
    ("/components/requestBodies", "/parameters"),
    ("/components/responses", "/responses"),
    ("/components/securitySchemes", "/securityDefinitions"),
)
_PARAMETER_SCHEMA_KEYS = (
    "type",
    "format",
    "items",
    "enum",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "multipleOf",
)
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")


class PointerMap:
    """3.0 pointer prefixes -> the 2.0 pointers they came from."""

    def __init__(self) -> None:
        self._to_source: dict[tuple[str, ...], tuple[str, ...]] = {}

    def add(self, converted: list[str], source: list[str]) -> None:
        self._to_source[tuple(converted)] = tuple(source)

    def to_source(self, pointer: str) -> str:
        parts = split_pointer(pointer)
        for depth in range(len(parts), -1, -1):
            mapped = self._to_source.get(tuple(parts[:depth]))
            if mapped is not None:
                return join_pointer([*mapped, *parts[depth:]])
        return pointer


class MappedLocator:
    """The 2.0 document's locator, asked with 3.0 pointers."""

    def __init__(self, original, pointers: PointerMap) -> None:
        self.original, self.pointers = original, pointers
        self._lines = original._lines  # the fixes' block-YAML check reads it

    def locate(self, pointer: str) -> Located | None:
        return self.original.locate(self.pointers.to_source(pointer))

    def nearest(self, pointer: str) -> tuple[str, Located]:
        return self.original.nearest(self.pointers.to_source(pointer))

    def root(self) -> Located:
        return self.original.root()


class ConvertedDocument(Document):
    """A 2.0 document's 3.0 form: the same source and syntax findings, converted values, a mapped locator."""

    def __init__(self, original: Document, data: dict, pointers: PointerMap) -> None:
        self.source, self.findings = original.source, original.findings
        self.original, self.data = original, data
        self.locator = MappedLocator(original.locator, pointers)


def convert_document(document: Document) -> ConvertedDocument:
    data, pointers = convert(document.data)
    return ConvertedDocument(document, data, pointers)


def source_ref(ref: str) -> str:
    """Converted local refs and pointers in a message as the 2.0 file writes them."""
    for converted, written in _SOURCE_PREFIXES:
        ref = ref.replace(converted, written)
    return ref


def convert(data: dict) -> tuple[dict, PointerMap]:
    """The OpenAPI 3.0.3 form of a Swagger 2.0 document (which need not be valid), and its pointer map."""
    pointers = PointerMap()
    out: dict = {"openapi": "3.0.3"}
    pointers.add(["openapi"], ["swagger"])
    consumes = _media_types(data.get("consumes"))
    produces = _media_types(data.get("produces"))
    for key, value in data.items():
        if key in ("info", "tags", "externalDocs", "security") or key.startswith("x-"):
            out[key] = _schema(value)
            pointers.add([key], [key])
    servers = _servers(data)
    if servers:
        out["servers"] = servers
        pointers.add(["servers"], ["host"] if "host" in data else ["basePath"] if "basePath" in data else [])
    components: dict = {}
    global_bodies: set[str] = set()
    definitions = data.get("definitions")
    if isinstance(definitions, dict):
        components["schemas"] = _schema(definitions)
        pointers.add(["components", "schemas"], ["definitions"])
    parameters = data.get("parameters")
    if isinstance(parameters, dict):
        for name, parameter in parameters.items():
            if isinstance(parameter, dict) and parameter.get("in") == "body":
                global_bodies.add(name)
                components.setdefault("requestBodies", {})[name] = _body(parameter, consumes)
                _map_body(pointers, ["components", "requestBodies", name], ["parameters", name], consumes)
            elif isinstance(parameter, dict) and parameter.get("in") == "formData":
                continue  # a form field joins an operation's body where it is used
            else:
                components.setdefault("parameters", {})[name] = _parameter(parameter)
                _map_parameter(pointers, ["components", "parameters", name], ["parameters", name])
    responses = data.get("responses")
    if isinstance(responses, dict):
        components["responses"] = {}
        for name, response in responses.items():
            components["responses"][name] = _response(response, produces)
            _map_response(pointers, ["components", "responses", name], ["responses", name], produces)
    schemes = data.get("securityDefinitions")
    if isinstance(schemes, dict):
        components["securitySchemes"] = {name: _security_scheme(s) for name, s in schemes.items()}
        pointers.add(["components", "securitySchemes"], ["securityDefinitions"])
    paths = data.get("paths")
    if isinstance(paths, dict):
        out["paths"] = {}
        pointers.add(["paths"], ["paths"])
        for path, item in paths.items():
            out["paths"][path] = _path_item(item, ["paths", path], pointers, consumes, produces, data, global_bodies)
    if components:
        out["components"] = components
    return out, pointers


def _media_types(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) and value else ["application/json"]


def _servers(data: dict) -> list[dict]:
    host, base = data.get("host"), data.get("basePath")
    if not isinstance(host, str) and not isinstance(base, str):
        return []
    base = base if isinstance(base, str) else ""
    if not isinstance(host, str):
        return [{"url": base or "/"}]
    schemes = [s for s in data.get("schemes") or [] if isinstance(s, str)] or ["https"]
    return [{"url": f"{scheme}://{host}{base}"} for scheme in schemes]


def _ref(ref: str) -> str:
    for old, new in _LOCAL_REFS:
        if ref.startswith(old):
            return new + ref[len(old) :]
    return ref


def _schema(node: object) -> object:
    """A schema (or any subtree) with local refs rewritten and 2.0-only keywords in their 3.0 form."""
    if isinstance(node, list):
        return [_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str):
            out[key] = _ref(value)
        elif key == "x-nullable":
            out["nullable"] = value
        elif key == "type" and value == "file":
            out["type"], out["format"] = "string", "binary"
        elif key == "discriminator" and isinstance(value, str):
            out[key] = {"propertyName": value}
        else:
            out[key] = _schema(value)
    return out


def _parameter(parameter: object) -> object:
    if not isinstance(parameter, dict):
        return parameter
    if "$ref" in parameter:
        return {"$ref": _ref(str(parameter["$ref"]))}
    out = {k: _schema(v) for k, v in parameter.items() if k not in _PARAMETER_SCHEMA_KEYS and k != "collectionFormat"}
    schema = {k: _schema(parameter[k]) for k in _PARAMETER_SCHEMA_KEYS if k in parameter}
    if schema:
        out["schema"] = _schema(schema)
    return out


def _map_parameter(pointers: PointerMap, converted: list[str], source: list[str]) -> None:
    pointers.add(converted, source)
    pointers.add([*converted, "schema"], source)  # a 2.0 parameter holds its schema's keywords itself


def _body(parameter: dict, consumes: list[str]) -> dict:
    out: dict = {"content": {media: {"schema": _schema(parameter.get("schema", {}))} for media in consumes}}
    if parameter.get("required"):
        out["required"] = True
    if "description" in parameter:
        out["description"] = parameter["description"]
    return out


def _map_body(pointers: PointerMap, converted: list[str], source: list[str], consumes: list[str]) -> None:
    pointers.add(converted, source)
    for media in consumes:
        pointers.add([*converted, "content", media, "schema"], [*source, "schema"])


def _response(response: object, produces: list[str]) -> object:
    if not isinstance(response, dict):
        return response
    if "$ref" in response:
        return {"$ref": _ref(str(response["$ref"]))}
    out: dict = {"description": response.get("description", "")}
    for key, value in response.items():
        if key.startswith("x-"):
            out[key] = value
    headers = response.get("headers")
    if isinstance(headers, dict):
        out["headers"] = {name: _header(header) for name, header in headers.items()}
    if "schema" in response:
        examples = response.get("examples") if isinstance(response.get("examples"), dict) else {}
        out["content"] = {}
        for media in produces:
            entry: dict = {"schema": _schema(response["schema"])}
            if media in examples:
                entry["example"] = examples[media]
            out["content"][media] = entry
    return out


def _header(header: object) -> object:
    if not isinstance(header, dict):
        return header
    out = {k: v for k, v in header.items() if k not in _PARAMETER_SCHEMA_KEYS and k != "collectionFormat"}
    out["schema"] = _schema({k: header[k] for k in _PARAMETER_SCHEMA_KEYS if k in header})
    return out


def _map_response(pointers: PointerMap, converted: list[str], source: list[str], produces: list[str]) -> None:
    pointers.add(converted, source)
    for media in produces:
        pointers.add([*converted, "content", media, "schema"], [*source, "schema"])
        pointers.add([*converted, "content", media, "example"], [*source, "examples", media])
    pointers.add([*converted, "headers"], [*source, "headers"])


def _security_scheme(scheme: object) -> object:
    if not isinstance(scheme, dict):
        return scheme
    kind = scheme.get("type")
    described = {"description": scheme["description"]} if "description" in scheme else {}
    if kind == "basic":
        return {"type": "http", "scheme": "basic", **described}
    if kind == "oauth2":
        flow_name = {
            "implicit": "implicit",
            "password": "password",
            "application": "clientCredentials",
            "accessCode": "authorizationCode",
        }.get(str(scheme.get("flow")), "implicit")
        flow = {k: scheme[k] for k in ("authorizationUrl", "tokenUrl") if k in scheme}
        flow["scopes"] = scheme.get("scopes") or {}
        return {"type": "oauth2", "flows": {flow_name: flow}, **described}
    return dict(scheme)


def _path_item(
    item: object,
    at: list[str],
    pointers: PointerMap,
    consumes: list[str],
    produces: list[str],
    data: dict,
    global_bodies: set[str],
) -> object:
    pointers.add(at, at)
    if not isinstance(item, dict):
        return item
    out: dict = {}
    if "$ref" in item:
        out["$ref"] = _ref(str(item["$ref"]))
    shared = item.get("parameters")
    shared_body = None
    if isinstance(shared, list):
        out["parameters"], shared_body = _split_parameters(shared, at, at, pointers, data, global_bodies)
    for key, value in item.items():
        if key.startswith("x-"):
            out[key] = value
    for method in _METHODS:
        operation = item.get(method)
        if not isinstance(operation, dict):
            continue
        op_at = [*at, method]
        pointers.add(op_at, op_at)
        op_consumes = _media_types(operation.get("consumes")) if "consumes" in operation else consumes
        op_produces = _media_types(operation.get("produces")) if "produces" in operation else produces
        new: dict = {}
        for key, value in operation.items():
            if key in ("parameters", "responses", "consumes", "produces", "schemes"):
                continue
            new[key] = _schema(value)
            pointers.add([*op_at, key], [*op_at, key])
        body = shared_body
        if isinstance(operation.get("parameters"), list):
            new["parameters"], own_body = _split_parameters(
                operation["parameters"], op_at, op_at, pointers, data, global_bodies
            )
            body = own_body or body
        if body is not None:
            new["requestBody"] = _request_body(body, op_consumes, op_at, pointers)
        responses = operation.get("responses")
        if isinstance(responses, dict):
            new["responses"] = {}
            for code, response in responses.items():
                new["responses"][str(code)] = _response(response, op_produces)
                _map_response(pointers, [*op_at, "responses", str(code)], [*op_at, "responses", str(code)], op_produces)
        elif "responses" in operation:
            new["responses"] = responses
        out[method] = new
    return out


def _split_parameters(raw: list, converted_at: list[str], source_at: list[str], pointers, data, global_bodies):
    """(3.0 parameters, the body: ("body", index, parameter) | ("ref", index, name) | ("form", [(index, p)]))."""
    params: list = []
    body = None
    form: list[tuple[int, dict]] = []
    for index, parameter in enumerate(raw):
        source = [*source_at, "parameters", str(index)]
        if isinstance(parameter, dict) and isinstance(parameter.get("$ref"), str):
            ref = parameter["$ref"]
            name = ref[len("#/parameters/") :] if ref.startswith("#/parameters/") else None
            if name in global_bodies:
                body = ("ref", index, name)
                continue
            target = (data.get("parameters") or {}).get(name) if name else None
            if isinstance(target, dict) and target.get("in") == "formData":
                form.append((index, target))
                continue
        elif isinstance(parameter, dict) and parameter.get("in") == "body":
            body = ("body", index, parameter)
            continue
        elif isinstance(parameter, dict) and parameter.get("in") == "formData":
            form.append((index, parameter))
            continue
        _map_parameter(pointers, [*converted_at, "parameters", str(len(params))], source)
        params.append(_parameter(parameter))
    if form and body is None:
        body = ("form", form)
    return params, body


def _request_body(body: tuple, consumes: list[str], at: list[str], pointers: PointerMap) -> dict:
    if body[0] == "ref":
        pointers.add([*at, "requestBody"], [*at, "parameters", str(body[1])])
        return {"$ref": f"#/components/requestBodies/{body[2]}"}
    if body[0] == "body":
        _map_body(pointers, [*at, "requestBody"], [*at, "parameters", str(body[1])], consumes)
        return _body(body[2], consumes)
    fields = body[1]
    has_file = any(p.get("type") == "file" for _, p in fields)
    multipart = has_file or "multipart/form-data" in consumes
    media = "multipart/form-data" if multipart else "application/x-www-form-urlencoded"
    schema: dict = {"type": "object", "properties": {}}
    pointers.add([*at, "requestBody"], [*at, "parameters", str(fields[0][0])])
    for index, field in fields:
        name = str(field.get("name", index))
        schema["properties"][name] = _schema({k: field[k] for k in _PARAMETER_SCHEMA_KEYS if k in field})
        pointers.add(
            [*at, "requestBody", "content", media, "schema", "properties", name], [*at, "parameters", str(index)]
        )
        if field.get("required"):
            schema.setdefault("required", []).append(name)
    return {"content": {media: {"schema": schema}}}
