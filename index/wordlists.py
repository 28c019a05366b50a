"""Closed word classes of English news copy, shared by the spaCy rules and the normalizers.

Kept apart from index/nlp.py so that code which only needs the lists (answering,
normalizing) does not import spaCy.
"""

MONTHS = [
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "jan.", "feb.", "mar.", "apr.", "jun.", "jul.", "aug.", "sep.", "sept.", "oct.", "nov.", "dec.",
]  # fmt: skip
# "May" and "March" are also a verb and a verb/noun: only taken with a day or year.
AMBIGUOUS_MONTHS = ["may", "march", "mar", "mar."]
SAFE_MONTHS = [m for m in MONTHS if m not in AMBIGUOUS_MONTHS]
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
PARTS_OF_DAY = ["morning", "afternoon", "evening", "night"]
PERIODS = ["week", "month", "year", "weekend"]

QUALIFIERS = [
    "at least", "at most", "more than", "less than", "fewer than", "over", "under", "up to",
    "around", "about", "nearly", "almost", "approximately", "roughly", "some", "another",
    "an estimated", "as many as", "as few as", "no fewer than", "no more than", "upwards of",
    "close to", "just over", "just under", "an additional", "a further", "only", "exactly",
    "a total of", "in excess of", "well over", "estimated",
]  # fmt: skip

# Titles that precede names in news copy; their abbreviated forms end in "." and
# must not end a sentence.
TITLE_ABBREVIATIONS = [
    "Sgt.", "Spc.", "Spec.", "Pfc.", "Pvt.", "Cpl.", "Maj.", "Col.", "Lt.", "Capt.", "Gen.",
    "Adm.", "Brig.", "Cmdr.", "Sen.", "Rep.", "Gov.", "Amb.", "Prof.", "Rev.", "Supt.",
    "Mr.", "Mrs.", "Ms.", "Dr.", "St.", "Gens.", "Sgts.", "Lt.Col.", "No.",
]  # fmt: skip

NAME_PARTICLES = ["al", "el", "bin", "ibn", "bint", "abu", "abd", "of", "de", "la", "van", "von"]
