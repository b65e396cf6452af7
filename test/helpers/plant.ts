// A promise rejection nobody handles, planted in a relay process and set off by the test once the
// relay is up: the way to check what the process does with one, without a bug to find.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';

export interface PlantedRejection {
  /** Node's flags and the environment that plant it; pass both to startRelay. */
  nodeFlags: string[];
  env: Record<string, string>;
  /** Sets it off: the process rejects a promise with `message` and no handler. */
  fire(): void;
}

export function plantRejection(message: string): PlantedRejection {
  const flag = join(tmpdir(), `sheetcast-plant-${randomUUID()}`);
  const code = `import { existsSync } from 'node:fs';
const timer = setInterval(() => {
  if (!existsSync(process.env.SHEETCAST_TEST_PLANT)) return;
  clearInterval(timer);
  Promise.reject(new Error(${JSON.stringify(message)}));
}, 20);
timer.unref();`;
  return {
    nodeFlags: ['--import', `data:text/javascript,${encodeURIComponent(code)}`],
    env: { SHEETCAST_TEST_PLANT: flag },
    fire: () => writeFileSync(flag, ''),
  };
}
