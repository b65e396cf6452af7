export * from './relay.ts';
export * from './http.ts';
export * from './viewer.ts';
export * from './eventually.ts';
export * from './sse.ts';
export * from './webhook-receiver.ts';
