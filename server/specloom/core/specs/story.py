"""User stories in Markdown: "As a …, I want …, so that …" plus acceptance criteria.

markdown-it gives the block structure (headings, paragraphs, list items, fences) with
line maps; everything with a range is then measured on the raw source lines, so ranges
stay exact whatever inline markup the text holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from specloom.core.findings import Finding, Position, Range
from specloom.core.rules import rule
from specloom.core.source import SourceText
from specloom.core.specs.base import Element, SpecDocument

PARTS = ("role", "want", "benefit")
_PART_LABELS = {
    "role": "the role ('As a …')",
    "want": "the goal ('I want …')",
    "benefit": "the benefit ('so that …')",
}
_EXAMPLE_SENTENCE = "As a librarian, I want to lend a book to a member, so that loans are tracked."

_AS_A = re.compile(r"\bas[\s*_]+an?\b[\s*_]+", re.IGNORECASE)
# Markers a block may start with before its text: quote signs, list bullets, heading hashes, emphasis.
_LEAD = re.compile(r"[\s>#*_+\-]*(?:\d{1,9}[.)])?[\s*_]*")
_WANT = re.compile(r"\bI\s+(?:want|need|would\s+like|'d\s+like|wish)\b(?:[\s*_]+to\b)?", re.IGNORECASE)
_BENEFIT = re.compile(r"\b(?:so\s+that|in\s+order\s+to)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
_PART_TRIM = " \t\n,;:*_>"
_QUOTE_CONTINUATION = re.compile(r"\n[ \t]*(?:>[ \t]?)*")

_TITLE_LABEL = re.compile(r"^(?:user\s+)?story\s*:\s*", re.IGNORECASE)
_CRITERIA_LABEL = re.compile(r"^[*_\s]*acceptance\s+criteria[*_\s]*(?::[*_\s]*)?$", re.IGNORECASE)
_ITEM_PREFIX = re.compile(r"[ \t]*(?:>[ \t]?)*[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]*(?:\[[ xX]\][ \t]+)?")
_BLOCK_PREFIX = re.compile(r"[ \t]*(?:>[ \t]?)*[ \t]*")
_TASK_BOX = re.compile(r"^\[[ xX]\]\s+")
_GIVEN, _WHEN, _THEN = (re.compile(rf"\b{word}\b", re.IGNORECASE) for word in ("given", "when", "then"))
_GHERKIN_START = re.compile(r"^\s*(?:scenario(?:\s+outline)?:|given\b)", re.IGNORECASE)
_SCENARIO_LINE = re.compile(r"^\s*scenario(?:\s+outline)?:", re.IGNORECASE)
_GHERKIN_FENCES = ("gherkin", "cucumber", "feature")

_STORY_HINT = re.compile(r"\bas\s+an?\s+.{1,300}?\bI\s+(?:want|need|would\s+like)\b", re.IGNORECASE | re.DOTALL)
_CRITERIA_HINT = re.compile(r"^[#\s*_]*acceptance\s+criteria\b", re.IGNORECASE | re.MULTILINE)


@dataclass(slots=True)
class Criterion:
    text: str
    range: Range
    # Filled when the criterion is written as Given/When/Then.
    given: str | None = None
    when: str | None = None
    then: str | None = None


@dataclass(slots=True)
class StorySpec(SpecDocument):
    title: str | None = None
    title_range: Range | None = None
    role: str | None = None
    want: str | None = None
    benefit: str | None = None
    sentence_range: Range | None = None
    part_ranges: dict[str, Range] = field(default_factory=dict)  # "role" | "want" | "benefit" -> range
    criteria: list[Criterion] = field(default_factory=list)

    def elements(self) -> list[Element]:
        whole = self.source.span(0, len(self.source.text))
        selection = self.title_range or self.sentence_range or self.source.line_range(0)
        out = [Element("story", self.title or self.want or self.path, "#", self.path, whole, selection)]
        for index, criterion in enumerate(self.criteria):
            name = criterion.text if len(criterion.text) <= 80 else criterion.text[:79] + "…"
            out.append(Element("criterion", name, f"#/criteria/{index}", self.path, criterion.range, criterion.range))
        return out


def looks_like_story(text: str) -> bool:
    """Content detection: the story sentence, or an acceptance-criteria heading."""
    head = text[:200_000]
    return bool(_STORY_HINT.search(head) or _CRITERIA_HINT.search(head))


def parse_story(source: SourceText) -> StorySpec:
    """Parse a Markdown user story; problems become STY* findings, never exceptions."""
    spec = StorySpec("story", source)
    blocks = _blocks(source)
    heading = next((b for b in blocks if b.kind == "heading" and not b.is_label), None)
    if heading is not None:
        # "Story: lend a book" is titled "lend a book": the label says nothing about this story.
        spec.title = _TITLE_LABEL.sub("", heading.text) or None
        spec.title_range = source.line_range(heading.first_line)
    _read_sentence(spec, [b for b in blocks if b.kind in ("heading", "paragraph") and b.section < 0])
    labels = _read_criteria(spec, blocks)
    if not spec.criteria:
        spec.findings.append(_no_criteria(spec, labels))
    return spec


# --- blocks ---------------------------------------------------------------------


@dataclass(slots=True)
class _Block:
    kind: str  # "heading" | "paragraph" | "item" | "fence"
    first_line: int
    end_line: int  # exclusive
    text: str = ""
    section: int = -1  # index of the acceptance-criteria section holding it, -1 for none
    is_label: bool = False  # the "Acceptance criteria" heading or paragraph itself
    in_list: bool = False  # a paragraph inside a list item (the item already holds its text)
    info: str = ""  # fence language


def _blocks(source: SourceText) -> list[_Block]:
    """Headings, paragraphs, top-level list items and fences in order, each with its criteria section."""
    from markdown_it import MarkdownIt

    # markdown-it treats a lone "\r" as a line break and SourceText does not: keep their lines aligned.
    tokens = MarkdownIt("commonmark").parse(source.text.replace("\r", " "))
    blocks: list[_Block] = []
    list_depth = 0
    item: _Block | None = None
    sections = 0
    section = -1
    section_level = 0  # a heading at this level or above ends the section
    for index, token in enumerate(tokens):
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif kind == "list_item_open" and list_depth == 1:
            item = _Block("item", *token.map, section=section)
            blocks.append(item)
        elif kind == "list_item_close" and list_depth == 1:
            item = None
        elif kind == "heading_open":
            text = " ".join(tokens[index + 1].content.split())
            level = int(token.tag[1])
            if section >= 0 and level <= section_level:
                section = -1
            is_label = bool(_CRITERIA_LABEL.match(text))
            if is_label:
                section, section_level, sections = sections, level, sections + 1
            blocks.append(_Block("heading", *token.map, text, section, is_label))
        elif kind == "paragraph_open":
            text = " ".join(tokens[index + 1].content.split())
            is_label = list_depth == 0 and bool(_CRITERIA_LABEL.match(text))
            if is_label:
                # "Acceptance criteria:" as a paragraph: the section runs to the next heading.
                section, section_level, sections = sections, 6, sections + 1
            if item is not None:
                item.text = f"{item.text} {text}".strip()
            blocks.append(_Block("paragraph", *token.map, text, section, is_label, in_list=list_depth > 0))
        elif kind == "fence":
            content_end = token.map[0] + 1 + token.content.count("\n")
            info = token.info.strip().lower()
            blocks.append(_Block("fence", token.map[0] + 1, content_end, token.content, section, info=info))
    return blocks


def _block_bounds(source: SourceText, block: _Block) -> tuple[int, int]:
    """Offsets of the block's content: past list markers and quote signs, up to its last non-blank character."""
    prefix = _ITEM_PREFIX if block.kind == "item" else _BLOCK_PREFIX
    match = prefix.match(source.line_text(block.first_line))
    start = source.offset(Position(block.first_line, match.end() if match else 0))
    end = start
    for line in range(min(block.end_line, len(source.line_starts)) - 1, block.first_line - 1, -1):
        text = source.line_text(line).rstrip()
        if text:
            end = source.offset(Position(line, len(text)))
            break
    return start, max(start, end)


