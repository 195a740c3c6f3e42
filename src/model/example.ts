// The bundled example's columns (examples/weekly_sales.csv, simulated weekly
// sales made by scripts/make-example.mjs): the CLI's --example and the browser
// demo map it the same way.
export const EXAMPLE_COLUMNS = {
  file: "examples/weekly_sales.csv",
  target: "sales",
  media: ["tv", "search", "social", "radio", "display"],
  extra: ["price_index", "competitor_promo"],
  date: "week",
};
