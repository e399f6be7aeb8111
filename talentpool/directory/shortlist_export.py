"""Shortlist CSV: only consented fields, every cell escaped against spreadsheet formulas."""

from __future__ import annotations

from talentpool.directory.employers import listed_entries
from talentpool.directory.models import Shortlist
from talentpool.directory.privacy import employer_card
from talentpool.spreadsheets import to_csv

HEADER = ("profile_id", "pool_name", "real_name", "tier", "best_level", "skills", "region",
          "languages", "availability", "last_active", "certificates", "email", "phone", "note")


def shortlist_csv(shortlist: Shortlist, employer_id: int) -> bytes:
    """CSV bytes of the shortlist's listed people as this employer may see them."""
    rows = []
    for entry in listed_entries(shortlist):
        card = employer_card(entry.profile, employer_id)
        contact = card.get("contact", {})
        rows.append((
            card["id"], card["pool_name"], card.get("real_name", ""), card["tier"],
            card["best_level"] or "",
            "; ".join(f"{s['track']} {s['score']}±{s['uncertainty']}" for s in card["skills"]),
            card.get("region", ""), ",".join(card.get("languages", [])), card["availability"],
            card["last_active"] or "", " ".join(c["verify_url"] for c in card["certificates"]),
            contact.get("email", ""), contact.get("phone", ""), entry.note))
    return to_csv(HEADER, rows)
