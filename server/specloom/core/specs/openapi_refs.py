"""`$ref` resolution across one spec and the files it references, cycle-safe."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote

from specloom.core.locate import join_pointer, split_pointer
from specloom.core.source import SourceText, read_source
from specloom.core.specs.yamldoc import Document


@dataclass(frozen=True, slots=True)
class Target:
    doc: Document
    pointer: str
    value: object


@dataclass(frozen=True, slots=True)
class Unresolved:
    reason: str  # "missing" | "file" | "remote" | "cycle" | "malformed"
    message: str
    doc: Document | None = None
    parent_pointer: str = ""  # deepest existing ancestor, for did-you-mean
    missing_key: str = ""


def lookup(data: object, parts: list[str]) -> tuple[bool, object, int]:
    """Walk `parts` into data: (found, value, how many parts matched)."""
    node = data
    for depth, part in enumerate(parts):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return False, node, depth
    return True, node, len(parts)


class RefResolver:
    def __init__(self, root: Document, max_file_bytes: int, open_texts: Mapping[str, str] | None = None):
        self.root = root
        self.max_file_bytes = max_file_bytes
        self.open_texts = open_texts or {}  # absolute path -> text: files open in an editor win over the disk
        self.documents: dict[str, Document] = {os.path.abspath(root.path): root}
        self.file_problems: dict[str, str] = {}
        self._followed: dict[tuple[int, str], Target | Unresolved] = {}
        self._resolved: dict[tuple[int, str], Target | Unresolved] = {}

    def document_for(self, base: Document, file_part: str) -> Document | Unresolved:
        if "://" in file_part:
            return Unresolved("remote", f"Remote reference `{file_part}` is not fetched: Specloom works offline.")
        target = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(base.path)), unquote(file_part)))
        doc = self.documents.get(target)
        if doc is not None:
            return doc
        if target in self.file_problems:
            return Unresolved("file", self.file_problems[target])
        if target in self.open_texts:
            source, problems = SourceText(target, self.open_texts[target]), []
        else:
            source, problems = read_source(target, self.max_file_bytes)
        if source is None:
            problem = f"The referenced file `{file_part}` cannot be used: {problems[0].message}"
            self.file_problems[target] = problem
            return Unresolved("file", problem)
        relative = os.path.relpath(target)
        source.path = relative if not relative.startswith("..") else target
        doc = Document(source)
        if doc.data is None:
            problem = f"The referenced file `{file_part}` does not parse: {doc.findings[0].message}"
            self.file_problems[target] = problem
            return Unresolved("file", problem)
        self.documents[target] = doc
        return doc

    def resolve_once(self, ref: str, base: Document) -> Target | Unresolved:
        # Big specs repeat the same few hundred references thousands of times.
        key = (id(base), ref)
        found = self._resolved.get(key)
        if found is None:
            found = self._resolved[key] = self._resolve_once(ref, base)
        return found

    def _resolve_once(self, ref: str, base: Document) -> Target | Unresolved:
        file_part, _, fragment = ref.partition("#")
        doc = base if not file_part else self.document_for(base, file_part)
        if isinstance(doc, Unresolved):
            return doc
        if fragment and not fragment.startswith("/"):
            return Unresolved(
                "malformed", f"`{ref}` has a fragment that is not a JSON pointer (it must start with '#/')."
            )
        canonical = fragment.startswith("/") and not fragment.startswith("//") and not {"~", "%"} & set(fragment)
        # Nearly every ref is canonical already: nothing to unescape, the fragment is its own pointer.
        parts = fragment[1:].split("/") if canonical else split_pointer(unquote(fragment))
        found, value, matched = lookup(doc.data, parts)
        if not found:
            return Unresolved(
                "missing",
                f"`{ref}` points at nothing: `{parts[matched]}` does not exist in "
                f"`{join_pointer(parts[:matched]) or '/'}`" + (f" of {doc.path}" if file_part else "") + ".",
                doc=doc,
                parent_pointer=join_pointer(parts[:matched]),
                missing_key=parts[matched],
            )
        return Target(doc, fragment if canonical else join_pointer(parts), value)

    def follow(self, value: object, doc: Document, pointer: str) -> Target | Unresolved:
        """Follow `$ref` chains from a value to the first value that is not a reference."""
        chain: list[tuple[int, str]] = []
        current: Target | Unresolved = Target(doc, pointer, value)
        while (
            isinstance(current, Target)
            and isinstance(current.value, dict)
            and isinstance(current.value.get("$ref"), str)
        ):
            key = (id(current.doc), current.pointer)
            if key in self._followed:  # chains share tails: remember where each link ends
                current = self._followed[key]
                break
            if key in chain:
                current = Unresolved("cycle", "This `$ref` chain loops back to itself and never reaches a definition.")
                break
            chain.append(key)
            current = self.resolve_once(current.value["$ref"], current.doc)
        if pointer:  # the root call with an empty pointer is an ad-hoc value, not a place in the document
            self._followed.update(dict.fromkeys(chain, current))
        return current

    def deref(self, value: object, doc: Document | None = None) -> object:
        """The value behind any `$ref` chain, or an empty dict when it cannot be resolved."""
        target = self.follow(value, doc or self.root, "")
        return target.value if isinstance(target, Target) else {}
