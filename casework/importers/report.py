"""What an import found: every problem listed by file, row and field."""

from dataclasses import asdict, dataclass, field
from typing import Any

ERROR = "error"
WARNING = "warning"


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
    # The DfE validation rule code (SSDA903 rules such as "148"), when the problem is one.
    code: str = ""
    # "error" makes the record unusable (quarantined); "warning" loads it with the flag.
    severity: str = "error"
    child: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        where = self.file if not self.row else f"{self.file} row {self.row}"
        if self.field:
            where += f" field {self.field}"
        rule = (
            f"[{self.code}{' warning' if self.severity == WARNING else ''}] " if self.code else ""
        )
        return f"{where}: {rule}{self.message}"


@dataclass
class Record:
    """One parsed row/element, ready to load once validated."""

    table: str
    file: str
    row: int
    data: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)

    def problem(
        self, field_name: str, message: str, *, code: str = "", severity: str = "error"
    ) -> None:
        self.problems.append(
            Problem(
                self.file,
                self.row,
                field_name,
                message,
                table=self.table,
                code=code,
                severity=severity,
                child=str(self.data.get("CHILD") or ""),
            )
        )

    @property
    def valid(self) -> bool:
        return not any(p.severity == ERROR for p in self.problems)
