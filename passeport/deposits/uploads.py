"""Upload handling of the portal and the API: size-limited and hashed while streaming.

Django streams multipart files to temporary files (settings.FILE_UPLOAD_MAX_MEMORY_SIZE);
`SizeLimitHandler`, put first in the request's handlers, skips a file as soon as it exceeds
settings.MAX_UPLOAD_BYTES, so an oversized file is never fully written to disk.
`HashingTemporaryFileUploadHandler` computes the SHA-256 of a large file as it arrives: the
deposit then moves the temporary file into storage (`reception.store_raw`) instead of copying
it and reading it again — for a 340 MB flux, two passes over the file saved.
"""

import hashlib

from django.conf import settings
from django.core.files.uploadhandler import (
    FileUploadHandler,
    SkipFile,
    TemporaryFileUploadHandler,
)

UPLOAD_CHUNK = 1 << 20


class SizeLimitHandler(FileUploadHandler):
    def __init__(self, request=None, limit: int | None = None):
        super().__init__(request)
        self.too_large: list[str] = []
        self.received = 0
        self.limit = limit

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > (self.limit or settings.MAX_UPLOAD_BYTES):
            self.too_large.append(self.file_name)
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None


class HashingTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Django's handler of large uploads (a temporary file) that also hashes the bytes: the
    uploaded file comes with a `sha256` attribute."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self._sha256 = hashlib.sha256()

    def receive_data_chunk(self, raw_data, start):
        self._sha256.update(raw_data)
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size):
        uploaded = super().file_complete(file_size)
        uploaded.sha256 = self._sha256.hexdigest()
        return uploaded


def install(request, limit: int | None = None) -> SizeLimitHandler:
    """Put the size limit first (settings.MAX_UPLOAD_BYTES, or `limit` bytes) and hash large
    files; call before touching request.POST / request.FILES."""
    handler = SizeLimitHandler(request, limit)
    request.upload_handlers = [handler] + [
        HashingTemporaryFileUploadHandler(request)
        if type(existing) is TemporaryFileUploadHandler
        else existing
        for existing in request.upload_handlers
    ]
    # Django's parser reads the body by the smallest chunk of its handlers (64 KB): a
    # 340 MB flux made 5 000 rounds through every handler; 1 MB chunks make 340.
    for each in request.upload_handlers:
        each.chunk_size = UPLOAD_CHUNK
    return handler
