"""Accounts: who may use the app, in which role and which area.

Accounts live in ``users.json`` under the data dir (0600, rewritten atomically under a lock), not in the
graph: they are not party-building data, they must not be exported, cleared or synced with a ledger, and the
same file works whether the graph is the embedded server or a user's Neo4j. Passwords are kept only as
argon2id hashes (``argon2-cffi``); failed logins are counted in the same file, so a lock-out survives a
restart of the app. Every function takes the time it means (``now``), so tests fix it.

A role is a set of rights: ``viewer`` reads, ``editor`` also imports and runs what-ifs, ``admin`` also manages
users, reads the audit log and may see person names (masked for everyone else). ``area`` (a street or other area
id, None = the whole region) is carried for the area scope that later code enforces.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import functools
import ipaddress
import json
import os
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from orggraph.model.errors import OrgGraphError
from orggraph.model.private_files import private_folder

USERS_FILE = "users.json"
_Entry = dict[str, Any]  # one user as users.json keeps it: role, area, hash, disabled, failures, locked_until


class _FileEntry(BaseModel):
    """What a user's entry must hold to be used (checked on every read: a file edited by hand or cut short is said
    in words, never met later as a missing key)."""

    model_config = ConfigDict(strict=True)
    role: str
    hash: str
    area: str | None = None
    disabled: bool = False
    failures: int = 0
    locked_until: str | None = None

    @field_validator("role")
    @classmethod
    def _known_role(cls, role: str) -> str:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        return role


class _UsersFile(BaseModel):
    model_config = ConfigDict(strict=True)
    version: Literal[1] = 1
    users: dict[str, _FileEntry] = {}


ROLES = ("viewer", "editor", "admin")
RIGHTS = {
    "viewer": frozenset({"read"}),
    "editor": frozenset({"read", "import", "whatif"}),
    "admin": frozenset({"read", "import", "whatif", "admin", "names"}),
}
RIGHT_NAMES = {"read": ("查看", "read"), "import": ("导入", "import"), "whatif": ("假设分析", "what-if"),
               "admin": ("管理", "administer"),
               "names": ("查看人员姓名", "see person names")}  # fmt: skip
ROLE_NAMES = {"viewer": ("查看", "viewer"), "editor": ("编辑", "editor"), "admin": ("管理员", "admin")}  # 中文, English
LOCAL_NAME = "本机模式"
MIN_PASSWORD = 8
NAME_PATTERN = re.compile(r"^[\w.\-@\u4e00-\u9fff]{1,64}$")
_HASHER = PasswordHasher()


class AccountError(OrgGraphError):
    """An account that cannot be created or changed as asked."""


class LoginFailed(OrgGraphError):
    """A wrong name or password (one message for both, so a name cannot be probed), or a disabled account."""


class AccountLocked(LoginFailed):
    """Too many failed logins in a row: the account waits until ``until``."""

    def __init__(self, until: dt.datetime) -> None:
        stamp = until.strftime("%H:%M UTC")
        super().__init__(f"登录失败次数过多,账号已锁定至 {stamp}", f"too many failed logins: locked until {stamp}")
        self.until = until


class PermissionDenied(OrgGraphError):
    """The current user's role does not allow the action."""


@dataclass(frozen=True)
class User:
    """Who is using orggraph: a name, a role and an area (None = the whole region)."""

    name: str
    role: str
    area: str | None = None
    disabled: bool = False
    local: bool = False  # the single-user mode on this machine, not an account

    def may(self, right: str) -> bool:
        return not self.disabled and right in RIGHTS[self.role]


LOCAL_USER = User(name=LOCAL_NAME, role="admin", area=None, local=True)


def require(user: User, right: str) -> None:
    """Raise ``PermissionDenied`` unless ``user`` has ``right``.

    >>> require(User("a", "editor"), "import")
    >>> require(User("v", "viewer"), "import")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    orggraph.access.accounts.PermissionDenied: 用户 v(viewer)无权导入 / user v (viewer) may not import
    """
    if not user.may(right):
        zh, en = RIGHT_NAMES[right]
        raise PermissionDenied(f"用户 {user.name}({user.role})无权{zh}", f"user {user.name} ({user.role}) may not {en}")


@dataclass(frozen=True)
class LockoutPolicy:
    failures: int = 5
    minutes: float = 15.0


def _utc(now: dt.datetime) -> str:
    return now.astimezone(dt.UTC).isoformat(timespec="seconds")


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"密码至少 {MIN_PASSWORD} 个字符", f"a password has at least {MIN_PASSWORD} characters")


