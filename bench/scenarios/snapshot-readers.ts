// `node bench/scenarios/snapshot-readers.ts <url> <readers> <ms>`: the health scenario's load, in a
// process of its own so that receiving the snapshots does not delay the bench's /healthz probes.
// Each reader GETs the snapshot again as soon as it has the last one; prints what was answered.
const [url, readers, ms] = process.argv.slice(2);
const ends = Date.now() + Number(ms);
let gets = 0;
let refused = 0;
const reader = async () => {
  while (Date.now() < ends) {
    const response = await fetch(url!);
    await response.arrayBuffer();
    if (response.status === 200) gets++;
    else if (response.status === 503) refused++;
    else throw new Error(`snapshot GET: ${response.status}`);
  }
};
await Promise.all(Array.from({ length: Number(readers) }, reader));
process.stdout.write(JSON.stringify({ gets, refused }));
