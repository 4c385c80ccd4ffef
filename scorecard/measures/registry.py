"""All measures by code. A measure module registers its classes with @register."""

from importlib import import_module

from scorecard.measures.base import Measure

_REGISTRY: dict[str, Measure] = {}

# One module per report section; importing them fills the registry.
MODULES = (
    "scorecard.measures.caseload",
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
