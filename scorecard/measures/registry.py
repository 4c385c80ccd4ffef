"""All measures by code. A measure module registers its classes with @register."""

from importlib import import_module

from scorecard.measures.base import Measure

_REGISTRY: dict[str, Measure] = {}

# One module per report section; importing them fills the registry.
MODULES = (
    "scorecard.measures.caseload",
    "scorecard.measures.workforce",
    "scorecard.measures.front_door",
    "scorecard.measures.referrals",
    "scorecard.measures.assessments",
    "scorecard.measures.children_in_need",
    "scorecard.measures.child_protection",
    "scorecard.measures.children_in_care",
    "scorecard.measures.placements",
    "scorecard.measures.health",
    "scorecard.measures.voice",
    "scorecard.measures.feedback",
    "scorecard.measures.recording",
)


def register(cls: type[Measure]) -> type[Measure]:
    if cls.code in _REGISTRY:
        raise ValueError(f"Measure {cls.code} registered twice")
    _REGISTRY[cls.code] = cls()
    return cls


def _load() -> None:
    for module in MODULES:
        import_module(module)


def all_measures() -> list[Measure]:
    if not _REGISTRY:
        _load()
    return list(_REGISTRY.values())


def get(code: str) -> Measure:
    if not _REGISTRY:
        _load()
    return _REGISTRY[code]
