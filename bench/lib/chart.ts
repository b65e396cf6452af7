// The fan-out chart: latency (ms from ingest POST to the last viewer) against viewers, one
// colour per server, p50 solid and p99 dashed. Plain SVG, no dependencies.
import type { FanoutRow } from '../scenarios/fanout.ts';

const COLOURS: Record<FanoutRow['server'], string> = { relay: '#1a73e8', 'bare-ws': '#188038', 'socket.io': '#d93025' };
const TARGET_MS = 100;
const W = 640;
const H = 400;
const PAD = { left: 64, right: 130, top: 40, bottom: 56 };

function niceCeiling(x: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(Math.max(x, 1e-9)));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= x) return step * magnitude;
  return 10 * magnitude;
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function fanoutChart(rows: FanoutRow[], caption: string): string {
  const sizes = [...new Set(rows.map((r) => r.viewers))].sort((a, b) => a - b);
  const servers = [...new Set(rows.map((r) => r.server))];
  const maxX = sizes.at(-1) ?? 1;
  const maxY = niceCeiling(Math.max(1, ...rows.map((r) => r.last.p99)));
  const x = (v: number) => PAD.left + (v / maxX) * (W - PAD.left - PAD.right);
  const y = (ms: number) => H - PAD.bottom - (ms / maxY) * (H - PAD.top - PAD.bottom);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${PAD.left}" y="22" font-size="14" font-weight="600">${escape(caption)}</text>`,
  ];
  for (let i = 0; i <= 5; i++) {
    const ms = (maxY / 5) * i;
    out.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(ms)}" y2="${y(ms)}" stroke="#e0e0e0"/>`);
    out.push(`<text x="${PAD.left - 8}" y="${y(ms) + 4}" text-anchor="end">${Math.round(ms * 10) / 10}</text>`);
  }
  for (const size of sizes) {
    out.push(`<line x1="${x(size)}" x2="${x(size)}" y1="${H - PAD.bottom}" y2="${H - PAD.bottom + 5}" stroke="#555"/>`);
    out.push(`<text x="${x(size)}" y="${H - PAD.bottom + 20}" text-anchor="middle">${size.toLocaleString('en-US')}</text>`);
  }
  out.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${H - PAD.bottom}" y2="${H - PAD.bottom}" stroke="#555"/>`);
  // SPEC.md's target: p99 under 100 ms at 10,000 viewers.
  if (maxY >= TARGET_MS && maxX >= 10_000) {
    out.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(TARGET_MS)}" y2="${y(TARGET_MS)}" stroke="#888" stroke-dasharray="2 3"/>`);
    out.push(`<text x="${PAD.left + 6}" y="${y(TARGET_MS) - 5}" fill="#666">target: p99 &lt; ${TARGET_MS} ms at 10,000</text>`);
  }
  out.push(`<text x="${(PAD.left + W - PAD.right) / 2}" y="${H - 12}" text-anchor="middle">viewers of one doc</text>`);
  out.push(`<text transform="translate(16 ${(PAD.top + H - PAD.bottom) / 2}) rotate(-90)" text-anchor="middle">ms, ingest POST → last viewer</text>`);
  servers.forEach((server, i) => {
    const colour = COLOURS[server];
    const mine = rows.filter((r) => r.server === server).sort((a, b) => a.viewers - b.viewers);
    for (const [key, dash] of [['p50', ''], ['p99', ' stroke-dasharray="6 4"']] as const) {
      const points = mine.map((r) => `${x(r.viewers).toFixed(1)},${y(r.last[key]).toFixed(1)}`).join(' ');
      out.push(`<polyline points="${points}" fill="none" stroke="${colour}" stroke-width="2"${dash}/>`);
      for (const r of mine) out.push(`<circle cx="${x(r.viewers).toFixed(1)}" cy="${y(r.last[key]).toFixed(1)}" r="3" fill="${colour}"/>`);
    }
    const ly = PAD.top + 10 + i * 22;
    out.push(`<line x1="${W - PAD.right + 12}" x2="${W - PAD.right + 36}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="2"/>`);
    out.push(`<text x="${W - PAD.right + 42}" y="${ly + 4}">${escape(server)}</text>`);
  });
  const ly = PAD.top + 10 + servers.length * 22 + 8;
  out.push(`<text x="${W - PAD.right + 12}" y="${ly}" fill="#555">solid: p50</text>`);
  out.push(`<text x="${W - PAD.right + 12}" y="${ly + 16}" fill="#555">dashed: p99</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}
