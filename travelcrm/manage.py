"""Command line: `python -m travelcrm.manage <command>`.

run            check config, migrate, seed demo data, build the frontend if stale, then start
               the web app (Reflex prod, one port) and the job worker; Ctrl-C stops both
web            serve the built frontend and the backend on one port (no rebuild)
worker         the Huey consumer (with the periodic heartbeat)
migrate        apply migrations to head
seed           apply demo data (each seeder once)
build          build the frontend if its sources changed (--force to rebuild)
check          validate the configuration and print it (secrets masked)
makemigration  autogenerate a migration to review: makemigration "what changed"
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from importlib import metadata
from pathlib import Path

from travelcrm.settings import PROJECT_ROOT, Settings, SettingsError

WEB_DIR = PROJECT_ROOT / ".web"
BUILD_INDEX = WEB_DIR / "build" / "client" / "index.html"
BUILD_STAMP = WEB_DIR / "travelcrm-build.json"
FRONTEND_SOURCES = (
    "travelcrm/ui",
    "travelcrm/travelcrm.py",
    "rxconfig.py",
    "assets",
    "reflex.lock",
)
READY_TIMEOUT_S = 90
STOP_TIMEOUT_S = 10


def _settings() -> Settings:
    from travelcrm.bootstrap import configure

    try:
        return configure()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        raise SystemExit(2) from None


def _say(message: str) -> None:
    print(f"[travelcrm] {message}", flush=True)


# ---- database ---------------------------------------------------------------------------


def cmd_migrate(settings: Settings) -> None:
    from travelcrm.db import current_revision, head_revision, make_engine, upgrade_to_head

    engine = make_engine(settings, app_role=False)  # migrations run as the owner
    try:
        before = current_revision(engine)
        upgrade_to_head(engine)
        after = current_revision(engine)
    finally:
        engine.dispose()
    if before == after:
        _say(f"database {settings.safe_database_url} at {after} (head {head_revision()})")
    else:
        _say(f"migrated {settings.safe_database_url}: {before or 'empty'} -> {after}")


def cmd_seed(settings: Settings) -> None:
    from travelcrm.db import refresh_statistics, system_scope
    from travelcrm.demo import SEEDERS
    from travelcrm.system.services import apply_demo_seeds

    if settings.app_env == "prod":
        _say("demo data: not seeded in production")
        return
    with system_scope() as session:
        ran = apply_demo_seeds(session, SEEDERS)
    if ran:
        refresh_statistics()
    _say(f"demo data: applied {', '.join(ran)}" if ran else "demo data: already present")


# ---- frontend build ---------------------------------------------------------------------


def _frontend_fingerprint(settings: Settings) -> str:
    digest = hashlib.sha256()
    digest.update(f"port={settings.port};reflex={metadata.version('reflex')}".encode())
    for source in FRONTEND_SOURCES:
        path = PROJECT_ROOT / source
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if not file.exists() or "__pycache__" in file.parts:
                continue
            digest.update(str(file.relative_to(PROJECT_ROOT)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def reflex_env(settings: Settings) -> dict[str, str]:
    """The environment for Reflex's own commands: offline toolchain, our port, no telemetry."""
    env = dict(os.environ)
    tools_bin = PROJECT_ROOT / ".tools" / "node_modules" / ".bin"
    env["PATH"] = os.pathsep.join([str(tools_bin), str(Path(sys.executable).parent), env["PATH"]])
    env.setdefault("REFLEX_USE_SYSTEM_BUN", "1")
    env.setdefault("REFLEX_DIR", str(PROJECT_ROOT / ".reflex"))
    env.setdefault("REFLEX_CHECK_LATEST_VERSION", "0")
    env.setdefault("REFLEX_TELEMETRY_ENABLED", "false")
    env["REFLEX_FRONTEND_PORT"] = env["REFLEX_BACKEND_PORT"] = str(settings.port)
    if "NPM_CONFIG_REGISTRY" not in env:
        try:
            registry = subprocess.run(
                ["npm", "config", "get", "registry"], capture_output=True, text=True, check=True
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            registry = ""
        if registry:
            env["NPM_CONFIG_REGISTRY"] = registry
    if env.get("NPM_CONFIG_REGISTRY"):
        env.setdefault("BUN_CONFIG_REGISTRY", env["NPM_CONFIG_REGISTRY"])
    return env


def cmd_build(settings: Settings, *, force: bool = False) -> None:
    from travelcrm.system.services import write_build_info

    fingerprint = _frontend_fingerprint(settings)
    if not force and BUILD_INDEX.exists() and BUILD_STAMP.exists():
        stamp = json.loads(BUILD_STAMP.read_text())
        if stamp.get("fingerprint") == fingerprint:
            _say("frontend build is up to date")
            return
    _say("building the frontend (first run or UI changed; about a minute)...")
    started = time.monotonic()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "reflex",
            "export",
            "--frontend-only",
            "--no-zip",
            "--env",
            "prod",
            "--loglevel",
            "warning",
        ],
        cwd=PROJECT_ROOT,
        env=reflex_env(settings),
        check=True,
    )
    # Reflex may write its lock file during the build: stamp what the sources are now.
    BUILD_STAMP.write_text(json.dumps({"fingerprint": _frontend_fingerprint(settings)}))
    write_build_info(settings)
    _say(f"frontend built in {time.monotonic() - started:.0f}s")


