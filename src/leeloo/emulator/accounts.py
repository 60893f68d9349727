"""(being written)"""

from __future__ import annotations

from starlette.routing import BaseRoute

from leeloo.emulator.world import World


def routes(world: World) -> list[BaseRoute]:
    return []
