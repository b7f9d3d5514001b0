"""Documents as bytes and stored JSON (cleanprod.services.documents)."""

from __future__ import annotations

import pytest

from cleanprod.errors import DocumentError, FileFormatError
from cleanprod.services.documents import (
    document_bytes,
    document_from_json,
    document_json,
    read_upload,
)


def test_stored_json_round_trips_and_bad_json_is_located(example):
    document = example("lao-furniture")
    data = document_json(document)
    assert document_from_json(data) == document
    data["flows"][0]["value"] = "a lot"
    with pytest.raises(DocumentError) as error:
        document_from_json(data, source="version 3")
    where = error.value.problems[0].where
    assert where.startswith("version 3") and "flows[0]" in where


@pytest.mark.parametrize("form", ["yaml", "json", "xlsx"])
def test_download_and_upload_give_the_same_document(form, example):
    document = example("vn-silk-dyeing")
    content = document_bytes(document, form)
    assert read_upload(content, f"silk.{form}") == document


def test_upload_problems_name_the_users_file_not_a_temporary_one():
    with pytest.raises(DocumentError) as error:
        read_upload(b"format: cleanprod/1\ntitle: [unclosed\n", "plant.yaml")
    assert all(str(problem).startswith("plant.yaml") for problem in error.value.problems)
    assert "/tmp" not in str(error.value)
    with pytest.raises(FileFormatError, match=r"plant\.docx"):
        read_upload(b"PK", "plant.docx")
