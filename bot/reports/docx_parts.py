"""The Word XML python-docx has no API for, each piece a public body's accessible document
needs (WCAG 2.2 AA, the Public Sector Bodies Accessibility Regulations 2018): the document
language, a protective marking and "Page N of M" on every page, table header rows marked and
repeated, table captions, alternative text on pictures, and cell shading behind words."""

from __future__ import annotations

from typing import Any

from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shape import InlineShape
from docx.shared import Pt, RGBColor
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

LANGUAGE = "en-GB"


def set_language(document: DocumentObject, language: str = LANGUAGE) -> None:
    """The language of every run that does not say otherwise (the styles' defaults), and
    the document's property: screen readers and PDF tags read it."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    run_default = _child(defaults, "w:rPrDefault", first=True)
    run_props = _child(run_default, "w:rPr")
    lang = _child(run_props, "w:lang")
    for attribute in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attribute), language)
    # A style's own language would win over the default: none may say another.
    for element in styles.iter(qn("w:lang")):
        for attribute in ("w:val", "w:eastAsia", "w:bidi"):
            if element.get(qn(attribute)) is not None:
                element.set(qn(attribute), language)
    theme = document.settings.element.find(qn("w:themeFontLang"))
    if theme is not None:
        theme.set(qn("w:val"), language)
    document.core_properties.language = language


def _child(parent: Any, tag: str, *, first: bool = False) -> Any:
    """The element's child of that tag, added (first, or last) if it has none."""
    found = parent.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        if first:
            parent.insert(0, found)
        else:
            parent.append(found)
    return found


def drop_template_thumbnail(document: DocumentObject) -> None:
    """python-docx's template carries a thumbnail of another document; a file browser would
    show it as this paper's first page."""
    package = document.part.package
    for rel in list(package.rels.values()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(rel.rId)


def marking_header(section: Section, marking: str) -> None:
    """The protective marking at the top of every page, centred and bold."""
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(marking)
    run.bold = True


def page_footer(section: Section, marking: str, title: str) -> None:
    """The marking again at the foot (the Classifications ask for both), then the paper's
    title and "Page N of M" from fields the reader's application fills in."""
    footer = section.footer
    first = footer.paragraphs[0]
    first.alignment = WD_ALIGN_PARAGRAPH.CENTER
    first.add_run(marking).bold = True
    line = footer.add_paragraph()
    line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    line.add_run(f"{title} · Page ")
    field(line, "PAGE", "1")
    line.add_run(" of ")
    field(line, "NUMPAGES", "1")
    for paragraph in footer.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(9)


def field(paragraph: Paragraph, instruction: str, shown: str) -> None:
    """A complex field (`PAGE`, `NUMPAGES`): begin, instruction, separate, result, end;
    what Word and LibreOffice both update when they lay the pages out."""

    def run_with(child: object) -> None:
        run = OxmlElement("w:r")
        run.append(child)
        paragraph._p.append(run)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run_with(text)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    result = OxmlElement("w:t")
    result.text = shown
    run_with(result)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def header_row(table: Table) -> None:
    """The first row is the table's header: marked as one, so assistive technology reads
    each cell with its column's heading, and repeated at the top of every page."""
    props = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    props.append(repeat)
    table_props = table._tbl.tblPr
    look = table_props.find(qn("w:tblLook"))
    if look is None:
        look = OxmlElement("w:tblLook")
        table_props.append(look)
    look.set(qn("w:firstRow"), "1")
    look.set(qn("w:firstColumn"), "0")
    look.set(qn("w:val"), "0420")


def keep_row_on_one_page(row: _Row) -> None:
    """A row is not split across two pages: a recommendation is read with its progress."""
    props = row._tr.get_or_add_trPr()
    props.insert(0, OxmlElement("w:cantSplit"))


def caption(table: Table, title: str, description: str = "") -> None:
    """The table's caption and description (Word's alternative text for a table)."""
    props = table._tbl.tblPr
    for tag, value in (("w:tblCaption", title), ("w:tblDescription", description)):
        if not value:
            continue
        element = OxmlElement(tag)
        element.set(qn("w:val"), value[:255])
        props.append(element)


def alt_text(shape: InlineShape, title: str, description: str) -> None:
    """A picture's alternative text: what it shows, numbers and all, for those who cannot
    see it."""
    doc_pr = shape._inline.docPr
    doc_pr.set("title", title)
    doc_pr.set("descr", description)


def shade(cell: _Cell, fill: str) -> None:
    """A cell's background: the colour behind a word, never instead of it."""
    props = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    # In the schema's order: before the cell's margins, direction and alignment.
    props.insert_element_before(
        shading, "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark"
    )


def heading_fonts(document: DocumentObject, font: str, colour: RGBColor) -> None:
    """Headings in the body's typeface and a colour with strong contrast on white."""
    for name, size in (("Heading 1", 16), ("Heading 2", 13), ("Heading 3", 11)):
        style = document.styles[name]
        style.font.name = font
        style.font.size = Pt(size)
        style.font.color.rgb = colour
        fonts = style.element.rPr.rFonts
        for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attribute), None)
