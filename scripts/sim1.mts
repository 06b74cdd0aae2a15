import { runSimulation } from '../src/sim/simulation.ts';
const t = Date.now();
const r = await runSimulation({ seed: Number(process.argv[2] ?? 1), minutes: Number(process.argv[3] ?? 60), faults: process.argv.includes('--faults'), crashes: process.argv.includes('--crashes') });
console.log(JSON.stringify({ ...r, ms: Date.now() - t }, null, 1).slice(0, 3000));
