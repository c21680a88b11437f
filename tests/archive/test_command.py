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


def test_administrators_see_the_exports_read_only(world, tmp_path, client):
    from tests.staff_accounts import log_in_admin

    day = world["closed"].status_changed_at.date().isoformat()
    out = tmp_path / "sip.zip"
    call_command("export_archive", eservice="felanmalan", start=day, end=day, out=str(out))
    log_in_admin(client)
    export = ArchiveExport.objects.get()
    listing = client.get("/admin/archive/archiveexport/")
    assert listing.status_code == 200
    assert export.sha256 in listing.content.decode()
    page = client.get(f"/admin/archive/archiveexport/{export.pk}/change/")
    assert page.status_code == 200
    assert client.post(f"/admin/archive/archiveexport/{export.pk}/delete/").status_code == 403
    assert ArchiveExport.objects.exists()
