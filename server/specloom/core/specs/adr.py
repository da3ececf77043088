"""Architecture decision records in Markdown: MADR 2–4 and Nygard, plus Specloom's technical blocks.

markdown-it gives the block structure (headings, paragraphs, fences, HTML and indented code, with
line maps; its inline pass is off, nothing here needs it). Everything with a range is measured on
the raw source lines, so ranges are exact in code points whatever markup the text holds.

What is read besides the sections:

- YAML front matter between `---` lines at the very top (MADR 3/4 keep `status` there).
- A spec block: a run of `Key: value` lines (or a plain fenced block of them) holding `Document:`
  or `Version:`, usually with `Status:`.
- `CONSTRAINT: <title>` paragraphs (upper case, bold allowed); the text is what follows up to the
  next CONSTRAINT, heading, code block, HTML block or rule.
- `File:` blocks: fenced code whose leading comment lines name a file, in the block language's
  comment syntax (`# File: app/x.py`, `// File: src/lib.rs`, `-- File: x.sql`, `/* File: x.c */`);
  a language without a known syntax may use any of them. Parts of one file count from 1 per path,
  in document order.
- Links: Markdown links, images and reference definitions, and backticked relative paths (with a
  `/`) ending in .yaml/.yml/.json/.graphql/.gql/.md.

Paths. `File:` paths are relative to the workspace root, the root of the generated project, so the
ADR004 check is lexical and the same with or without a workspace root: absolute paths, drive
letters, backslashes, NULs and `..` climbing above the root are refused, and such blocks are left
out of `planned_files()`. Link targets are relative to the ADR's folder (`/x` to the workspace root,
unchecked without one); a backticked path may also be relative to the workspace root.

Pointers (in `Element.pointer` and `Finding.pointer`), JSON-pointer style with `~0`/`~1` escapes:

    #                                 the whole ADR
    #/sections/<i>                    i-th section (0-based, document order, the title excluded)
    #/constraints/<i>                 i-th CONSTRAINT
    #/files/<escaped path>/<part>     a File block, e.g. #/files/ratelimit~1bucket.py/1
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from specloom.core.findings import Finding, Fix, Location, Position, Range, RelatedInfo, TextEdit
from specloom.core.rules import rule
from specloom.core.source import SourceText, read_source
from specloom.core.specs.base import Element, SpecDocument

KNOWN_STATUSES = ("proposed", "accepted", "rejected", "deprecated", "superseded", "draft")
DEFAULT_ADR_FOLDERS = ("docs/adr", "doc/adr", "adr", "docs/decisions", "docs/architecture/decisions")

_STATUS_SYNONYMS = {
    "approved": "accepted",
    "adopted": "accepted",
    "declined": "rejected",
    "obsolete": "deprecated",
    "replaced": "superseded",
    "wip": "draft",
}

# --- ids -------------------------------------------------------------------------

_ID_TEXT = re.compile(r"^\s*(?:adr)?[\s_-]*0*(\d{1,9})\s*$", re.IGNORECASE)
_TITLE_ADR_ID = re.compile(r"^\W*adr[\s_-]*(\d{1,9})\b", re.IGNORECASE)
_TITLE_NUMBER = re.compile(r"^\s*(\d{1,9})\s*[.:)\-–—]\s")
_FILE_NUMBER = re.compile(r"^(?:adr[\s_-]*)?(\d{1,9})(?=[-_. ]|$)", re.IGNORECASE)


def normalize_adr_id(text: str) -> str | None:
    """ "ADR-3", "adr-0003", "0003", "ADR 012" -> "ADR-0003" / "ADR-0012"; None if it is not an id."""
    match = _ID_TEXT.match(text)
    return _format_id(int(match.group(1))) if match else None


def _format_id(number: int) -> str:
    return f"ADR-{number:04d}"


# --- the parsed ADR --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    level: int
    range: Range  # heading to the last non-blank line before the next heading of this level or above
    heading_range: Range


@dataclass(frozen=True, slots=True)
class Constraint:
    title: str
    text: str
    range: Range


@dataclass(frozen=True, slots=True)
class FileBlock:
    path: str  # as written, without a leading "./"
    language: str  # the fence's language word, lower case; "" if none
    code: str  # the block's content without the File line
    part: int  # 1, 2, … among the blocks naming this path
    range: Range  # the whole fence
    path_range: Range

    @property
    def pointer(self) -> str:
        return f"#/files/{_escape(self.path)}/{self.part}"


@dataclass(frozen=True, slots=True)
class Link:
    target: str
    text: str
    range: Range  # the target, as written
    kind: str  # "openapi" | "graphql" | "adr" | "other"


@dataclass(slots=True)
class ADRSpec(SpecDocument):
    adr_id: str | None = None
    number: int | None = None
    title: str | None = None
    title_range: Range | None = None
    version: str | None = None
    status: str | None = None  # lower case, markup removed: "accepted", "superseded by adr-0005"
    status_range: Range | None = None
    format: str = "nygard"  # "madr" | "nygard" | "technical" (a spec block with constraints or File blocks)
    madr_version: int | None = None  # 2, 3 or 4 for MADR
    front_matter: dict = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    spec_block: dict[str, str] | None = None  # {"Document": …, "Version": …, "Status": …}
    spec_block_range: Range | None = None  # from its first key line to the end of its last
    constraints: list[Constraint] = field(default_factory=list)
    file_blocks: list[FileBlock] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)

    @property
    def status_kind(self) -> str | None:
        """The known status the status text starts with ("superseded" for "superseded by …"), or None."""
        word = _first_word(self.status or "")
        return word if word in KNOWN_STATUSES else None

    def planned_files(self) -> dict[str, list[FileBlock]]:
        """Safe File-block paths in document order, each with its parts in order."""
        out: dict[str, list[FileBlock]] = {}
        for block in self.file_blocks:
            if file_path_problem(block.path) is None:
                out.setdefault(block.path, []).append(block)
        return out

    def elements(self) -> list[Element]:
        source = self.source
        whole = source.span(0, len(source.text))
        name = self.title or self.adr_id or self.path
        out = [Element("adr", name, "#", self.path, whole, self.title_range or source.line_range(0))]
        for index, section in enumerate(self.sections):
            out.append(
                Element(
                    "section", section.title, f"#/sections/{index}", self.path, section.range, section.heading_range
                )
            )
        for index, constraint in enumerate(self.constraints):
            start = constraint.range.start
            first_line = Range(start, source.line_range(start.line).end)
            out.append(
                Element(
                    "constraint", constraint.title, f"#/constraints/{index}", self.path, constraint.range, first_line
                )
            )
        planned = self.planned_files()
        for block in self.file_blocks:
            several = len(planned.get(block.path, ())) > 1
            label = f"{block.path} (part {block.part})" if several else block.path
            out.append(Element("file", label, block.pointer, self.path, block.range, block.path_range))
        return out


def _escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


# --- detection -------------------------------------------------------------------

_ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$", re.MULTILINE)
_STATUS_LINE = re.compile(r"^[ \t>*+-]*[*_]*status[*_]*[ \t]*:", re.IGNORECASE | re.MULTILINE)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*\r?$", re.DOTALL | re.MULTILINE)
_FRONT_STATUS = re.compile(r"^status[ \t]*:", re.MULTILINE)
_FRONT_MADR_KEYS = re.compile(r"^(?:deciders|decision-makers)[ \t]*:", re.MULTILINE)
_MADR_HEADINGS = {
    "context and problem statement",
    "considered options",
    "decision outcome",
    "decision drivers",
    "pros and cons of the options",
}


_TECHNICAL_KEY = {
    key: re.compile(rf"^[ \t>*+-]*[*_]*{key}[*_]*[ \t]*:[ \t]*\S", re.IGNORECASE | re.MULTILINE)
    for key in ("document", "version", "status")
}
_CONSTRAINT_LINE = re.compile(r"^[ \t]*(?:\*\*|__)?CONSTRAINT[ \t]*:", re.MULTILINE)
_FILE_FENCE = re.compile(
    r"^[ \t]*(?:`{3,}|~{3,})[^\n]*\n(?:[^\n]*\n){0,9}?[ \t]*(?:#+|//+|--+|/\*+|<!--)[ \t]*file[ \t]*:[ \t]*\S",
    re.IGNORECASE | re.MULTILINE,
)


def looks_like_technical_adr(text: str) -> bool:
    """A spec block (Document, Version and Status lines) with `CONSTRAINT:` paragraphs or `File:` code blocks."""
    head = text[:200_000]
    if not all(pattern.search(head) for pattern in _TECHNICAL_KEY.values()):
        return False
    return bool(_CONSTRAINT_LINE.search(head) or _FILE_FENCE.search(head))


def looks_like_adr(text: str, path: str) -> bool:
    """Content detection for Markdown files.

    An ADR-ish title or file number with two of Status/Context/Decision, MADR front matter
    (`status` with `deciders`/`decision-makers` or with a MADR section heading), or a technical ADR.
    """
    head = text[:200_000]
    if looks_like_technical_adr(head):
        return True
    headings = [(len(m.group(1)), m.group(2)) for m in _ATX_HEADING.finditer(head)]
    names = {_section_key(text) for _, text in headings}
    front = _FRONT_MATTER.match(head)
    madr_front = front and _FRONT_MADR_KEYS.search(front.group(1))
    if front and _FRONT_STATUS.search(front.group(1)) and (madr_front or names & _MADR_HEADINGS):
        return True
    title = next((text for level, text in headings if level == 1), "")
    numbered = bool(
        _FILE_NUMBER.match(os.path.basename(path)) or _TITLE_ADR_ID.match(title) or _TITLE_NUMBER.match(title)
    )
    parts = (
        "status" in names or bool(_STATUS_LINE.search(head)),
        bool(names & {"context", "context and problem statement"}),
        bool(names & {"decision", "decision outcome"}),
    )
    return numbered and sum(parts) >= 2


# --- parsing ---------------------------------------------------------------------


def parse_adr(source: SourceText, workspace_root: Path | None = None) -> ADRSpec:
    """Parse a Markdown ADR; problems become findings (ADR*, SYN001 for front matter), never exceptions."""
    spec = ADRSpec("adr", source)
    doc = _Doc(source)
    _read_front_matter(spec, doc)
    _read_structure(spec, doc)
    _read_identity(spec, doc)
    block = _spec_block(doc)
    if block is not None:
        spec.spec_block = {key: value for key, (value, _) in block.items()}
        ranges = [where for _, where in block.values()]
        spec.spec_block_range = Range(
            Position(ranges[0].start.line, 0), max((r.end for r in ranges), key=lambda p: (p.line, p.character))
        )
        if spec.version is None:
            spec.version = spec.spec_block.get("Version") or None
    status = _read_status(spec, doc, block)
    spec.constraints = _constraints(doc)
    _read_code_blocks(spec, doc)
    links = _links(doc)
    spec.links = [link for link, _ in links]
    if block is not None and (spec.constraints or spec.file_blocks) and not _has_decision_sections(spec):
        spec.format, spec.madr_version = "technical", None
    if spec.format == "technical":
        _check_spec_block(spec, doc, block or {})
    else:
        _check_sections(spec, doc)
    _check_constraints(spec)
    _check_file_parts(spec)
    if status is not None:
        _check_status(spec, doc, status)
    _check_links(spec, links, workspace_root)
    return spec


@dataclass(slots=True)
class _Block:
    kind: str  # "heading" | "paragraph" | "fence" | "code_block" | "html_block" | "hr"
    first_line: int
    end_line: int  # exclusive
    content: str = ""
    level: int = 0  # headings
    info: str = ""  # fences


class _Doc:
    """The source, its markdown-it blocks, and which lines are prose (links and key lines live there)."""

    def __init__(self, source: SourceText) -> None:
        self.source = source
        self.lines = source.text.split("\n")
        self.line_count = len(self.lines)
        self.front_matter_end = 0  # first line after the front matter
        front = _FRONT_MATTER.match(source.text)
        if front:
            self.front_matter_end = source.position(front.end()).line + 1
        self.blocks = self._blocks()
        self.prose = [True] * self.line_count
        for line in range(min(self.front_matter_end, self.line_count)):
            self.prose[line] = False
        for block in self.blocks:
            if block.kind in ("fence", "code_block", "html_block"):
                for line in range(block.first_line, min(block.end_line, self.line_count)):
                    self.prose[line] = False
        self.headings = [b for b in self.blocks if b.kind == "heading"]
        self.heading_lines = {line for h in self.headings for line in range(h.first_line, h.end_line)}

    def _blocks(self) -> list[_Block]:
        text = self.source.text
        if self.front_matter_end:
            # Blank the front matter, keeping its lines, so markdown-it does not read `---` as rules.
            cut = self.source.offset(Position(self.front_matter_end, 0))
            text = "\n" * text.count("\n", 0, cut) + text[cut:]
        # A lone "\r" breaks lines for markdown-it but not for SourceText: keep their lines aligned.
        tokens = _markdown().parse(text.replace("\r", " "))
        blocks: list[_Block] = []
        for index, token in enumerate(tokens):
            kind = token.type
            if kind == "heading_open":
                content = " ".join(tokens[index + 1].content.split())
                blocks.append(_Block("heading", *token.map, content, level=int(token.tag[1])))
            elif kind == "paragraph_open":
                blocks.append(_Block("paragraph", *token.map, tokens[index + 1].content))
            elif kind == "fence":
                blocks.append(_Block("fence", *token.map, token.content, info=token.info))
            elif kind in ("code_block", "html_block", "hr"):
                blocks.append(_Block(kind, *token.map))
        return blocks

    def trimmed_span(self, line: int, start_char: int = 0) -> Range:
        """The line from `start_char` on, without surrounding whitespace."""
        text = self.lines[line]
        start = start_char + len(text[start_char:]) - len(text[start_char:].lstrip())
        end = max(start, len(text.rstrip()))
        return Range.of(line, start, line, end)

    def end_of_last_text(self, first_line: int, end_line: int) -> Position:
        """End of the last non-blank line in [first_line, end_line)."""
        for line in range(min(end_line, self.line_count) - 1, first_line - 1, -1):
            text = self.lines[line].rstrip()
            if text:
                return Position(line, len(text))
        return Position(first_line, 0)


@functools.cache
def _markdown():
    from markdown_it import MarkdownIt

    markdown = MarkdownIt("commonmark")
    markdown.core.ruler.disable(["inline", "text_join"])
    return markdown


def _read_front_matter(spec: ADRSpec, doc: _Doc) -> None:
    if not doc.front_matter_end:
        return
    import yaml

    source = spec.source
    body = "\n".join(doc.lines[1 : doc.front_matter_end - 1])
    try:
        data = yaml.safe_load(body)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = min(1 + (mark.line if mark else 0), doc.front_matter_end - 1)
        column = min(mark.column if mark else 0, len(doc.lines[line]))
        where = Range.of(line, column, line, len(doc.lines[line]))
        spec.findings.append(
            _finding(
                "SYN001",
                spec,
                f"The front matter is not valid YAML: {exc.problem or exc}.",
                where,
                "Fix the YAML between the `---` lines; quote values that contain `: ` or start with `{`, `[` or `*`.",
            )
        )
        return
    except Exception as exc:  # PyYAML raises more than YAMLError on hostile input, e.g. RecursionError
        spec.findings.append(
            _finding(
                "SYN001",
                spec,
                f"The front matter cannot be read as YAML: {exc}.",
                source.line_range(0),
                "Simplify the YAML between the `---` lines.",
            )
        )
        return
    if data is None:
        return
    if not isinstance(data, dict):
        spec.findings.append(
            _finding(
                "SYN001",
                spec,
                "The front matter is not a mapping of keys to values.",
                source.line_range(1),
                "Write it as `key: value` lines, e.g. `status: accepted`.",
            )
        )
        return
    spec.front_matter = data
    version = _front_matter_value(doc, "version")
    if version is not None:
        spec.version = version[0]
    elif data.get("version") is not None:
        spec.version = str(data["version"])


def _front_matter_value(doc: _Doc, key: str) -> tuple[str, Range] | None:
    """A top-level scalar as written (so `version: 1.10` stays "1.10") and its range."""
    pattern = re.compile(rf"^{re.escape(key)}[ \t]*:[ \t]*(.*?)[ \t]*$", re.IGNORECASE)
    for line in range(1, doc.front_matter_end - 1):
        text = doc.lines[line]
        match = pattern.match(text)
        if not match:
            continue
        value, start = match.group(1), match.start(1)
        if value[:1] in "\"'" and value[-1:] == value[:1] and len(value) >= 2:
            value, start = value[1:-1], start + 1
        if not value or value[:1] in "|>":
            return None
        return value, Range.of(line, start, line, start + len(value))
    return None


def _read_structure(spec: ADRSpec, doc: _Doc) -> None:
    title_heading = next((h for h in doc.headings if h.level == 1), None)
    if title_heading is not None:
        spec.title = title_heading.content
        spec.title_range = _heading_range(doc, title_heading)
    elif spec.front_matter:
        front_title = _front_matter_value(doc, "title")
        if front_title:
            spec.title, spec.title_range = front_title
    headings = doc.headings
    # A section ends where the next heading of its level or above starts.
    end_lines = [doc.line_count] * len(headings)
    open_sections: list[int] = []
    for index, heading in enumerate(headings):
        while open_sections and headings[open_sections[-1]].level >= heading.level:
            end_lines[open_sections.pop()] = heading.first_line
        open_sections.append(index)
    for heading, end_line in zip(headings, end_lines, strict=True):
        if heading is title_heading:
            continue
        heading_range = _heading_range(doc, heading)
        whole = Range(heading_range.start, max(heading_range.end, doc.end_of_last_text(heading.first_line, end_line)))
        spec.sections.append(Section(heading.content, heading.level, whole, heading_range))

    names = {_section_key(s.title) for s in spec.sections}
    front = spec.front_matter
    if names & _MADR_HEADINGS or (front and not names & {"context", "decision", "consequences"}):
        spec.format = "madr"
        if "decision-makers" in front or "confirmation" in names:
            spec.madr_version = 4
        elif front or names & {"consequences", "validation", "more information"}:
            spec.madr_version = 3
        else:
            spec.madr_version = 2


def _heading_range(doc: _Doc, heading: _Block) -> Range:
    first = doc.trimmed_span(heading.first_line)
    # A setext heading's text ends on the line above its underline.
    last_line = heading.first_line if heading.end_line - heading.first_line == 1 else heading.end_line - 2
    last = doc.trimmed_span(last_line)
    return Range(first.start, last.end)


def _read_identity(spec: ADRSpec, doc: _Doc) -> None:
    number: int | None = None
    title = spec.title or ""
    match = _TITLE_ADR_ID.match(title) or _TITLE_NUMBER.match(title)
    if match:
        number = int(match.group(1))
    else:
        match = _FILE_NUMBER.match(os.path.basename(spec.path))
        if match:
            number = int(match.group(1))
    if number is not None:
        spec.number, spec.adr_id = number, _format_id(number)
    if spec.title is None:
        named = f"; its id {spec.adr_id} comes from the file name" if spec.adr_id else ""
        spec.findings.append(
            _finding(
                "ADR007",
                spec,
                f"The ADR has no title (`# …` heading){named}.",
                doc.source.line_range(doc.front_matter_end if doc.front_matter_end < doc.line_count else 0),
                "Start the ADR with a `# ADR-0001: Short title of the decision` heading.",
            )
        )


# --- status ----------------------------------------------------------------------

_LINE_PREFIX = re.compile(r"^[ \t]*(?:>[ \t]?)*[ \t]*(?:[-*+]|\d{1,9}[.)])?[ \t]*")
_KEY_LINE = re.compile(
    r"^[ \t]*(?:>[ \t]?)*[ \t]*(?:[-*+][ \t]+)?(?:\*\*|__)?(?P<key>[A-Za-z][A-Za-z _-]{0,30}?)(?:\*\*|__)?"
    r"[ \t]*:[ \t]*(?:\*\*|__)?[ \t]*(?P<value>.*?)[ \t]*$"
)
_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_SUCCESSOR = re.compile(
    r"\badr[\s_-]*\d+|\]\(|\]\[|<[^>\s]+>|https?://|\b\d{1,9}[-_][\w-]+\.md\b|\bby\s+#?\d+", re.IGNORECASE
)


@dataclass(slots=True)
class _Status:
    text: str  # plain, lower case
    range: Range
    raw: str  # the status with what surrounds it, to look for a successor in
    word_range: Range | None  # the first word, for a fix


def _read_status(spec: ADRSpec, doc: _Doc, block: _KeyValues | None) -> _Status | None:
    """Front matter first (MADR 3/4), then a Status section, a `Status:` line under the title, the spec block."""
    found = _status_in_front_matter(spec, doc) or _status_in_section(spec, doc) or _status_in_preamble(spec, doc)
    if found is None and block and block.get("Status", ("", None))[0]:
        value, where = block["Status"]
        found = _Status(_plain(value), where, value, _first_word_range(doc, where))
    if found is not None:
        spec.status, spec.status_range = found.text, found.range
    return found


def _status_in_front_matter(spec: ADRSpec, doc: _Doc) -> _Status | None:
    value = spec.front_matter.get("status")
    if value is None:
        return None
    written = _front_matter_value(doc, "status")
    where = written[1] if written else doc.source.line_range(1)
    successor = " ".join(str(spec.front_matter.get(key, "")) for key in ("superseded-by", "superseded_by"))
    raw = f"{written[0] if written else value} {successor}"
    return _Status(_plain(str(value)), where, raw, _first_word_range(doc, where) if written else None)


def _status_in_section(spec: ADRSpec, doc: _Doc) -> _Status | None:
    section = next((s for s in spec.sections if _section_key(s.title) == "status"), None)
    if section is None:
        return None
    lines = [
        line
        for line in range(section.heading_range.end.line + 1, section.range.end.line + 1)
        if doc.prose[line] and line not in doc.heading_lines and doc.lines[line].strip()
    ]
    if not lines:
        return _Status("", section.heading_range, "", None)
    text = doc.lines[lines[0]]
    where = doc.trimmed_span(lines[0], _LINE_PREFIX.match(text).end())
    raw = " ".join(doc.lines[line] for line in lines)
    return _Status(_plain(text[where.start.character :]), where, raw, _first_word_range(doc, where))


def _status_in_preamble(spec: ADRSpec, doc: _Doc) -> _Status | None:
    """MADR 2's `* Status: accepted` list, or a `**Status**: Accepted` line under the title."""
    start = spec.title_range.end.line + 1 if spec.title_range else doc.front_matter_end
    end = spec.sections[0].range.start.line if spec.sections else doc.line_count
    for line in range(start, end):
        if not doc.prose[line]:
            continue
        match = _KEY_LINE.match(doc.lines[line])
        if match and match.group("key").strip().lower() == "status" and match.group("value"):
            value = match.group("value")
            where = Range.of(line, match.start("value"), line, match.start("value") + len(value))
            return _Status(_plain(value), where, value, _first_word_range(doc, where))
    return None


