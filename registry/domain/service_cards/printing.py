"""What a printed card shows, taken from the records (pdf.py draws it without the database)."""
from __future__ import annotations

from datetime import date

from ..identifiers import mask_document
from .cards import display_number
from .models import ServiceCard
from .pdf import PrintedCard, card_pdf  # noqa: F401  (the views call them from here)
from .policy import rules_for
from .records import last_training_end, latest_rating
from .sheets import print_sheet_pdf  # noqa: F401  (the views call it from here)


def printed_card(card: ServiceCard, code_text: str, issuer: str, on: date) -> PrintedCard:
    rules = rules_for(card.programme_code)
    trainee = card.trainee
    rating = latest_rating(trainee.id)
    return PrintedCard(
        number=card.number, number_display=display_number(card.number), name=trainee.name, sex=trainee.sex_name,
        document_masked=mask_document(trainee.document_number), photo_jpeg=card.photo.jpeg,
        service_types=tuple(card.service_type_names), employer=card.employer.name if card.employer else "",
        stars=rating.stars if rating else None, issued_on=card.issued_on,
        retraining_due=rules.retraining_due(last_training_end(trainee.id, rules)), programme=rules.programme.name,
        issuer=issuer, code_text=code_text,
    )
