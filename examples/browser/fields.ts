// The demo's form fields read as numbers: each error names the field by the
// CLI option of the same meaning and is worded as the CLI words it, so the
// page and `mmm fit` say the same thing about the same mistake. The library
// takes numbers, not text; reading text is the demo's own business.

import { InputError } from "../../src/browser.js";

export function parseNumber(value: string, option: string, check?: (v: number) => boolean, need?: string): number {
  const v = Number(value);
  if (value.trim() === "" || !Number.isFinite(v) || (check && !check(v))) {
    throw new InputError(`${option}: expected ${need ?? "a number"}, got "${value}"`);
  }
  return v;
}

export function parseInteger(value: string, option: string, min: number): number {
  return parseNumber(value, option, (v) => Number.isInteger(v) && v >= min, `an integer >= ${min}`);
}

/** Comma-separated numbers; an empty item or one that is not a number is an error. */
export function parseNumberList(value: string, option: string): number[] {
  return value.split(",").map((raw) => {
    const s = raw.trim();
    if (s === "") throw new InputError(`${option}: empty name in "${value}"`);
    const v = Number(s);
    if (!Number.isFinite(v)) throw new InputError(`${option}: "${s}" is not a number`);
    return v;
  });
}
