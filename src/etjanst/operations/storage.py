"""The file store (a disk or an S3-compatible object store) failing: the
resident gets a kind page saying nothing was saved and to try again; the log
gets one line. Whatever was being written is rolled back with the request's
transaction, so no case is half written."""

from __future__ import annotations

import errno
import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)

#: A full, read-only or broken disk (FileSystemStorage).
_DISK_ERRORS = {errno.ENOSPC, errno.EIO, errno.EROFS, errno.EDQUOT}


def store_unavailable(exc: BaseException) -> bool:
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # no object storage installed
        boto_errors: tuple = ()
    else:
        boto_errors = (BotoCoreError, ClientError)
    if boto_errors and isinstance(exc, boto_errors):
        return True
    return isinstance(exc, OSError) and exc.errno in _DISK_ERRORS


class StorageUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not store_unavailable(exc):
            return None
        logger.error("File store unavailable (%s: %s)", type(exc).__name__, str(exc)[:300])
        response = render(request, "operations/storage_unavailable.html", status=503)
        response["Retry-After"] = "30"
        return response
