"""DfE SSDA903 validation rules, checked on each return's rows at import.

Each rule gives its DfE code (as the DfE's validation rules and Data to Insight's validator
number them), its message and a severity:

- "error": the row is unusable as the return stands: it is quarantined (or, without quarantine,
  the import is rejected).
- "warning": the row loads and carries the flag in the import report, because holding it back
  would remove more from the figures than the fault does (a header row holds every row of the
  child; a missing continuation is a fact about the chain, not about one row).

The DfE's validator (Data to Insight's csc-validator-be-903, one `rule_NNN.py` per rule) lists
the rows that break each rule for the council to correct before submission; it never drops a
row. So a DfE rule is an error here only where the row cannot be used at all. 148 (DEC and REC
both coded or both blank) is checked there only as "both or neither": an open episode with a
reason ceased is still an open episode, and a closed one without a reason still closed on its
date, so the row loads with the warning (holding it back took children who are in care out of
the children-in-care figure). 445 (D1 after December 2005) is a wrong legal status code on an
episode that is still care: a warning for the same reason.

The same checks run on demand against the stored history (`ssda903_stored`), so the officer can
correct the data before the next submission, not only when a return is loaded.

Cross-row rules look at one return's episodes of a child (a collection year), as the DfE checks
a return; checks against the stored history of other years are in `ssda903_history` (overlaps,
502 and 503A-H).
"""

import re
from collections import defaultdict
from datetime import date

from casework.importers.report import WARNING, Record

# Legal status D1 (freeing order) was replaced by placement orders from 30 December 2005.
D1_LAST_START = date(2005, 12, 31)
# A UPN: a letter (not I, O or S), then 12 digits or 11 digits and a letter; or UN1-UN5.
UPN = re.compile(r"^(?:[A-HJ-NP-RT-Z](?:\d{12}|\d{11}[A-Z])|UN[1-5])$")

RULES: dict[str, tuple[str, str]] = {
    "148": (
        WARNING,
        "Date episode ceased and reason episode ceased must both be coded, or both blank.",
    ),
    "165": (WARNING, "Data entry for mother status is invalid."),
    "168": (WARNING, "Unique Pupil Number (UPN) is not valid (unknown: UN1 to UN5)."),
    "388": (
        WARNING,
        "Reason episode ceased is coded new episode begins, but there is no continuation "
        "episode (or an episode is followed the same day without X1).",
    ),
    "445": (WARNING, "D1 is not a valid code for episodes starting after December 2005."),
}


def flag(r: Record, code: str, field: str, detail: str = "") -> None:
    severity, message = RULES[code]
    r.problem(field, f"{message}{' ' + detail if detail else ''}", code=code, severity=severity)


def check_episode(r: Record) -> None:
    """Row rules on one episode."""
    d = r.data
    if (d.get("DEC") is None) != (not d.get("REC")) and not any(
        p.field == "DEC" for p in r.problems
    ):
        flag(r, "148", "REC" if d.get("DEC") else "DEC")
    start = d.get("DECOM")
    if d.get("LS") == "D1" and start is not None and start > D1_LAST_START:
        flag(r, "445", "LS")


def check_header(r: Record) -> None:
    upn = r.data.get("UPN", "")
    if upn and not UPN.match(upn):
        flag(r, "168", "UPN", f"'{upn}'.")


def check_mother(header: Record, has_care_episode: bool) -> None:
    """165: MOTHER is 0 or 1, only for a girl; a girl with a care episode in the year needs it."""
    mother, sex = header.data.get("MOTHER", ""), header.data.get("SEX", "")
    if mother and mother not in ("0", "1"):
        flag(header, "165", "MOTHER", f"'{mother}' is not 0 or 1.")
    elif mother and sex == "1":
        flag(header, "165", "MOTHER", "It is given for a boy.")
    elif not mother and sex == "2" and has_care_episode:
        flag(header, "165", "MOTHER", "It is blank for a girl looked after in the year.")


def check_continuations(episodes: list[Record]) -> None:
    """388 on one return's episodes of one child, ordered by DECOM: an X1 needs a next episode
    starting the day it ceased; an episode followed the same day must cease X1; the last
    episode must not cease X1."""
    ordered = sorted((r for r in episodes if r.data.get("DECOM")), key=lambda r: r.data["DECOM"])
    for n, r in enumerate(ordered):
        end, rec = r.data.get("DEC"), r.data.get("REC", "")
        following = ordered[n + 1] if n + 1 < len(ordered) else None
        if end is None:
            continue
        if following is None:
            if rec == "X1":
                flag(r, "388", "REC", "No episode follows it.")
        elif rec == "X1" and following.data["DECOM"] != end:
            flag(r, "388", "REC", f"The next episode starts {following.data['DECOM']:%d/%m/%Y}.")
        elif rec and rec != "X1" and following.data["DECOM"] == end:
            flag(r, "388", "REC", "The next episode starts the same day.")


def check_return(records: list[Record]) -> None:
    """The cross-row rules of each return (collection year) in hand."""
    episodes: dict[tuple[int, str], list[Record]] = defaultdict(list)
    for r in records:
        if r.table == "episodes" and r.data.get("CHILD"):
            episodes[(r.data["_year"], r.data["CHILD"])].append(r)
    for chain in episodes.values():
        check_continuations(chain)
    in_care = {
        key
        for key, chain in episodes.items()
        if any(r.data.get("LS") not in ("V3", "V4") for r in chain)
    }
    for r in records:
        if r.table == "header" and r.data.get("CHILD"):
            check_mother(r, (r.data["_year"], r.data["CHILD"]) in in_care)