def _first_word_range(doc: _Doc, where: Range) -> Range | None:
    text = doc.lines[where.start.line]
    end = where.end.character if where.end.line == where.start.line else len(text)
    match = re.search(r"[A-Za-z]+", text[where.start.character : end])
    if match is None:
        return None
    start = where.start.character + match.start()
    return Range.of(where.start.line, start, where.start.line, start + len(match.group()))


def _plain(text: str) -> str:
    text = _MARKDOWN_LINK.sub(r"\1", text)
    text = re.sub(r"[*_`]", "", text)
    return " ".join(text.split()).strip(" .").lower()


def _first_word(text: str) -> str:
    match = re.match(r"[a-z]+", text)
    return match.group() if match else ""


def _check_status(spec: ADRSpec, doc: _Doc, found: _Status) -> None:
    known = ", ".join(KNOWN_STATUSES)
    word = _first_word(found.text)
    if not found.text:
        spec.findings.append(_finding("ADR002", spec, "The status is empty.", found.range, f"Write one of: {known}."))
    elif word not in KNOWN_STATUSES:
        closest = _closest_status(word)
        fix = None
        if closest and found.word_range is not None:
            first_char = doc.lines[found.word_range.start.line][found.word_range.start.character]
            replacement = closest.capitalize() if first_char.isupper() else closest
            fix = Fix(f"Change status to '{replacement}'", (TextEdit(found.word_range, replacement),))
        hint = f" Did you mean '{closest}'?" if closest else ""
        spec.findings.append(
            _finding(
                "ADR002",
                spec,
                f"Unknown status '{found.text}'.{hint}",
                found.range,
                f"Use one of: {known} (e.g. 'superseded by ADR-0005').",
                fix=fix,
            )
        )
    elif word == "superseded" and not _SUCCESSOR.search(found.raw):
        spec.findings.append(
            _finding(
                "ADR003",
                spec,
                "The ADR is superseded but does not say by which ADR.",
                found.range,
                "Name the successor, e.g. 'Superseded by [ADR-0005](0005-new-approach.md)'.",
            )
        )


