// A flame graph of a `--cpu-prof` profile as plain SVG (root at the top, callees below, width
// by time), so a profile can be read in a browser or in the docs without a profiler open.

export interface FlameFrame {
  name: string;
  /** Where the frame's code lives: a package, `node:…`, the relay's own folder, or `(native)`. */
  where: string;
  /** Microseconds spent in this frame and everything it called. */
  total: number;
  children: FlameFrame[];
}

const ROW = 17;
const WIDTH = 1200;

function colour(where: string): string {
  if (where === 'relay' || where === 'protocol') return '#7baaf7';
  if (where.startsWith('node:')) return '#f6b26b';
  if (where === '(native)') return '#e06666';
  if (where === 'ws' || where === 'fastify' || where.startsWith('@fastify')) return '#93c47d';
  return '#cccccc';
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function depth(frame: FlameFrame): number {
  return 1 + Math.max(0, ...frame.children.map(depth));
}

export function flameGraph(root: FlameFrame, caption: string): string {
  const rows = depth(root);
  const height = 30 + rows * ROW;
  const scale = WIDTH / Math.max(1, root.total);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" font-family="system-ui, sans-serif" font-size="11">`,
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    `<text x="4" y="18" font-size="13" font-weight="600">${escape(caption)}</text>`,
  ];
  const draw = (frame: FlameFrame, x: number, level: number) => {
    const width = frame.total * scale;
    if (width < 0.5) return;
    const y = 26 + level * ROW;
    const share = ((frame.total / root.total) * 100).toFixed(1);
    const label = `${frame.name} (${frame.where})`;
    out.push(
      `<g><title>${escape(label)}: ${(frame.total / 1000).toFixed(1)} ms, ${share}%</title>` +
        `<rect x="${x.toFixed(1)}" y="${y}" width="${Math.max(0.5, width - 0.5).toFixed(1)}" height="${ROW - 1}" fill="${colour(frame.where)}"/>`,
    );
    // About 6 px a character: only what fits is written.
    const fits = Math.floor((width - 6) / 6);
    if (fits >= 4) out.push(`<text x="${(x + 3).toFixed(1)}" y="${y + 12}">${escape(label.length > fits ? `${label.slice(0, fits - 1)}…` : label)}</text>`);
    out.push('</g>');
    let offset = x;
    for (const child of [...frame.children].sort((a, b) => b.total - a.total)) {
      draw(child, offset, level + 1);
      offset += child.total * scale;
    }
  };
  draw(root, 0, 0);
  out.push('</svg>');
  return out.join('\n') + '\n';
}