# --- the story sentence ---------------------------------------------------------


def _read_sentence(spec: StorySpec, blocks: list[_Block]) -> None:
    source = spec.source
    best: tuple[dict[str, tuple[str, int, int]], tuple[int, int]] | None = None
    # Lazy: stops at the first complete sentence; otherwise the most complete one wins.
    found = (s for block in blocks for s in _sentences(source.text, *_block_bounds(source, block)))
    for parts, span in found:
        if best is None or len(parts) > len(best[0]):
            best = parts, span
        if len(parts) == len(PARTS):
            break
    if best is None:
        spec.findings.append(
            _finding(
                "STY001",
                spec,
                "No 'As a …, I want …, so that …' sentence: the story does not say who wants what, or why.",
                spec.title_range or source.line_range(0),
                f"Add a sentence such as '{_EXAMPLE_SENTENCE}'",
            )
        )
        return
    parts, span = best
    for part, (text, start, end) in parts.items():
        setattr(spec, part, text)
        spec.part_ranges[part] = source.span(start, end)
    spec.sentence_range = source.span(*span)
    missing = [_PART_LABELS[p] for p in PARTS if p not in parts]
    if missing:
        spec.findings.append(
            _finding(
                "STY001",
                spec,
                f"The story sentence is missing {' and '.join(missing)}.",
                spec.sentence_range,
                f"Complete it in the form '{_EXAMPLE_SENTENCE}'",
            )
        )


