"""Files in an S3-compatible object store (django-storages), tested against
moto's S3 server on a free local port: the real S3 protocol over HTTP."""

import contextlib
import importlib

import boto3
import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.urls import reverse
from moto.server import ThreadedMotoServer

from etjanst.cases.models import Attachment, Case
from etjanst.config.settings import base as base_settings
from tests.eservices.factories import EServiceFactory
from tests.files import PNG_BYTES
from tests.filling import post_step, start, submit
from tests.operations.conftest import free_port

BUCKET = "etjanst-filer"
FORM = {
    "steps": [
        {
            "id": "filer",
            "title": "Filer",
            "questions": [
                {
                    "id": "bilagor",
                    "type": "file",
                    "label": "Bilagor",
                    "validation": {"file_types": ["png"], "max_files": 3, "max_size_mb": 1},
                }
            ],
        }
    ]
}


class S3Server:
    """moto's S3 server in a thread; stop() and start() again on the same
    port keep the bucket (moto's state lives in this process)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server: ThreadedMotoServer | None = None

    def start(self) -> None:
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self._server.start()

    def stop(self) -> None:
        if self._server:
            self._server.stop()
            self._server = None

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name="eu-north-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )


@pytest.fixture(scope="module")
def s3_server():
    server = S3Server()
    server.start()
    client = server.client()
    # moto's state lives in this process: another module may have made it.
    with contextlib.suppress(client.exceptions.BucketAlreadyOwnedByYou):
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-north-1"}
        )
    yield server
    server.stop()


@pytest.fixture
def object_storage(settings, s3_server, monkeypatch):
    """The storage settings/base.py makes when an operator sets S3_BUCKET and
    S3_ENDPOINT_URL (the settings module read again with that environment)."""
    for name, value in {
        "S3_BUCKET": BUCKET,
        "S3_ENDPOINT_URL": s3_server.url,
        "S3_REGION": "eu-north-1",
        "S3_ACCESS_KEY_ID": "testing",
        "S3_SECRET_ACCESS_KEY": "testing",
        "S3_CONNECT_TIMEOUT": "1",
    }.items():
        monkeypatch.setenv(name, value)
    storage = importlib.reload(base_settings).STORAGES["default"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["default_acl"] == "private"
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    yield s3_server
    monkeypatch.undo()
    importlib.reload(base_settings)
    s3_server.stop()
    s3_server.start()  # for the next test, whatever this one did


@pytest.fixture
def eservice(db):
    return EServiceFactory(form=FORM, max_attachments_total_mb=1)


def attach(client, eservice, *files):
    return post_step(client, eservice, 1, {"q_bilagor": list(files)}, shown=["bilagor"])


def stored_keys(server) -> set[str]:
    listing = server.client().list_objects_v2(Bucket=BUCKET)
    return {item["Key"] for item in listing.get("Contents", [])}


def test_every_file_field_uses_the_configured_store():
    """Uploads, receipts, extracts and masked copies: none is pinned to a disk."""
    fields = [
        field
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    ]
    assert {f"{f.model._meta.label}.{f.name}" for f in fields} >= {
        "cases.Case.receipt_pdf",
        "cases.Attachment.file",
        "people.DataExtract.json_file",
        "diarium.Release.masked_pdf",
    }
    assert all(field.storage is default_storage for field in fields)


def test_files_go_to_the_bucket_and_come_back_only_through_our_views(
    client, eservice, object_storage, run_tasks
):
    start(client, eservice)
    assert attach(client, eservice, SimpleUploadedFile("bild.png", PNG_BYTES)).status_code == 302
    submit(client, eservice)
    run_tasks()  # the receipt PDF, made by the worker
    case = Case.objects.get()
    attachment = case.attachments.get()
    keys = stored_keys(object_storage)
    assert {attachment.file.name, case.receipt_pdf.name} <= keys

    # The bucket is private: no grant to everyone, and our view streams the bytes.
    acl = object_storage.client().get_object_acl(Bucket=BUCKET, Key=attachment.file.name)
    assert not [g for g in acl["Grants"] if "AllUsers" in str(g["Grantee"].get("URI", ""))]
    url = reverse("portal:case_attachment", args=[eservice.slug, case.receipt_token, attachment.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG_BYTES
    assert "Location" not in response
    receipt = client.get(reverse("portal:receipt_pdf", args=[eservice.slug, case.receipt_token]))
    assert b"".join(receipt.streaming_content).startswith(b"%PDF")
    assert Client().get(url).status_code == 404  # another browser: nothing


def test_with_the_store_down_an_upload_fails_kindly_and_can_be_retried(
    client, eservice, object_storage
):
    start(client, eservice)
    object_storage.stop()
    response = attach(client, eservice, SimpleUploadedFile("bild.png", PNG_BYTES))
    assert response.status_code == 503
    page = response.content.decode()
    assert "Det gick inte att spara just nu" in page
    assert "inget har skickats in" in page
    assert Attachment.objects.count() == 0
    assert Case.objects.count() == 0

    object_storage.start()
    assert attach(client, eservice, SimpleUploadedFile("bild.png", PNG_BYTES)).status_code == 302
    submit(client, eservice)
    case = Case.objects.get()
    assert case.attachments.count() == 1
    assert case.attachments.get().file.name in stored_keys(object_storage)
