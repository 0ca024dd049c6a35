"""The one exception tree of orggraph.

Every error carries its message in Chinese and English, because the people who read it work in
Chinese and the people who maintain the tool may not. Only the CLI and the app turn these into
text for a person; everything below them raises.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass


class OrgGraphError(Exception):
    """Root of every error orggraph raises on purpose."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en

    def one_line(self) -> str:
        """The message as one line, Chinese first, for a terminal or a page."""
        return f"{self.zh} | {self.en}".replace("\n", " ")


class ConfigError(OrgGraphError):
    """Settings that cannot work: an unknown backend, a malformed config file."""


FILE_REASONS = {  # what the system said, in words a clerk reads
    errno.ENOENT: "文件或文件夹不存在",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.ENOSPC: "磁盘空间已满",
    errno.EROFS: "只读的文件系统",
    errno.ENOTDIR: "路径中有一项不是文件夹",
    errno.EISDIR: "这是文件夹,不是文件",
    errno.EEXIST: "已经存在",
}


class FileAccessError(OrgGraphError):
    """A file or folder a command reads or writes that the system refuses: none there, no permission, a full disk.

    >>> import errno
    >>> FileAccessError.of(OSError(errno.ENOENT, "No such file or directory", "/tmp/无此目录")).one_line()
    '无法访问 /tmp/无此目录:文件或文件夹不存在 | cannot access /tmp/无此目录: No such file or directory'
    """

    @classmethod
    def of(cls, exc: OSError) -> FileAccessError:
        reason, said = FILE_REASONS.get(exc.errno or 0, exc.strerror or str(exc)), exc.strerror or str(exc)
        if exc.filename is None:  # a socket's or a pipe's error, no file named
            return cls(f"系统拒绝了操作:{reason}", f"the system refused: {said}")
        return cls(f"无法访问 {exc.filename}:{reason}", f"cannot access {exc.filename}: {said}")


class SchemaError(OrgGraphError):
    """A label, relationship type or property that the schema does not declare."""


class StoreUnavailable(OrgGraphError):
    """The graph server cannot be reached (not running, wrong address, port refused)."""


class AuthFailed(OrgGraphError):
    """The graph server refused the credentials."""


class ServerError(OrgGraphError):
    """The embedded server could not be started, stopped or found in a usable state."""


class QueryError(OrgGraphError):
    """A catalogue query or ad-hoc statement that cannot be run as asked."""


class ReadOnlyViolation(QueryError):
    """A statement that would write was sent where only reads are allowed."""


class HistoryError(OrgGraphError):
    """No stored coverage snapshot answers the request (none for that period or area), or a stored one cannot be
    read."""


class LoadInProgress(OrgGraphError):
    """A load written in batches (journaled) is open: the graph holds part of it, so no read is answered
    on it until it is committed (or, cut off, rolled back)."""

    def __init__(self, percent: int | None = None, load_id: str = "") -> None:
        self.percent, self.load_id = percent, load_id
        shown = "" if percent is None else f" ({percent}%)"
        super().__init__(
            f"正在导入{shown}:数据尚不完整,导入结束后再查看",
            f"load in progress{shown}: the graph is incomplete until it ends; no report on partial data",
        )


@dataclass(frozen=True)
class Issue:
    """One problem found in input data, located down to the cell."""

    file: str
    row: int | None
    column: str | None
    value: object
    zh: str
    en: str
    sheet: str | None = None
    severity: str = "error"  # or "warning": reported, not blocking

    def one_line(self) -> str:
        parts = (self.file, self.sheet, f"第{self.row}行 row {self.row}" if self.row else None, self.column)
        where = " · ".join(str(p) for p in parts if p not in (None, ""))
        value = "" if self.value is None or self.value == "" else f" [{self.value}]"
        return f"{where}{value} {self.zh} | {self.en}"


class ValidationError(OrgGraphError):
    """Input that failed validation; carries every issue found, not just the first."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = list(issues)
        errors = sum(1 for i in self.issues if i.severity == "error")
        super().__init__(
            f"数据校验失败,共 {errors} 处错误,未写入任何数据",
            f"validation failed with {errors} error(s); nothing was written",
        )
