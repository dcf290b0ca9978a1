export * from './api.js';
export * from './caller.js';
export * from './common.js';
export * from './console.js';
export * from './evidence-api.js';
export * from './retention-bounds.js';
export * from './session.js';
export * from './turn.js';
