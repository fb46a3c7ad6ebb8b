import { parentPort, workerData } from 'node:worker_threads';
import type { WorkerMessage } from '../common/off-thread';
import { buildMapFile, type BuiltMap, type MapProgress, type MapSource } from './build-map';

/** Map preprocessing off the planner's main thread (a large county contracts for tens of seconds). */
const { source, dataFile } = workerData as { source: MapSource; dataFile: string };
const post = (message: WorkerMessage<MapProgress, BuiltMap>) => parentPort!.postMessage(message);
try {
  post({
    kind: 'done',
    result: buildMapFile(source, dataFile, (progress) => post({ kind: 'progress', progress })),
  });
} catch (error) {
  post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
}
