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

/** Listens on host:port (0 = a free port) and returns the URL and the port actually bound. */
export async function listen(
  server: Server,
  host: string,
  port: number,
): Promise<{ url: string; port: number }> {
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
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  return { url: `http://${urlHost(host)}:${bound}/`, port: bound };
}