def _closest_status(word: str) -> str | None:
    if word in _STATUS_SYNONYMS:
        return _STATUS_SYNONYMS[word]
    from rapidfuzz import fuzz, process

    match = process.extractOne(word, KNOWN_STATUSES, scorer=fuzz.ratio, score_cutoff=80)
    return match[0] if match else None


# --- sections --------------------------------------------------------------------

# (name, accepted titles, skeleton text) in the order the format puts them.
_REQUIRED: dict[str, tuple[tuple[str, frozenset[str], str], ...]] = {
    "nygard": (
        ("Status", frozenset({"status"}), "Proposed"),
        (
            "Context",
            frozenset({"context", "context and problem statement", "problem statement"}),
            "{What is the issue that motivates this decision?}",
        ),
        ("Decision", frozenset({"decision", "decision outcome"}), "{What change are we proposing or making?}"),
        ("Consequences", frozenset({"consequences"}), "{What becomes easier or harder because of this decision?}"),
    ),
    "madr": (
        (
            "Context and Problem Statement",
            frozenset({"context and problem statement", "context & problem statement", "problem statement", "context"}),
            "{Describe the context and the problem in two or three sentences.}",
        ),
        (
            "Considered Options",
            frozenset({"considered options", "options considered", "options"}),
            "* {title of option 1}\n* {title of option 2}",
        ),
        (
            "Decision Outcome",
            frozenset({"decision outcome", "decision"}),
            'Chosen option: "{title of option 1}", because {justification}.',
        ),
    ),
}