# ---- processes --------------------------------------------------------------------------


def cmd_web(settings: Settings, *, host: str) -> None:
    """Serve the already-built frontend and the backend on one port, with Reflex's launcher."""
    from reflex.utils import exec as rx_exec
    from reflex_base import constants
    from reflex_base.environment import environment

    os.chdir(PROJECT_ROOT)
    # Reflex's launcher reads the number of worker processes from GRANIAN_WORKERS.
    os.environ["GRANIAN_WORKERS"] = str(settings.effective_web_workers)
    _say(
        f"web: {settings.effective_web_workers} worker(s), page state in "
        + ("Redis" if settings.reflex_redis_url else "the worker's memory")
    )
    environment.REFLEX_ENV_MODE.set(constants.Env.PROD)
    environment.REFLEX_SKIP_COMPILE.set(True)
    environment.REFLEX_USE_GRANIAN.set(True)
    _respawn_failed_workers()
    rx_exec.run_backend_prod(
        host, settings.port, constants.LogLevel.WARNING, mount_frontend_compiled_app=True
    )


def _respawn_failed_workers() -> None:
    """A web worker that dies (killed, out of memory) is replaced, its tabs reconnect to the
    others meanwhile; Granian's default is to stop the whole server instead. Reflex's launcher
    builds Granian's `Server` with fixed arguments, so the class it imports gets this default."""
    import granian.server

    base = granian.server.Server
    if getattr(base, "_travelcrm_respawns", False):
        return

    class RespawningServer(base):  # type: ignore[misc,valid-type]
        _travelcrm_respawns = True

        def __init__(self, *args: object, **kwargs: object) -> None:
            kwargs.setdefault("respawn_failed_workers", True)
            super().__init__(*args, **kwargs)

    granian.server.Server = RespawningServer


def cmd_worker(settings: Settings, *, workers: int) -> None:
    from tasks.registry import huey

    if settings.huey_immediate:
        _say("HUEY_IMMEDIATE is on: tasks run inline, no worker needed")
        return
    consumer = huey.create_consumer(
        workers=workers, worker_type="thread", periodic=True, check_worker_health=True
    )
    _say(f"job worker: {settings.queue_kind} queue, {workers} threads")
    consumer.run()


def _spawn(args: list[str], settings: Settings) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "travelcrm.manage", *args],
        cwd=PROJECT_ROOT,
        env=reflex_env(settings),
        start_new_session=True,  # its own process group: we stop the whole tree
    )


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _wait_ready(settings: Settings, processes: list[subprocess.Popen[bytes]]) -> bool:
    url = f"http://127.0.0.1:{settings.port}/api/ready"
    deadline = time.monotonic() + READY_TIMEOUT_S
    last = ""
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except urllib.error.HTTPError as exc:
            last = json.loads(exc.read() or b"{}").get("detail", "")
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    _say(f"not ready after {READY_TIMEOUT_S}s: {last}")
    return False


