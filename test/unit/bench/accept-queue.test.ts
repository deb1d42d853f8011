import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { hasCommand } from '../../support/host-commands.js';
import { listenQueueFromSs, watchAcceptQueue } from '../../../runtime/tools/bench/accept-queue.js';

const hasSs = hasCommand('ss');

describe('listenQueueFromSs', () => {
  it("reads a listening socket's Recv-Q, the deepest of its rows", () => {
    const output = ['LISTEN 7      511    127.0.0.1:3001 0.0.0.0:*', 'LISTEN 12     511       [::]:3001    [::]:*', ''].join('\n');
    expect(listenQueueFromSs(output)).toBe(12);
  });

  it('is NaN without a listening row, and ignores rows of other states or malformed ones', () => {
    expect(listenQueueFromSs('')).toBeNaN();
    expect(listenQueueFromSs('ESTAB 40 0 127.0.0.1:3001 127.0.0.1:50000\nLISTEN x 511 127.0.0.1:3001 0.0.0.0:*')).toBeNaN();
  });
});

describe.skipIf(!hasSs)('watchAcceptQueue', () => {
  it('finds an idle listener with nothing waiting', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const watch = watchAcceptQueue((server.address() as AddressInfo).port, 20);
      expect(await watch.stop()).toBe(0);
    } finally {
      server.close();
    }
  });

  it('is NaN for a port nothing listens on', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    expect(await watchAcceptQueue(port, 20).stop()).toBeNaN();
  });
});
