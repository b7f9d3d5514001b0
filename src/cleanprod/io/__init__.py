"""Reading and writing files: the assessment document as YAML, JSON and XLSX."""

from cleanprod.io.documents import (
    SUFFIXES,
    document_data,
    read_document,
    write_document,
)

__all__ = ["SUFFIXES", "document_data", "read_document", "write_document"]
