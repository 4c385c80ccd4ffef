# ruff: noqa: E501 - the hostile documents are kept as attackers write them.
"""Hostile XML is refused before anything it points to is read, quickly, with nothing loaded."""

import time
from pathlib import Path

import pytest

from casework.importers import xml_safe
from casework.importers.cin_census import CINCensusImporter
from casework.importers.pipeline import run_import
from casework.models import Child, ImportRun

SECRET = "/etc/hostname"

HOSTILE = {
    "external_entity": f"""<?xml version="1.0"?>
<!DOCTYPE Message [<!ENTITY xxe SYSTEM "file://{SECRET}">]>
<Message><Children><Child><ChildIdentifiers><LAchildID>&xxe;</LAchildID></ChildIdentifiers></Child></Children></Message>""",
    "parameter_entity": """<?xml version="1.0"?>
<!DOCTYPE Message [<!ENTITY % p SYSTEM "http://127.0.0.1:9/evil.dtd"> %p;]>
<Message><Children/></Message>""",
    "billion_laughs": """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<Message><Children><Child><ChildIdentifiers><LAchildID>&lol9;</LAchildID></ChildIdentifiers></Child></Children></Message>""",
    "external_dtd": """<?xml version="1.0"?>
<!DOCTYPE Message SYSTEM "http://127.0.0.1:9/cin.dtd">
<Message><Children/></Message>""",
    "xinclude": f"""<?xml version="1.0"?>
<Message xmlns:xi="http://www.w3.org/2001/XInclude"><Children>
<xi:include href="file://{SECRET}" parse="text"/></Children></Message>""",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_is_rejected_quickly_with_nothing_loaded(db, tmp_path, name):
    path = tmp_path / f"{name}.xml"
    path.write_text(HOSTILE[name])
    started = time.perf_counter()
    result = run_import(CINCensusImporter(), [path])
    elapsed = time.perf_counter() - started
    assert result.run.outcome == ImportRun.Outcome.REJECTED
    assert result.problems[0].structural
    assert "Refused" in result.problems[0].message
    assert elapsed < 2, f"{name} took {elapsed:.2f}s"
    assert Child.objects.count() == 0
    secret = Path(SECRET).read_text().strip() if Path(SECRET).exists() else "\0"
    assert secret not in str(result.run.errors)


def test_oversize_file_is_rejected_before_parsing(db, tmp_path, monkeypatch):
    monkeypatch.setattr(xml_safe, "MAX_XML_BYTES", 1000)
    path = tmp_path / "big.xml"
    path.write_text("<Message><Children>" + "<Child/>" * 500 + "</Children></Message>")
    started = time.perf_counter()
    result = run_import(CINCensusImporter(), [path])
    assert time.perf_counter() - started < 2
    assert not result.ok
    assert "limit is 1,000 bytes" in result.problems[0].message


def test_malformed_xml_is_a_structural_error(db, tmp_path):
    path = tmp_path / "broken.xml"
    path.write_text("<Message><Children><Child></Message>")
    result = run_import(CINCensusImporter(), [path])
    assert not result.ok
    assert "Not well-formed XML" in result.problems[0].message
