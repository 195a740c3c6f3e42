"""Arrays in and out of the protocol: numpy when installed, lists otherwise.

Batches travel in the protocol's compact form, {"dtype": "float64",
"shape": [...], "data": base64 of little-endian float64}, which costs almost
nothing to encode next to JSON lists of numbers.
"""

import base64
import struct

from .errors import InputError

try:
    import numpy as np
except ImportError:  # numpy is optional
    np = None


def has_numpy():
    return np is not None


def _flatten(values):
    shape = []
    level = values
    while isinstance(level, (list, tuple)):
        shape.append(len(level))
        level = level[0] if level else None
    flat = []

    def walk(x, depth):
        if depth == len(shape):
            flat.append(float(x))
            return
        if len(x) != shape[depth]:
            raise ValueError("the array is not rectangular")
        for y in x:
            walk(y, depth + 1)

    walk(values, 0)
    return flat, shape


def encode(values):
    """An EncodedArray from a numpy array or nested lists of numbers."""
    if np is not None:
        a = np.ascontiguousarray(values, dtype="<f8")
        return {"dtype": "float64", "shape": list(a.shape), "data": base64.b64encode(a.tobytes()).decode("ascii")}
    flat, shape = _flatten(values)
    data = struct.pack("<%dd" % len(flat), *flat)
    return {"dtype": "float64", "shape": shape, "data": base64.b64encode(data).decode("ascii")}


def _nest(flat, shape):
    if not shape:
        return flat[0]
    if len(shape) == 1:
        return list(flat)
    step = len(flat) // shape[0] if shape[0] else 0
    return [_nest(flat[i * step:(i + 1) * step], shape[1:]) for i in range(shape[0])]


def decode(obj):
    """A numpy array (or nested lists without numpy) from an EncodedArray."""
    raw = base64.b64decode(obj["data"])
    shape = obj["shape"]
    if np is not None:
        return np.frombuffer(raw, dtype="<f8").reshape(shape).copy()
    flat = list(struct.unpack("<%dd" % (len(raw) // 8), raw))
    return _nest(flat, shape)


def as_array(values):
    """Lists from the engine as a numpy array when numpy is there (None becomes nan)."""
    if np is None:
        return values
    return np.array([[float("nan") if v is None else v for v in row] for row in values] if values and isinstance(values[0], list) else [float("nan") if v is None else v for v in values], dtype=float)


def _json_number(v):
    """A float for JSON: NaN and infinities, which JSON cannot carry, become null, and the engine
    names the column and row of each (a missing value, never dropped)."""
    if isinstance(v, list):
        return [_json_number(x) for x in v]
    if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
        return None
    return v


def to_lists(values):
    """Nested lists of floats from a numpy array or anything list-like (for JSON)."""
    if values is None:
        return None
    if np is not None and isinstance(values, np.ndarray):
        return _json_number(values.astype(float).tolist())
    if hasattr(values, "tolist"):
        return _json_number(values.tolist())
    return [to_lists(v) if isinstance(v, (list, tuple)) or hasattr(v, "tolist") else _json_number(float(v)) for v in values]


def _column_names(table):
    """The column names of a DataFrame-like table, or None where it does not say."""
    names = getattr(table, "columns", None)
    if names is None and hasattr(table, "keys"):
        names = table.keys()
    try:
        return [str(n) for n in list(names)] if names is not None else None
    except TypeError:
        return None


def column(table, name):
    """A column of a DataFrame-like table (pandas, polars, dict of lists) as a list."""
    try:
        col = table[name]
    except (KeyError, IndexError, TypeError):
        # As the engine says it of a file: the name, and the columns there are.
        names = _column_names(table)
        listed = "; the columns are: %s" % ", ".join(names) if names is not None else ""
        raise InputError("invalid_params", 'the table has no column "%s"%s' % (name, listed)) from None
    if hasattr(col, "tolist"):
        col = col.tolist()
    out = []
    for v in col:
        if hasattr(v, "isoformat"):
            out.append(v.isoformat()[:10])
        elif isinstance(v, (int, float, str)):
            out.append(v)
        elif hasattr(v, "item"):
            out.append(v.item())
        else:
            out.append(str(v))
    return out