def _section_key(title: str) -> str:
    """A heading as compared with section names: no markup, comments or numbering, lower case."""
    text = re.sub(r"<!--.*?-->", "", title)
    text = _MARKDOWN_LINK.sub(r"\1", text)
    text = re.sub(r"[*_`]", "", text)
    text = re.sub(r"^\s*\d{1,9}(?:\.\d{1,9})*[.)]?\s+", "", text)
    return " ".join(text.split()).strip(" :").lower()


def _check_sections(spec: ADRSpec, doc: _Doc) -> None:
    required = _REQUIRED[spec.format]
    present: dict[str, Section] = {}
    for name, titles, _ in required:
        found = next((s for s in spec.sections if _section_key(s.title) in titles), None)
        if found is not None:
            present[name] = found
    level = next(iter(present.values())).level if present else 2
    where = spec.title_range or doc.source.line_range(min(doc.front_matter_end, doc.line_count - 1))
    format_name = f"MADR {spec.madr_version}" if spec.format == "madr" else "Nygard"
    for index, (name, _, skeleton) in enumerate(required):
        if name in present or (name == "Status" and spec.status is not None):
            continue
        heading = f"{'#' * level} {name}"
        following = next((present[n] for n, _, _ in required[index + 1 :] if n in present), None)
        if following is not None:
            at = Position(following.heading_range.start.line, 0)
            new_text = f"{heading}\n\n{skeleton}\n\n"
        else:
            text = doc.source.text
            at = doc.source.position(len(text))
            gap = "" if not text.strip() or text.endswith("\n\n") else "\n" if text.endswith("\n") else "\n\n"
            new_text = f"{gap}{heading}\n\n{skeleton}\n"
        spec.findings.append(
            _finding(
                "ADR001",
                spec,
                f"The ADR has no '{name}' section, which a {format_name} ADR needs.",
                where,
                f"Add a '{heading}' section.",
                fix=Fix(f"Add '{heading}' section", (TextEdit(Range(at, at), new_text),)),
            )
        )


