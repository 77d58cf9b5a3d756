"""Settings from the environment (see .env.example). Defaults are for local development only."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET = "dev-secret-change-me"
# 32 zero bytes, base64: the development key for personal identifiers. Refused in production.
DEV_PII_KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="


MIN_SECRET_LENGTH = 32
DEV_SMS_BACKENDS = ("log", "memory")
_ORIGIN = re.compile(r"https://[A-Za-z0-9.-]+(:\d{1,5})?")


class ConfigError(RuntimeError):
    pass


@dataclass
class Settings:
    APP_ENV: str = "development"
    SECRET_KEY: str = DEV_SECRET
    PII_KEY: str = DEV_PII_KEY
    DATABASE_URL: str = f"sqlite:///{ROOT / 'var' / 'market.db'}"
    MEILI_URL: str | None = None
    MEILI_MASTER_KEY: str | None = None
    MEILI_TIMEOUT: float = 1.0
    MEILI_INDEX: str = "jobs"
    SEARCH_ENABLED: bool = True
    REDIS_URL: str | None = None
    SMS_BACKEND: str = "log"
    # SMS_BACKEND=http: the gateway that sends messages (a JSON POST of {"phone", "text", "sign"} with the key
    # as a bearer token); see market.sms.HttpSmsSender.
    SMS_GATEWAY_URL: str | None = None
    SMS_GATEWAY_KEY: str | None = None
    SMS_GATEWAY_SIGN: str = "零工市场"
    SMS_GATEWAY_TIMEOUT: float = 5.0
    MODEL_DIR: str = str(ROOT / "var" / "models")
    # Every search as a line (the query with long digit runs masked, the count; never who searched), for
    # `flask search zero-rate`. Empty: not written.
    SEARCH_LOG: str | None = str(ROOT / "var" / "searches.log")
    # The site's address as people reach it: what QR codes on posters and booths open.
    PUBLIC_URL: str = "http://127.0.0.1:8000"
    # Origins (https://host) a live room may play a stream from or frame; added to the CSP's media-src/frame-src.
    STREAM_ORIGINS: list[str] = field(default_factory=list)
    # Reverse proxies in front of gunicorn (nginx: 1). Each appends the client to X-Forwarded-For and sets
    # X-Forwarded-Proto; that many are trusted, so limits per address count people, not the proxy. 0: none
    # trusted (the headers are ignored: anyone could write them).
    TRUSTED_PROXIES: int = 0
    RATELIMIT_ENABLED: bool = True
    WTF_CSRF_ENABLED: bool = True
    TESTING: bool = False
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: os._Environ | dict | None = None) -> Settings:
        env = os.environ if env is None else env
        s = cls()
        for name in ("APP_ENV", "SECRET_KEY", "PII_KEY", "DATABASE_URL", "MEILI_URL", "MEILI_MASTER_KEY",
                     "REDIS_URL", "SMS_BACKEND", "MODEL_DIR", "MEILI_INDEX", "SEARCH_LOG", "SMS_GATEWAY_URL",
                     "SMS_GATEWAY_KEY", "SMS_GATEWAY_SIGN", "PUBLIC_URL"):
            value = env.get(name)
            if value:
                setattr(s, name, value)
        if env.get("SMS_GATEWAY_TIMEOUT"):
            s.SMS_GATEWAY_TIMEOUT = float(env["SMS_GATEWAY_TIMEOUT"])
        if env.get("TRUSTED_PROXIES"):
            s.TRUSTED_PROXIES = int(env["TRUSTED_PROXIES"])
        if env.get("MEILI_TIMEOUT"):
            s.MEILI_TIMEOUT = float(env["MEILI_TIMEOUT"])
        if env.get("STREAM_ORIGINS"):
            s.STREAM_ORIGINS = [o for o in env["STREAM_ORIGINS"].replace(",", " ").split() if o]
        if env.get("SEARCH_ENABLED", "").lower() in {"0", "false", "no"}:
            s.SEARCH_ENABLED = False
        return s

    def check(self) -> None:
        if not 0 <= self.TRUSTED_PROXIES <= 5:
            raise ConfigError("TRUSTED_PROXIES: the number of reverse proxies in front of the site, 0 to 5.")
        for origin in self.STREAM_ORIGINS:
            if not _ORIGIN.fullmatch(origin):
                raise ConfigError(f"STREAM_ORIGINS: {origin!r} is not an origin such as https://live.example.com")
        if self.APP_ENV == "production":
            if self.SECRET_KEY == DEV_SECRET:
                raise ConfigError("SECRET_KEY is the development default: set a long random SECRET_KEY.")
            if len(self.SECRET_KEY) < MIN_SECRET_LENGTH or len(set(self.SECRET_KEY)) < 8:
                raise ConfigError(f"SECRET_KEY is too short or too plain: use at least {MIN_SECRET_LENGTH} random "
                                  "characters (python -c 'import secrets; print(secrets.token_urlsafe(48))').")
            if self.SMS_BACKEND in DEV_SMS_BACKENDS:
                raise ConfigError(f"SMS_BACKEND={self.SMS_BACKEND!r} writes one-time codes where people can read "
                                  "them: plug in a gateway sender, or set SMS_BACKEND=none to send no codes.")
            if self.PII_KEY == DEV_PII_KEY:
                raise ConfigError("PII_KEY is the development default: set PII_KEY to 32 random bytes, base64.")
        if self.SMS_BACKEND == "http" and not (self.SMS_GATEWAY_URL and self.SMS_GATEWAY_KEY):
            raise ConfigError("SMS_BACKEND=http needs SMS_GATEWAY_URL and SMS_GATEWAY_KEY.")
