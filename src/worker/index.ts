// Engine worker entry. The shim: under Electron's utilityProcess messages arrive on
// process.parentPort; under Node's child_process.fork on process.on('message'). Everything else
// is the same code (run-job.ts).
import './wasm-tiering.js';
import type { FromWorker, ToWorker } from '../shared/worker-messages.js';
import { runJob } from './run-job.js';
import { runCombineJob, runDescribeJob, runToolJob } from './run-tool.js';
import { runViewJob } from './run-view.js';

interface ParentPort {
  on(event: 'message', listener: (e: { data: ToWorker }) => void): void;
  postMessage(message: FromWorker): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
const nativeBinding = process.env.PANEL_STUDIO_SQLITE_BINDING || undefined;
// Crash/hang hooks exist only for the job host's tests (PANEL_STUDIO_TEST_HOOKS=1).
const testHooks = process.env.PANEL_STUDIO_TEST_HOOKS === '1';

const post: (m: FromWorker) => void = parentPort
  ? (m) => parentPort.postMessage(m)
  : (m) => {
      process.send?.(m);
    };

function handle(msg: ToWorker): void {
  if (msg.type === 'tool') {
    runToolJob(msg, post, nativeBinding);
    return;
  }
  if (msg.type === 'combine') {
    runCombineJob(msg, post, nativeBinding);
    return;
  }
  if (msg.type === 'describe') {
    runDescribeJob(msg, post, nativeBinding);
    return;
  }
  if (msg.type === 'view') {
    runViewJob(msg, post, nativeBinding);
    return;
  }
  if (msg.type !== 'run') return;
  if (testHooks && msg.crashForTest === 'exit') process.exit(70);
  if (testHooks && msg.crashForTest === 'hang') {
    post({ type: 'progress', jobId: msg.jobId, stage: 'estimate', fraction: 0.5 });
    setInterval(() => {}, 1000);
    return;
  }
  runJob(msg, post, nativeBinding);
}

if (parentPort) parentPort.on('message', (e) => handle(e.data));
else if (process.send) process.on('message', (m) => handle(m as ToWorker));
else {
  process.stderr.write('panel-studio worker: must be started by the job host (no IPC channel)\n');
  process.exit(2);
}
post({ type: 'ready' });