def _has_decision_sections(spec: ADRSpec) -> bool:
    """Whether the ADR has the sections of a MADR or Nygard record (front matter counts for MADR)."""
    names = {_section_key(s.title) for s in spec.sections}
    titles = {title for _, accepted, _ in _REQUIRED["nygard"] + _REQUIRED["madr"] for title in accepted}
    return bool(names & titles) or bool(spec.front_matter)


# --- technical ADRs: the spec block, constraints, parts of one file ---------------

_TECHNICAL_BLOCK_LINES = (
    ("Document", "the document's name, e.g. its file name"),
    ("Version", "a version such as 1.0.0, which `{adr_id, version}` references resolve"),
    ("Status", "one of " + ", ".join(KNOWN_STATUSES)),
)


def _check_spec_block(spec: ADRSpec, doc: _Doc, block: _KeyValues) -> None:
    where = spec.spec_block_range or spec.title_range or doc.source.line_range(0)
    for key, meaning in _TECHNICAL_BLOCK_LINES:
        if block.get(key, ("", None))[0]:
            continue
        if key in block:
            _, value_range = block[key]
            message, fix = f"The specification block's `{key}:` line is empty.", None
            where_key = value_range
        else:
            placeholder = {"Document": Path(spec.path).stem or "name", "Version": "1.0.0", "Status": "Draft"}[key]
            line = f"{key}: {placeholder}\n"
            at = Position(where.end.line + 1, 0)
            if at.line >= doc.line_count:  # the block ends the file without a newline: append after its last line
                at, line = Position(where.end.line, len(doc.lines[where.end.line])), "\n" + line.rstrip("\n")
            message = f"The specification block has no `{key}:` line, which a technical ADR needs."
            fix = Fix(f"Add '{key}: {placeholder}'", (TextEdit(Range(at, at), line),))
            where_key = where
        spec.findings.append(_finding("ADR009", spec, message, where_key, f"Write `{key}:` with {meaning}.", fix=fix))


def _check_constraints(spec: ADRSpec) -> None:
    for index, constraint in enumerate(spec.constraints):
        if constraint.text.strip():
            continue
        named = f" `{constraint.title}`" if constraint.title else ""
        spec.findings.append(
            _finding(
                "ADR010",
                spec,
                f"CONSTRAINT{named} has no text, so there is nothing for the generated code to honour.",
                constraint.range,
                "Say under the CONSTRAINT line, in a paragraph, what must hold (MUST / MUST NOT).",
                pointer=f"#/constraints/{index}",
            )
        )


_PYTHON_TOP_LEVEL = re.compile(r"^(?:async[ \t]+def|def|class)[ \t]+(\w+)", re.MULTILINE)


def _check_file_parts(spec: ADRSpec) -> None:
    """Parts of one file must add up: not the same code twice, one language, no name defined twice."""
    from specloom.core.codecheck import canonical_language

    for path, blocks in spec.planned_files().items():
        seen: dict[str, FileBlock] = {}
        defined: dict[str, FileBlock] = {}
        first = blocks[0]
        for block in blocks:
            related = (RelatedInfo(Location(spec.path, first.path_range), f"part {first.part} of `{path}`"),)
            code = block.code.strip()
            if code in seen:
                spec.findings.append(
                    _finding(
                        "ADR011",
                        spec,
                        f"Part {block.part} of `{path}` repeats part {seen[code].part} word for word.",
                        block.path_range,
                        "Delete the repeated block, or name another file in its `File:` line.",
                        pointer=block.pointer,
                        related=related,
                    )
                )
                continue
            seen[code] = block
            language, first_language = canonical_language(block.language), canonical_language(first.language)
            if block is not first and language and first_language and language != first_language:
                spec.findings.append(
                    _finding(
                        "ADR012",
                        spec,
                        f"Part {block.part} of `{path}` is {block.language} but part {first.part} is {first.language}.",
                        block.path_range,
                        "Give each file one language: correct the fence's language or the `File:` path.",
                        pointer=block.pointer,
                        related=related,
                    )
                )
                continue
            if language != "python":
                continue
            for name in _PYTHON_TOP_LEVEL.findall(block.code):
                earlier = defined.get(name)
                if earlier is None:
                    defined[name] = block
                    continue
                spec.findings.append(
                    _finding(
                        "ADR012",
                        spec,
                        f"Part {block.part} of `{path}` defines `{name}` again; part {earlier.part} already does.",
                        block.path_range,
                        f"Keep one definition of `{name}`: merge the two blocks, or rename one.",
                        pointer=block.pointer,
                        related=(RelatedInfo(Location(spec.path, earlier.path_range), f"`{name}` defined here"),),
                    )
                )


# --- spec block and constraints -------------------------------------------------

_SPEC_BLOCK_KEYS = ("document", "version")
_KeyValues = dict[str, tuple[str, Range]]
_PLAIN_FENCES = ("", "text", "txt", "plain", "yaml", "yml")
_CONSTRAINT = re.compile(r"^(?:\*\*|__)?CONSTRAINT[ \t]*:(?:\*\*|__)?[ \t]*(?P<title>.*?)[ \t*_]*$")
_CONSTRAINT_ENDS = ("heading", "fence", "code_block", "html_block", "hr")


