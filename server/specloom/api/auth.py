"""Who is calling: bearer JWTs verified with PyJWT, and the policy granting their roles permissions.

Keys come from configuration only (an HS256 secret in an environment variable, or RS256/ES256 public
keys from a PEM or JWKS file): nothing is fetched over the network. Every token must carry `iss`, `aud`,
`exp` and `sub`; `nbf` is honoured when present. The policy denies whatever it does not grant.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import jwt

from specloom import logs
from specloom.core.errors import ConfigError

PERMISSIONS = ("code:generate", "code:read", "spec:validate")
_REQUIRED_CLAIMS = ["exp", "iss", "aud", "sub"]


@dataclass(frozen=True, slots=True)
class Principal:
    user: str
    tenant: str
    roles: frozenset[str]


class Unauthorized(Exception):
    """No usable token: the answer is 401 whatever the reason, which is logged, not returned in detail."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Forbidden(Exception):
    def __init__(self, permission: str) -> None:
        super().__init__(f"This token does not grant `{permission}`.")
        self.permission = permission


class TokenVerifier:
    def __init__(self, api, root: Path, env: Mapping[str, str] = os.environ) -> None:
        self.issuer, self.audience = api.jwt_issuer, api.jwt_audience
        for key, value in (("api.jwt_issuer", self.issuer), ("api.jwt_audience", self.audience)):
            if not value:
                raise ConfigError(
                    str(root / "specloom.toml"), key, "is not set", "Set it: every token is checked against it."
                )
        self.tenant_claim, self.roles_claim, self.scopes_claim = api.tenant_claim, api.roles_claim, api.scopes_claim
        self._jwks: dict[str, jwt.PyJWK] | None = None
        if api.jwt_secret_env:
            secret = env.get(api.jwt_secret_env)
            if not secret:
                raise ConfigError(
                    f"environment variable {api.jwt_secret_env}",
                    "api.jwt_secret_env",
                    "is not set or empty",
                    f"Export {api.jwt_secret_env} with the HS256 secret tokens are signed with.",
                )
            self._key, self._algorithms = secret, ["HS256"]
        elif api.jwt_public_key_file:
            self._key, self._algorithms = _public_key(root / api.jwt_public_key_file)
        elif api.jwks_file:
            self._jwks = _jwks(root / api.jwks_file)
            self._key, self._algorithms = None, sorted({k.algorithm_name for k in self._jwks.values()})
        else:
            raise ConfigError(
                str(root / "specloom.toml"),
                "api.jwt_secret_env",
                "no source of token keys is set",
                "Set one of jwt_secret_env (HS256), jwt_public_key_file or jwks_file (RS256/ES256) under [api].",
            )

    def verify(self, authorization: str | None) -> Principal:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("no bearer token")
        token = token.strip()
        try:
            key, algorithms = self._key, self._algorithms
            if self._jwks is not None:
                kid = jwt.get_unverified_header(token).get("kid")
                if kid not in self._jwks:
                    raise Unauthorized(f"unknown key id {kid!r}")
                key, algorithms = self._jwks[kid].key, [self._jwks[kid].algorithm_name]
            claims = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                audience=self.audience,
                issuer=self.issuer,
                options={"require": _REQUIRED_CLAIMS},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthorized("expired") from None
        except jwt.ImmatureSignatureError:
            raise Unauthorized("not yet valid (nbf)") from None
        except jwt.InvalidAudienceError:
            raise Unauthorized("wrong audience") from None
        except jwt.InvalidIssuerError:
            raise Unauthorized("wrong issuer") from None
        except jwt.InvalidSignatureError:
            raise Unauthorized("bad signature") from None
        except jwt.MissingRequiredClaimError as exc:
            raise Unauthorized(f"missing claim {exc.claim}") from None
        except jwt.InvalidTokenError as exc:
            raise Unauthorized(f"invalid token ({type(exc).__name__})") from None
        tenant = claims.get(self.tenant_claim)
        user = claims.get("sub")
        if not isinstance(tenant, str) or not tenant.strip():
            raise Unauthorized(f"no tenant in claim {self.tenant_claim!r}")
        if not isinstance(user, str) or not user.strip():
            raise Unauthorized("no user in `sub`")
        return Principal(user, tenant, frozenset(self._names(claims)))

    def _names(self, claims: dict) -> list[str]:
        names: list[str] = []
        for claim, split in ((self.roles_claim, False), (self.scopes_claim, True)):
            value = claims.get(claim) if claim else None
            if isinstance(value, str):
                names += value.split() if split else [value]
            elif isinstance(value, list):
                names += [v for v in value if isinstance(v, str)]
        return names


