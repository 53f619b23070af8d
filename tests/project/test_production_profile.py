"""The production profile: `check --deploy` passes with the environment a site behind TLS has and
names the missing secrets without it; the S3-compatible store is configured from the environment;
`make serve`'s secrets file is written once, private, and never rewritten; the README's table
of settings lists every variable of .env.example.

Settings are read from the environment once per process, so each case runs Django in a
subprocess with its own environment; none uses the suite's database, so they run in the SQLite
pass of `make test` only."""

from __future__ import annotations

import base64
import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    os.environ.get("ENGCERT_DB") == "postgres", reason="independent of the suite's database; run once"
)

ROOT = Path(__file__).resolve().parents[2]
SECRETS_SCRIPT = ROOT / "scripts" / "production-secrets.py"
KEY = base64.urlsafe_b64encode(bytes(range(32))).decode()
OTHER_KEY = base64.urlsafe_b64encode(bytes(range(32, 64))).decode()

# What a site behind a TLS-terminating load balancer sets (the README's deployment guide).
PRODUCTION = {
    "ENGCERT_DB": "postgres",
    "ENGCERT_DB_NAME": "engcert",
    "ENGCERT_REQUIRE_SECRETS": "true",
    "ENGCERT_SECRET_KEY": "Jx3Qv9-kT_2mZp7wLr4sYc8nBd1fHg6aUe0oKi5jXt2q-R8uWmN4vZx7cLp2sDq9fGh",
    "ENGCERT_FIELD_KEYS": f"k1:{KEY}",
    "ENGCERT_INDEX_KEY": OTHER_KEY,
    "ENGCERT_ALLOWED_HOSTS": "engcert.example.org",
    "ENGCERT_CSRF_TRUSTED_ORIGINS": "https://engcert.example.org",
    "ENGCERT_SITE_URL": "https://engcert.example.org",
    "ENGCERT_SECURE_COOKIES": "true",
    "ENGCERT_SSL_REDIRECT": "true",
    "ENGCERT_HSTS_SECONDS": "31536000",
    "ENGCERT_HSTS_INCLUDE_SUBDOMAINS": "true",
    "ENGCERT_HSTS_PRELOAD": "true",
    "ENGCERT_STATIC_STORAGE": "whitenoise.storage.CompressedManifestStaticFilesStorage",
}


