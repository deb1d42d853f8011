import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildDataActionReply } from '../../../runtime/src/data-action/data-action-reply.js';
import { parseDataActionRequest } from '../../../runtime/src/data-action/parse-data-action-request.js';
import { conversation } from '../store/store-builders.js';

interface GenesysAction {
  name: string;
  integrationType: string;
  actionType: string;
  config: {
    request: { requestUrlTemplate: string; requestType: string; headers: Record<string, string>; requestTemplate: string };
    response: { translationMap: Record<string, string>; translationMapDefaults: Record<string, string>; successTemplate: string };
  };
  contract: {
    input: { inputSchema: { required: string[]; properties: Record<string, unknown> } };
    output: { successSchema: { properties: Record<string, { type: string }> } };
  };
}

const action = JSON.parse(readFileSync(new URL('../../../genesys/data-action.json', import.meta.url), 'utf8')) as GenesysAction;

/** The two Velocity constructs the request template uses: `${input.x}` inside `$esc.jsonString(...)`. */
function renderRequest(inputs: Record<string, string>): string {
  return action.config.request.requestTemplate.replace(/\$esc\.jsonString\(\$\{input\.(\w+)\}\)/g, (_m, name: string) =>
    JSON.stringify(inputs[name] ?? '').slice(1, -1),
  );
}

/** What Genesys does with the response: JSONPath `$.field` per translation map entry, JSON values into the success template. */
function renderSuccess(reply: Record<string, unknown>): unknown {
  const values = Object.fromEntries(
    Object.entries(action.config.response.translationMap).map(([name, path]) => [name, JSON.stringify(reply[path.slice(2)])]),
  );
  return JSON.parse(action.config.response.successTemplate.replace(/\$\{(\w+)\}/g, (_m, name: string) => values[name] ?? 'null'));
}

describe('genesys/data-action.json', () => {
  it('is a Web Services Data Action that POSTs JSON with the integration\'s API key', () => {
    expect({
      integrationType: action.integrationType,
      actionType: action.actionType,
      method: action.config.request.requestType,
      path: new URL(action.config.request.requestUrlTemplate).pathname,
      headers: action.config.request.headers,
    }).toEqual({
      integrationType: 'custom-rest-actions',
      actionType: 'custom',
      method: 'POST',
      path: '/webhooks/rest/webhook',
      headers: { 'Content-Type': 'application/json', 'X-API-KEY': '${credentials.apiKey}' },
    });
  });

  it('renders a request body the route accepts, even when the caller\'s words contain quotes', () => {
    const body = renderRequest({ sender: 'b0f3c1de-1111-4a2b-9c3d-0123456789ab', message: 'say "billing" \\ now', connectorId: 'default' });
    expect(parseDataActionRequest(JSON.parse(body))).toEqual({
      ok: true,
      value: { sender: 'b0f3c1de-1111-4a2b-9c3d-0123456789ab', message: 'say "billing" \\ now', connectorId: 'default' },
    });
  });

  it('maps exactly the output contract\'s fields, each with a default', () => {
    const mapped = Object.keys(action.config.response.translationMap).sort();
    expect({ contract: Object.keys(action.contract.output.successSchema.properties).sort(), defaults: Object.keys(action.config.response.translationMapDefaults).sort() }).toEqual({
      contract: mapped,
      defaults: mapped,
    });
  });

  it('turns a real reply into output matching the contract\'s types', () => {
    const reply = buildDataActionReply([{ type: 'say', text: 'Hi.' }], conversation({ ended: true, outputVariables: { intent: 'x', botOutcome: 'completed' } }));
    const output = renderSuccess(reply as unknown as Record<string, unknown>) as Record<string, unknown>;
    const types = Object.fromEntries(Object.entries(output).map(([k, v]) => [k, Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v]));
    const declared = Object.fromEntries(Object.entries(action.contract.output.successSchema.properties).map(([k, v]) => [k, v.type]));
    expect(types).toEqual(declared);
  });

  it('has defaults that are valid JSON of the declared types', () => {
    const output = JSON.parse(
      action.config.response.successTemplate.replace(/\$\{(\w+)\}/g, (_m, name: string) => action.config.response.translationMapDefaults[name] ?? 'null'),
    ) as Record<string, unknown>;
    expect(output).toEqual({
      text: '',
      messages: [],
      ended: false,
      botOutcome: '',
      intent: '',
      transferTo: '',
      expectDigits: false,
      maxDigits: 0,
      turnCount: 0,
      outputVariablesJson: '{}',
    });
  });
});
