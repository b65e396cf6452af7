// Sheets API v4, the reading half: spreadsheets.get (with grid data for ranges, and partial
// responses), values.get and values.batchGet, with Google's response shapes (ragged rows,
// trailing empty rows and columns left out, `range` echoed bounded).

import { apiError, json, type EmulatorRequest, type Reply, type Route } from './http.ts';
import { applyMask, MaskError, parseMask, selects, type Mask } from './field-mask.ts';
import { gridRange } from './look.ts';
import { requireAccess } from './oauth.ts';
import { formatValue, RangeError400, type CellValue, type ResolvedRange, type Spreadsheet } from './spreadsheet.ts';
import type { TokenStore } from './tokens.ts';

export const SHEETS_READ_SCOPES = [
  'https://www.googleapis.com/auth/spreadsheets',
  'https://www.googleapis.com/auth/spreadsheets.readonly',
  'https://www.googleapis.com/auth/drive',
  'https://www.googleapis.com/auth/drive.readonly',
  'https://www.googleapis.com/auth/drive.file',
];

export interface SheetsContext {
  tokens: TokenStore;
  /** The spreadsheet with that id, if the emulator has one. */
  find(id: string): Spreadsheet | undefined;
  baseUrl(): string;
}

type Dimension = 'ROWS' | 'COLUMNS';
type RenderOption = 'FORMATTED_VALUE' | 'UNFORMATTED_VALUE' | 'FORMULA';

export interface ValueRange {
  range: string;
  majorDimension: Dimension;
  values?: CellValue[][];
}

function render(value: CellValue, option: RenderOption): CellValue {
  return option === 'FORMATTED_VALUE' ? formatValue(value) : value;
}

/** Google's ValueRange: each line stops at its last non-empty cell, trailing empty lines are dropped. */
export function valueRange(resolved: ResolvedRange, dimension: Dimension, option: RenderOption): ValueRange {
  const { sheet, rect } = resolved;
  const rowsFirst = dimension === 'ROWS';
  const [outerFrom, outerTo] = rowsFirst ? [rect.top, rect.bottom] : [rect.left, rect.right];
  const [innerFrom, innerTo] = rowsFirst ? [rect.left, rect.right] : [rect.top, rect.bottom];
  const lines: CellValue[][] = [];
  for (let outer = outerFrom; outer <= outerTo; outer++) {
    const line: CellValue[] = [];
    for (let inner = innerFrom; inner <= innerTo; inner++) {
      line.push(render(rowsFirst ? sheet.cell(outer, inner) : sheet.cell(inner, outer), option));
    }
    while (line.length > 0 && line[line.length - 1] === '') line.pop();
    lines.push(line);
  }
  while (lines.length > 0 && lines[lines.length - 1]!.length === 0) lines.pop();
  return { range: resolved.a1, majorDimension: dimension, ...(lines.length > 0 ? { values: lines } : {}) };
}

function options(request: EmulatorRequest): { dimension: Dimension; render: RenderOption } | Reply {
  const dimension = request.params.get('majorDimension') ?? 'ROWS';
  const renderOption = request.params.get('valueRenderOption') ?? 'FORMATTED_VALUE';
  if (dimension !== 'ROWS' && dimension !== 'COLUMNS') {
    return apiError(400, `Invalid value at 'major_dimension' (type.googleapis.com/google.apps.sheets.v4.Dimension), "${dimension}"`);
  }
  if (renderOption !== 'FORMATTED_VALUE' && renderOption !== 'UNFORMATTED_VALUE' && renderOption !== 'FORMULA') {
    return apiError(400, `Invalid value at 'value_render_option' (type.googleapis.com/google.apps.sheets.v4.ValueRenderOption), "${renderOption}"`);
  }
  return { dimension, render: renderOption };
}

/** The common checks of every route: a live token with a Sheets scope, a known spreadsheet. */
function open(context: SheetsContext, request: EmulatorRequest, id: string): Spreadsheet | Reply {
  const access = requireAccess(request, context.tokens, SHEETS_READ_SCOPES);
  if ('status' in access) return access;
  const spreadsheet = context.find(id);
  if (!spreadsheet) return apiError(404, 'Requested entity was not found.');
  return spreadsheet.canRead(access.grant.user.email) ? spreadsheet : apiError(403, 'The caller does not have permission');
}

function readRanges(spreadsheet: Spreadsheet, request: EmulatorRequest, ranges: string[]): ValueRange[] | Reply {
  const opts = options(request);
  if ('status' in opts) return opts;
  try {
    return ranges.map((range) => valueRange(spreadsheet.resolve(range), opts.dimension, opts.render));
  } catch (error) {
    if (error instanceof RangeError400) return apiError(400, error.message);
    throw error;
  }
}

