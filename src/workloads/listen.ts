/** Starting to listen: one clear line for each way it fails, and the URL a client should use. */
import type { Server } from 'node:http';
import { OptionError } from '../core/errors.js';

/** The address a client should use: wildcard addresses are reached through loopback. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

function listenError(error: NodeJS.ErrnoException, host: string, port: number): OptionError {
  switch (error.code) {
    case 'EADDRINUSE':
      return new OptionError(`port ${port} is already in use on ${host}; pick another, or 0 for a free one`);
    case 'EACCES':
      return new OptionError(`port ${port} on ${host} needs privileges; pick one above 1023, or 0`);
    case 'EADDRNOTAVAIL':
      return new OptionError(`host ${host} is not an address of this machine`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new OptionError(`host ${host} cannot be resolved`);
    default:
      return new OptionError(`cannot listen on ${host}:${port}: ${error.message}`);
  }
}

/** Whether an address (as bound: numeric) is loopback, reachable from this machine only. */
export function isLoopback(address: string): boolean {
  const v4 = address.toLowerCase().startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return /^127\./.test(v4) || address === '::1';
}

/** `127.0.0.1:8080`, `[::]:8080`. */
export function formatAddress(address: string, port: number): string {
  return `${address.includes(':') ? `[${address}]` : address}:${port}`;
}

/** Who can reach a bound address, in a few words. */
export function describeReach(address: string): string {
  if (isLoopback(address)) return 'loopback: this machine only';
  if (address === '0.0.0.0') return 'every IPv4 interface';
  if (address === '::') return 'every interface';
  return 'an address other machines may reach';
}

/** Listens on host:port (0 = a free port) and returns the URL, and the address and port actually bound. */
export async function listen(
  server: Server,
  host: string,
  port: number,
): Promise<{ url: string; address: string; port: number }> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => reject(listenError(error, host, port));
    server.once('error', onError);
    server.listen({ host, port }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  // A late error (after listening) must not crash the process that embeds the server.
  server.on('error', () => {});
  const address = server.address();
  const info = typeof address === 'object' && address !== null ? address : undefined;
  const bound = info?.port ?? port;
  return { url: `http://${urlHost(host)}:${bound}/`, address: info?.address ?? host, port: bound };
}
