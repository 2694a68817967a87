// Loaded with NODE_OPTIONS=--import into a connector process (where --cpu-prof is not allowed):
// records a V8 CPU profile and writes it to $BENCH_CPU_PROF_DIR on exit.
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.env.BENCH_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  process.on('exit', () => {
    session.post('Profiler.stop', (err, res) => {
      if (!err) writeFileSync(path.join(dir, `connector-${process.pid}-${Date.now()}.cpuprofile`), JSON.stringify(res.profile));
    });
  });
}
