"""The board paper as a tagged PDF, when LibreOffice is installed: the DOCX converted by
`soffice --headless`, with the structure tags and document language that make a PDF
accessible (headings, tables, alt text carried over from the DOCX).

LibreOffice is a large system package, not a Python dependency: where it is absent the
format is refused with one clear line, and DOCX is offered instead.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from bot.errors import UserError
from bot.reports.docx import board_paper_docx
from bot.reports.paper import BoardPaper

TIMEOUT_SECONDS = 180
# Tagged PDF (structure for screen readers) and PDF/UA, through the JSON filter options that
# LibreOffice 7.4 and later read on the command line.
EXPORT_OPTIONS = {
    "UseTaggedPDF": {"type": "boolean", "value": "true"},
    "PDFUACompliance": {"type": "boolean", "value": "true"},
    "ExportBookmarks": {"type": "boolean", "value": "true"},
}


def libreoffice() -> str | None:
    """The LibreOffice binary on the PATH, if there is one."""
    return shutil.which("libreoffice") or shutil.which("soffice")


def require_libreoffice() -> str:
    binary = libreoffice()
    if binary is None:
        raise UserError(
            "A PDF needs LibreOffice, which is not installed where recs runs: "
            "ask for the docx paper instead.",
            example="/recs report H docx as-of 31/10/2014",
        )
    return binary


# LibreOffice's PDF filter for each kind of file it is given.
FILTERS = {".docx": "writer_pdf_Export", ".xlsx": "calc_pdf_Export"}


def to_pdf(content: bytes, suffix: str = ".docx") -> bytes:
    """Converts a DOCX (or an XLSX) to PDF in a scratch folder of its own, with a
    LibreOffice profile of its own, so two conversions at once never share (and lock) one
    profile."""
    binary = require_libreoffice()
    with tempfile.TemporaryDirectory(prefix="recs-pdf-") as scratch:
        folder = Path(scratch)
        source = folder / f"paper{suffix}"
        source.write_bytes(content)
        target = f"pdf:{FILTERS[suffix]}:" + json.dumps(EXPORT_OPTIONS)
        done = subprocess.run(
            [
                binary,
                f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                target,
                "--outdir",
                str(folder),
                str(source),
            ],
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
        pdf = folder / "paper.pdf"
        if done.returncode != 0 or not pdf.exists():
            # Not the person's error: the caller logs it with an error id.
            raise RuntimeError(f"LibreOffice could not convert the paper (exit {done.returncode})")
        return pdf.read_bytes()


def board_paper_pdf(paper: BoardPaper) -> bytes:
    return to_pdf(board_paper_docx(paper))