def django(
    code_or_args: str | list[str], environment: dict[str, str], tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    """Run manage.py (a list of arguments) or Python code after django.setup() (a string)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ENGCERT_", "DJANGO_"))}
    env.update({"ENGCERT_DATA_DIR": str(tmp_path / "data"), **environment})
    env["DJANGO_SETTINGS_MODULE"] = "engcert.settings"
    if isinstance(code_or_args, list):
        command = [sys.executable, "manage.py", *code_or_args]
    else:
        command = [sys.executable, "-c", "import django; django.setup()\n" + code_or_args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_the_deploy_check_finds_no_issue_in_the_production_environment(tmp_path: Path):
    result = django(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION, tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        "System check identified no issues (0 silenced).\n",
        "",
    )


def test_the_production_profile_refuses_to_start_without_its_secrets_and_names_them(tmp_path: Path):
    environment = {
        key: value
        for key, value in PRODUCTION.items()
        if key not in {"ENGCERT_SECRET_KEY", "ENGCERT_FIELD_KEYS", "ENGCERT_INDEX_KEY"}
    }
    result = django(["check", "--deploy"], environment, tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: Set these secrets for production: "
        "ENGCERT_SECRET_KEY, ENGCERT_FIELD_KEYS, ENGCERT_INDEX_KEY"
    )


STORAGES_JSON = "import json; from django.conf import settings; print(json.dumps(settings.STORAGES))"


def test_an_s3_bucket_makes_uploads_private_objects_of_that_store_with_signed_expiring_urls(tmp_path: Path):
    environment = {
        "ENGCERT_S3_BUCKET": "engcert-files",
        "ENGCERT_S3_ENDPOINT_URL": "https://minio.internal:9000",
        "ENGCERT_S3_REGION": "cn-north-1",
        "ENGCERT_S3_ACCESS_KEY_ID": "engcert-app",
        "ENGCERT_S3_SECRET_ACCESS_KEY": "not-a-real-secret",
        "ENGCERT_S3_PREFIX": "society-files",
        "ENGCERT_S3_ADDRESSING_STYLE": "path",
        "ENGCERT_S3_CUSTOM_DOMAIN": "files.engcert.example.org",
        "ENGCERT_S3_URL_SECONDS": "120",
    }
    result = django(STORAGES_JSON, environment, tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["default"] == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "engcert-files",
            "endpoint_url": "https://minio.internal:9000",
            "region_name": "cn-north-1",
            "access_key": "engcert-app",
            "secret_key": "not-a-real-secret",
            "location": "society-files",
            "addressing_style": "path",
            "signature_version": "s3v4",
            "custom_domain": "files.engcert.example.org",
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 120,
            "file_overwrite": False,
        },
    }


def test_an_s3_bucket_alone_uses_the_machines_own_credentials_and_aws_itself(tmp_path: Path):
    code = (
        STORAGES_JSON
        + "\nfrom django.core.files.storage import storages"
        + "\nstore = storages['default']"
        + "\nprint(type(store).__name__, store.bucket_name, store.default_acl, store.querystring_auth,"
        + " store.querystring_expire)"
    )
    result = django(code, {"ENGCERT_S3_BUCKET": "engcert-files"}, tmp_path)
    assert result.returncode == 0, result.stderr
    storages_line, storage_line = result.stdout.splitlines()
    assert json.loads(storages_line)["default"]["OPTIONS"] == {
        "bucket_name": "engcert-files",
        "endpoint_url": None,
        "region_name": None,
        "access_key": None,
        "secret_key": None,
        "location": "",
        "addressing_style": None,
        "signature_version": "s3v4",
        "custom_domain": None,
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": 300,
        "file_overwrite": False,
    }
    assert storage_line == "S3Storage engcert-files private True 300"


def test_without_a_bucket_uploads_stay_on_the_file_system(tmp_path: Path):
    result = django(STORAGES_JSON, {}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def secrets_of(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def test_make_serve_writes_its_secrets_once_readable_by_the_owner_only(tmp_path: Path):
    path = tmp_path / "var" / "production.env"
    first = subprocess.run([sys.executable, SECRETS_SCRIPT, path], capture_output=True, text=True, timeout=30)
    assert first.returncode == 0, first.stderr
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    written = secrets_of(path)
    assert sorted(written) == ["ENGCERT_FIELD_KEYS", "ENGCERT_INDEX_KEY", "ENGCERT_SECRET_KEY"]
    assert len(written["ENGCERT_SECRET_KEY"]) >= 50
    key_id, _, field_key = written["ENGCERT_FIELD_KEYS"].partition(":")
    assert (len(key_id), len(base64.urlsafe_b64decode(field_key))) == (7, 32)
    assert len(base64.urlsafe_b64decode(written["ENGCERT_INDEX_KEY"])) == 32

    again = subprocess.run([sys.executable, SECRETS_SCRIPT, path], capture_output=True, text=True, timeout=30)
    assert (again.returncode, again.stdout, again.stderr) == (0, "", "")
    assert secrets_of(path) == written


def test_a_secrets_file_others_can_read_or_missing_a_key_stops_make_serve(tmp_path: Path):
    path = tmp_path / "production.env"
    path.write_text(
        f"ENGCERT_SECRET_KEY=abc\nENGCERT_FIELD_KEYS=k1:{KEY}\nENGCERT_INDEX_KEY=\n", encoding="utf-8"
    )
    path.chmod(0o644)
    result = subprocess.run(
        [sys.executable, SECRETS_SCRIPT, path], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{path} is readable by others (mode 644); run: chmod 600 {path}",
        f"{path} does not set ENGCERT_INDEX_KEY",
    ]
    assert path.read_text(encoding="utf-8").endswith("ENGCERT_INDEX_KEY=\n")


def test_the_readme_table_lists_every_setting_of_env_example():
    documented = set(re.findall(r"^([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(encoding="utf-8"), re.M))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("### Every setting") :]
    table = table[: table.index("\n#")]
    assert set(re.findall(r"^\| `([A-Z0-9_]+)` \|", table, re.M)) == documented
