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


def shown(element, view):
    """Whether element's text counts in a view: "accepted" drops deletions, "original" drops insertions."""
    hidden = qn("w:del") if view == "accepted" else qn("w:ins")
    return not any(a.tag == hidden for a in element.iterancestors())


def unit_text(element, view):
    """The text one element of a run contributes in a view, or None for elements that hold no text."""
    tag = element.tag
    if tag == qn("w:t"):
        return (element.text or "") if shown(element, view) else ""
    if tag == qn("w:delText"):
        return (element.text or "") if view == "original" else ""
    if tag == qn("w:tab") and element.getparent().tag == qn("w:r"):
        return "\t" if shown(element, view) else ""
    if tag in (qn("w:br"), qn("w:cr")):
        return "\n" if shown(element, view) else ""
    return None


def paragraph_text(paragraph_element, view):
    """The text of a w:p in a view."""
    return "".join(t for t in (unit_text(e, view) for e in paragraph_element.iter()) if t)


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


def comment_anchors(document):
    """The original-view text between each comment's range start and end, paragraphs joined by newlines."""
    anchors, active = {}, set()
    for element in document.element.body.iter():
        if element.tag == qn("w:commentRangeStart"):
            anchors[element.get(qn("w:id"))] = []
            active.add(element.get(qn("w:id")))
        elif element.tag == qn("w:commentRangeEnd"):
            active.discard(element.get(qn("w:id")))
        elif element.tag == qn("w:p"):
            for id in active:
                anchors[id].append("\n")
        else:
            text = unit_text(element, "original")
            for id in active:
                anchors[id].append(text or "")
    return {id: "".join(parts) for id, parts in anchors.items()}


def run_is_bold(run):
    properties = run.find(qn("w:rPr"))
    return properties is not None and properties.find(qn("w:b")) is not None


def check_annotated(path, spec):
    document = docx.Document(path)
    comments = {str(c.comment_id): c for c in document.comments}
    anchors = comment_anchors(document)
    check(set(anchors) == set(comments), f"comment ranges {sorted(anchors)} vs comments {sorted(comments)}")
    check(len(comments) == spec["comment_count"], f"{len(comments)} comments, expected {spec['comment_count']}")
    foreign = [c for c in comments.values() if c.author != "ContractShield"]
    check(sorted((c.author, c.text) for c in foreign) == sorted(map(tuple, spec.get("foreign", []))),
          f"comments by others: {[(c.author, c.text) for c in foreign]}")
    for expected in spec["comments"]:
        matching = [id for id, text in anchors.items() if text == expected["anchor"]]
        check(matching, f"no comment anchored on {expected['anchor']!r}; anchors: {list(anchors.values())}")
        for id in matching[:1]:
            text = squash(comments[id].text)
            for needle in expected["contains"]:
                check(squash(needle) in text, f"comment on {expected['anchor']!r} lacks {needle!r}: {text}")
    body = document.element.body
    insertions, deletions = body.findall(".//" + qn("w:ins")), body.findall(".//" + qn("w:del"))
    check(len(insertions) == spec["insertions"], f"{len(insertions)} insertions, expected {spec['insertions']}")
    check(bool(deletions) == bool(spec["insertions"]), f"{len(deletions)} deletions")
    for revision in insertions + deletions:
        check(revision.get(qn("w:author")) == "ContractShield", f"revision author {revision.get(qn('w:author'))!r}")
    accepted = "\n".join(body_lines(document, "accepted"))
    check(accepted == spec["accepted"], f"accepting every change gives:\n{accepted}\nexpected:\n{spec['accepted']}")
    original = "\n".join(body_lines(document, "original"))
    check(original == spec["original"], f"rejecting every change gives:\n{original}\nexpected:\n{spec['original']}")
    for needle in spec.get("bold", []):
        runs = [r for r in body.iter(qn("w:r")) if "".join(unit_text(e, "original") or "" for e in r) == needle]
        check(runs and all(run_is_bold(r) for r in runs), f"run {needle!r} lost its bold: {len(runs)} runs")
    return {"comments": len(comments), "insertions": len(insertions)}


def make_input(path, spec):
    """A contract DOCX: paragraphs of runs ({"text", "bold", "italic", "comment": [author, text]})
    and a two-column table."""
    document = docx.Document()
    for paragraph in spec["paragraphs"]:
        p = document.add_paragraph()
        for run in paragraph:
            r = p.add_run(run["text"])
            r.bold = run.get("bold")
            r.italic = run.get("italic")
            if "comment" in run:
                author, text = run["comment"]
                document.add_comment(r, text=text, author=author)
    table = document.add_table(rows=0, cols=2)
    for left, right in spec["table"]:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = left, right
    document.add_paragraph(spec["closing"])
    document.save(path)
    return {"text": "\n".join(body_lines(docx.Document(path), "original"))}


def main():
    mode, path, spec_path = sys.argv[1:4]
    with open(spec_path, encoding="utf-8") as f:
        spec = json.load(f)
    result = {"report": check_report, "annotated": check_annotated, "make": make_input}[mode](path, spec)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        sys.exit(1)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
