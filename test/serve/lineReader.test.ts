import { describe, expect, it } from "vitest";
import { LineReader } from "../../src/serve/lineReader.js";
import { decodeFloat64, encodeFloat64, jsonSafe, ServeError } from "../../src/serve/protocol.js";

function reader(max: number) {
  const lines: string[] = [];
  const oversized: number[] = [];
  const r = new LineReader(max, { line: (t) => lines.push(t), oversized: (n) => oversized.push(n) });
  return { r, lines, oversized };
}

describe("LineReader", () => {
  it("splits lines across chunks, drops CR and blank lines, keeps a last line without newline", () => {
    const { r, lines } = reader(100);
    for (const chunk of ['{"a"', ':1}\r\n\n  \n{"b":2}\n{"c"', ":3}"]) r.push(Buffer.from(chunk));
    r.end();
    expect(lines).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });

  it("drops a line over the limit once, whatever its chunks, and reads the next", () => {
    const { r, lines, oversized } = reader(10);
    r.push(Buffer.from("0123456"));
    r.push(Buffer.from("789abcdef"));
    r.push(Buffer.from("ghij\nok\n"));
    expect(oversized).toHaveLength(1);
    expect(oversized[0]).toBeGreaterThan(10);
    expect(lines).toEqual(["ok"]);
  });

  it("keeps multi-byte characters split across chunks whole", () => {
    const { r, lines } = reader(100);
    const bytes = Buffer.from('"münchen"\n');
    r.push(bytes.subarray(0, 3));
    r.push(bytes.subarray(3));
    expect(lines).toEqual(['"münchen"']);
  });
});

describe("compact arrays and JSON-safe results", () => {
  it("round-trips float64 bit for bit, odd values included", () => {
    const values = Float64Array.from([0, -0, 1e-310, Math.PI, -1e300, Number.MIN_VALUE]);
    const back = decodeFloat64(encodeFloat64(values, [2, 3]), "x");
    expect(back.shape).toEqual([2, 3]);
    expect(Array.from(back.values)).toEqual(Array.from(values));
    expect(Object.is(back.values[1], -0)).toBe(true);
  });

  it("refuses data that does not fill the shape, or is not base64", () => {
    const e = encodeFloat64(Float64Array.from([1, 2]), [2]);
    expect(() => decodeFloat64({ ...e, shape: [3] }, "points")).toThrow(ServeError);
    expect(() => decodeFloat64({ ...e, data: "A A A A A A A A A A A A A A A A A A A A A" }, "points")).toThrow(/base64|bytes/);
    expect(() => decodeFloat64({ ...e, shape: [-2] }, "points")).toThrow(/shape/);
  });

  it("turns typed arrays into lists and non-finite numbers into null", () => {
    expect(jsonSafe({ a: Float64Array.from([1, NaN]), b: Infinity, c: [undefined, 2], d: undefined })).toEqual({ a: [1, null], b: null, c: [undefined, 2] });
  });
});