def _sentences(text: str, start: int, end: int):
    """Each story sentence opening in text[start:end]: its parts {name: (text, start, end)} and its span."""
    lead_end = _LEAD.match(text, start, end).end()
    for opening in _AS_A.finditer(text, start, end):
        # "As a" opens the story only at the start of the block or of a sentence: not in "such as a member".
        before = opening.start()
        while before > start and text[before - 1] in " \t\n*_":
            before -= 1
        if before > lead_end and text[before - 1] not in ".!?:":
            continue
        stop = _SENTENCE_END.search(text, opening.end(), end)
        sentence_end = stop.start() if stop else end
        want = _WANT.search(text, opening.end(), sentence_end)
        benefit = _BENEFIT.search(text, want.end() if want else opening.end(), sentence_end)
        spans = {"role": (opening.end(), want.start() if want else benefit.start() if benefit else sentence_end)}
        if want:
            spans["want"] = (want.end(), benefit.start() if benefit else sentence_end)
        if benefit:
            spans["benefit"] = (benefit.end(), sentence_end)
        parts = {name: part for name, span in spans.items() if (part := _trimmed(text, *span))}
        yield parts, (opening.start(), stop.end() if stop else sentence_end)


def _trimmed(text: str, start: int, end: int) -> tuple[str, int, int] | None:
    """The part without surrounding punctuation and emphasis, whitespace collapsed; None if empty."""
    while start < end and text[start] in _PART_TRIM:
        start += 1
    while end > start and text[end - 1] in _PART_TRIM:
        end -= 1
    if start == end:
        return None
    return " ".join(_QUOTE_CONTINUATION.sub(" ", text[start:end]).split()), start, end


# --- acceptance criteria --------------------------------------------------------


def _read_criteria(spec: StorySpec, blocks: list[_Block]) -> list[_Block]:
    """Fill spec.criteria; return the criteria labels found (for the STY002 range)."""
    source = spec.source
    labels = [b for b in blocks if b.is_label]
    sections: list[list[_Block]] = [[] for _ in labels]
    for block in blocks:
        if block.section >= 0 and not block.is_label:
            sections[block.section].append(block)
    for members in sections:
        listed = [b for b in members if b.kind == "item" or _is_gherkin_fence(b)]
        # Criteria are the list; without one, each paragraph is a criterion.
        chosen = listed or [b for b in members if b.kind == "paragraph" and not b.in_list]
        for block in chosen:
            spec.criteria.extend(_criteria_of(source, block))
    if not labels:
        # No section: Given/When/Then scenarios anywhere still count.
        for block in blocks:
            if _is_gherkin_fence(block) or (
                block.kind in ("item", "paragraph") and not block.in_list and _GHERKIN_START.match(block.text)
            ):
                spec.criteria.extend(_criteria_of(source, block))
    return labels


def _is_gherkin_fence(block: _Block) -> bool:
    return block.kind == "fence" and block.info.split(" ", 1)[0] in _GHERKIN_FENCES


def _criteria_of(source: SourceText, block: _Block) -> list[Criterion]:
    if block.kind != "fence":
        text = _TASK_BOX.sub("", block.text)
        if not text:
            return []
        return [_criterion(text, source.span(*_block_bounds(source, block)))]
    # A Gherkin fence: one criterion per scenario, or the whole fence if it names none.
    lines = range(block.first_line, min(block.end_line, len(source.line_starts)))
    starts = [line for line in lines if _SCENARIO_LINE.match(source.line_text(line))] or [block.first_line]
    out = []
    for first, end in zip(starts, [*starts[1:], lines.stop], strict=True):
        chunk = _Block("fence", first, end)
        text = " ".join(" ".join(source.line_text(line).split()) for line in range(first, end)).strip()
        if text:
            out.append(_criterion(text, source.span(*_block_bounds(source, chunk))))
    return out


def _criterion(text: str, where: Range) -> Criterion:
    # Plain searches one after another rather than one regex: linear even on hostile text.
    given = _GIVEN.search(text) if _GHERKIN_START.match(text) else None
    when = _WHEN.search(text, given.end()) if given else None
    then = _THEN.search(text, when.end()) if when else None
    if then is None:
        return Criterion(text, where)
    parts = (text[given.end() : when.start()], text[when.end() : then.start()], text[then.end() :])
    return Criterion(text, where, *(part.strip(_PART_TRIM) or None for part in parts))


def _no_criteria(spec: StorySpec, labels: list[_Block]) -> Finding:
    suggestion = (
        "Add an 'Acceptance criteria' heading followed by a list with one testable criterion per item "
        "(Given/When/Then works too)."
    )
    if labels:
        label = labels[0]
        return _finding(
            "STY002",
            spec,
            "The 'Acceptance criteria' section is empty: generated tests need something to check.",
            spec.source.line_range(label.first_line),
            suggestion,
        )
    return _finding(
        "STY002",
        spec,
        "The story has no acceptance criteria: generated tests need something to check.",
        spec.title_range or spec.source.line_range(0),
        suggestion,
    )


def _finding(code: str, spec: StorySpec, message: str, where: Range, suggestion: str) -> Finding:
    return Finding(code, rule(code).severity, message, where, spec.path, suggestion)
