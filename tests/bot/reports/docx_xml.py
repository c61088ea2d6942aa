"""Reads a DOCX's parts as XML, the way an accessibility checker does."""

from __future__ import annotations

import zipfile
from io import BytesIO

from lxml import etree

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "dc": "http://purl.org/dc/elements/1.1/",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
}
W = f"{{{NS['w']}}}"


def part(content: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(BytesIO(content)) as package:
        return etree.fromstring(package.read(name))


def parts_named(content: bytes, prefix: str) -> list[etree._Element]:
    with zipfile.ZipFile(BytesIO(content)) as package:
        return [
            etree.fromstring(package.read(n)) for n in package.namelist() if n.startswith(prefix)
        ]


def text_of(element: etree._Element) -> str:
    return "".join(element.itertext())


def body_outline(content: bytes) -> list[tuple[str, str]]:
    """The body's paragraphs and tables in order: (style or "table", text)."""
    document = part(content, "word/document.xml")
    body = document.find("w:body", NS)
    assert body is not None
    outline = []
    for child in body:
        if child.tag == W + "p":
            style = child.find("w:pPr/w:pStyle", NS)
            outline.append(
                (style.get(W + "val") if style is not None else "Normal", text_of(child))
            )
        elif child.tag == W + "tbl":
            outline.append(("table", ""))
    return outline