def _spec_block(doc: _Doc) -> _KeyValues | None:
    """The first run of two or more `Key: value` lines naming a Document or Version, in prose or a plain fence."""
    runs: list[range] = []  # source lines
    for line in range(doc.line_count):
        if doc.prose[line] and doc.lines[line].strip() and line not in doc.heading_lines:
            if runs and runs[-1].stop == line:
                runs[-1] = range(runs[-1].start, line + 1)
            else:
                runs.append(range(line, line + 1))
    for block in doc.blocks:
        if block.kind == "fence" and fence_language(block.info) in _PLAIN_FENCES:
            runs.append(range(block.first_line + 1, block.first_line + 1 + block.content.count("\n")))
    for lines in sorted(runs, key=lambda run: run.start):
        pairs = _key_values(doc, lines)
        if pairs and len(pairs) >= 2 and any(key.lower() in _SPEC_BLOCK_KEYS for key in pairs):
            return pairs
    return None


def _key_values(doc: _Doc, lines: range) -> _KeyValues | None:
    """Each line's key (capitalized) with its value and the value's range; None unless every line is one."""
    pairs: _KeyValues = {}
    for line in lines:
        text = doc.lines[line]
        if not text.strip():
            continue
        match = _KEY_LINE.match(text)
        if match is None:
            return None
        value = match.group("value").strip("*_` \t")
        start = match.start("value") + match.group("value").find(value)
        pairs[match.group("key").strip().capitalize()] = (value, Range.of(line, start, line, start + len(value)))
    return pairs


def _constraints(doc: _Doc) -> list[Constraint]:
    out: list[Constraint] = []
    title = ""
    start: Position | None = None
    end = Position(0, 0)
    texts: list[str] = []

    def close() -> None:
        if start is not None:
            out.append(Constraint(title, "\n\n".join(t for t in texts if t), Range(start, end)))

    for block in doc.blocks:
        if block.kind == "paragraph":
            first, _, rest = block.content.strip().partition("\n")
            match = _CONSTRAINT.match(first.strip())
            if match is None and start is None:
                continue
            if match is not None:
                close()
                title, texts = match.group("title"), []
                raw = doc.lines[block.first_line]
                column = raw.find(first.strip())
                start = Position(block.first_line, max(column, 0))
                first = ""
            texts.append("\n".join(line.strip() for line in (first, *rest.split("\n")) if line.strip()))
            end = doc.end_of_last_text(block.first_line, block.end_line)
        elif block.kind in _CONSTRAINT_ENDS:
            close()
            start = None
    close()
    return out


# --- code blocks -----------------------------------------------------------------

_FILE_LINE_PATTERNS = {
    style: re.compile(pattern, re.IGNORECASE)
    for style, pattern in (
        ("#", r"^[ \t]*#+[ \t]*file[ \t]*:[ \t]*(?P<path>.*?)\s*$"),
        ("//", r"^[ \t]*//+[ \t]*file[ \t]*:[ \t]*(?P<path>.*?)\s*$"),
        ("--", r"^[ \t]*--+[ \t]*file[ \t]*:[ \t]*(?P<path>.*?)\s*$"),
        ("/*", r"^[ \t]*/\*+[ \t]*file[ \t]*:[ \t]*(?P<path>.*?)[ \t]*\*+/\s*$"),
        ("<!--", r"^[ \t]*<!--[ \t]*file[ \t]*:[ \t]*(?P<path>.*?)[ \t]*-->\s*$"),
    )
}
_COMMENT_STARTS = {"#": ("#",), "//": ("//",), "--": ("--",), "/*": ("/*", "*"), "<!--": ("<!--",)}
_ALL_STYLES = tuple(_FILE_LINE_PATTERNS)
_COMMENT_STYLES: dict[str, tuple[str, ...]] = {
    language: styles
    for styles, languages in (
        (
            ("#",),
            ("python", "py", "py3", "python3", "ruby", "rb", "yaml", "yml", "toml", "sh", "bash", "zsh", "shell")
            + ("dockerfile", "make", "makefile", "perl", "r", "elixir", "ex", "exs", "powershell", "ps1", "nix")
            + ("ini", "conf", "cfg"),
        ),
        (
            ("//", "/*"),
            ("rust", "rs", "go", "golang", "typescript", "ts", "tsx", "mts", "cts", "javascript", "js", "jsx")
            + ("mjs", "cjs", "java", "c#", "cs", "csharp", "c-sharp", "c", "h", "cpp", "c++", "cc", "hpp")
            + ("kotlin", "kt", "swift", "scala", "dart", "groovy", "zig", "proto", "protobuf", "jsonc"),
        ),
        (("/*",), ("css", "scss", "less")),
        (("--", "/*"), ("sql", "postgresql", "mysql", "plsql")),
        (("--",), ("lua", "haskell", "hs", "elm", "ada")),
        (("<!--",), ("html", "xml", "svg", "vue", "svelte", "markdown", "md")),
        (("//", "#", "/*"), ("php",)),
    )
    for language in languages
}
# The File line sits among the first lines of a block, perhaps after a shebang or a licence comment.
_FILE_LINE_WINDOW = 10
_MAX_SYNTAX_FINDINGS_PER_BLOCK = 10
_FENCE_OPENER = re.compile(r"^.*?(?:`{3,}|~{3,})[ \t]*")


def file_line_path(line: str, language: str) -> str | None:
    """The path a `File:` comment line names, in `language`'s comment syntax, or None."""
    match = _match_file_line(line, language)
    return _clean_file_path(match.group("path"))[0] if match else None


def _match_file_line(line: str, language: str) -> re.Match | None:
    return next(
        (m for style in _COMMENT_STYLES.get(language, _ALL_STYLES) if (m := _FILE_LINE_PATTERNS[style].match(line))),
        None,
    )


def _clean_file_path(path: str) -> tuple[str, int]:
    """The path without quotes or leading `./`, and how many characters went from its front."""
    skipped = 0
    if len(path) >= 2 and path[0] in "`'\"" and path[-1] == path[0]:
        path, skipped = path[1:-1], 1
    while path.startswith("./"):
        path, skipped = path[2:], skipped + 2
    return path, skipped


def is_comment_line(line: str, language: str) -> bool:
    styles = _COMMENT_STYLES.get(language, _ALL_STYLES)
    return line.lstrip().startswith(tuple(start for style in styles for start in _COMMENT_STARTS[style]))


def fence_language(info: str) -> str:
    match = re.match(r"\{?\.?([^\s{}]+)", info.strip())
    return match.group(1).lower() if match else ""


