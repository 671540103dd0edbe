"""Turn the rendered reports of the reference case and one synthetic department-year into pages to look at.

For each case: the Word draft and the workbook to PDF with LibreOffice
(headless), every PDF page to PNG with pdftoppm, the three notebooks' HTML
to a screenshot with Chromium; prints the page count of each PDF.  Look at
the PNGs (they are written under ``--out``) before and after a change.

    PYTHONPATH=$PWD PERFKIT_CJK_FONT=bundled python -m perfkit.cli render --data data --out /tmp/r --force
    python scripts/look_at_reports.py --render /tmp/r --out /tmp/look
"""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
from pathlib import Path

CASES = (("yuexiu-police", 2023), ("demo-synthetic", 2023))
OFFICE = ("绩效自评报告（草稿）.docx", "绩效自评表.xlsx")
CHROMIUM = ("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--user-data-dir=/tmp/chr-rep", "--window-size=1200,3000")


def pdf_pages(pdf: Path) -> int:
    """Return the number of pages of a PDF (pdfinfo)."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def office_pages(source: Path, out: Path, resolution: int) -> int:
    """Return the page count of ``source`` converted to PDF in ``out``, its pages written as PNGs beside it."""
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(out), str(source)],
                   check=True, capture_output=True, timeout=300)
    pdf = out / (source.stem + ".pdf")
    subprocess.run(["pdftoppm", "-png", "-r", str(resolution), str(pdf), str(out / source.stem)], check=True)
    return pdf_pages(pdf)


def screenshot(html: Path, png: Path) -> None:
    """Write a screenshot of ``html``'s first 3000 pixels to ``png``."""
    subprocess.run([*CHROMIUM, f"--screenshot={png}", html.resolve().as_uri()], check=True, capture_output=True,
                   timeout=120)


def main(argv=None) -> int:
    """Convert and print page counts; return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--render", type=Path, required=True, help="perfkit render --out directory")
    parser.add_argument("--out", type=Path, required=True, help="where the PDFs and PNGs go")
    parser.add_argument("--resolution", type=int, default=60)
    parser.add_argument("--no-html", action="store_true", help="skip the Chromium screenshots")
    args = parser.parse_args(argv)
    for code, year in CASES:
        src, out = args.render / code / str(year), args.out / code / str(year)
        if out.exists():
            shutil.rmtree(out)
        out.mkdir(parents=True)
        for name in OFFICE:
            print(f"{code} {year} {name}: {office_pages(src / name, out, args.resolution)} 页")
        if not args.no_html:
            for html in sorted(src.glob("*.html")):
                screenshot(html, out / (html.stem + ".png"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
