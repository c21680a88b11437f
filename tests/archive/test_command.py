import zipfile

import pytest
from django.core.management import CommandError, call_command

from etjanst.archive.models import ArchiveExport
from etjanst.cases.models import CaseEvent

from .validation import accepted, validate_package


def test_the_command_writes_a_valid_package_of_the_period(world, tmp_path, capsys):
    day = world["closed"].status_changed_at.date().isoformat()
    out = tmp_path / "felanmalan.zip"
    call_command(
        "export_archive", eservice="felanmalan", start=day, end=day, out=str(out), by="Greta"
    )
    assert accepted(validate_package(out))
    export = ArchiveExport.objects.get()
    assert export.exported_by == "Greta (manage.py export_archive)"
    assert export.sha256 in capsys.readouterr().out
    assert list(export.cases.all()) == [world["closed"]]  # not the open one
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.EXPORTED).count() == 1
    assert any(n.endswith("METS.xml") for n in zipfile.ZipFile(out).namelist())


def test_the_command_refuses_an_empty_period_and_leaves_no_file(world, tmp_path):
    out = tmp_path / "tom.zip"
    with pytest.raises(CommandError, match="inga avslutade ärenden"):
        call_command(
            "export_archive",
            eservice="felanmalan",
            start="2020-01-01",
            end="2020-01-31",
            out=str(out),
        )
    assert not out.exists()
    with pytest.raises(CommandError, match="ingen e-tjänst"):
        call_command(
            "export_archive",
            eservice="finns-inte",
            start="2020-01-01",
            end="2020-01-31",
            out=str(out),
        )
