// A bare worker thread, no pool: the reference row of table 2 (what the machine gives two plain workers).
import { parentPort } from 'node:worker_threads';
import squareSum from './square-sum.mjs';

parentPort.on('message', (inputs) => parentPort.postMessage(inputs.map(squareSum)));
