"""Why a case cannot go to the e-archive: typed errors with the Swedish text."""


class ArchiveError(Exception):
    """Nothing was exported; `message` says why, for the person who asked."""

    code = "archive-error"

    def __init__(self, message: str) -> None:
        self.message = str(message)
        super().__init__(self.message)


class CaseNotClosed(ArchiveError):
    code = "case-not-closed"


class CasePurged(ArchiveError):
    code = "case-purged"


class NothingToExport(ArchiveError):
    code = "nothing-to-export"


class BadPeriod(ArchiveError):
    code = "bad-period"