@dataclass(slots=True)
class _FenceLines:
    """A fence's content lines and where each starts in the Markdown file."""

    first_line: int  # source line of content line 0
    lines: list[str]
    columns: list[int]

    def position(self, doc: _Doc, row: int, column: int) -> Position:
        if not self.lines:
            return Position(max(self.first_line - 1, 0), 0)
        row = min(row, len(self.lines) - 1)
        line = self.first_line + row
        return Position(line, min(self.columns[row] + column, len(doc.lines[line])))


def _fence_lines(doc: _Doc, block: _Block) -> _FenceLines:
    lines = block.content.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    first_line = block.first_line + 1
    columns = []
    for row, text in enumerate(lines):
        # markdown-it strips fence indentation and list/quote prefixes: the content is a suffix of the raw line,
        # unless a tab in the prefix came out as spaces; then the line's text is the anchor.
        raw = doc.lines[first_line + row].replace("\r", " ").replace("\0", "\ufffd")
        if raw.endswith(text):
            columns.append(len(raw) - len(text))
        else:
            stripped = text.lstrip()
            at = raw.rfind(stripped) if stripped else len(raw)
            columns.append(max(at - (len(text) - len(stripped)), 0))
    return _FenceLines(first_line, lines, columns)


def _read_code_blocks(spec: ADRSpec, doc: _Doc) -> None:
    from specloom.core.codecheck import canonical_language, syntax_errors

    parts: dict[str, int] = {}
    for block in doc.blocks:
        if block.kind != "fence":
            continue
        language = fence_language(block.info)
        fence = _fence_lines(doc, block)
        file_block = _file_block(doc, block, fence, language, parts)
        pointer = file_block.pointer if file_block else None
        if file_block is not None:
            spec.file_blocks.append(file_block)
            problem = file_path_problem(file_block.path)
            if problem is not None:
                spec.findings.append(
                    _finding(
                        "ADR004",
                        spec,
                        f"The `File:` path `{file_block.path}` {problem}.",
                        file_block.path_range,
                        "Write the path relative to the workspace root with `/` separators, e.g. `src/app/main.py`.",
                        pointer=pointer,
                    )
                )
        if canonical_language(language) is None:
            if file_block is not None:
                spec.findings.append(_unknown_language(spec, doc, block, language, pointer))
            continue
        errors = syntax_errors("\n".join(fence.lines), language) or []
        for start_row, start_col, end_row, end_col, message in errors[:_MAX_SYNTAX_FINDINGS_PER_BLOCK]:
            where = Range(fence.position(doc, start_row, start_col), fence.position(doc, end_row, end_col))
            spec.findings.append(
                _finding(
                    "ADR005",
                    spec,
                    f"The {language} block does not parse: {message}.",
                    where,
                    "Fix the code; if it is only a sketch, mark the fence as ```text so it is not checked.",
                    pointer=pointer,
                )
            )


def _file_block(doc: _Doc, block: _Block, fence: _FenceLines, language: str, parts: dict[str, int]) -> FileBlock | None:
    for row, text in enumerate(fence.lines[:_FILE_LINE_WINDOW]):
        if not text.strip():
            continue
        raw = doc.lines[fence.first_line + row][fence.columns[row] :]
        # The raw line keeps characters markdown-it replaces (NUL); fall back to the content if they differ.
        written = raw if raw.replace("\r", " ").replace("\0", "\ufffd") == text else text
        match = _match_file_line(written, language)
        if match is None:
            if is_comment_line(text, language):
                continue
            return None
        path = match.group("path")
        line = fence.first_line + row
        column = fence.columns[row] + match.start("path") if written is raw else max(doc.lines[line].rfind(path), 0)
        path, skipped = _clean_file_path(path)
        column += skipped
        parts[path] = parts.get(path, 0) + 1
        code = "\n".join(fence.lines[:row] + fence.lines[row + 1 :])
        whole = Range(doc.trimmed_span(block.first_line).start, doc.end_of_last_text(block.first_line, block.end_line))
        return FileBlock(
            path=path,
            language=language,
            code=code + "\n" if code else code,
            part=parts[path],
            range=whole,
            path_range=Range.of(line, column, line, column + len(path)),
        )
    return None


def _unknown_language(spec: ADRSpec, doc: _Doc, block: _Block, language: str, pointer: str | None) -> Finding:
    from specloom.core.codecheck import SUPPORTED_LANGUAGES

    opener = _FENCE_OPENER.match(doc.lines[block.first_line])
    start = opener.end() if opener else 0
    supported = ", ".join(sorted(SUPPORTED_LANGUAGES))
    if language:
        return _finding(
            "ADR008",
            spec,
            f"`{language}` blocks are not syntax-checked: there is no {language} parser.",
            Range.of(block.first_line, start, block.first_line, start + len(language)),
            f"Nothing to do if that is expected; checked languages are {supported}.",
            pointer=pointer,
        )
    return _finding(
        "ADR008",
        spec,
        "The `File:` block names no language, so it is not syntax-checked.",
        doc.trimmed_span(block.first_line),
        "Name the language after the opening fence, e.g. ```python.",
        pointer=pointer,
    )


def file_path_problem(path: str) -> str | None:
    """Why a `File:` path may not be written (a phrase), or None for a plain path inside the workspace."""
    if not path:
        return "is empty"
    if "\0" in path:
        return "contains a NUL character"
    if "\\" in path:
        return "uses backslashes; write `/`"
    if re.match(r"^[A-Za-z]:", path):
        return "starts with a drive letter"
    if path.startswith(("/", "~")):
        return "is absolute"
    depth = 0
    for part in path.split("/"):
        if part == "..":
            depth -= 1
            if depth < 0:
                return "climbs out of the workspace root with `..`"
        elif part not in ("", "."):
            depth += 1
    if depth == 0 or path.endswith("/"):
        return "names a folder, not a file"
    return None


# --- links -----------------------------------------------------------------------

_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_INLINE_LINK = re.compile(
    r"!?\[(?P<text>[^\]\n]*)\]\([ \t]*(?:<(?P<angle>[^>\n]*)>|(?P<bare>[^\s()<>]+))"
    r"(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^)\n]*\)))?[ \t]*\)"
)
_REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[(?P<text>[^\]\n]+)\]:[ \t]*(?:<(?P<angle>[^>\n]*)>|(?P<bare>\S+))")
_SPEC_PATH = re.compile(r"\.(?:ya?ml|json|graphql|gql|md)$", re.IGNORECASE)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_ADR_FILE_NAME = re.compile(r"^(?:adr[\s_-]*)?\d{1,9}[-_]", re.IGNORECASE)


