"""Python client for mmm-wasm (docs/serve.md): LightweightMMM-shaped media mix models fitted by the engine."""

from .engine import Engine, default_engine
from .errors import CancelledError, EngineGone, InputError, LimitError, MMMError, MMMWarning, NotConvergedError, NotFoundError, SamplerFailure
from .lightweight import LightweightMMM, load_model, save_model

__all__ = [
    "Engine",
    "default_engine",
    "LightweightMMM",
    "save_model",
    "load_model",
    "MMMError",
    "InputError",
    "NotFoundError",
    "CancelledError",
    "LimitError",
    "NotConvergedError",
    "SamplerFailure",
    "EngineGone",
    "MMMWarning",
]
