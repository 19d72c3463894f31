"""The QR code an authenticator app scans, as SVG inside the page: no image request, no script."""

import segno
from django.utils.safestring import SafeString, mark_safe

QR_TITLE = "QR code to scan with your authenticator app"


def qr_svg(data: str) -> SafeString:
    # Dark modules on an explicit light background with segno's quiet zone, so the code scans on any theme.
    svg = segno.make(data, error="m").svg_inline(scale=4, title=QR_TITLE, dark="#0b0c0c", light="#ffffff")
    # The title names the image for assistive technology once the element is announced as one.
    return mark_safe(svg.replace("<svg ", '<svg role="img" focusable="false" ', 1))  # noqa: S308 - segno's own markup
