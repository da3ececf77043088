"""Token verification with PyJWT (HS256 secret, RS256 PEM, ES256 JWKS) and the deny-by-default policy."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from specloom.api.auth import Policy, Principal, TokenVerifier, Unauthorized
from specloom.config import ApiConfig
from specloom.core.errors import ConfigError

from .conftest import AUDIENCE, ISSUER, SECRET, make_token


def api(**keys) -> ApiConfig:
    return ApiConfig(jwt_issuer=ISSUER, jwt_audience=AUDIENCE, **keys)


def hs256(env: dict | None = None) -> TokenVerifier:
    return TokenVerifier(
        api(jwt_secret_env="JWT_SECRET"), Path("."), env if env is not None else {"JWT_SECRET": SECRET}
    )


def test_a_valid_hs256_token_names_user_tenant_and_roles():
    who = hs256().verify("Bearer " + make_token(roles=["developer", "reader"]))
    assert who == Principal("alice@acme.example", "acme", frozenset({"developer", "reader"}))


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"exp": int(time.time()) - 30}, "expired"),
        ({"nbf": int(time.time()) + 600}, "not yet valid"),
        ({"aud": "another-service"}, "wrong audience"),
        ({"iss": "https://elsewhere.example"}, "wrong issuer"),
        ({"exp": None}, "missing claim exp"),
        ({"sub": None}, "missing claim sub"),
        ({"tenant_id": ""}, "no tenant"),
    ],
)
def test_a_token_failing_a_check_is_refused_with_the_reason(claims, reason):
    with pytest.raises(Unauthorized, match=reason):
        hs256().verify("Bearer " + make_token(**claims))


def test_a_token_signed_with_another_secret_or_none_at_all_is_refused():
    verifier = hs256()
    with pytest.raises(Unauthorized, match="bad signature"):
        verifier.verify("Bearer " + make_token(key="not-the-secret-but-long-enough-0123"))
    unsigned = jwt.encode({"iss": ISSUER, "aud": AUDIENCE, "sub": "x", "exp": time.time() + 60}, None, algorithm="none")
    with pytest.raises(Unauthorized):
        verifier.verify("Bearer " + unsigned)
    for header in (None, "", "Basic abc", "Bearer "):
        with pytest.raises(Unauthorized, match="no bearer token"):
            verifier.verify(header)


def test_the_secret_variable_must_be_set():
    with pytest.raises(ConfigError, match="JWT_SECRET"):
        hs256(env={})


def test_rs256_from_a_pem_file_and_a_token_of_another_key_is_refused(tmp_path: Path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (tmp_path / "issuer.pem").write_bytes(
        key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    verifier = TokenVerifier(api(jwt_public_key_file="issuer.pem"), tmp_path)
    assert verifier.verify("Bearer " + make_token(key=key, algorithm="RS256")).tenant == "acme"
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(Unauthorized, match="bad signature"):
        verifier.verify("Bearer " + make_token(key=stranger, algorithm="RS256"))
    with pytest.raises(Unauthorized):  # an HS256 token "signed" with the public key must not pass
        verifier.verify("Bearer " + make_token(key=SECRET, algorithm="HS256"))


def test_es256_from_a_jwks_file_by_key_id(tmp_path: Path):
    key = ec.generate_private_key(ec.SECP256R1())
    public = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key()))
    (tmp_path / "jwks.json").write_text(json.dumps({"keys": [{**public, "kid": "k1", "alg": "ES256", "use": "sig"}]}))
    verifier = TokenVerifier(api(jwks_file="jwks.json"), tmp_path)
    token = make_token(key=key, algorithm="ES256", headers={"kid": "k1"})
    assert verifier.verify("Bearer " + token).user == "alice@acme.example"
    with pytest.raises(Unauthorized, match="unknown key id"):
        verifier.verify("Bearer " + make_token(key=key, algorithm="ES256", headers={"kid": "k2"}))


def test_scopes_claim_grants_like_roles():
    verifier = TokenVerifier(api(jwt_secret_env="S", roles_claim=None, scopes_claim="scope"), Path("."), {"S": SECRET})
    who = verifier.verify("Bearer " + make_token(roles=None, scope="generator reader"))
    assert who.roles == frozenset({"generator", "reader"})


def test_the_policy_denies_by_default_and_logs_every_decision(tmp_path: Path, caplog, monkeypatch):
    (tmp_path / "policy.toml").write_text('[roles.reader]\npermissions = ["code:read", "spec:validate"]\n')
    policy = Policy.load(tmp_path / "policy.toml")
    reader = Principal("rita", "acme", frozenset({"reader"}))
    nobody = Principal("nina", "acme", frozenset({"unknown-role"}))
    monkeypatch.setattr(logging.getLogger("specloom.events"), "propagate", True)  # to caplog's handler
    with caplog.at_level(logging.INFO, logger="specloom.events"):
        assert policy.allows(reader, "code:read")
        assert not policy.allows(reader, "code:generate")
        assert not policy.allows(nobody, "spec:validate")
    decisions = [(r.fields["user_id"], r.fields["permission"], r.fields["decision"]) for r in caplog.records]
    assert decisions == [
        ("rita", "code:read", "allow"),
        ("rita", "code:generate", "deny"),
        ("nina", "spec:validate", "deny"),
    ]


def test_an_unknown_permission_in_the_policy_is_a_config_error_with_a_suggestion(tmp_path: Path):
    (tmp_path / "policy.toml").write_text('[roles.dev]\npermissions = ["code:generat"]\n')
    with pytest.raises(ConfigError, match="roles.dev.permissions") as caught:
        Policy.load(tmp_path / "policy.toml")
    assert "Did you mean `code:generate`?" in caught.value.suggestion
    with pytest.raises(ConfigError, match="does not exist"):
        Policy.load(tmp_path / "missing.toml")


def test_specloom_api_refuses_to_start_without_its_secret_naming_the_variable(api_workspace: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPECLOOM_")}
    done = subprocess.run(
        [sys.executable, "-m", "specloom", "api", "--port", "0"],
        cwd=api_workspace,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "SPECLOOM_JWT_SECRET" in done.stderr and "is not set" in done.stderr
