/**
 * Summarises V8 CPU profiles (`node --cpu-prof`, as `BENCH_PROFILE=1 npm run bench` writes them):
 * self time by package or file, and the heaviest functions.
 *
 *   npx ts-node bench/profile-summary.ts bench/results/profiles/CPU.*.cpuprofile [--top 25]
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function bucketOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1];
  if (url.startsWith('node:')) return url;
  const own = /\/(apps|libs)\/([^/]+)\/src\/(.+)$/.exec(url) ?? /dist\/apps\/[^/]+\/(apps|libs)\/([^/]+)\/src\/(.+)$/.exec(url);
  if (own) return `${own[1]}/${own[2]}/${own[3].replace(/\.js$/, '')}`;
  return url.replace(/^file:\/\//, '');
}

function summarise(path: string, top: number): void {
  const p = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const idle = [...self.entries()].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)').reduce((a, [, t]) => a + t, 0);
  const busy = total - idle;
  const buckets = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, t] of self) {
    const n = byId.get(id);
    if (!n || n.callFrame.functionName === '(idle)') continue;
    const b = bucketOf(n.callFrame.url, n.callFrame.functionName);
    buckets.set(b, (buckets.get(b) ?? 0) + t);
    const f = `${n.callFrame.functionName || '(anonymous)'} ${bucketOf(n.callFrame.url, '')}:${n.callFrame.lineNumber + 1}`;
    functions.set(f, (functions.get(f) ?? 0) + t);
  }
  const pct = (t: number) => `${((100 * t) / busy).toFixed(1)}%`.padStart(6);
  console.log(`\n${path}\n  busy ${(busy / 1e6).toFixed(2)} s of ${(total / 1e6).toFixed(2)} s sampled`);
  console.log('  by package / file:');
  for (const [b, t] of [...buckets].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(t)}  ${b}`);
  console.log('  heaviest functions (self time):');
  for (const [f, t] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(t)}  ${f}`);
}

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args[topAt + 1]) : 25;
for (const file of args.filter((a, i) => !a.startsWith('--') && i !== topAt + 1)) summarise(file, top);
