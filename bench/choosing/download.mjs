// GET the input URL over a keep-alive agent made once per worker in `setup`; returns the body's length.
import { Agent, get } from 'node:http';

export function setup() {
  return new Agent({ keepAlive: true });
}

export function teardown(agent) {
  agent.destroy();
}

export default function download(url, { state: agent }) {
  return new Promise((resolve, reject) => {
    get(url, { agent }, (response) => {
      let length = 0;
      response.on('data', (chunk) => {
        length += chunk.length;
      });
      response.on('end', () => resolve(length));
      response.on('error', reject);
    }).on('error', reject);
  });
}
