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


_loaded = False


def _load() -> None:
    # Keyed on a flag, not on an empty registry: importing one measure module first (config.urls
    # imports casework.annex_a_export, which imports children_in_care) registers a few measures,
    # and an emptiness check would then never load the others.
    global _loaded
    if _loaded:
        return
    for module in MODULES:
        import_module(module)
    _loaded = True


def all_measures() -> list[Measure]:
    _load()
    return list(_REGISTRY.values())


def get(code: str) -> Measure:
    _load()
    return _REGISTRY[code]
