"""Accounts: the store (hashing, verify, disable, lock-out by a fixed clock), the ``user`` commands, and
``serve`` refusing a non-loopback address until an admin exists."""

from __future__ import annotations

import datetime as dt
import json
import stat

import pytest
from typer.testing import CliRunner

from orggraph.access.accounts import (
    LOCAL_USER,
    AccountError,
    AccountLocked,
    AccountStore,
    LockoutPolicy,
    LoginFailed,
    PermissionDenied,
    User,
    is_loopback,
    require,
)
from orggraph.app.serve import serve
from orggraph.cli.main import app
from orggraph.model.config import load_settings

T0 = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)  # the tests' own clock, never the wall clock
PASSWORD = "correct horse 1"


@pytest.fixture
def accounts(tmp_path) -> AccountStore:
    store = AccountStore(tmp_path / "data", LockoutPolicy(failures=3, minutes=15))
    store.add("li", "editor", PASSWORD, area="S0009", now=T0)
    return store


def test_passwords_are_kept_as_argon2_hashes_in_a_0600_file(accounts):
    text = accounts.path.read_text(encoding="utf-8")
    assert PASSWORD not in text
    assert json.loads(text)["users"]["li"]["hash"].startswith("$argon2id$")
    assert stat.S_IMODE(accounts.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(accounts.data_dir.stat().st_mode) == 0o700
    assert accounts.get("li") == User("li", "editor", "S0009")


def test_verify_the_right_password_and_refuse_a_wrong_one_or_unknown_name_alike(accounts):
    assert accounts.verify("li", PASSWORD, T0) == User("li", "editor", "S0009")
    with pytest.raises(LoginFailed) as wrong:
        accounts.verify("li", "wrong password", T0)
    with pytest.raises(LoginFailed) as unknown:
        accounts.verify("nobody", PASSWORD, T0)
    assert wrong.value.one_line() == unknown.value.one_line()


def test_a_disabled_user_cannot_log_in_and_may_nothing(accounts):
    accounts.disable("li")
    with pytest.raises(LoginFailed) as right:  # the right password gets the words of a wrong one: no confirmation
        accounts.verify("li", PASSWORD, T0)
    with pytest.raises(LoginFailed) as wrong:
        accounts.verify("li", "not the password", T0)
    assert right.value.one_line() == wrong.value.one_line() and "停用" not in right.value.one_line()
    assert accounts.get("li").disabled and not accounts.get("li").may("read")


def test_lockout_after_failures_persists_across_stores_and_ends_after_its_minutes(accounts):
    for _ in range(2):
        with pytest.raises(LoginFailed):
            accounts.verify("li", "nope", T0)
    with pytest.raises(AccountLocked):
        accounts.verify("li", "nope", T0)  # the third failure locks
    reopened = AccountStore(accounts.data_dir, accounts.policy)  # as after a restart
    with pytest.raises(AccountLocked):
        reopened.verify("li", PASSWORD, T0 + dt.timedelta(minutes=14))  # even the right password waits
    assert reopened.verify("li", PASSWORD, T0 + dt.timedelta(minutes=15, seconds=1)).name == "li"


def test_a_success_resets_the_count_and_a_new_password_lifts_a_lock(accounts):
    for _ in range(2):
        with pytest.raises(LoginFailed):
            accounts.verify("li", "nope", T0)
    accounts.verify("li", PASSWORD, T0)
    for _ in range(2):
        with pytest.raises(LoginFailed) as exc:
            accounts.verify("li", "nope", T0)
        assert not isinstance(exc.value, AccountLocked)
    with pytest.raises(AccountLocked):
        accounts.verify("li", "nope", T0)
    accounts.set_password("li", "another password")
    assert accounts.verify("li", "another password", T0).name == "li"


def test_bad_names_roles_short_passwords_and_repeats_are_refused(accounts):
    refused = [("li", "viewer", PASSWORD), ("a b", "viewer", PASSWORD), ("本机模式", "admin", PASSWORD),
               ("wang", "boss", PASSWORD), ("wang", "viewer", "short")]  # fmt: skip
    for name, role, password in refused:
        with pytest.raises(AccountError):
            accounts.add(name, role, password)
    with pytest.raises(AccountError):
        accounts.disable("nobody")


def test_roles_are_sets_of_rights():
    viewer, editor, admin = User("v", "viewer"), User("e", "editor"), User("a", "admin")
    assert viewer.may("read") and not viewer.may("import") and not viewer.may("whatif")
    assert editor.may("import") and editor.may("whatif") and not editor.may("admin")
    assert admin.may("admin") and LOCAL_USER.may("admin") and LOCAL_USER.area is None
    with pytest.raises(PermissionDenied, match="may not import"):
        require(viewer, "import")


def test_loopback_addresses():
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.8.0.1", "::1", "[::1]", "localhost"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "10.0.0.5", "::", "intranet.example"))


# -- the CLI --------------------------------------------------------------------------------------------------

runner = CliRunner()


def invoke(args: list[str], env: dict[str, str], stdin: str | None = None):
    return runner.invoke(app, args, env=env, input=stdin, catch_exceptions=False)


@pytest.fixture
def data_env(tmp_path) -> dict[str, str]:
    return {"ORGGRAPH_DATA_DIR": str(tmp_path / "data"), "ORGGRAPH_CONFIG": str(tmp_path / "none.toml")}


def test_user_add_prompts_twice_then_list_passwd_disable(data_env, tmp_path):
    twice = f"{PASSWORD}\n{PASSWORD}\n"
    added = invoke(["user", "add", "李明", "--role", "editor"], data_env, twice)
    assert added.exit_code == 0, added.output
    assert PASSWORD not in added.output
    listed = json.loads(invoke(["user", "list", "--format", "json"], data_env).stdout)
    assert listed == [{"name": "李明", "role": "editor", "area": None, "disabled": False}]
    assert invoke(["user", "passwd", "李明", "--password-stdin"], data_env, "a new password\n").exit_code == 0
    store = AccountStore(tmp_path / "data")
    assert store.verify("李明", "a new password", T0).role == "editor"
    assert invoke(["user", "disable", "李明"], data_env).exit_code == 0
    assert "停用" in invoke(["user", "list"], data_env).stdout


def test_an_accounts_area_must_be_a_street_of_the_graph(cli_env, demo_store, settings):
    users = AccountStore(settings.resolved_data_dir())
    users.path.unlink(missing_ok=True)
    try:
        ok = invoke(["user", "add", "王芳", "--role", "editor", "--area", "S01", "--password-stdin"], cli_env, "x" * 9)
        assert ok.exit_code == 0 and "S01" in ok.stdout, ok.output
        bad = invoke(["user", "add", "赵强", "--area", "C01", "--password-stdin"], cli_env, "x" * 9)
        assert bad.exit_code == 2 and "不是图中的街道" in bad.stderr and "S01 太白街道" in bad.stderr
        assert [u.name for u in users.users()] == ["王芳"]
    finally:
        users.path.unlink(missing_ok=True)


def test_user_add_with_mismatched_prompts_or_a_short_password_fails(data_env):
    mismatched = runner.invoke(app, ["user", "add", "wang"], env=data_env, input=f"{PASSWORD}\nother one\n")
    assert mismatched.exit_code != 0
    short = invoke(["user", "add", "wang", "--password-stdin"], data_env, "short\n")
    assert short.exit_code == 2 and "至少" in short.stderr
    assert json.loads(invoke(["user", "list", "--format", "json"], data_env).stdout) == []


def test_serve_on_a_non_loopback_address_refuses_without_an_admin_and_starts_nothing(tmp_path):
    settings = load_settings({"data_dir": tmp_path / "data"}, environ={})
    said = []
    with pytest.raises(AccountError, match="admin"):
        serve(settings, port=1, demo_scale=None, say=said.append, host="0.0.0.0")
    assert said == [] and not (tmp_path / "data" / "server.json").exists()
    assert not (tmp_path / "data" / "arcadedb").exists()
    AccountStore(tmp_path / "data").add("ed", "editor", PASSWORD)
    with pytest.raises(AccountError):  # an editor is not enough
        serve(settings, port=1, demo_scale=None, say=said.append, host="10.0.0.5")


def test_cli_serve_host_refusal_is_one_bilingual_line(data_env):
    result = runner.invoke(app, ["serve", "--host", "0.0.0.0"], env=data_env)
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and " | " in lines[0] and "orggraph user add" in lines[0]


@pytest.mark.parametrize(
    ("content", "where"),
    [
        ("[]", "文件内容"),
        ('{"users": []}', "users"),
        ('{"users": {"a": {"role": "god", "hash": "h"}}}', "users.a.role"),
        ('{"users": {"a": {"role": "admin"}}}', "users.a.hash"),
        ('{"users": {"a": {"role": "admin", "hash": "h", "failures": "3"}}}', "users.a.failures"),
    ],
)
def test_an_accounts_file_of_another_shape_is_named_with_the_place_it_breaks(tmp_path, content, where):
    """A users.json edited by hand into another shape: one error naming the file and where, never a missing key
    met later (the app once showed a stack trace for ``[]``)."""
    store = AccountStore(tmp_path)
    store.path.write_text(content, encoding="utf-8")
    with pytest.raises(AccountError) as refused:
        store.get("a")
    assert refused.value.zh == f"无法读取账号文件 {store.path}:{where} 不符合格式"
