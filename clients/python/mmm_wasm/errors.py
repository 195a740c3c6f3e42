"""Errors from the engine, as Python exceptions carrying the engine's code and message."""


class MMMError(Exception):
    """An error the engine reported: ``code`` is the protocol's error code, the message is the engine's."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self):
        return "%s (%s)" % (self.message, self.code)


class InputError(MMMError, ValueError):
    """Bad data, parameters or files (codes input_error and invalid_params)."""


class NotFoundError(MMMError, KeyError):
    """A data set, model, density or request id the engine does not hold."""

    def __str__(self):  # KeyError would quote the message
        return MMMError.__str__(self)


class CancelledError(MMMError):
    """The fit was cancelled; no model was kept."""


class LimitError(MMMError):
    """A bound of the server was reached (models held, fits running, message size)."""


class NotConvergedError(MMMError):
    """Many chains in lockstep did not agree (nested R-hat or R-hat too high); no model was kept."""


class SamplerFailure(MMMError):
    """A chain, or the worker thread running chains, failed; the message names them. No model was kept."""


class MMMWarning(UserWarning):
    """A warning the engine gave about the data or the fit (gaps in the dates, divergences, chains that
    disagree), issued with Python's ``warnings`` module, so it can be filtered or turned into an error."""


class EngineGone(MMMError):
    """The engine process ended or the connection broke."""


_BY_CODE = {
    "input_error": InputError,
    "invalid_params": InputError,
    "not_found": NotFoundError,
    "cancelled": CancelledError,
    "limit_reached": LimitError,
    "too_large": LimitError,
    "not_converged": NotConvergedError,
    "sampler_failure": SamplerFailure,
}


def error_from(obj):
    """The exception for an error object of the protocol ({"code", "message"})."""
    code = obj.get("code", "internal_error")
    return _BY_CODE.get(code, MMMError)(code, obj.get("message", "unknown error"))
