"""The built-in catalog of data items that journeys may ask for without declaring them.

Each item has a canonical snake_case id, a human name, aliases (the words people write in
forms and journey maps) and flags: ``sensitive`` (personally identifying or financial) and
``government_issued`` (a document the government itself issues, so asking for it again is a
re-request of something the government already has).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "CATALOG",
    "FUZZY_LIMIT",
    "CatalogItem",
    "char_name",
    "normalize_term",
    "skeleton",
    "suggest",
]

#: Above this many candidates, suggestions are exact (by look-alike letters) only: fuzzy
#: matching against every id of a huge file, for every bad reference, would take minutes.
FUZZY_LIMIT = 2000

# Cyrillic and Greek letters that look like Latin ones (Unicode confusables, the common ones).
_LOOK_ALIKES = str.maketrans(
    "аеорсухіјѕԁԛԝһӏ" + "АВЕКМНОРСТХУІЈЅ" + "αορνικτυχ" + "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ",
    "aeopcyxijsdqwhl" + "ABEKMHOPCTXYIJS" + "aopviktux" + "ABEZHIKMNOPTYX",
)
# zero-width and bidirectional formatting characters: invisible, so never part of a match
_INVISIBLE = dict.fromkeys([0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x200E, 0x200F, 0x061C])
_INVISIBLE.update(dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)]))


def skeleton(text: str) -> str:
    """What ``text`` looks like: NFKC, look-alike Cyrillic/Greek letters as Latin, invisible
    characters removed. Two ids with one skeleton cannot be told apart by eye.

    >>> skeleton("r\u0435view") == skeleton("review")
    True
    """
    return unicodedata.normalize("NFKC", text).translate(_INVISIBLE).translate(_LOOK_ALIKES)


def char_name(ch: str) -> str:
    """``U+0435 CYRILLIC SMALL LETTER IE``: a character as people can look it up."""
    return f"U+{ord(ch):04X} {unicodedata.name(ch, '')}".rstrip()


@dataclass(frozen=True, slots=True)
class CatalogItem:
    """One well-known data item."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    sensitive: bool = False
    government_issued: bool = False


_ITEMS = (
    CatalogItem(
        "ssn",
        "Social Security number",
        (
            "SSN",
            "social security number",
            "social security card",
            "SSN card",
            "taxpayer identification number",
        ),
        True,
        True,
    ),
    CatalogItem("full_name", "Full legal name", ("name", "legal name", "full name"), False),
    CatalogItem("date_of_birth", "Date of birth", ("DOB", "birth date", "birthdate"), True),
    CatalogItem(
        "mailing_address",
        "Mailing address",
        ("address", "home address", "postal address", "street address"),
        False,
    ),
    CatalogItem(
        "proof_of_address",
        "Proof of address",
        ("proof of residence", "utility bill", "lease", "residency proof"),
        False,
    ),
    CatalogItem("email", "Email address", ("e-mail", "email address"), False),
    CatalogItem("phone", "Phone number", ("telephone", "phone number", "mobile number"), False),
    CatalogItem(
        "photo_id",
        "Photo ID",
        (
            "driver's license",
            "drivers license",
            "state ID",
            "identity document",
            "government ID",
            "photo identification",
        ),
        True,
        True,
    ),
    CatalogItem(
        "bank_account",
        "Bank account and routing number",
        ("direct deposit", "bank account", "routing number", "account number"),
        True,
    ),
    CatalogItem(
        "household_income", "Household income", ("income", "pay stubs", "earnings", "wages"), True
    ),
    CatalogItem("tax_return", "Tax return", ("Form 1040", "1040", "tax transcript"), True),
    CatalogItem(
        "employer",
        "Employer details",
        ("employer name", "employment history", "work history"),
        False,
    ),
    CatalogItem(
        "marriage_certificate",
        "Marriage certificate",
        ("marriage license", "proof of marriage"),
        False,
        True,
    ),
    CatalogItem(
        "birth_certificate",
        "Birth certificate",
        ("proof of birth", "certified birth certificate"),
        True,
        True,
    ),
    CatalogItem(
        "death_certificate",
        "Death certificate",
        ("proof of death", "certified death certificate"),
        True,
        True,
    ),
    CatalogItem(
        "dd214",
        "DD Form 214 (Certificate of Release or Discharge)",
        (
            "DD-214",
            "DD 214",
            "DD Form 214",
            "discharge papers",
            "Certificate of Release or Discharge from Active Duty",
        ),
        True,
        True,
    ),
    CatalogItem(
        "ein",
        "Employer Identification Number",
        ("EIN", "FEIN", "federal tax ID", "employer identification number"),
        False,
        True,
    ),
    CatalogItem(
        "medicare_number",
        "Medicare number",
        ("Medicare Beneficiary Identifier", "MBI", "Medicare card"),
        True,
        True,
    ),
    CatalogItem(
        "citizenship_proof",
        "Proof of US citizenship",
        (
            "proof of citizenship",
            "naturalization certificate",
            "citizenship certificate",
            "US passport",
        ),
        True,
        True,
    ),
    CatalogItem(
        "immigration_status",
        "Immigration status",
        (
            "green card",
            "permanent resident card",
            "alien registration number",
            "A-number",
            "visa status",
        ),
        True,
        True,
    ),
    CatalogItem(
        "disability_medical_evidence",
        "Medical evidence of disability",
        ("medical records", "medical evidence", "doctor's statement", "service treatment records"),
        True,
    ),
    CatalogItem(
        "household_members",
        "Household members",
        ("household composition", "dependents", "family members", "household size"),
        True,
    ),
)

#: The built-in catalog, by id.
CATALOG: dict[str, CatalogItem] = {item.id: item for item in _ITEMS}


def normalize_term(text: str) -> str:
    """Lower-case ``text`` and keep only letters and digits (``'DD-214'`` -> ``'dd214'``)."""
    return re.sub(r"[^0-9a-z]+", "", text.lower())


def suggest(
    word: str, candidates: Iterable[str], *, aliases: dict[str, Iterable[str]] | None = None
) -> str | None:
    """The candidate ``word`` most probably meant, or ``None``.

    An exact match of an alias (ignoring case and punctuation) wins, then the closest id or
    alias by spelling.

    Examples
    --------
    >>> suggest("Social Security number", CATALOG, aliases={i.id: i.aliases for i in _ITEMS})
    'ssn'
    >>> suggest("agnecy", ["agency", "stage"])
    'agency'
    """
    wanted = normalize_term(word)
    by_term: dict[str, str] = {}
    for candidate in candidates:
        by_term.setdefault(normalize_term(candidate), candidate)
    for candidate, names in (aliases or {}).items():
        for alias in names:
            by_term.setdefault(normalize_term(alias), candidate)
    if not wanted:
        return None
    if wanted in by_term:
        return by_term[wanted]
    if len(by_term) > FUZZY_LIMIT:
        return None
    close = difflib.get_close_matches(wanted, list(by_term), n=1, cutoff=0.75)
    if close:
        return by_term[close[0]]
    # a candidate contained in the word or the word in a candidate ("owner_ssn" -> "ssn")
    contained = [t for t in by_term if len(t) >= 3 and (t in wanted or wanted in t)]
    if len(contained) == 1:
        return by_term[contained[0]]
    return None
