"""The certificate layout: A4 landscape, French on the left, Arabic on the right.

All positions, sizes and colours are class attributes so that a new layout is a
subclass (bump ``layout_version``), never an edit of a layout already issued.
"""

from __future__ import annotations

import io
import itertools
import re

from reportlab import rl_config
from reportlab.graphics.barcode import qrencoder
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas as rl_canvas

from ..codes import check_code
from ..fonts import BOLD, REGULAR, fonts_register
from .arabic import arabic_lines, arabic_visual, latin_lines
from .content import CertificateContent, date_long, hours_phrase, number_fr

PRODUCER = "Académie certificates"


class CertificateRenderer:
    """Renders a :class:`CertificateContent` to PDF bytes."""

    layout_version = 1

    page_size = landscape(A4)  # 841.89 x 595.28 pt
    margin = 26
    frame_gap = 7

    ink = HexColor("#1f2a24")
    muted = HexColor("#55615a")
    green = HexColor("#0b5d3b")
    gold = HexColor("#b08d3c")
    paper = HexColor("#fffdf7")

    font = REGULAR.name
    font_bold = BOLD.name

    # Header
    header_y = 522
    platform_size = 20
    logo_box = (54, 54)  # width, height; drawn at the centre of the header

    # Columns: (left x, right x); French left, Arabic right.
    column_fr = (70, 398)
    column_ar = (444, 772)
    divider_x = 421
    divider_top = 468
    divider_bottom = 168

    # Column text, from top to bottom: (key, font is bold, size, space before, max lines)
    column_top = 456
    title_size = 26
    intro_size = 12.5
    name_size = 24
    small_size = 11
    phrase_size = 12.5
    course_size = 17
    course_max_lines = 3
    line_gap = 1.25  # leading as a multiple of the size
    line_gap_ar = 1.45  # Arabic letters reach further above and below the baseline

    # Footer row
    footer_y = 66
    qr_size = 84
    qr_x = 62
    qr_quiet_modules = 0
    qr_level = "M"
    # A fixed mask pattern (any of the eight is valid): choosing the "best" one
    # encodes the matrix eight times, the largest part of drawing the QR code.
    qr_mask_pattern: int | None = 0
    signature_centre_x = 421
    url_width = 150
    url_size = 7.5
    url_max_lines = 3
    serial_x = 780  # right edge

    texts_fr = {
        "title": "Certificat de réussite",
        "intro": "Le présent certificat atteste que",
        "matricule": "Matricule\u00a0: {matricule}",
        "unit": "{unit}",
        "phrase": "a suivi avec succès le cours",
        "hours": "Durée\u00a0: {hours}",
        "score": "Note finale\u00a0: {score}\u00a0%",
        "date": "Délivré le {date}",
        "valid_until": "valable jusqu'au {date}",
        "verify": "Vérifier l'authenticité",
        "serial": "N° {serial}",
        "code": "Code de vérification : {code}",
    }
    texts_ar = {
        "title": "شهادة النجاح",
        "intro": "تشهد هذه الشهادة بأن",
        "matricule": "رقم التأجير: {matricule}",
        "unit": "{unit}",
        "phrase": "قد أتم بنجاح التكوين",
        "hours": "المدة: {hours}",
        "score": "النقطة النهائية: {score}\u00a0%",
        "date": "سلمت بتاريخ {date}",
        "valid_until": "صالحة إلى غاية {date}",
        "verify": "التحقق من صحة الشهادة",
        "serial": "رقم الشهادة",
        "code": "رمز التحقق: {code}",
    }

    def __init__(self):
        fonts_register()
        # Binary (Flate only) streams: ASCII85 on top makes files 25 % larger and
        # costs several milliseconds per certificate in pure Python.
        rl_config.useA85 = 0

    # -- public -------------------------------------------------------------------
    def render(self, content: CertificateContent) -> bytes:
        buffer = io.BytesIO()
        c = rl_canvas.Canvas(buffer, pagesize=self.page_size, pageCompression=1)
        c.setTitle(f"Certificat {content.serial} — {content.course_title_fr}")
        c.setAuthor(content.platform_name_fr)
        c.setSubject(content.uuid)
        c.setKeywords(f"academie-certificate serial={content.serial} uuid={content.uuid}")
        c.setCreator(PRODUCER)
        c.setProducer(PRODUCER)
        self.draw_frame(c)
        self.draw_header(c, content)
        self.draw_columns(c, content)
        self.draw_footer(c, content)
        c.showPage()
        c.save()
        return buffer.getvalue()

    # -- parts --------------------------------------------------------------------
    def draw_frame(self, c):
        width, height = self.page_size
        c.setFillColor(self.paper)
        c.rect(0, 0, width, height, stroke=0, fill=1)
        m = self.margin
        c.setStrokeColor(self.green)
        c.setLineWidth(3)
        c.rect(m, m, width - 2 * m, height - 2 * m, stroke=1, fill=0)
        g = m + self.frame_gap
        c.setStrokeColor(self.gold)
        c.setLineWidth(0.8)
        c.rect(g, g, width - 2 * g, height - 2 * g, stroke=1, fill=0)
        # corner ornaments: small gold squares turned 45°
        for x, y in ((g, g), (width - g, g), (g, height - g), (width - g, height - g)):
            c.saveState()
            c.translate(x, y)
            c.rotate(45)
            c.setFillColor(self.gold)
            c.rect(-4, -4, 8, 8, stroke=0, fill=1)
            c.restoreState()

    def draw_header(self, c, content):
        width, _ = self.page_size
        centre = width / 2
        y = self.header_y
        if content.logo_path:
            w, h = self.logo_box
            c.drawImage(
                ImageReader(content.logo_path), centre - w / 2, y - h / 2 + 6, w, h,
                preserveAspectRatio=True, mask="auto", anchor="c",
            )  # fmt: skip
            gap = w / 2 + 14
        else:
            gap = 18
            c.setFillColor(self.gold)
            c.circle(centre, y + 6, 5, stroke=0, fill=1)
        c.setFillColor(self.green)
        c.setFont(self.font_bold, self.platform_size)
        c.drawRightString(centre - gap, y, content.platform_name_fr)
        c.drawString(centre + gap, y, arabic_visual(content.platform_name_ar))
        c.setStrokeColor(self.gold)
        c.setLineWidth(0.8)
        c.line(self.column_fr[0], y - 22, self.column_ar[1], y - 22)
        c.setStrokeColor(self.gold)
        c.setLineWidth(0.5)
        c.line(self.divider_x, self.divider_top, self.divider_x, self.divider_bottom)

    def _column_items(self, content, texts, *, arabic: bool):
        def fmt(key, **kw):
            return texts[key].format(**kw)

        unit = ("، " if arabic else ", ").join(content.unit_ar if arabic else content.unit_fr)
        hours = number_fr(content.hours)
        score = number_fr(content.final_score)
        details = (
            [fmt("hours", hours=hours_phrase(content.hours, "ar" if arabic else "fr"))]
            if hours
            else []
        )
        if score:
            details.append(fmt("score", score=score))
        name = content.learner_name_arabic if arabic else content.learner_name_latin
        course = content.course_title_ar if arabic else content.course_title_fr
        date = content.date_ar if arabic else content.date_fr
        items = [
            (fmt("title"), self.font_bold, self.title_size, self.green, 0, 1),
            (fmt("intro"), self.font, self.intro_size, self.muted, 16, 1),
            (name, self.font_bold, self.name_size, self.ink, 10, 2),
        ]
        if content.matricule:
            items.append(
                (
                    fmt("matricule", matricule=content.matricule),
                    self.font,
                    self.small_size,
                    self.muted,
                    8,
                    1,
                )
            )
        if unit:
            items.append((fmt("unit", unit=unit), self.font, self.small_size, self.muted, 1, 2))
        items += [
            (fmt("phrase"), self.font, self.phrase_size, self.muted, 14, 1),
            (course, self.font_bold, self.course_size, self.green, 6, self.course_max_lines),
            (" · ".join(details), self.font, self.small_size, self.ink, 8, 1),
        ]
        if content.valid_until:
            # One row (shrunk to fit), so a certificate with an expiry date is no taller
            # than one without: a three-line course title still clears the footer.
            until = date_long(content.valid_until, "ar" if arabic else "fr")
            dated = f"{fmt('date', date=date)} · {fmt('valid_until', date=until)}"
            items.append((dated, self.font_bold, self.small_size, self.green, 4, 1))
        else:
            items.append((fmt("date", date=date), self.font, self.small_size, self.ink, 4, 1))
        return items

    def draw_columns(self, c, content):
        """French and Arabic side by side, row by row, so that each row starts at the
        same height in both columns."""
        rows = zip(
            self._column_items(content, self.texts_fr, arabic=False),
            self._column_items(content, self.texts_ar, arabic=True),
            strict=True,
        )
        y = self.column_top
        for fr, ar in rows:
            y -= fr[4]
            heights = []
            for item, column, arabic in ((fr, self.column_fr, False), (ar, self.column_ar, True)):
                heights.append(self._draw_block(c, item, column, y, arabic=arabic))
            y -= max(heights)

    def _draw_block(self, c, item, column, y, *, arabic: bool) -> float:
        text, font, size, colour, _space_before, max_lines = item
        if not text:
            return 0
        left, right = column
        size, lines = self._fit(text, font, size, right - left, max_lines, arabic=arabic)
        step = size * (self.line_gap_ar if arabic else self.line_gap)
        c.setFont(font, size)
        c.setFillColor(colour)
        centre = (left + right) / 2
        for i, line in enumerate(lines, start=1):
            c.drawCentredString(centre, y - i * step, line)
        return step * len(lines)

    def _fit(self, text, font, size, width, max_lines, *, arabic):
        """Wraps ``text``; shrinks it (down to 70 %) until it fits in ``max_lines``."""
        wrap = arabic_lines if arabic else latin_lines
        minimum = size * 0.7
        while True:
            lines = wrap(text, width=width, measure=lambda s, sz=size: stringWidth(s, font, sz))
            if len(lines) <= max_lines or size <= minimum:
                return size, lines[:max_lines]
            size -= 0.5

    def draw_footer(self, c, content):
        y = self.footer_y
        # QR code and its caption
        self.draw_qr(c, content.verify_url, self.qr_x, y, self.qr_size)
        text_x = self.qr_x + self.qr_size + 10
        c.setFillColor(self.ink)
        c.setFont(self.font_bold, 9.5)
        c.drawString(text_x, y + 62, self.texts_fr["verify"])
        c.drawString(text_x, y + 48, arabic_visual(self.texts_ar["verify"]))
        # The printed address is a link too (as is the QR code), and its lines break
        # only after a "/": the certificate's identifier always stays on one line.
        self._link(
            c, content.verify_url, (self.qr_x, y, self.qr_x + self.qr_size, y + self.qr_size)
        )
        size, lines = self._url_lines(content.verify_url, self.url_width, self.url_size)
        c.setFont(self.font, size)
        c.setFillColor(self.muted)
        for i, line in enumerate(lines):
            baseline = y + 32 - i * (size + 2.5)
            c.drawString(text_x, baseline, line)
            width = stringWidth(line, self.font, size)
            self._link(
                c, content.verify_url, (text_x, baseline - 2, text_x + width, baseline + size)
            )

        # Signatory, centred
        sx = self.signature_centre_x
        if content.seal_path:
            c.drawImage(
                ImageReader(content.seal_path), sx - 36, y + 34, 72, 72,
                preserveAspectRatio=True, mask="auto", anchor="c",
            )  # fmt: skip
        c.setStrokeColor(self.gold)
        c.setLineWidth(0.6)
        c.line(sx - 95, y + 40, sx + 95, y + 40)
        c.setFillColor(self.ink)
        c.setFont(self.font_bold, 11)
        c.drawCentredString(sx, y + 26, content.signatory_name_fr)
        c.drawCentredString(sx, y + 12, arabic_visual(content.signatory_name_ar))
        c.setFont(self.font, 9)
        c.setFillColor(self.muted)
        c.drawCentredString(sx, y, content.signatory_title_fr)
        c.drawCentredString(sx, y - 12, arabic_visual(content.signatory_title_ar))

        # Serial and numeric date, right
        rx = self.serial_x
        c.setFillColor(self.muted)
        c.setFont(self.font, 9)
        c.drawRightString(rx, y + 62, arabic_visual(self.texts_ar["serial"]))
        c.setFillColor(self.green)
        c.setFont(self.font_bold, 13)
        c.drawRightString(rx, y + 44, self.texts_fr["serial"].format(serial=content.serial))
        c.setFillColor(self.muted)
        c.setFont(self.font, 9)
        c.drawRightString(rx, y + 30, content.date_numeric)
        # The check code that, with the serial, finds this certificate on the public page.
        code = check_code(content.uuid)
        c.drawRightString(rx, y + 16, self.texts_fr["code"].format(code=code))
        c.drawRightString(rx, y + 4, arabic_visual(self.texts_ar["code"].format(code=code)))

    def _link(self, c, url, rect):
        c.linkURL(url, rect, relative=0, thickness=0)

    def _url_lines(self, url, width, size):
        """``url`` in lines no wider than ``width``, cut only after a "/" (never inside
        the certificate's identifier); the size shrinks (to 70 %) if a part is too wide."""
        parts = [part for part in re.split(r"(?<=/)", url) if part]
        minimum = size * 0.7
        while True:
            lines = []
            for part in parts:
                if lines and stringWidth(lines[-1] + part, self.font, size) <= width:
                    lines[-1] += part
                else:
                    lines.append(part)
            widest = max((stringWidth(line, self.font, size) for line in lines), default=0)
            if (widest <= width and len(lines) <= self.url_max_lines) or size <= minimum:
                return size, lines
            size -= 0.25

    def draw_qr(self, c, data: str, x: float, y: float, size: float):
        """Draws the QR code of ``data`` as one filled vector path.

        Each horizontal run of dark modules is one rectangle of the same path, so the
        viewer fills a single path instead of hundreds of shapes.
        """
        qr = qrencoder.QRCode(None, getattr(qrencoder.QRErrorCorrectLevel, self.qr_level))
        qr.addData(data)
        if self.qr_mask_pattern is None:
            qr.make()
        else:
            qr.version = qr.calculate_version()
            qr.makeImpl(False, self.qr_mask_pattern)
        count = qr.getModuleCount()
        quiet = self.qr_quiet_modules
        module = size / (count + 2 * quiet)
        path = c.beginPath()
        for r, row in enumerate(qr.modules):
            col = 0
            top = y + size - (r + quiet) * module
            for dark, run in itertools.groupby(bool(m) for m in row):
                length = sum(1 for _ in run)
                if dark:
                    path.rect(x + (col + quiet) * module, top - module, length * module, module)
                col += length
        c.setFillColor(self.ink)
        c.drawPath(path, stroke=0, fill=1)
