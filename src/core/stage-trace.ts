// Where the time of one call goes: with TOOLGATE_TRACE_STAGES=FILE in the environment at startup,
// the points of the call path mark the monotonic clock (process.hrtime.bigint(), the same clock in
// every process of the machine, so a bench can put its own marks beside them) into preallocated
// arrays, and at exit every call's marks go to FILE as JSON (bench/gateway-stages.bench.js reads
// it). A call opens where the gateway takes a tools/call and closes when its answer is handed to the
// client's transport; it begins with the marks since the last input that arrived while no call was
// open (the bytes of the request). Meant for lone, sequential calls, where the marks of one call do
// not interleave with another's. Without the variable every mark is one test of a constant.
// By hand: tracing libraries (OpenTelemetry, diagnostics_channel subscribers) allocate per span,
// which would move the very times measured here.
import { writeFileSync } from 'node:fs';

const FILE = process.env.TOOLGATE_TRACE_STAGES || undefined;
export const tracingStages = FILE !== undefined;

const MAX_CALLS = 8192;
const MAX_MARKS = 64;
const times = new BigInt64Array(tracingStages ? MAX_CALLS * MAX_MARKS : 0);
const stageOf = new Uint8Array(tracingStages ? MAX_CALLS * MAX_MARKS : 0);
const marksOf = new Uint8Array(tracingStages ? MAX_CALLS : 0);
const stages: string[] = [];
const stageIds = new Map<string, number>();
let call = -1;
let open = false;
/** The marks since the last input that arrived while no call was open: the next call's first ones. */
const MAX_PENDING = 8;
const pendingStages: number[] = [];
const pendingTimes: bigint[] = [];

/** Input arrived (bytes on a pipe, an HTTP request): a mark of the open call, or the first of the next one. */
export function traceInput(stage: string): void {
  if (!tracingStages) return;
  if (open) {
    traceStage(stage);
    return;
  }
  pendingStages.length = pendingTimes.length = 0;
  pendingStages.push(idOf(stage));
  pendingTimes.push(process.hrtime.bigint());
}

/** The gateway took a tools/call: a call opens, with the marks since its input. */
export function traceCallStart(stage: string): void {
  if (!tracingStages || call + 1 >= MAX_CALLS) return;
  call++;
  open = true;
  for (let i = 0; i < pendingStages.length; i++) record(pendingStages[i]!, pendingTimes[i]!);
  pendingStages.length = pendingTimes.length = 0;
  traceStage(stage);
}

/** A point on the path of the open call (or, before it opens, of its input). */
export function traceStage(stage: string): void {
  if (!tracingStages) return;
  if (open) record(idOf(stage), process.hrtime.bigint());
  else if (pendingStages.length && pendingStages.length < MAX_PENDING) {
    pendingStages.push(idOf(stage));
    pendingTimes.push(process.hrtime.bigint());
  }
}

function record(stage: number, time: bigint): void {
  const n = marksOf[call]!;
  if (n >= MAX_MARKS) return;
  times[call * MAX_MARKS + n] = time;
  stageOf[call * MAX_MARKS + n] = stage;
  marksOf[call] = n + 1;
}

/** The answer went to the client's transport: the call's last mark. */
export function traceAnswered(stage: string): void {
  if (!tracingStages || !open) return;
  traceStage(stage);
  open = false;
}

function idOf(stage: string): number {
  let id = stageIds.get(stage);
  if (id === undefined) {
    id = stages.push(stage) - 1;
    stageIds.set(stage, id);
  }
  return id;
}

/** Every call's marks as [stage, ns since the clock's origin (a string: bigint)] pairs. */
function dump(): void {
  const calls = Array.from({ length: call + 1 }, (_, c) =>
    Array.from({ length: marksOf[c]! }, (_, m) => [stages[stageOf[c * MAX_MARKS + m]!], String(times[c * MAX_MARKS + m])]),
  );
  writeFileSync(FILE!, JSON.stringify({ calls }));
}

if (tracingStages) process.once('exit', dump);
