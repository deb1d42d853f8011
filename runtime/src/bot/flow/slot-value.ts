import type { BotInput } from '../ports.js';
import type { FlowSlot } from './flow-definition.js';
import { readSpokenDigits } from './spoken-digits.js';

/**
 * The value a reply gives a slot, or undefined when it does not fit (a no-match). Digits slots take
 * keyed digits (terminator dropped) or digits read out of speech, within `minDigits..maxDigits`;
 * text slots take any non-blank utterance, or keyed digits as text.
 */
export function readSlotValue(
  slot: FlowSlot,
  input: Extract<BotInput, { type: 'text' | 'digits' }>,
  minConfidence: number,
): string | undefined {
  if (input.type === 'text' && (input.confidence ?? 1) < minConfidence) return undefined;
  switch (slot.type) {
    case 'digits': {
      const digits = input.type === 'digits' ? input.digits.split(slot.terminator).join('') : readSpokenDigits(input.text).digits;
      const fits = /^\d+$/.test(digits) && digits.length >= slot.minDigits && digits.length <= slot.maxDigits;
      return fits ? digits : undefined;
    }
    case 'text': {
      const text = (input.type === 'digits' ? input.digits : input.text).trim();
      return text === '' ? undefined : text;
    }
  }
}