def cmd_run(settings: Settings, *, host: str, workers: int) -> None:
    from travelcrm.demo import DEMO_AGENCIES, DEMO_LOGINS, DEMO_STAFF

    started = time.monotonic()
    cmd_migrate(settings)
    cmd_seed(settings)
    cmd_build(settings)
    processes = [
        _spawn(["worker", "--threads", str(workers)], settings),
        _spawn(["web", "--host", host], settings),
    ]
    stopping = {"now": False}

    def on_signal(signum: int, _frame: object) -> None:
        stopping["now"] = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        if _wait_ready(settings, processes):
            _say(f"ready in {time.monotonic() - started:.1f}s")
            _say(
                f"open http://localhost:{settings.port}   (API docs: http://localhost:{settings.port}/api/docs)"
            )
            _say("demo agencies: " + ", ".join(a.name for a in DEMO_AGENCIES))
            if settings.app_env != "prod":
                for _slug, email, _name, password in DEMO_LOGINS:
                    _say(f"demo login (owner): {email} / {password}")
                for _slug, email, _name, password, role in DEMO_STAFF:
                    _say(f"demo login ({role.value}): {email} / {password}")
                if settings.app_env == "dev":
                    _say(
                        f"mail is not sent in dev: read it at http://localhost:{settings.port}"
                        "/dev/outbox (set SMTP_URL to send)"
                    )
            _say("press Ctrl-C to stop")
        while not stopping["now"]:
            for process in processes:
                if process.poll() is not None:
                    _say(f"process {process.pid} exited with code {process.returncode}; stopping")
                    stopping["now"] = True
            time.sleep(0.2)
    finally:
        _say("stopping...")
        _stop(processes)
        _say("stopped")


def cmd_check(settings: Settings) -> None:
    shown = {
        "app_env": settings.app_env,
        "database": settings.safe_database_url,
        "queue": settings.queue_kind,
        "redis_url": settings.redis_url and "set",
        "reflex_redis_url": settings.reflex_redis_url and "set",
        "data_dir": str(settings.data_dir),
        "port": settings.port,
        "log_format": settings.effective_log_format,
    }
    _say("configuration is valid: " + json.dumps(shown))


def cmd_rotate_keys(settings: Settings) -> None:
    """Re-encrypt data at rest with the first of DATA_KEYS (the old keys stay listed until
    this has run)."""
    from travelcrm.core import crypto
    from travelcrm.core.permissions import Role
    from travelcrm.core.tenancy import TenantContext
    from travelcrm.db import system_scope, tenant_scope
    from travelcrm.suppliers.services import rotate_bank_details
    from travelcrm.tenants.services import agency_ids

    with system_scope() as session:
        agencies = agency_ids(session, active_only=False)
    rotated = unreadable = 0
    for tenant_id in agencies:  # each agency in its own scope (and, on PostgreSQL, its RLS)
        with tenant_scope(TenantContext(tenant_id, None, Role.OWNER)) as session:
            done = rotate_bank_details(session)
        rotated, unreadable = rotated + done.rotated, unreadable + done.unreadable
    _say(
        f"re-encrypted {rotated} stored value(s) in {len(agencies)} agencies "
        f"with key {crypto.keys()[0][0]!r}"
    )
    if unreadable:
        _say(
            f"{unreadable} value(s) open with none of DATA_KEYS and were left as they are: "
            "list the key they were made with, then run rotate-keys again"
        )
        raise SystemExit(1)


def cmd_makemigration(message: str) -> None:
    from alembic import command
    from travelcrm.db import alembic_config

    command.revision(alembic_config(), message=message, autogenerate=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m travelcrm.manage",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run")
    run.add_argument("--host", default=None, help="interface to bind (default: HOST setting)")
    run.add_argument("--threads", type=int, default=2)
    web = sub.add_parser("web")
    web.add_argument("--host", default=None, help="interface to bind (default: HOST setting)")
    worker = sub.add_parser("worker")
    worker.add_argument("--threads", type=int, default=2)
    sub.add_parser("migrate")
    sub.add_parser("seed")
    build = sub.add_parser("build")
    build.add_argument("--force", action="store_true")
    sub.add_parser("check")
    sub.add_parser("rotate-keys")
    make = sub.add_parser("makemigration")
    make.add_argument("message")
    args = parser.parse_args(argv)

    settings = _settings()
    match args.command:
        case "run":
            cmd_run(settings, host=args.host or settings.host, workers=args.threads)
        case "web":
            cmd_web(settings, host=args.host or settings.host)
        case "worker":
            cmd_worker(settings, workers=args.threads)
        case "migrate":
            cmd_migrate(settings)
        case "seed":
            cmd_seed(settings)
        case "build":
            cmd_build(settings, force=args.force)
        case "check":
            cmd_check(settings)
        case "rotate-keys":
            cmd_rotate_keys(settings)
        case "makemigration":
            cmd_makemigration(args.message)


if __name__ == "__main__":
    main()
