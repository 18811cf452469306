/** A chart for views/dashboard/_chart.ejs, drawn by public/js/dashboard-charts.js from this JSON. */
export const chartSpec = (type: string, labels: string[], datasets: { label: string; data: (number | null)[] }[], extra: object = {}) =>
  JSON.stringify({ type, labels, datasets, ...extra });
