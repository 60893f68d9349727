"""Which side to check, where its settings come from, and one side's whole examination.

Settings are read as the program itself reads them (environment over a `.env` file).
A shell seldom holds the service's environment, so when neither the environment names
an env file nor `./.env` exists, the deployed file `/etc/leeloo/<side>.env` (the units'
EnvironmentFile) is read, if present. `--env-file` overrides all of that.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import httpx

from leeloo.clock import Clock
from leeloo.doctor.findings import Finding, Section

ETC = Path("/etc/leeloo")
PREFIXES = {"device": "LEELOO_DEVICE_", "relay": "LEELOO_RELAY_"}
CONFIG_FIX = "correct that variable (every setting: docs/configuration.md)"


def side_environ(
    environ: Mapping[str, str], side: str, env_file: Path | None = None, etc: Path = ETC
) -> dict[str, str]:
    """`environ` with `<PREFIX>ENV_FILE` set to the env file this side should read."""
    key = PREFIXES[side] + "ENV_FILE"
    chosen = dict(environ)
    if env_file is not None:
        chosen[key] = str(env_file)
    elif key not in chosen and not Path(".env").is_file() and (etc / f"{side}.env").is_file():
        chosen[key] = str(etc / f"{side}.env")
    return chosen


def configured(environ: Mapping[str, str], side: str) -> bool:
    """Any of the side's variables set, in the environment or in its env file."""
    from leeloo.settings import SettingError, environment

    prefix = PREFIXES[side]
    try:
        merged = environment(environ, prefix)
    except SettingError:
        return True  # a broken env file is this side's, and worth a finding
    return any(k.startswith(prefix) and k != prefix + "ENV_FILE" for k in merged)


def choose_sides(device: bool, relay: bool, environs: Mapping[str, Mapping[str, str]]) -> list[str]:
    """The asked-for sides; else those with settings present; else the device."""
    asked = [side for side, on in (("device", device), ("relay", relay)) if on]
    if asked:
        return asked
    present = [side for side in PREFIXES if configured(environs[side], side)]
    return present or ["device"]


async def examine(
    side: str, environ: Mapping[str, str], request_timeout: float, clock: Clock
) -> Section:
    """One side's findings; a setting that cannot be read is the only finding then."""
    async with httpx.AsyncClient(timeout=request_timeout) as http:
        if side == "device":
            from leeloo.device.config import ConfigError as DeviceConfigError
            from leeloo.device.config import load_settings as device_settings
            from leeloo.doctor.examination import examine_device

            try:
                device = device_settings(environ)
            except DeviceConfigError as exc:
                return Section(side, (Finding.fail("settings", str(exc), CONFIG_FIX),))
            return Section(side, await examine_device(device, http, clock))
        from leeloo.doctor.examination import examine_relay
        from leeloo.relay.config import load_settings as relay_settings
        from leeloo.relay.errors import ConfigError as RelayConfigError

        try:
            relay = relay_settings(environ)
        except RelayConfigError as exc:
            return Section(side, (Finding.fail("settings", str(exc), CONFIG_FIX),))
        return Section(side, await examine_relay(relay, http, clock))
