"""No credential a store's error quotes reaches the terminal, the JSON report, the junit file or the expect file."""

from __future__ import annotations

import pytest

from tokenstore_conformance.target.redaction import MASK, redact

PASSWORD = "pw-Zq81xT"
ENV_SECRET = "env-secret-7731"
LEAKING_STORES = f"""
import os
from tokenstore_conformance.reference_stores.list_store import ListTokenStore

class LeaksOnBuild(ListTokenStore):
    def __init__(self):
        raise RuntimeError('missing "=" after "postgresql+psycopg://tokenstore:{PASSWORD}@127.0.0.1:5432/t"')

class LeaksOnFind(ListTokenStore):
    def find_token(self, token):
        raise RuntimeError("connection to mysql://app:{PASSWORD}@localhost/db was refused")

class LeaksAnEnvironmentSecret(ListTokenStore):
    def find_token_by_id(self, id):
        raise RuntimeError("login refused for " + os.environ["STORE_DB_PASSWORD"])

class LeaksItsOwnField(ListTokenStore):
    def __init__(self):
        super().__init__()
        self.db_password = "field-secret-5150"

    def find_token(self, token):
        raise RuntimeError("auth failed with " + self.db_password)

class LeaksOnTheEmptinessCheck(ListTokenStore):
    def get_tokens(self):
        raise RuntimeError("redis://:{PASSWORD}@127.0.0.1:6379/0 is loading")
"""


def _everything_written(run, pytester) -> str:
    files = [p for p in pytester.path.iterdir() if p.suffix in (".json", ".xml", ".txt")]
    return run.stdout + run.stderr + "".join(p.read_text(encoding="utf-8") for p in files)


def test_a_run_of_leaking_stores_writes_no_credential_anywhere(run_kit, pytester, monkeypatch):
    monkeypatch.setenv("STORE_DB_PASSWORD", ENV_SECRET)
    pytester.makepyfile(leaking=LEAKING_STORES)
    run = run_kit(
        "--tokenstore=leaking:LeaksOnBuild",
        "--tokenstore=leaking:LeaksOnFind",
        "--tokenstore=leaking:LeaksAnEnvironmentSecret",
        "--tokenstore=leaking:LeaksItsOwnField",
        "--tokenstore-report=report.json",
        "--junitxml=junit.xml",
        "--tokenstore-expect-write=expect.txt",
        "-k",
        "find or by_id",
    )
    assert run.ret == pytest.ExitCode.TESTS_FAILED, run
    written = _everything_written(run, pytester)
    assert PASSWORD not in written
    assert ENV_SECRET not in written
    assert "field-secret-5150" not in written
    # The messages stay useful: only the secret is masked.
    assert f"postgresql+psycopg://tokenstore:{MASK}@127.0.0.1:5432/t" in written
    assert f"mysql://app:{MASK}@localhost/db was refused" in written
    assert f"login refused for {MASK}" in written
    assert f"auth failed with {MASK}" in written


def test_the_emptiness_check_error_masks_the_url_password(run_kit, pytester):
    pytester.makepyfile(leaking=LEAKING_STORES)
    run = run_kit("--tokenstore=leaking:LeaksOnTheEmptinessCheck")
    assert run.ret == pytest.ExitCode.USAGE_ERROR, run
    assert PASSWORD not in run.stdout + run.stderr
    assert f"redis://:{MASK}@127.0.0.1:6379/0 is loading" in run.stderr, run


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("postgresql://u:p%40ss@h/db", f"postgresql://u:{MASK}@h/db"),
        ("see https://example.test/a:b for more", "see https://example.test/a:b for more"),
        ("mysql+pymysql://root@localhost/db", "mysql+pymysql://root@localhost/db"),
        ("", ""),
    ],
)
def test_only_passwords_of_urls_are_masked(text, shown):
    assert redact(text) == shown


def test_secret_environment_values_are_masked_and_the_store_spec_is_not(monkeypatch):
    monkeypatch.setenv("TOKENSTORE", "mypkg.stores:MyStore")
    monkeypatch.setenv("TOKENSTORE_DATABASE_URL", "postgresql://app:hunter22@127.0.0.1/db")
    monkeypatch.setenv("ZOHO_CLIENT_SECRET", "8c1f0b9d4e2a")
    text = "mypkg.stores:MyStore refused hunter22 and 8c1f0b9d4e2a"
    assert redact(text) == f"mypkg.stores:MyStore refused {MASK} and {MASK}"
