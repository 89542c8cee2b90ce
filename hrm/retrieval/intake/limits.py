"""Bounds on what one upload may cost: bytes read, bytes unpacked from an archive, pages parsed."""

MAX_BYTES = 5 * 1024 * 1024
# A DOCX or LinkedIn export is a ZIP: its members are bounded too, so a small archive cannot
# unpack into gigabytes (the sizes zipfile reads never exceed the declared ones).
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_MEMBERS = 5_000
# pdfminer takes tens of milliseconds a page; a CV has a handful, a project report a few dozen.
MAX_PAGES = 60


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"
