import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local stand-in for the ECS container agent's task-protection endpoint (aws-notes §5). */
export interface FakeEcsAgent {
  /** Base URI, as ECS sets ECS_AGENT_URI. */
  readonly uri: string;
  /** `ProtectionEnabled` of every PUT /task-protection/v1/state, in order. */
  readonly protection: boolean[];
  close(): Promise<void>;
}

export async function startFakeEcsAgent(): Promise<FakeEcsAgent> {
  const protection: boolean[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      if (req.method !== 'PUT' || req.url !== '/task-protection/v1/state') {
        res.writeHead(404).end();
        return;
      }
      const parsed = JSON.parse(body) as { ProtectionEnabled: boolean; ExpiresInMinutes?: number };
      protection.push(parsed.ProtectionEnabled);
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({ protection: { ProtectionEnabled: parsed.ProtectionEnabled, ExpirationDate: null, TaskArn: 'arn:aws:ecs:test' } }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    uri: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    protection,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
