"""Safe XML parsing: DTDs, entities and external references refused before anything is read.

defusedxml raises on any DOCTYPE (forbid_dtd), entity declaration or external reference, so a
billion-laughs, external-entity, parameter-entity or external-DTD file is rejected without
expanding or fetching anything. ElementTree never processes XInclude by itself; an xi:include
element is still refused so nobody later feeds the tree to an XInclude processor."""

from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

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