/** GridData of one range: values with their effective formats, and row and column metadata. */
function gridData({ sheet, rect }: ResolvedRange): Record<string, unknown> {
  const rowData = [];
  for (let row = rect.top; row <= rect.bottom; row++) {
    const values = [];
    for (let col = rect.left; col <= rect.right; col++) {
      const formattedValue = formatValue(sheet.cell(row, col));
      values.push({ ...(formattedValue !== '' && { formattedValue }), ...sheet.look.cellData(row, col, formattedValue) });
    }
    rowData.push({ values });
  }
  const lines = (from: number, to: number, meta: (i: number) => Record<string, unknown>) => Array.from({ length: to - from + 1 }, (_, i) => meta(from + i));
  return {
    ...(rect.top > 1 && { startRow: rect.top - 1 }),
    ...(rect.left > 1 && { startColumn: rect.left - 1 }),
    rowData,
    rowMetadata: lines(rect.top, rect.bottom, (row) => sheet.look.rowMetadata(row)),
    columnMetadata: lines(rect.left, rect.right, (col) => sheet.look.columnMetadata(col)),
  };
}

/**
 * spreadsheets.get. With `ranges`, only the sheets they touch, each with one GridData per range
 * on it in the order asked, when grid data is wanted: `includeGridData=true`, or a field mask
 * that selects `sheets.data` (a mask overrides includeGridData, as Google documents).
 */
function getSpreadsheet(context: SheetsContext, spreadsheet: Spreadsheet, request: EmulatorRequest): Reply {
  let mask: Mask | null = null;
  let resolved: ResolvedRange[];
  try {
    const fields = request.params.get('fields');
    mask = fields ? parseMask(fields) : null;
    resolved = request.params.getAll('ranges').map((range) => spreadsheet.resolve(range));
  } catch (error) {
    if (error instanceof RangeError400 || error instanceof MaskError) return apiError(400, error.message);
    throw error;
  }
  const withData = mask ? selects(mask, ['sheets', 'data']) : request.params.get('includeGridData') === 'true';
  const sheets = spreadsheet.sheets.flatMap((sheet, index) => {
    const mine = resolved.filter((r) => r.sheet === sheet);
    if (resolved.length > 0 && mine.length === 0) return [];
    const { look } = sheet;
    const gridProperties = { rowCount: sheet.rowCount, columnCount: sheet.columnCount, frozenRowCount: look.frozenRows, frozenColumnCount: look.frozenColumns };
    return [
      {
        properties: { sheetId: sheet.sheetId, title: sheet.title, index, sheetType: 'GRID', gridProperties: Object.fromEntries(Object.entries(gridProperties).filter(([, v]) => v !== 0)) },
        ...(look.merges.length > 0 && { merges: look.merges.map((rect) => gridRange(sheet.sheetId, rect)) }),
        ...(look.bandings.length > 0 && {
          bandedRanges: look.bandings.map((b, id) => ({ bandedRangeId: id + 1, range: gridRange(sheet.sheetId, b.rect), rowProperties: b.rowProperties })),
        }),
        ...(withData && { data: (mine.length > 0 ? mine : [{ sheet, rect: { top: 1, left: 1, bottom: sheet.rowCount, right: sheet.columnCount }, a1: '' }]).map(gridData) }),
      },
    ];
  });
  const body = {
    spreadsheetId: spreadsheet.id,
    properties: { title: spreadsheet.title, locale: 'en_US', autoRecalc: 'ON_CHANGE', timeZone: 'Etc/GMT' },
    sheets,
    spreadsheetUrl: `${context.baseUrl()}/spreadsheets/d/${spreadsheet.id}/edit`,
  };
  return json(applyMask(body, mask) as object);
}

export function sheetsRoutes(context: SheetsContext): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^\/v4\/spreadsheets\/([^/:]+)$/,
      handle: (req, [id = '']) => {
        const spreadsheet = open(context, req, id);
        return 'status' in spreadsheet ? spreadsheet : getSpreadsheet(context, spreadsheet, req);
      },
    },
    {
      method: 'GET',
      pattern: /^\/v4\/spreadsheets\/([^/:]+)\/values\/([^/]+)$/,
      handle: (req, [id = '', range = '']) => {
        const spreadsheet = open(context, req, id);
        if ('status' in spreadsheet) return spreadsheet;
        const result = readRanges(spreadsheet, req, [range]);
        return Array.isArray(result) ? json(result[0]!) : result;
      },
    },
    {
      method: 'GET',
      pattern: /^\/v4\/spreadsheets\/([^/:]+)\/values:batchGet$/,
      handle: (req, [id = '']) => {
        const spreadsheet = open(context, req, id);
        if ('status' in spreadsheet) return spreadsheet;
        const result = readRanges(spreadsheet, req, req.params.getAll('ranges'));
        return Array.isArray(result) ? json({ spreadsheetId: spreadsheet.id, valueRanges: result }) : result;
      },
    },
  ];
}
