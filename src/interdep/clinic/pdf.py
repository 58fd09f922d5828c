"""The clinician's couple page as PDF: the same template in the clinician's print frame (see
interdep.lib.pdf for how reports are laid out for paper)."""

from __future__ import annotations

from interdep.lib.pdf import CLINIC_FRAME, render_pdf

__all__ = ["CLINIC_FRAME", "render_pdf"]
