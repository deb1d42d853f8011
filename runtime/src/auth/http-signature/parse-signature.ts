import { isInnerList, parseDictionary } from 'structured-headers';
import type { Dictionary, InnerList, Item } from 'structured-headers';
import { problem } from '../../shared/errors.js';
import type { Problem } from '../../shared/errors.js';
import { err, ok } from '../../shared/result.js';
import type { Result } from '../../shared/result.js';
import { SIGNATURE_PARAMETERS } from './constants.js';
import type { HeaderFields } from './header-value.js';

/** Signature parameters as parsed; each one may be absent (presence is checked by the verifier). */
export interface SignatureParams {
  readonly keyid?: string;
  readonly nonce?: string;
  readonly alg?: string;
  /** Unix seconds. */
  readonly created?: number;
  /** Unix seconds. */
  readonly expires?: number;
}

/** The first signature of a request, structurally valid, not yet checked against keys or time. */
export interface ParsedSignature {
  readonly label: string;
  /** Covered component identifiers (sf-strings, possibly with parameters), in order. */
  readonly components: readonly Item[];
  readonly params: SignatureParams;
  /** The parsed `Signature-Input` member, re-serialized for the `@signature-params` line. */
  readonly signatureParams: InnerList;
  /** The signature bytes from the `Signature` header. */
  readonly signature: Uint8Array;
}

const malformed = (detail: string, path: string): Result<never, Problem> =>
  err(problem('ERR_AUTH_SIGNATURE_MALFORMED', detail, path));
const badParams = (detail: string): Result<never, Problem> =>
  err(problem('ERR_AUTH_SIGNATURE_PARAMS', detail, 'signature-input'));

/** Absent and empty fields are both "no dictionary" (as the reference server treats them). */
function parseDictionaryField(headers: HeaderFields, name: string): Result<Dictionary, Problem> {
  const raw = headers[name];
  // Repeated field lines form one dictionary (RFC 8941 §4.2).
  const value = typeof raw === 'string' ? raw : raw?.join(', ');
  if (value === undefined || value.trim() === '') return ok(new Map());
  try {
    return ok(parseDictionary(value));
  } catch {
    return malformed('not a structured-field dictionary', name);
  }
}

// Parameters take `unknown`: structured-headers' BareItem names the DOM-only BufferSource type.
const isString = (value: unknown): value is string => typeof value === 'string';
const isSecondsInteger = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

type MutableParams = { -readonly [K in keyof SignatureParams]: SignatureParams[K] };

function parseParams(params: ReadonlyMap<string, unknown>): Result<SignatureParams, Problem> {
  const out: MutableParams = {};
  for (const [key, value] of params) {
    switch (key) {
      case 'keyid':
      case 'nonce':
      case 'alg':
        if (!isString(value)) return badParams('parameter is not a string');
        out[key] = value;
        break;
      case 'created':
      case 'expires':
        if (!isSecondsInteger(value)) return badParams('parameter is not a non-negative integer');
        out[key] = value;
        break;
      default:
        return badParams(`unknown parameter; allowed: ${SIGNATURE_PARAMETERS.join(', ')}`);
    }
  }
  return ok(out);
}

function parseMember(
  label: string,
  inputMember: Item | InnerList,
  signatureMember: Item | InnerList | undefined,
): Result<ParsedSignature, Problem> {
  if (signatureMember === undefined) return malformed('label in Signature-Input has no Signature', 'signature');
  if (isInnerList(signatureMember) || !(signatureMember[0] instanceof ArrayBuffer)) {
    return malformed('signature is not a byte sequence', 'signature');
  }
  if (!isInnerList(inputMember)) return malformed('member is not an inner list', 'signature-input');
  const [components, rawParams] = inputMember;
  if (!components.every(([identifier]) => isString(identifier))) {
    return malformed('component identifier is not a string', 'signature-input');
  }
  const params = parseParams(rawParams);
  if (!params.ok) return params;
  return ok({
    label,
    components,
    params: params.value,
    signatureParams: inputMember,
    signature: new Uint8Array(signatureMember[0]),
  });
}

/**
 * Parses `Signature-Input` and `Signature` (AudioHook §1.3 step 2). `undefined` = unsigned (both
 * absent). Every labelled member must be well formed and use only the known parameters; the first
 * label is the one to verify. Problem details are constant text: nothing from the request.
 */
export function parseSignatureHeaders(headers: HeaderFields): Result<ParsedSignature | undefined, Problem> {
  const input = parseDictionaryField(headers, 'signature-input');
  if (!input.ok) return input;
  const signature = parseDictionaryField(headers, 'signature');
  if (!signature.ok) return signature;
  if (input.value.size === 0 && signature.value.size === 0) return ok(undefined);
  if (input.value.size === 0) return malformed('Signature without Signature-Input', 'signature-input');
  if (signature.value.size === 0) return malformed('Signature-Input without Signature', 'signature');

  let first: ParsedSignature | undefined;
  for (const [label, member] of input.value) {
    const parsed = parseMember(label, member, signature.value.get(label));
    if (!parsed.ok) return parsed;
    first ??= parsed.value;
  }
  // A non-empty dictionary has a first member, so `first` is set here.
  return ok(first);
}
