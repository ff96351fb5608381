"""Argon2id, the one slow derivation between a passphrase (or recovery code) and the vault.

Floor: RFC 9106's second recommended profile, m = 64 MiB, t = 3, p = 4. At creation the cost is
calibrated on this machine to about 0.5–1 s by raising memory first (up to 1 GiB), then passes.
Parameters are stored in ``vault.key`` (per slot). A vault below the floor warns on every
unlock. Calibration never goes above 1 GiB or :data:`MAX_PASSES` passes: ``vault.key`` refuses
anything larger before deriving (a hostile header must not be able to hang the machine).

Tests may use cheap parameters only through :data:`INSECURE_TEST_KDF_ENV` — one loudly named
environment switch, read in one place (:func:`defender_desk.devswitches.cheap_kdf`, called only
by :func:`creation_params`), and only from a source checkout: an installed or bundled app
ignores it. :func:`strengthened` never lowers any parameter, whatever the switch says.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from defender_desk import devswitches
from defender_desk.secret import Secret

KEY_LEN = 32
SALT_LEN = 32
INSECURE_TEST_KDF_ENV = devswitches.CHEAP_KDF_ENV
TARGET_SECONDS = (0.5, 1.0)
MAX_MEMORY_KIB = 1024 * 1024
MAX_PASSES = 8


@dataclass(frozen=True)
class KdfParams:
    memory_kib: int
    iterations: int
    lanes: int

    def below_floor(self) -> bool:
        return (
            self.memory_kib < FLOOR.memory_kib
            or self.iterations < FLOOR.iterations
            or self.lanes < FLOOR.lanes
        )


FLOOR = KdfParams(memory_kib=64 * 1024, iterations=3, lanes=4)
# Cheap on purpose: a test suite creates hundreds of vaults. Never reachable without the switch.
_INSECURE_TEST = KdfParams(memory_kib=8, iterations=1, lanes=1)


def derive(secret: Secret, salt: bytes, params: KdfParams) -> Secret:
    kdf = Argon2id(
        salt=salt,
        length=KEY_LEN,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=max(params.memory_kib, 8 * params.lanes),
    )
    return Secret(kdf.derive(bytes(secret.buffer)))


def insecure_test_mode() -> bool:
    return devswitches.cheap_kdf()


def calibrate(target: tuple[float, float] = TARGET_SECONDS) -> KdfParams:
    """Find parameters ≥ :data:`FLOOR` that take about ``target`` seconds here."""
    probe = Secret(b"calibration")
    salt = bytes(SALT_LEN)
    params = FLOOR
    while True:
        start = time.perf_counter()
        derive(probe, salt, params).wipe()
        elapsed = time.perf_counter() - start
        if elapsed >= target[0]:
            return params
        factor = max(1.2, min(4.0, target[0] / max(elapsed, 1e-3) * 1.1))
        if params.memory_kib < MAX_MEMORY_KIB:
            memory = min(MAX_MEMORY_KIB, int(params.memory_kib * factor) // 1024 * 1024)
            params = KdfParams(memory, params.iterations, params.lanes)
        elif params.iterations < MAX_PASSES:
            passes = min(MAX_PASSES, int(params.iterations * factor) + 1)
            params = KdfParams(params.memory_kib, passes, params.lanes)
        else:
            return params


def creation_params() -> KdfParams:
    """Parameters for a new vault: calibrated, or cheap under the explicit test switch."""
    if insecure_test_mode():
        return _INSECURE_TEST
    return calibrate()


def at_least(current: KdfParams, target: KdfParams) -> KdfParams:
    """Each parameter the larger of the two (strengthening never lowers any)."""
    return KdfParams(
        max(current.memory_kib, target.memory_kib),
        max(current.iterations, target.iterations),
        max(current.lanes, target.lanes),
    )


def strengthened(current: KdfParams) -> KdfParams:
    """Parameters for strengthening a vault made with ``current``: calibrated on this computer
    (never below the floor), and never lower than ``current`` in any parameter — the test
    switch does not apply here."""
    return at_least(current, at_least(FLOOR, calibrate()))
