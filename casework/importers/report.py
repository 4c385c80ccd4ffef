"""What an import found: every problem listed by file, row and field."""

from dataclasses import asdict, dataclass, field
from typing import Any


class StructuralError(Exception):
    """The file as a whole cannot be read: missing columns, unparseable XML, wrong encoding."""

    def __init__(self, file: str, message: str, field: str = "") -> None:
        super().__init__(message)
        self.problem = Problem(file=file, row=0, field=field, message=message, structural=True)


@dataclass(frozen=True)
class Problem:
    file: str
    row: int  # 1-based data row (CSV/XLSX) or the child's position (XML); 0 for the file
    field: str
    message: str
    structural: bool = False
    table: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        where = self.file if not self.row else f"{self.file} row {self.row}"
        if self.field:
            where += f" field {self.field}"
        return f"{where}: {self.message}"


@dataclass
class Record:
    """One parsed row/element, ready to load once validated."""

    table: str
    file: str
    row: int
    data: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)

    def problem(self, field_name: str, message: str) -> None:
        self.problems.append(Problem(self.file, self.row, field_name, message, table=self.table))

    @property
    def valid(self) -> bool:
        return not self.problems
