/** The pure AudioHook v2 protocol: message types, parsing, media negotiation, the session state machine. */
export * from './constants.js';
export * from './duration.js';
export * from './messages.js';
export * from './media.js';
export * from './parse.js';
export * from './session-types.js';
export * from './state-machine.js';
