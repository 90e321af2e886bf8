"""The importer's one error: a document it cannot read, or a fact it cannot find."""


class ImportFailure(Exception):
    """Stops an import with a message that says what to do (which option to pass, which file to give)."""
