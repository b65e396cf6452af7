// The demo doc: a live scoreboard that edits itself once a second through the same ingest path
// as the add-on, so `npm start` on a fresh machine shows Sheetcast working, formatted as a
// publisher would format it: a merged title, a coloured frozen header, right-aligned numbers.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { RangeFormat, RangeValues } from '../protocol/wire.ts';
import type { DocRecord } from './store/store.ts';

const OWNER = 'demo';
const SPREADSHEET = 'demo-scoreboard';
const SHEET = 'Scoreboard';
const TEAMS = ['Otters', 'Falcons', 'Comets', 'Foxes', 'Herons', 'Lynxes'];
const TITLE = 'Sunday league';
const HEADER = ['Team', 'Played', 'Won', 'Drawn', 'Points'];
const RANGE = 'A1:E9'; // title, header, six teams, and an "updated" line
const TITLE_ROWS = 1;

/** The sheet's look: styles by index; the cells' indexes follow the rows above. */
const FORMAT: RangeFormat = {
  styles: [
    { bold: true, size: 14, h: 'center', v: 'middle', color: '#1f3864', bg: '#dde8f6' },
    { bold: true, bg: '#1f4e79', color: '#ffffff', h: 'center', v: 'middle' },
    { bold: true },
    { h: 'right' },
    { bold: true, h: 'right', bg: '#fff2cc' },
    { italic: true, color: '#5f6368' },
  ],
  cells: [
    [0, 0, 0, 0, 0],
    [1, 1, 1, 1, 1],
    ...TEAMS.map(() => [2, 3, 3, 3, 4]),
    [5, 5, 5, 5, 5],
  ],
  merges: [[0, 0, 1, 5], [TITLE_ROWS + 1 + TEAMS.length, 1, 1, 4]],
  widths: [150, 80, 80, 80, 90],
  heights: [[0, 36], [1, 28]],
  frozen: { rows: TITLE_ROWS + 1, columns: 0 },
};

interface Row {
  team: string;
  played: number;
  won: number;
  drawn: number;
}

function grid(table: Row[], now: Date): RangeValues {
  const ranked = [...table].sort((a, b) => points(b) - points(a) || a.team.localeCompare(b.team));
  const values = [
    [TITLE, '', '', '', ''],
    HEADER,
    ...ranked.map((r) => [r.team, String(r.played), String(r.won), String(r.drawn), String(points(r))]),
    ['Updated', now.toISOString().slice(11, 19) + ' UTC', '', '', ''],
  ];
  return { sheet: SHEET, range: RANGE, values };
}

const points = (r: Row) => r.won * 3 + r.drawn;

/** Reads the table back from stored cells so a restarted demo carries on where it was. */
function tableFrom(values: string[][] | undefined): Row[] {
  const rows = (values ?? []).slice(TITLE_ROWS + 1, TITLE_ROWS + 1 + TEAMS.length).filter((r) => TEAMS.includes(r[0] ?? ''));
  if (rows.length !== TEAMS.length) return TEAMS.map((team) => ({ team, played: 0, won: 0, drawn: 0 }));
  return rows.map((r) => ({ team: r[0]!, played: Number(r[1]) || 0, won: Number(r[2]) || 0, drawn: Number(r[3]) || 0 }));
}

/** The demo doc, once `startDemo` has published it on this relay's store. */
export function findDemoDoc(app: FastifyInstance): Promise<DocRecord | null> {
  return app.store.findDoc(OWNER, SPREADSHEET);
}

async function demoDoc(app: FastifyInstance): Promise<DocRecord> {
  const existing = await findDemoDoc(app);
  // A demo doc kept from an older layout is moved to this one's range.
  if (existing) return existing.ranges[0]?.range === RANGE ? existing : app.docs.change(existing, { ranges: [{ sheet: SHEET, range: RANGE }] });
  // Nobody holds its ingest key: the demo writes through the ingestor directly.
  const { doc } = await app.docs.publish({
    ownerId: OWNER,
    spreadsheetId: SPREADSHEET,
    title: 'Sheetcast demo: a live scoreboard',
    ranges: [{ sheet: SHEET, range: RANGE }],
    access: 'link',
    allow: [],
  });
  return doc;
}

/** Publishes (or reuses) the demo doc and plays a match every `intervalMs`. */
export async function startDemo(app: FastifyInstance, intervalMs = 1000): Promise<{ viewUrl: string }> {
  const doc = await demoDoc(app);
  const snapshot = await app.store.readSnapshot(doc.docId);
  const table = tableFrom(snapshot?.ranges[0]?.values);
  const write = (field: 'edits' | 'ranges') => {
    const formats = field === 'ranges' ? [{ sheet: SHEET, range: RANGE, format: FORMAT, field: 'demo' }] : [];
    return app.ingestor.apply(doc, { batchId: randomUUID(), at: Date.now(), grids: [grid(table, new Date())], formats }, field);
  };
  await write('ranges');

  const timer = setInterval(() => {
    const [home, away] = pickTwo(table);
    home.played++;
    away.played++;
    const roll = Math.random();
    if (roll < 0.25) {
      home.drawn++;
      away.drawn++;
    } else (roll < 0.65 ? home : away).won++;
    write('edits').catch((error: unknown) => app.log.error({ err: error }, 'demo edit failed'));
  }, intervalMs);
  app.addHook('preClose', async () => clearInterval(timer));
  return { viewUrl: `${app.config.publicUrl}/view/${doc.shareId}` };
}

function pickTwo<T>(items: T[]): [T, T] {
  const i = Math.floor(Math.random() * items.length);
  const j = (i + 1 + Math.floor(Math.random() * (items.length - 1))) % items.length;
  return [items[i]!, items[j]!];
}
