"""Upload handling of the portal: several files per request, size-limited while streaming.

Django streams multipart files to temporary files (settings.FILE_UPLOAD_MAX_MEMORY_SIZE);
`SizeLimitHandler`, put first in the request's handlers, skips a file as soon as it exceeds
settings.MAX_UPLOAD_BYTES, so an oversized file is never fully written to disk.
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile


class SizeLimitHandler(FileUploadHandler):
    def __init__(self, request=None):
        super().__init__(request)
        self.too_large: list[str] = []
        self.received = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.MAX_UPLOAD_BYTES:
            self.too_large.append(self.file_name)
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None


def install(request) -> SizeLimitHandler:
    """Put the size limit first; call before touching request.POST / request.FILES."""
    handler = SizeLimitHandler(request)
    request.upload_handlers.insert(0, handler)
    return handler
