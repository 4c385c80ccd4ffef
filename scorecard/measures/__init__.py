from scorecard.measures.base import COUNCIL, Measure, MeasureScope, Period, Result
from scorecard.measures.registry import all_measures, get

__all__ = ["COUNCIL", "Measure", "MeasureScope", "Period", "Result", "all_measures", "get"]
