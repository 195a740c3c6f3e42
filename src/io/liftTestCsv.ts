// Lift tests from a CSV table: one experiment a row, columns
//   channel, x, delta_x, delta_y, sigma   (required)
//   geo, date_start, date_end             (optional)
// Every error names the file, the column and the row.

import { InputError } from "../errors.js";
import { checkLiftTest, type LiftTest } from "../model/liftTests.js";
import { emptyCellText, parseNumberCell, rowNumber, type Table } from "./csv.js";

const REQUIRED = ["channel", "x", "delta_x", "delta_y", "sigma"] as const;
const OPTIONAL = ["geo", "date_start", "date_end"] as const;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function liftTestsFromTable(table: Table): LiftTest[] {
  for (const name of REQUIRED) {
    if (!table.columns.includes(name)) {
      throw new InputError(
        `${table.source}: missing column "${name}"; a lift-test file has columns ${REQUIRED.join(", ")} (and optionally ${OPTIONAL.join(", ")})`,
      );
    }
  }
  for (const name of table.columns) {
    if (!(REQUIRED as readonly string[]).includes(name) && !(OPTIONAL as readonly string[]).includes(name)) {
      throw new InputError(`${table.source}: unknown column "${name}"; expected ${[...REQUIRED, ...OPTIONAL].join(", ")}`);
    }
  }
  if (table.rows.length === 0) throw new InputError(`${table.source}: no lift tests (the file has a header only)`);
  const col = (name: string) => table.columns.indexOf(name);
  return table.rows.map((r, i) => {
    const row = rowNumber(table, i);
    const at = (name: string) => `${table.source}: column "${name}", row ${row}`;
    const num = (name: string) => parseNumberCell(r[col(name)], at(name), false, emptyCellText(table));
    const text = (name: string) => (col(name) >= 0 && r[col(name)] !== "" ? r[col(name)] : undefined);
    const channel = text("channel");
    if (channel === undefined) throw new InputError(`${at("channel")}: ${emptyCellText(table)}`);
    const test: LiftTest = {
      channel,
      x: num("x"),
      deltaX: num("delta_x"),
      deltaY: num("delta_y"),
      sigma: num("sigma"),
      source: `${table.source}: row ${row}`,
    };
    const geo = text("geo");
    if (geo !== undefined) test.geo = geo;
    for (const [name, key] of [
      ["date_start", "dateStart"],
      ["date_end", "dateEnd"],
    ] as const) {
      const d = text(name);
      if (d === undefined) continue;
      if (!ISO_DATE.test(d) || Number.isNaN(Date.parse(d))) throw new InputError(`${at(name)}: "${d}" is not an ISO date (YYYY-MM-DD)`);
      test[key] = d;
    }
    if (test.dateStart && test.dateEnd && test.dateEnd < test.dateStart) {
      throw new InputError(`${at("date_end")}: the test ends (${test.dateEnd}) before it starts (${test.dateStart})`);
    }
    checkLiftTest(test, test.source!);
    return test;
  });
}
