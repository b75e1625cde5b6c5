import { makeAxis, project } from "./chart-axis.mjs";

/**
 * A line chart as standalone SVG text: no browser, no dependency. Made to
 * be read in a GitHub markdown view, which shows an SVG as an image at its
 * own size up to the page width: explicit width, height and viewBox, a white
 * background (dark mode would otherwise show black text on black), fonts of
 * 12 px and up, and series told apart by colour *and* dash pattern (for
 * readers who do not see the colours, and for grey-scale prints).
 *
 * Each series is one `<path class="series">`; `step: true` draws it as a
 * staircase (an empirical CDF), otherwise straight segments with a marker
 * at each point (a single point still shows).
 */

/** Okabe and Ito's palette, distinguishable with the common colour-vision deficiencies. */
export const COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000"];
export const DASHES = ["", "9 4", "2 4", "12 4 3 4", "5 5", "1 3", "16 5"];

const LEGEND_WIDTH = 210;
/** Markers at the ends of the x axis stay whole. */
const INSET = 10;

const xmlText = (text) =>
  String(text)
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");

const px = (value) => Math.round(value * 10) / 10;

/**
 * `series`: `[{ label, points: [[x, y], ...], step?, style? }]`, where
 * `style` picks the colour and dash (default: the series' index), so that one
 * contender looks the same in every chart; `x`, `y`: axis
 * options (see chart-axis.mjs: domain, ticks, includeZero, log). Points
 * whose x or y is not a finite number are left out.
 */
export function lineChart({
  title,
  subtitle = "",
  xLabel,
  yLabel,
  series,
  x = {},
  y = {},
  width = 820,
  height = 460,
}) {
  const clean = series.map((s, i) => ({
    ...s,
    style: s.style ?? i,
    points: s.points.filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b)),
  }));
  const xAxis = makeAxis(
    clean.flatMap((s) => s.points.map((p) => p[0])),
    x,
  );
  const yAxis = makeAxis(
    clean.flatMap((s) => s.points.map((p) => p[1])),
    y,
  );
  const plot = {
    left: 76,
    right: width - LEGEND_WIDTH,
    top: subtitle ? 70 : 50,
    bottom: height - 58,
  };
  const toX = (v) => px(project(xAxis, v, plot.left + INSET, plot.right - INSET));
  const toY = (v) => px(project(yAxis, v, plot.bottom, plot.top));

  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="13" fill="#222">`,
    `<title>${xmlText(title)}</title>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#fff"/>`,
    `<text class="chart-title" x="${plot.left}" y="26" font-size="17" font-weight="bold">${xmlText(title)}</text>`,
  ];
  if (subtitle) {
    out.push(
      `<text class="subtitle" x="${plot.left}" y="48" font-size="13" fill="#555">${xmlText(subtitle)}</text>`,
    );
  }
  for (const tick of yAxis.ticks) {
    out.push(
      `<g class="y-tick" transform="translate(0 ${toY(tick.value)})">` +
        `<line x1="${plot.left}" x2="${plot.right}" stroke="${tick.major ? "#ddd" : "#eee"}"/>` +
        `<text x="${plot.left - 8}" y="4" text-anchor="end" font-size="12">${xmlText(tick.label)}</text></g>`,
    );
  }
  for (const tick of xAxis.ticks) {
    out.push(
      `<g class="x-tick" transform="translate(${toX(tick.value)} 0)">` +
        `<line y1="${plot.top}" y2="${plot.bottom}" stroke="${tick.major ? "#ddd" : "#eee"}"/>` +
        `<line y1="${plot.bottom}" y2="${plot.bottom + 5}" stroke="#444"/>` +
        `<text y="${plot.bottom + 20}" text-anchor="middle" font-size="12">${xmlText(tick.label)}</text></g>`,
    );
  }
  out.push(
    `<rect x="${plot.left}" y="${plot.top}" width="${plot.right - plot.left}" height="${plot.bottom - plot.top}" fill="none" stroke="#444"/>`,
    `<text class="x-label" x="${px((plot.left + plot.right) / 2)}" y="${height - 14}" text-anchor="middle" font-size="14">${xmlText(xLabel)}</text>`,
    `<text class="y-label" transform="translate(18 ${px((plot.top + plot.bottom) / 2)}) rotate(-90)" text-anchor="middle" font-size="14">${xmlText(yLabel)}</text>`,
  );

  for (const s of clean) {
    const stroke = strokeOf(s.style);
    if (s.points.length > 0) {
      out.push(
        `<path class="series" data-label="${xmlText(s.label)}" d="${pathData(s, toX, toY)}" fill="none"${stroke} stroke-linejoin="round"/>`,
      );
    }
    if (!s.step) {
      for (const [a, b] of s.points) {
        out.push(
          `<circle cx="${toX(a)}" cy="${toY(b)}" r="4" fill="#fff" stroke="${COLOURS[s.style % COLOURS.length]}" stroke-width="2"/>`,
        );
      }
    }
  }

  out.push(`<g class="legend" font-size="13">`);
  clean.forEach((s, i) => {
    const top = plot.top + 10 + i * 24;
    const left = plot.right + 18;
    out.push(
      `<line x1="${left}" x2="${left + 34}" y1="${top}" y2="${top}"${strokeOf(s.style)}/>` +
        `<text x="${left + 42}" y="${top + 4}">${xmlText(s.label)}${s.points.length === 0 ? " (no data)" : ""}</text>`,
    );
  });
  out.push("</g>", "</svg>", "");
  return out.join("\n");
}

function strokeOf(style) {
  const dash = DASHES[style % DASHES.length];
  return (
    ` stroke="${COLOURS[style % COLOURS.length]}" stroke-width="2.5"` +
    (dash ? ` stroke-dasharray="${dash}"` : "")
  );
}

/** Straight segments, or a staircase: across to the next x at the old y, then up to the new y. */
function pathData({ points, step }, toX, toY) {
  const [first, ...rest] = points;
  const parts = [`M${toX(first[0])} ${toY(first[1])}`];
  for (const [a, b] of rest) {
    parts.push(step ? `H${toX(a)}V${toY(b)}` : `L${toX(a)} ${toY(b)}`);
  }
  return parts.join("");
}

/**
 * The empirical CDF of a sample as points for a `step` series: it starts at
 * 0 at the smallest value and reaches 1 at the largest.
 */
export function cdfPoints(values) {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  const n = sorted.length;
  return [[sorted[0], 0], ...sorted.map((v, i) => [v, (i + 1) / n])];
}
