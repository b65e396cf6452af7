export * from './relay.ts';
export * from './http.ts';
export * from './viewer.ts';
export * from './eventually.ts';