class AccountStore:
    """The accounts file of one data dir. Every change is read, changed and written back under an exclusive lock,
    so the CLI and the app (or two app sessions) never lose each other's changes."""

    def __init__(self, data_dir: Path, policy: LockoutPolicy | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / USERS_FILE
        self.policy = policy or LockoutPolicy()

    # -- the file -------------------------------------------------------------------------------------------
    def _read(self) -> dict[str, _Entry]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise AccountError(
                f"无法读取账号文件 {self.path}", f"cannot read the accounts file {self.path}: {exc}"
            ) from exc
        try:
            _UsersFile.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise AccountError(
                f"无法读取账号文件 {self.path}:{where or '文件内容'} 不符合格式",
                f"cannot read the accounts file {self.path}: {where or 'its content'} is not as expected "
                f"({first['msg'] if where else 'an object holding the users'})",
            ) from exc
        users: dict[str, _Entry] = data.get("users", {})
        return users

    def _write(self, users: dict[str, _Entry]) -> None:
        tmp = self.path.with_suffix(".json.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"version": 1, "users": users}, fh, ensure_ascii=False, indent=1, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, self.path)

    @contextlib.contextmanager
    def _changing(self) -> Iterator[dict[str, _Entry]]:
        private_folder(self.data_dir)
        fd = os.open(self.data_dir / (USERS_FILE + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            users = self._read()
            yield users
            self._write(users)
        finally:
            os.close(fd)

    def _entry(self, users: dict[str, _Entry], name: str) -> _Entry:
        if name not in users:
            raise AccountError(f"没有用户 {name}", f"no user named {name}")
        return users[name]

    # -- reading ----------------------------------------------------------------------------------------------
    def users(self) -> list[User]:
        return [_user(name, e) for name, e in sorted(self._read().items())]

    def get(self, name: str) -> User | None:
        entry = self._read().get(name)
        return _user(name, entry) if entry else None

    def has_admin(self) -> bool:
        return any(u.role == "admin" and not u.disabled for u in self.users())

    def login_required(self) -> bool:
        """True once any account exists: the app then asks everyone to log in."""
        return bool(self._read())

    def has_areas(self) -> bool:
        """Whether any enabled account answers for an area (the app then keeps the area scope's universe warm)."""
        return any(u.area and not u.disabled for u in self.users())

    # -- changing ---------------------------------------------------------------------------------------------
    def add(self, name: str, role: str, password: str, area: str | None = None, now: dt.datetime | None = None) -> User:
        if not NAME_PATTERN.match(name) or name == LOCAL_NAME:
            raise AccountError(
                f"用户名 {name!r} 无效(1–64 个字母、数字、汉字或 . _ - @)",
                f"invalid user name {name!r} (1-64 letters, digits, Chinese characters or . _ - @)",
            )
        if role not in ROLES:
            raise AccountError(
                f"未知角色 {role},可选 {', '.join(ROLES)}", f"unknown role {role}; use {', '.join(ROLES)}"
            )
        check_password(password)
        with self._changing() as users:
            if name in users:
                raise AccountError(f"用户 {name} 已存在", f"user {name} already exists")
            users[name] = {"role": role, "area": area or None, "hash": _HASHER.hash(password), "disabled": False,
                           "created": _utc(now or _now()), "failures": 0, "locked_until": None}  # fmt: skip
            return _user(name, users[name])

    def set_password(self, name: str, password: str) -> None:
        check_password(password)
        with self._changing() as users:
            entry = self._entry(users, name)
            entry.update(hash=_HASHER.hash(password), failures=0, locked_until=None)

    def disable(self, name: str) -> None:
        with self._changing() as users:
            self._entry(users, name)["disabled"] = True

    def verify(self, name: str, password: str, now: dt.datetime) -> User:
        """The user if the password is theirs; else ``LoginFailed`` (``AccountLocked`` after
        ``policy.failures`` failures in a row, for ``policy.minutes``). A success resets the count."""
        with self._changing() as users:
            entry = users.get(name)
            if entry is None:
                _matches(_dummy_hash(), password)
                raise _wrong()
            locked = entry.get("locked_until")
            if locked and dt.datetime.fromisoformat(locked) > now:
                raise AccountLocked(dt.datetime.fromisoformat(locked))
            if not _matches(entry["hash"], password):
                entry["failures"] = entry.get("failures", 0) + 1
                if entry["failures"] >= self.policy.failures:
                    until = now + dt.timedelta(minutes=self.policy.minutes)
                    entry.update(failures=0, locked_until=_utc(until))
                    error: LoginFailed = AccountLocked(until)
                else:
                    error = _wrong()
            elif entry.get("disabled"):  # the same words as a wrong password: they would confirm it
                error = _wrong()
            else:
                if _HASHER.check_needs_rehash(entry["hash"]):
                    entry["hash"] = _HASHER.hash(password)
                entry.update(failures=0, locked_until=None)
                return _user(name, entry)
        raise error  # raised after the file is written, so the failure count is kept


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _wrong() -> LoginFailed:
    return LoginFailed("用户名或密码错误", "wrong user name or password")


@functools.cache
def _dummy_hash() -> str:
    """What an unknown name's password is verified against, so it takes the time a known one's does; hashed on first
    use, not at import (~85 ms of every command's start)."""
    return _HASHER.hash("not a password of anyone")


def _matches(hashed: str, password: str) -> bool:
    try:
        return _HASHER.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def _user(name: str, entry: _Entry) -> User:
    return replace(User(name=name, role=entry["role"], area=entry.get("area")), disabled=bool(entry.get("disabled")))


def public_rows(users: list[User]) -> list[dict[str, Any]]:
    """Users as table rows: no hash, nothing but what the users table shows."""
    return [{k: v for k, v in asdict(u).items() if k != "local"} for u in users]


def is_loopback(host: str) -> bool:
    """True for an address only this machine reaches (127.0.0.0/8, ::1, localhost).

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0"), is_loopback("10.1.2.3")
    (True, True, False, False)
    """
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def check_can_serve(host: str, accounts: AccountStore) -> None:
    """Serving beyond this machine needs accounts: refuse until at least one enabled admin exists."""
    if not is_loopback(host) and not accounts.has_admin():
        raise AccountError(
            f"在 {host} 上提供服务前请先创建管理员账号:orggraph user add 名字 --role admin",
            f"create an admin account before serving on {host}: orggraph user add NAME --role admin",
        )