def _links(doc: _Doc) -> list[tuple[Link, bool]]:
    """Links in prose, each with whether it is a backticked path rather than a Markdown link."""
    out: list[tuple[Link, bool]] = []
    for line in range(doc.line_count):
        if not doc.prose[line]:
            continue
        text = doc.lines[line]
        if "`" not in text and "[" not in text:
            continue
        masked = text
        for span in _CODE_SPAN.finditer(text):
            inner = span.group(2)
            target = inner.strip()
            column = span.start(2) + len(inner) - len(inner.lstrip())
            if "/" in target and _SPEC_PATH.search(target) and not _SCHEME.match(target) and " " not in target:
                out.append((_link(target, "", line, column), True))
            masked = masked[: span.start()] + " " * (span.end() - span.start()) + masked[span.end() :]
        definition = _REFERENCE_DEFINITION.match(masked)
        matches = [definition] if definition else list(_INLINE_LINK.finditer(masked))
        for match in matches:
            group = "angle" if match.group("angle") is not None else "bare"
            out.append((_link(match.group(group), match.group("text"), line, match.start(group)), False))
    out.sort(key=lambda pair: pair[0].range.start)
    return out


def _link(target: str, text: str, line: int, column: int) -> Link:
    return Link(target, text, Range.of(line, column, line, column + len(target)), _link_kind(target))


def _link_kind(target: str) -> str:
    path = target.split("#", 1)[0].split("?", 1)[0].lower()
    if path.endswith((".yaml", ".yml", ".json")):
        return "openapi"
    if path.endswith((".graphql", ".gql", ".graphqls")):
        return "graphql"
    if path.endswith((".md", ".markdown")) and _ADR_FILE_NAME.match(path.rsplit("/", 1)[-1]):
        return "adr"
    return "other"


def _check_links(spec: ADRSpec, links: list[tuple[Link, bool]], workspace_root: Path | None) -> None:
    adr_folder = Path(spec.path).parent if spec.path else None
    if adr_folder is not None and not _exists(adr_folder):
        adr_folder = None
    for link, backticked in links:
        found = link_paths(link.target, adr_folder, workspace_root, also_from_root=backticked)
        if found is None:
            continue
        written_path, candidates = found
        if not candidates or any(_exists(candidate) for candidate in candidates):
            continue
        spec.findings.append(_broken_link(spec, link, candidates[0], written_path))


def link_paths(
    target: str, adr_folder: Path | None, workspace_root: Path | None, also_from_root: bool
) -> tuple[str, list[Path]] | None:
    """(the path as written, the files it may name), or None for anchors, URLs and empty paths.

    `/x` is from the workspace root; `x` from the ADR's folder, and from the root too if `also_from_root`.
    """
    if not target or target.startswith(("#", "//")) or _SCHEME.match(target):
        return None
    written_path = target.split("#", 1)[0].split("?", 1)[0]
    relative = unquote(written_path)
    if not relative:
        return None
    if relative.startswith("/"):
        bases = [workspace_root] if workspace_root is not None else []
        relative = relative.lstrip("/")
    else:
        bases = [adr_folder] if adr_folder is not None else []
        if also_from_root and workspace_root is not None:
            bases.append(workspace_root)
    return written_path, [base / relative for base in bases]


def _broken_link(spec: ADRSpec, link: Link, missing: Path, written_path: str) -> Finding:
    suggestion = "Correct the path (it is relative to this ADR's folder), or create the file."
    fix = None
    alternative = _similar_file(missing)
    if alternative is not None and "%" not in written_path:
        folder, _, _ = written_path.rpartition("/")
        new_target = (f"{folder}/" if folder else "") + alternative + link.target[len(written_path) :]
        suggestion = f"Did you mean `{new_target}`?"
        fix = Fix(f"Change link to `{new_target}`", (TextEdit(link.range, new_target),))
    return _finding(
        "ADR006",
        spec,
        f"Broken link: `{link.target}` does not exist; looked for {os.path.normpath(missing)}.",
        link.range,
        suggestion,
        fix=fix,
    )


def _similar_file(missing: Path) -> str | None:
    try:
        names = sorted(os.listdir(missing.parent))[:2000]
    except (OSError, ValueError):
        return None
    from rapidfuzz import fuzz, process

    match = process.extractOne(missing.name, names, scorer=fuzz.ratio, score_cutoff=80)
    return match[0] if match else None


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):  # e.g. a NUL in the name
        return False


# --- index -----------------------------------------------------------------------


@dataclass(slots=True)
class AdrIndex:
    """The ADRs of a workspace by number, resolving references like `{adr_id: "ADR-3", version: "1.1.0"}`."""

    root: Path
    adrs: list[ADRSpec] = field(default_factory=list)
    _by_number: dict[int, list[ADRSpec]] = field(default_factory=dict, repr=False)

    @classmethod
    def build(
        cls,
        root: Path,
        folders: Iterable[str] = DEFAULT_ADR_FOLDERS,
        extra_paths: Iterable[str | Path] = (),
    ) -> AdrIndex:
        """Parse every .md under `root/<folder>` for each folder, and under or at each extra path.

        Files without an ADR number (READMEs, indexes) are not indexed; unreadable files are skipped.
        """
        index = cls(Path(root))
        seen: set[Path] = set()
        places = [index.root / folder for folder in folders] + [index.root / Path(p) for p in extra_paths]
        for place in places:
            files = sorted(place.rglob("*.md")) if place.is_dir() else [place] if place.is_file() else []
            for path in files:
                resolved = path.resolve()
                if resolved in seen:
                    continue
                seen.add(resolved)
                source, _ = read_source(path)
                if source is not None:
                    index.add(parse_adr(source, index.root))
        return index

    def add(self, spec: ADRSpec) -> None:
        if spec.number is None:
            return
        self.adrs.append(spec)
        self._by_number.setdefault(spec.number, []).append(spec)

    def matches(self, adr_id: str, version: str | None = None) -> list[ADRSpec]:
        """Every ADR with this id ("ADR-3", "adr-0003", "0003" alike) and, if given, this version."""
        normalized = normalize_adr_id(adr_id)
        if normalized is None:
            return []
        found = self._by_number.get(int(normalized[4:]), [])
        if version is not None:
            found = [spec for spec in found if spec.version and _same_version(spec.version, version)]
        return list(found)

    def resolve(self, adr_id: str, version: str | None = None) -> ADRSpec | None:
        """The one ADR matching; None if none does or several do (say, two versions and no version asked for)."""
        found = self.matches(adr_id, version)
        return found[0] if len(found) == 1 else None


def _same_version(a: str, b: str) -> bool:
    return a.strip().lstrip("vV") == b.strip().lstrip("vV")


def _finding(
    code: str,
    spec: ADRSpec,
    message: str,
    where: Range,
    suggestion: str,
    fix: Fix | None = None,
    pointer: str | None = None,
    related: tuple[RelatedInfo, ...] = (),
) -> Finding:
    return Finding(code, rule(code).severity, message, where, spec.path, suggestion, pointer, related=related, fix=fix)
