// Builds @sheetcast/client (client/): one ESM file for browsers and Node (dist/index.js) and its
// type declarations (dist/types), so the package works from the repository as published.
import { execFileSync } from 'node:child_process';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { sizeLine } from './build-sidebar.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

export async function buildClient(): Promise<void> {
  await rm(`${root}client/dist`, { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: ['client/src/index.ts'],
    outfile: 'client/dist/index.js',
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: ['es2022'],
    tsconfig: 'client/tsconfig.json',
    legalComments: 'none',
    logLevel: 'warning',
    write: true,
  });
  execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', 'client/tsconfig.json', '--noEmit', 'false', '--declaration', '--emitDeclarationOnly', '--rewriteRelativeImportExtensions', '--outDir', 'client/dist/types', '--rootDir', '.'], { cwd: root, stdio: 'inherit' });
  // Declarations name their imports as the sources do (`./wire.ts`); published, they are `.js`.
  for (const entry of await readdir(`${root}client/dist/types`, { recursive: true })) {
    if (!entry.endsWith('.d.ts')) continue;
    const file = `${root}client/dist/types/${entry}`;
    await writeFile(file, (await readFile(file, 'utf8')).replace(/(from '\.{1,2}\/[^']*)\.ts'/g, "$1.js'"));
  }
  console.log(`client/dist:\n  ${sizeLine('index.js', await readFile(`${root}client/dist/index.js`))}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildClient();
