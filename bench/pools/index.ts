import { drivers as fanout } from './fanout.js';
import { drivers as piscina } from './piscina.js';
import type { PoolDriver } from './pool.js';
import { drivers as tinypool } from './tinypool.js';
import { drivers as workerpool } from './workerpool.js';

/** Every pool the throughput bench runs, in table order. A new pool is one file and one line here. */
export const DRIVERS: readonly PoolDriver[] = [...fanout, ...piscina, ...tinypool, ...workerpool];

export function findDriver(id: string): PoolDriver | undefined {
  return DRIVERS.find((driver) => driver.id === id);
}
