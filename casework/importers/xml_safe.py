"""Safe XML parsing: DTDs, entities and external references refused before anything is read.

defusedxml raises on any DOCTYPE (forbid_dtd), entity declaration or external reference, so a
billion-laughs, external-entity, parameter-entity or external-DTD file is rejected without
expanding or fetching anything. ElementTree never processes XInclude by itself; an xi:include
element is still refused so nobody later feeds the tree to an XInclude processor."""

from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring, iterparse

from casework.importers.report import StructuralError

MAX_XML_BYTES = 200 * 1024 * 1024
XINCLUDE_NS = "{http://www.w3.org/2001/XInclude}"


def parse_xml(path: Path, *, max_bytes: int | None = None) -> Element:
    max_bytes = max_bytes or MAX_XML_BYTES
    size = path.stat().st_size
    if size > max_bytes:
        raise StructuralError(
            path.name, f"File is {size:,} bytes; the limit is {max_bytes:,} bytes."
        )
    data = path.read_bytes()
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise StructuralError(
            path.name,
            "Refused: the file declares a DTD, entity or external reference "
            f"({type(exc).__name__}).",
        ) from None
    except Exception as exc:  # ParseError and encoding errors
        raise StructuralError(path.name, f"Not well-formed XML: {exc}") from None
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.startswith(XINCLUDE_NS):
            raise StructuralError(path.name, "Refused: the file uses XInclude.")
    return root


def strip_namespace(root: Element) -> Element:
    for element in root.iter():
        if isinstance(element.tag, str) and "}" in element.tag:
            element.tag = element.tag.split("}", 1)[1]
    return root


def iter_elements(path: Path, *, max_bytes: int | None = None) -> Iterator[tuple[str, Element]]:
    """("start" | "end", element) pairs read as the file streams in, tags without namespace,
    with the same refusals as `parse_xml` (size, DTD, entities, external references,
    XInclude). The caller may clear or detach each element once it has read it, so a large
    return never sits in memory as a whole tree."""
    max_bytes = max_bytes or MAX_XML_BYTES
    size = path.stat().st_size
    if size > max_bytes:
        raise StructuralError(
            path.name, f"File is {size:,} bytes; the limit is {max_bytes:,} bytes."
        )
    events = iterparse(
        str(path),
        events=("start", "end"),
        forbid_dtd=True,
        forbid_entities=True,
        forbid_external=True,
    )
    try:
        for event, element in events:
            if event == "start" and isinstance(element.tag, str):
                if element.tag.startswith(XINCLUDE_NS):
                    raise StructuralError(path.name, "Refused: the file uses XInclude.")
                if "}" in element.tag:
                    element.tag = element.tag.split("}", 1)[1]
            yield event, element
    except StructuralError:
        raise
    except DefusedXmlException as exc:
        raise StructuralError(
            path.name,
            "Refused: the file declares a DTD, entity or external reference "
            f"({type(exc).__name__}).",
        ) from None
    except Exception as exc:  # ParseError and encoding errors
        raise StructuralError(path.name, f"Not well-formed XML: {exc}") from None
