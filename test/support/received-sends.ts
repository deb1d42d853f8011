import type { GenesysClient } from '../../runtime/tools/simulator/genesys-client.js';
import type { SendRecord } from '../../runtime/tools/support/genesys-rate-checker.js';

/**
 * What the server sent, as the client saw it arrive, in the form the Genesys rate checker reads.
 * On loopback arrival times track send times within a millisecond. A short audio packet counts as
 * the end of a prompt when no audio follows within its own play time plus 200 ms.
 */
export function receivedSends(client: GenesysClient): SendRecord[] {
  const binary = client.audio.map((chunk, i): SendRecord => {
    const next = client.audioTimes[i + 1];
    const at = client.audioTimes[i]!;
    const endsPrompt = next === undefined || next - at > chunk.byteLength / 8 + 200;
    return { atMs: at, kind: 'binary', bytes: chunk.byteLength, endsPrompt };
  });
  const text = client.received.map((m, i): SendRecord => ({
    atMs: client.receivedTimes[i]!,
    kind: m.type === 'pause' ? 'pause' : m.type === 'resume' ? 'resume' : 'text',
    bytes: JSON.stringify(m).length,
  }));
  return [...binary, ...text].sort((a, b) => a.atMs - b.atMs);
}
