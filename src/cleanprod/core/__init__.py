"""Pure calculations on a validated assessment: no files, no storage, no web."""
