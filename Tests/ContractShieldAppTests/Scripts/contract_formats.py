"""Makes the other forms a user may hold of one contract, for the same-findings test.

    contract_formats.py scan IN.pdf OUT.pdf    # what a scanner makes: each page a clean 300-dpi grayscale
                                               # image, no text layer (rendered with poppler's pdftoppm)
    contract_formats.py docx IN.txt OUT.docx   # a Word file with one paragraph per line (python-docx)
"""
import os
import subprocess
import sys
import tempfile
import zlib


def pgm_pixels(data):
    """Width, height and the 8-bit gray pixels of a binary PGM (P5) as pdftoppm writes it."""
    magic, width, height, maximum, pixels = data.split(maxsplit=4)
    assert magic == b"P5" and maximum == b"255"
    return int(width), int(height), pixels


def scan(source, target):
    with tempfile.TemporaryDirectory() as directory:
        subprocess.run(["pdftoppm", "-r", "300", "-gray", source, os.path.join(directory, "page")], check=True)
        pages = [open(os.path.join(directory, name), "rb").read() for name in sorted(os.listdir(directory))]
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", None]
    kids = []
    for image in pages:
        width, height, pixels = pgm_pixels(image)
        image = zlib.compress(pixels)
        # A4 in points; the image fills the page.
        content = b"q 595 0 0 842 0 0 cm /Scan Do Q"
        first = len(objects) + 1
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Scan %d 0 R >> >> "
                       b"/Contents %d 0 R >>" % (first + 1, first + 2))
        objects.append(b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                       b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n" % (width, height, len(image))
                       + image + b"\nendstream")
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        kids.append(b"%d 0 R" % first)
    objects[1] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % len(kids)
    output = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(output))
        output += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    table = len(output)
    output += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    output += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    output += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, table)
    with open(target, "wb") as file:
        file.write(output)


def docx(source, target):
    import docx as word
    document = word.Document()
    for line in open(source, encoding="utf-8").read().splitlines():
        if line.strip():
            document.add_paragraph(line)
    document.save(target)


if __name__ == "__main__":
    {"scan": scan, "docx": docx}[sys.argv[1]](sys.argv[2], sys.argv[3])