def _public_key(path: Path):
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    try:
        key = load_pem_public_key(path.read_bytes())
    except OSError as exc:
        raise ConfigError(str(path), "api.jwt_public_key_file", f"cannot be read: {exc.strerror or exc}") from None
    except ValueError:
        raise ConfigError(
            str(path), "api.jwt_public_key_file", "is not a PEM public key", "Give the issuer's public key in PEM."
        ) from None
    if isinstance(key, rsa.RSAPublicKey):
        return key, ["RS256"]
    if isinstance(key, ec.EllipticCurvePublicKey):
        return key, ["ES256"]
    raise ConfigError(str(path), "api.jwt_public_key_file", "is neither an RSA nor an EC key", "Use RS256 or ES256.")


def _jwks(path: Path) -> dict[str, jwt.PyJWK]:
    try:
        keys = jwt.PyJWKSet.from_json(path.read_text(encoding="utf-8")).keys
    except OSError as exc:
        raise ConfigError(str(path), "api.jwks_file", f"cannot be read: {exc.strerror or exc}") from None
    except (jwt.PyJWKSetError, jwt.InvalidKeyError, ValueError) as exc:
        raise ConfigError(
            str(path), "api.jwks_file", f"is not a usable JWKS: {exc}", "Give a JWKS JSON file."
        ) from None
    usable = {k.key_id: k for k in keys if k.key_id and k.algorithm_name in ("RS256", "ES256")}
    if not usable:
        raise ConfigError(
            str(path), "api.jwks_file", "holds no RS256/ES256 key with a `kid`", "Give each key `kid` and `alg`."
        )
    return usable


class Policy:
    """Roles (or scopes) to permissions, from `[roles.<name>] permissions = [...]`; deny by default."""

    def __init__(self, grants: dict[str, frozenset[str]]) -> None:
        self.grants = grants

    @classmethod
    def load(cls, path: Path) -> Policy:
        try:
            with path.open("rb") as handle:
                data = tomllib.load(handle)
        except FileNotFoundError:
            raise ConfigError(
                str(path),
                None,
                "the policy file does not exist",
                'Create it: [roles.developer] permissions = ["code:generate"].',
            ) from None
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(str(path), None, f"cannot be read as TOML: {exc}", "Fix the file's TOML.") from None
        unknown_tables = sorted(set(data) - {"roles"})
        if unknown_tables:
            raise ConfigError(
                str(path), unknown_tables[0], "unknown table", "The policy has only [roles.<name>] tables."
            )
        grants: dict[str, frozenset[str]] = {}
        for role, table in (data.get("roles") or {}).items():
            permissions = table.get("permissions") if isinstance(table, dict) else None
            if not isinstance(permissions, list) or not all(isinstance(p, str) for p in permissions):
                raise ConfigError(str(path), f"roles.{role}.permissions", "must be a list of permission names")
            for permission in permissions:
                if permission not in PERMISSIONS:
                    raise ConfigError(
                        str(path),
                        f"roles.{role}.permissions",
                        f"unknown permission {permission!r}",
                        _did_you_mean(permission),
                    )
            grants[role] = frozenset(permissions)
        return cls(grants)

    def allows(self, principal: Principal, permission: str) -> bool:
        granted_by = sorted(r for r in principal.roles if permission in self.grants.get(r, ()))
        logs.event(
            "authorization",
            level="info" if granted_by else "warning",
            tenant_id=principal.tenant,
            user_id=principal.user,
            permission=permission,
            decision="allow" if granted_by else "deny",
            roles=sorted(principal.roles),
            granted_by=granted_by,
        )
        return bool(granted_by)


def _did_you_mean(permission: str) -> str:
    from rapidfuzz import process

    match = process.extractOne(permission, PERMISSIONS, score_cutoff=60)
    known = ", ".join(PERMISSIONS)
    return f"Did you mean `{match[0]}`? Known: {known}." if match else f"Use one of {known}."
