"""The committee report's drafted narrative: sentences written from the numbers, in the register of
the report a performance officer writes by hand (DESIGN.md section 1, the seed report).

The rules, each from the seed report:

- **Change is a percentage of the earlier value**, to one decimal place ("up by 12.5% from 400 to
  450"), for percentages too ("down by 12.5% from 80% to 70%"): the report's note says every
  change is shown as a percentage increase or decrease. It is always computed from the two
  numbers stated, never copied (2,000 to 1,750 is a 12.5% fall, whatever a hand-written draft said).
- **The verb follows the direction, the judgement follows the polarity**: a count rises or falls
  ("increased", "reduced"); where the measure has a polarity the sentence says whether that is an
  improvement or a decline; a run of changes the same way "continued to increase".
- **The rating in words, against the target**: "within tolerance of the 85% target".
- **Each measure points to its figure** ("(see Fig. 10)") and **says "no figure" in words** when
  there is no data.
- **The summary** names the three measures furthest below target (by how many tolerances short)
  and the largest movements since last quarter.

Nothing here reads the database: the report presenter passes the rows and trends in.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from scorecard.periods import Quarter
from scorecard.rating import Rating, effective_tolerance, percent_change, shortfall

ORDINAL_QUARTERS = {1: "Quarter 1", 2: "Quarter 2", 3: "Quarter 3", 4: "Quarter 4"}
NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight"}


@dataclass(frozen=True)
class Phrase:
    """How the report speaks of a measure. A count: `noun` follows the number ("450 children
    subject to protection plans"). A percentage: `noun` is the whole cohort and `predicate`
    what the counted part did ("81% (1,630) of all assessments completed ... were within 45
    working days")."""

    noun: str
    predicate: str = ""


PHRASES: dict[str, Phrase] = {
    "open_children": Phrase("children open to social care"),
    "cin_count": Phrase("children in need"),
    "cp_count": Phrase("children subject to protection plans"),
    "cic_count": Phrase("children in care"),
    "allocated_pct": Phrase("children open to social care", "had an allocated case worker"),
    "allocated_timely_pct": Phrase(
        "children open to social care", "were allocated to a worker in a timely way"
    ),
    "case_holding_workers": Phrase("case holding workers"),
    "sw_over_20": Phrase("social workers responsible for more than 20 children each"),
    "sw_over_25": Phrase("social workers responsible for more than 25 children"),
    "part_time_fte_over_20": Phrase(
        "part-time social workers holding a full-time-equivalent caseload of 20 children or more"
    ),
    "sw_changes_lt3_pct": Phrase(
        "children open to social care",
        "had fewer than 3 changes of social worker in the last 6 months",
    ),
    "sw_changes_3plus": Phrase(
        "children who had 3 or more changes of social worker in the last 6 months"
    ),
    "contact_decision_24h_pct": Phrase("contact decisions", "were made within 24 hours of contact"),
    "contact_decision_48h_pct": Phrase("contact decisions", "were made within 48 hours of contact"),
    "contact_to_referral_pct": Phrase("contacts", "led to a referral"),
    "referral_to_assessment_pct": Phrase("referrals", "led to an assessment"),
    "contact_to_assessment_pct": Phrase("contacts", "led to an assessment"),
    "referral_not_seen": Phrase(
        "children referred who have not been visited or have no recorded visit"
    ),
    "rereferral_12m_pct": Phrase("referrals", "were re-referrals within 12 months"),
    "s17_seen_timely_pct": Phrase(
        "children referred", "were seen within 5 working days of referral"
    ),
    "s47_seen_timely_pct": Phrase(
        "children subject to a section 47 enquiry", "were seen within 1 working day"
    ),
    "assessment_45d_pct": Phrase("all assessments completed", "were within 45 working days"),
    "open_assessment_in_time_pct": Phrase("open assessments", "were within timescale"),
    "cin_seen_pct": Phrase("children in need", "had been seen within timescale"),
    "cin_visit_overdue": Phrase(
        "children in need with visits either incomplete or outside of timescales"
    ),
    "cin_plan_le_1y_pct": Phrase("children in need", "had been on a plan for 1 year or less"),
    "cin_plan_gt_1y": Phrase("children in need on a plan for more than 12 months"),
    "cin_plan_timely_pct": Phrase(
        "children in need",
        "had a plan put in place in a timely way or remained within the assessment period",
    ),
    "cin_no_plan_overdue": Phrase(
        "children in need who do not have a plan in place and are outside of timescale"
    ),
    "cp_seen_10wd_pct": Phrase(
        "children on child protection plans", "had been seen within 10 working days"
    ),
    "cp_repeat_pct": Phrase(
        "children on child protection plans", "were subject to a second or subsequent plan"
    ),
    "cp_lt_2y_pct": Phrase(
        "children on child protection plans", "had been subject to a plan for less than 2 years"
    ),
    "icpc_15wd_pct": Phrase(
        "initial child protection conferences", "were held within 15 working days"
    ),
    "rcpc_timely_pct": Phrase("review conferences", "were completed in timescale"),
    "cic_readmission_12m_pct": Phrase("admissions to care", "were readmissions"),
    "cic_readmitted_q": Phrase("children readmitted to care"),
    "cic_s20": Phrase("children accommodated under section 20"),
    "cic_assessment_gt_12m": Phrase(
        "children in care whose last assessment was over 12 months ago"
    ),
    "pathway_plan_in_place_pct": Phrase(
        "young people who should have a pathway plan", "had one in place"
    ),
    "pathway_plan_current_pct": Phrase("pathway plans in place", "were up to date"),
    "cic_3plus_placements": Phrase(
        "children in care who had 3 or more placement moves in the last 12 months"
    ),
    "cic_out_of_county": Phrase("children in care in an out-of-county placement"),
    "cic_health_check_pct": Phrase("children in care", "had an up-to-date health check"),
    "cic_dental_check_pct": Phrase("children in care", "had an up-to-date dental check"),
    "momo_accounts": Phrase("young people with their own Mind of My Own account"),
    "momo_worker_accounts": Phrase("workers with a Mind of My Own account"),
    "momo_statements_q": Phrase("Mind of My Own statements sent by children"),
    "momo_children_q": Phrase("children who sent a Mind of My Own statement"),
    "complaints_upheld_pct": Phrase("complaints received", "were upheld or partially upheld"),
    "complaints_q": Phrase("complaints received"),
    "visit_recorded_late_pct": Phrase(
        "visits", "were written up more than 5 working days after they took place"
    ),
}


@dataclass(frozen=True)
class Facts:
    """What a sentence is written from: one measure's figures for the quarter, the quarter-end
    values before it (oldest first, ending with the previous quarter's; None where there was
    no figure), and the number of its figure in the report."""

    code: str
    title: str
    unit: str  # "count" or "percent"
    better: str  # "up", "down" or ""
    kind: str  # "stock" or "flow"
    period_start: date
    period_end: date
    value: Decimal | None
    numerator: int | None = None
    target: Decimal | None = None
    tolerance: Decimal | None = None
    rating: Rating | None = None
    previous: Decimal | None = None
    earlier: tuple[Decimal | None, ...] = ()
    benchmark: Decimal | None = None
    benchmark_label: str = ""
    figure: int | None = None


# --- Numbers in words ----------------------------------------------------------------------------


def number(value: Decimal | int | float) -> str:
    """1,750 or 70.5: thousands separated, no trailing zeros."""
    d = Decimal(str(value))
    if d == d.to_integral_value():
        return f"{int(d):,}"
    return f"{d.normalize():,f}"


def figure_value(value: Decimal | int | float, unit: str) -> str:
    """A measure's value in its unit: "70.5%" or "450"."""
    if unit == "percent":
        return number(Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_UP)) + "%"
    return number(value)


def change_words(previous: Decimal, current: Decimal, unit: str) -> str:
    """ "up by 12.5% from 400 to 450", "unchanged at 90.8%", "up from 0 to 4"."""
    pct = percent_change(Decimal(previous), Decimal(current))
    prev, cur = figure_value(previous, unit), figure_value(current, unit)
    if Decimal(current) == Decimal(previous):
        return f"unchanged at {cur}"
    word = "up" if current > previous else "down"
    if pct is None:
        return f"{word} from {prev} to {cur}"
    return f"{word} by {number(abs(pct))}% from {prev} to {cur}"


def period_words(facts: Facts) -> str:
    """When a figure is for: "at the end of September 2018", "in Quarter 2", "in the 12 months
    to September 2018", "between May and September 2018"."""
    end = facts.period_end
    if facts.kind != "flow":
        return f"at the end of {end:%B %Y}"
    quarter = Quarter.containing(end)
    if facts.period_start == quarter.start and end == quarter.end:
        return f"in {ORDINAL_QUARTERS[quarter.number]}"
    months = (end.year - facts.period_start.year) * 12 + end.month - facts.period_start.month + 1
    if months == 12:
        return f"in the 12 months to {end:%B %Y}"
    return f"between {facts.period_start:%B} and {end:%B %Y}"


def _phrase(facts: Facts) -> Phrase:
    found = PHRASES.get(facts.code)
    if found:
        return found
    if facts.unit == "percent":
        return Phrase("the cohort", f"met the measure ({facts.title.lower()})")
    return Phrase(facts.title[0].lower() + facts.title[1:])


def _see(facts: Facts) -> str:
    return f" (see Fig. {facts.figure})" if facts.figure else ""


# --- Judgements ----------------------------------------------------------------------------------


def rating_words(facts: Facts) -> str:
    """The rating against the target, as the report words it; "" without a target."""
    if facts.rating is None or facts.target is None:
        return ""
    target = f"the {figure_value(facts.target, facts.unit)} target"
    if facts.rating == Rating.GOOD:
        met = facts.value is not None and Decimal(facts.value) == Decimal(facts.target)
        if met:
            return f"meeting {target}"
        return f"above {target}" if facts.better == "up" else f"better than {target}"
    if facts.rating == Rating.ACCEPTABLE:
        return f"within tolerance of {target}"
    if facts.rating == Rating.YELLOW:
        return f"just below tolerance of {target}"
    if facts.rating == Rating.AMBER:
        return f"below tolerance of {target}"
    return f"well below {target}"


def judgement(facts: Facts, previous: Decimal, current: Decimal) -> str:
    """ "an improvement" or "a decline", by the measure's polarity; "" where it has none."""
    if facts.better not in ("up", "down") or previous == current:
        return ""
    improved = (current > previous) == (facts.better == "up")
    return "an improvement" if improved else "a decline"


def _run(facts: Facts) -> tuple[int, Decimal | None]:
    """How many quarters in a row the figure has moved the same way, ending this quarter, and
    the value the run started from."""
    values = [*facts.earlier, facts.previous, facts.value]
    if facts.value is None or facts.previous is None or facts.value == facts.previous:
        return 0, None
    rising = facts.value > facts.previous
    length, start = 1, facts.previous
    for before, after in zip(reversed(values[:-2]), reversed(values[1:-1]), strict=True):
        if before is None or after is None or before == after or (after > before) != rising:
            break
        length, start = length + 1, before
    return length, start


# --- Sentences -----------------------------------------------------------------------------------


def no_data_sentence(facts: Facts) -> str:
    return (
        f"There is no figure for {facts.title[0].lower() + facts.title[1:]} "
        f"{period_words(facts)}{_see(facts)}."
    )


def count_sentences(facts: Facts) -> list[str]:
    assert facts.value is not None
    phrase = _phrase(facts)
    when = period_words(facts)
    value = figure_value(facts.value, "count")
    if facts.previous is None:
        verb = "was" if facts.value == 1 else "were"
        return [
            f"There {verb} {value} {phrase.noun} {when}{_see(facts)}.",
            "There is no figure for the previous quarter to compare with.",
        ]
    length, start = _run(facts)
    current, previous = Decimal(facts.value), Decimal(facts.previous)
    if current == previous:
        main = (
            f"The number of {phrase.noun} remained the same this quarter, "
            f"{change_words(previous, current, 'count')}{_see(facts)}"
        )
    else:
        rising = current > previous
        verb = (
            ("continued to increase" if rising else "continued to reduce")
            if length > 1
            else ("increased" if rising else "reduced")
        )
        main = (
            f"The number of {phrase.noun} {verb} this quarter, "
            f"{change_words(previous, current, 'count')}{_see(facts)}"
        )
    verdict = judgement(facts, previous, current)
    sentences = [f"{main}{', ' + verdict if verdict else ''}."]
    if length > 1 and start is not None:
        sentences.append(
            f"Over the last {NUMBER_WORDS.get(length, str(length))} quarters it is "
            f"{change_words(start, current, 'count')}."
        )
    return sentences


def percent_sentences(facts: Facts) -> list[str]:
    assert facts.value is not None
    phrase = _phrase(facts)
    when = period_words(facts)
    value = figure_value(facts.value, "percent")
    counted = f" ({number(facts.numerator)})" if facts.numerator is not None else ""
    if facts.kind == "flow":
        main = f"{value}{counted} of {phrase.noun} {when} {phrase.predicate}"
    else:
        main = f"{value}{counted} of {phrase.noun} {phrase.predicate} {when}"
    rated = rating_words(facts)
    sentences = [f"{main}{', ' + rated if rated else ''}{_see(facts)}."]
    if facts.previous is None:
        sentences.append("There is no figure for the previous quarter to compare with.")
    else:
        previous, current = Decimal(facts.previous), Decimal(facts.value)
        verdict = judgement(facts, previous, current)
        length, start = _run(facts)
        change = change_words(previous, current, "percent")
        if current == previous:
            sentences.append(f"This is the same as last quarter, {change}.")
        elif verdict:
            if length > 1:
                verdict = verdict.replace("an improvement", "a further improvement").replace(
                    "a decline", "a further decline"
                )
            sentences.append(f"This is {verdict} on last quarter, {change}.")
        else:
            sentences.append(f"Compared with last quarter this is {change}.")
        if length > 1 and start is not None:
            sentences.append(
                f"Over the last {NUMBER_WORDS.get(length, str(length))} quarters it is "
                f"{change_words(start, current, 'percent')}."
            )
    if facts.benchmark is not None:
        mark = figure_value(facts.benchmark, facts.unit)
        label = facts.benchmark_label or "the benchmark"
        if facts.better in ("up", "down") and Decimal(facts.value) != Decimal(facts.benchmark):
            better = shortfall(Decimal(facts.value), Decimal(facts.benchmark), facts.better) < 0
            compared = "better than" if better else "worse than"
            sentences.append(f"Performance is {compared} {label} ({mark}).")
        else:
            sentences.append(f"The benchmark for {label} is {mark}.")
    return sentences


def measure_sentences(facts: Facts) -> list[str]:
    """The drafted sentences for one measure."""
    if facts.value is None:
        return [no_data_sentence(facts)]
    if facts.unit == "percent":
        return percent_sentences(facts)
    return count_sentences(facts)


def measure_paragraph(facts: Facts) -> str:
    return " ".join(measure_sentences(facts))


# --- The summary ---------------------------------------------------------------------------------


def tolerances_short(facts: Facts) -> Decimal | None:
    """How far below target, in tolerances (so 5 points short of an 80% target with a
    5-point tolerance is 1.0). None when on or above target, or without a rating."""
    if facts.value is None or facts.target is None or facts.better not in ("up", "down"):
        return None
    gap = shortfall(Decimal(facts.value), Decimal(facts.target), facts.better)
    if gap <= 0:
        return None
    tolerance = effective_tolerance(Decimal(facts.target), facts.tolerance, facts.unit)
    return gap / tolerance if tolerance else gap


def furthest_below_target(all_facts: Sequence[Facts], count: int = 3) -> list[Facts]:
    short = [(tolerances_short(f), f) for f in all_facts]
    ranked = sorted(
        ((gap, f) for gap, f in short if gap is not None), key=lambda item: (-item[0], item[1].code)
    )
    return [f for _, f in ranked[:count]]


def largest_movements(all_facts: Sequence[Facts], count: int = 3) -> list[Facts]:
    """The measures with a polarity that moved most since last quarter, as a percentage."""
    moved = []
    for f in all_facts:
        if f.value is None or f.previous is None or f.better not in ("up", "down"):
            continue
        pct = percent_change(Decimal(f.previous), Decimal(f.value))
        if pct:
            moved.append((abs(pct), f))
    moved.sort(key=lambda item: (-item[0], item[1].code))
    return [f for _, f in moved[:count]]


def _listed(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return "; ".join(items[:-1]) + "; and " + items[-1]


def summary_paragraphs(
    all_facts: Sequence[Facts], risks: Sequence[tuple[str, int, str]] = ()
) -> list[str]:
    """The summary of key performance: the rated measures by rating, the three furthest below
    target, the largest movements, the highest risks (title, score, level) and any measure
    without a figure."""
    paragraphs = []
    rated = [f for f in all_facts if f.rating is not None]
    if rated:
        good = sum(1 for f in rated if f.rating == Rating.GOOD)
        within = sum(1 for f in rated if f.rating == Rating.ACCEPTABLE)
        below = len(rated) - good - within
        paragraphs.append(
            f"Of the {len(rated)} measures with a target, {good} met or exceeded it, {within} "
            f"{'was' if within == 1 else 'were'} within tolerance and {below} "
            f"{'was' if below == 1 else 'were'} below target."
        )
    worst = furthest_below_target(all_facts)
    if worst:
        items = [
            f"{f.title.lower()} ({figure_value(f.value, f.unit)} against the "  # type: ignore[arg-type]
            f"{figure_value(f.target, f.unit)} target, {f.rating.label if f.rating else ''}"  # type: ignore[arg-type]
            f"{', see Fig. ' + str(f.figure) if f.figure else ''})"
            for f in worst
        ]
        paragraphs.append(
            f"The {NUMBER_WORDS.get(len(worst), str(len(worst)))} measures furthest below target "
            f"are {_listed(items)}."
            if len(worst) > 1
            else f"The measure furthest below target is {items[0]}."
        )
    else:
        paragraphs.append("No measure with a target is below it this quarter.")
    moved = largest_movements(all_facts)
    if moved:
        items = [
            f"{f.title.lower()}, {change_words(f.previous, f.value, f.unit)}, "  # type: ignore[arg-type]
            f"{judgement(f, Decimal(f.previous), Decimal(f.value))}"  # type: ignore[arg-type]
            for f in moved
        ]
        paragraphs.append(f"The largest movements since last quarter were in {_listed(items)}.")
    if risks:
        top = sorted(risks, key=lambda r: (-r[1], r[0]))[:3]
        items = [f"{title.rstrip('.')} ({level}, {score})" for title, score, level in top]
        paragraphs.append(f"The highest strategic risks are: {_listed(items)}.")
    missing = [f.title.lower() for f in all_facts if f.value is None]
    if missing:
        paragraphs.append(f"There is no figure this quarter for {_listed(missing)}.")
    return paragraphs


# --- How a draft moved ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DraftChange:
    """A run of words: "same", "removed" (in the old draft only) or "added" (in the new)."""

    kind: str
    text: str


def draft_changes(old: str, new: str) -> list[DraftChange]:
    """The words that changed between the draft an edit was made from and today's draft, for
    the officer to carry into their edit when the numbers move."""
    before, after = old.split(), new.split()
    changes = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            changes.append(DraftChange("same", " ".join(before[a1:a2])))
            continue
        if a2 > a1:
            changes.append(DraftChange("removed", " ".join(before[a1:a2])))
        if b2 > b1:
            changes.append(DraftChange("added", " ".join(after[b1:b2])))
    return changes
