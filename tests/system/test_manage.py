"""The command line behind `make run` (`python -m travelcrm.manage`), run in-process on a
database of its own: migrate a fresh one, seed the demo data once, check the settings, refuse
bad ones; and the pieces `run` supervises its processes with."""

from __future__ import annotations

import subprocess
import sys

import pytest

from travelcrm import manage
from travelcrm.settings import get_settings


def test_a_fresh_database_is_migrated_seeded_once_and_checked(
    fresh_database, settings_env, capsys
) -> None:
    settings_env(database_url=fresh_database)
    manage.main(["migrate"])
    first = capsys.readouterr().out
    assert "migrated" in first and "empty ->" in first
    manage.main(["migrate"])
    assert "(head " in capsys.readouterr().out  # already at head: said, nothing done
    manage.main(["seed"])
    assert "demo data: applied agencies-v1" in capsys.readouterr().out
    manage.main(["seed"])
    assert "demo data: already present" in capsys.readouterr().out
    manage.main(["check"])
    checked = capsys.readouterr().out
    assert "configuration is valid" in checked and "password" not in checked


def test_a_bad_setting_stops_the_command_with_every_problem_named(settings_env, capsys) -> None:
    settings_env(port="not-a-port")
    with pytest.raises(SystemExit) as stopped:
        manage.main(["check"])
    assert stopped.value.code == 2
    assert "PORT" in capsys.readouterr().err.upper()


def test_the_frontend_build_is_keyed_by_its_sources_and_port(settings_env) -> None:
    settings = get_settings()
    env = manage.reflex_env(settings)
    assert env["REFLEX_FRONTEND_PORT"] == env["REFLEX_BACKEND_PORT"] == str(settings.port)
    assert env["REFLEX_TELEMETRY_ENABLED"] == "false"
    before = manage._frontend_fingerprint(settings)
    assert manage._frontend_fingerprint(settings) == before  # the same sources: no rebuild
    settings_env(port=str(settings.port + 1))
    assert manage._frontend_fingerprint(get_settings()) != before  # another port: rebuilt


def test_stopping_ends_the_supervised_processes_even_one_that_ignores_it(monkeypatch) -> None:
    monkeypatch.setattr(manage, "STOP_TIMEOUT_S", 2)
    polite = "import time; print('up', flush=True); time.sleep(60)"
    stubborn = (
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
        "print('up', flush=True); time.sleep(60)"
    )
    children = [
        subprocess.Popen(
            [sys.executable, "-c", code], start_new_session=True, stdout=subprocess.PIPE
        )
        for code in (polite, stubborn)
    ]
    for child in children:  # running (and the stubborn one deaf to SIGTERM) before the stop
        assert child.stdout is not None and child.stdout.readline() == b"up\n"
    manage._stop(children)
    for child in children:
        assert child.stdout is not None
        child.stdout.close()
    assert children[0].returncode == -15  # asked to stop, it stopped
    assert children[1].returncode == -9  # it would not: ended
