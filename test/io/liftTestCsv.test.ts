import { describe, expect, it } from "vitest";
import { parseCsv } from "../../src/io/csv.js";
import { liftTestsFromTable } from "../../src/io/liftTestCsv.js";
import { scaleLiftTests } from "../../src/model/liftTests.js";

const read = (text: string) => liftTestsFromTable(parseCsv(text, "lift.csv"));

describe("lift-test CSV", () => {
  it("reads the required and optional columns", () => {
    const tests = read("channel,geo,x,delta_x,delta_y,sigma,date_start,date_end\ntv,north,100,50,12.5,3,2024-03-01,2024-03-28\nradio,,0,20,4,1,,\n");
    expect(tests).toEqual([
      { channel: "tv", geo: "north", x: 100, deltaX: 50, deltaY: 12.5, sigma: 3, dateStart: "2024-03-01", dateEnd: "2024-03-28", source: "lift.csv: row 2" },
      { channel: "radio", x: 0, deltaX: 20, deltaY: 4, sigma: 1, source: "lift.csv: row 3" },
    ]);
  });

  it("errors name the file, the column and the row", () => {
    expect(() => read("channel,x,delta_x,delta_y\ntv,1,2,3\n")).toThrow(/lift.csv: missing column "sigma"/);
    expect(() => read("channel,x,delta_x,delta_y,sigma,cost\ntv,1,2,3,1,5\n")).toThrow(/lift.csv: unknown column "cost"/);
    expect(() => read("channel,x,delta_x,delta_y,sigma\ntv,1,2,3,1\nradio,1,abc,3,1\n")).toThrow(/lift.csv: column "delta_x", row 3: "abc" is not a number/);
    expect(() => read("channel,x,delta_x,delta_y,sigma\ntv,1,2,3,0\n")).toThrow(/lift.csv: row 2: sigma .* must be > 0/);
    expect(() => read("channel,x,delta_x,delta_y,sigma\ntv,10,-20,3,1\n")).toThrow(/row 2: x \+ delta_x = -10 is negative/);
    expect(() => read("channel,x,delta_x,delta_y,sigma\ntv,10,0,3,1\n")).toThrow(/row 2: delta_x is 0/);
    expect(() => read("channel,x,delta_x,delta_y,sigma\n,10,1,3,1\n")).toThrow(/column "channel", row 2: empty cell/);
    expect(() => read("channel,x,delta_x,delta_y,sigma,date_start\ntv,10,1,3,1,03/01/2024\n")).toThrow(/column "date_start", row 2: "03\/01\/2024" is not an ISO date/);
    expect(() => read("channel,x,delta_x,delta_y,sigma\n")).toThrow(/no lift tests/);
  });

  it("scales to the model's units and checks channels and geos", () => {
    const tests = read("channel,x,delta_x,delta_y,sigma\nradio,100,50,10,2\n");
    const scales = { media: (c: number) => [10, 50][c], target: () => 4 };
    expect(scaleLiftTests(tests, ["tv", "radio"], undefined, scales)).toEqual([
      { channel: 1, geo: 0, x: 2, deltaX: 1, deltaY: 2.5, sigma: 0.5 },
    ]);
    expect(() => scaleLiftTests(tests, ["tv"], undefined, scales)).toThrow(/lift.csv: row 2: channel "radio" is not a media channel of the model \(tv\)/);
    expect(() => scaleLiftTests(tests, ["tv", "radio"], ["north"], scales)).toThrow(/row 2: a geo model needs the geo/);
    const geoTests = read("channel,geo,x,delta_x,delta_y,sigma\nradio,south,100,50,10,2\n");
    expect(() => scaleLiftTests(geoTests, ["tv", "radio"], ["north"], scales)).toThrow(/geo "south" is not in the data/);
    expect(() => scaleLiftTests(geoTests, ["tv", "radio"], undefined, scales)).toThrow(/given for a national model/);
  });
});
