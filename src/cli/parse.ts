// Option values read from text, each failing with an InputError that names
// the option (no file system here: options.ts adds the file readers).

import { InputError } from "../errors.js";

/**
 * A comma-separated list of names, read as a CSV row: a name holding a comma
 * goes in double quotes ("TV, linear"), a quote inside one is doubled. Spaces
 * around each name are dropped, as around unquoted ones.
 */
export function parseList(value: string, option: string): string[] {
  const items: string[] = [];
  let i = 0;
  for (;;) {
    while (value[i] === " " || value[i] === "\t") i++;
    let item: string;
    if (value[i] === '"') {
      let j = i + 1;
      item = "";
      for (;;) {
        const q = value.indexOf('"', j);
        if (q < 0) throw new InputError(`${option}: a quote opened at character ${i + 1} of "${value}" is not closed`);
        item += value.slice(j, q);
        if (value[q + 1] === '"') {
          item += '"';
          j = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      while (value[i] === " " || value[i] === "\t") i++;
      if (i < value.length && value[i] !== ",") throw new InputError(`${option}: unexpected text after the quoted name "${item}" in "${value}"`);
    } else {
      const comma = value.indexOf(",", i);
      const end = comma < 0 ? value.length : comma;
      item = value.slice(i, end).trim();
      i = end;
    }
    if (item === "") throw new InputError(`${option}: empty name in "${value}"`);
    items.push(item);
    if (i >= value.length) return items;
    i++; // past the comma
  }
}

export function parseNumberList(value: string, option: string): number[] {
  return parseList(value, option).map((s) => {
    const v = Number(s);
    if (!Number.isFinite(v)) throw new InputError(`${option}: "${s}" is not a number`);
    return v;
  });
}

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

export function parseChoice<T extends string>(value: string, option: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value)) throw new InputError(`${option}: expected one of ${choices.join(", ")}, got "${value}"`);
  return value as T;
}

/** An integer within [min, max]; `why` says what the bound protects. */
export function parseIntegerIn(value: string, option: string, min: number, max: number, why?: string): number {
  return parseNumber(value, option, (v) => Number.isInteger(v) && v >= min && v <= max, `an integer from ${min} to ${max}${why ? ` (${why})` : ""}`);
}
